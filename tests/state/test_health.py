"""Backup health without a screen: verdicts, the two plans, scopes, failures, serialisation.

The oracle for verdicts is the small reference over the raw records in
tests/fake/test_dataset_cases.py (independent of the code under test); the oracle for the
answers is the environment summary's own path (`BackupBook.answer` in a fresh session).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest

from divio_tui.api.client import DivioClient
from divio_tui.api.models import Application, Environment, Organisation
from divio_tui.fake import FIXED_NOW, Dataset, FakeDivioAPI, generate
from divio_tui.state.backups import BackupBook
from divio_tui.state.health import HealthRow, Verdict, assess, csv_text, row_json
from divio_tui.state.health_plan import Counts, Plan, choose_plan
from divio_tui.state.health_scan import HealthScan
from divio_tui.state.health_targets import Scope
from divio_tui.state.session import Session
from tests.fake.test_dataset_cases import service_verdicts
from tests.ui.helpers import make_client

MAX_AGE = timedelta(hours=26)


def scan_of(client: DivioClient, scope: Scope | None = None, plan: Plan | None = None,
            book: BackupBook | None = None) -> HealthScan:
    book = book or BackupBook(Session(client))
    return HealthScan(book, scope or Scope.account(), now=lambda: FIXED_NOW, max_age=MAX_AGE,
                      plan=plan)


def answer_of(row: HealthRow) -> list[tuple[Any, ...]]:
    """What a row says per service: verdict, latest good SIB, newer attempt, failures."""
    return [(service.service_instance, service.verdict,
             service.latest.sib.uuid if service.latest else None,
             (service.problem.sib.uuid, service.problem.outcome) if service.problem else None,
             service.failures) for service in row.services]


def backup_reads(api: FakeDivioAPI) -> list[str]:
    return [path for _m, path, _s in api.requests
            if urlsplit(path).path.startswith(("/apps/v3/backups/",
                                               "/apps/v3/service-instance-backups/"))]


@pytest.fixture
async def client(fake_api: FakeDivioAPI) -> AsyncIterator[DivioClient]:
    async with make_client(fake_api) as client:
        yield client


@pytest.mark.parametrize("ignore_filters", [False, True], ids=["filters", "no-filters"])
@pytest.mark.parametrize("plan", list(Plan), ids=["per-environment", "collections"])
async def test_every_demo_environment_gets_the_reference_verdict(
        fake_api: FakeDivioAPI, plan: Plan, ignore_filters: bool) -> None:
    fake_api.ignore_filters = ignore_filters
    dataset = fake_api.dataset
    async with make_client(fake_api) as client:
        rows = await scan_of(client, plan=plan).run()

    assert len(rows) == len(dataset.collections["environments"])
    for row in rows:
        expected = service_verdicts(dataset, dataset.by_id("environments", row.uuid) or {})
        assert {(s.service_type, s.prefix): str(s.verdict) for s in row.services} == expected
    verdicts = {(row.application.slug if row.application else None, row.environment.slug):
                row.verdict for row in rows}
    for kind, verdict in [("backup_ok", Verdict.OK), ("backup_stale", Verdict.STALE),
                          ("backup_failing", Verdict.FAILING), ("backup_never", Verdict.NEVER),
                          ("backup_no_backups", Verdict.NO_BACKUPS),
                          ("backup_working_db_done", Verdict.OK),
                          ("backup_working", Verdict.OK),
                          # the newest failed, the one before is 34 h old
                          ("backup_newest_failed", Verdict.STALE)]:
        assert verdicts[dataset.special[kind]] == verdict, kind
    assert verdicts[("orbit-conf-2026", "staging")] == Verdict.NO_BACKUPS  # never deployed


@pytest.mark.parametrize("ignore_filters", [False, True], ids=["filters", "no-filters"])
async def test_the_collections_plan_agrees_with_every_environment_summary(
        demo_dataset: Dataset, ignore_filters: bool) -> None:
    scanned_api = FakeDivioAPI(demo_dataset, ignore_filters=ignore_filters)
    async with make_client(scanned_api) as client:
        rows = {row.uuid: row for row in await scan_of(client, plan=Plan.COLLECTIONS).run()}
    summary_api = FakeDivioAPI(demo_dataset, ignore_filters=ignore_filters)
    async with make_client(summary_api) as client:
        book = BackupBook(Session(client))
        for uuid, row in rows.items():
            await book.answer(uuid)  # what the environment summary does for one environment
            report = book.report(uuid)
            assert report.answered
            alone = assess(row.environment, row.application, row.organisation, report,
                           now=FIXED_NOW, max_age=MAX_AGE)
            assert (alone.verdict, answer_of(alone)) == (row.verdict, answer_of(row))


async def test_rows_are_worst_first_and_name_their_place(fake_api: FakeDivioAPI,
                                                         client: DivioClient) -> None:
    rows = await scan_of(client).run()

    ranks = [row.verdict.rank for row in rows]
    assert ranks == sorted(ranks)
    assert rows[0].verdict == Verdict.NEVER and rows[-1].verdict == Verdict.OK
    never = rows[0]
    assert never.application is not None and never.organisation is not None
    assert (never.organisation.name, never.application.slug, never.environment.slug) == (
        "Tiny Robots", "tinyrobots-store", "staging")


async def test_an_application_scope_reads_only_its_environments(fake_api: FakeDivioAPI,
                                                                client: DivioClient) -> None:
    dataset = fake_api.dataset
    application = Application.model_validate(dataset.application("acme-shop"))
    scan = scan_of(client, Scope.application(application))

    rows = await scan.run()

    expected = {env["uuid"] for env in dataset.where("environments", "application",
                                                     application.uuid)}
    assert {row.uuid for row in rows} == expected
    assert scan.progress.plan is Plan.PER_ENVIRONMENT
    assert scan.progress.total == scan.progress.done == len(expected)
    # Per environment: its own backups list, never the whole collection.
    listed = [urlsplit(path) for path in backup_reads(fake_api)
              if urlsplit(path).path == "/apps/v3/backups/"]
    assert listed and all("environment=" in url.query for url in listed)


async def test_an_organisation_scope_holds_its_applications_environments(
        fake_api: FakeDivioAPI, client: DivioClient) -> None:
    dataset = fake_api.dataset
    record = next(org for org in dataset.collections["organisations"]
                  if org["name"] == "Tiny Robots")
    rows = await scan_of(client, Scope.organisation(Organisation.model_validate(record))).run()

    applications = {app["uuid"] for app in dataset.where("applications", "organisation",
                                                         record["uuid"])}
    assert {row.uuid for row in rows} == {
        env["uuid"] for env in dataset.collections["environments"]
        if env["application"] in applications}
    assert all(row.organisation is not None and row.organisation.uuid == record["uuid"]
               for row in rows)


async def test_what_the_environment_summary_read_is_not_read_again(
        fake_api: FakeDivioAPI, client: DivioClient) -> None:
    dataset = fake_api.dataset
    env = dataset.environment("acme-shop", "live")
    assert env is not None
    book = BackupBook(Session(client))
    await book.answer(env["uuid"])  # the cursor rested on acme-shop/live
    fake_api.reset_stats()

    rows = await scan_of(client, Scope.application(
        Application.model_validate(dataset.application("acme-shop"))), book=book).run()

    assert env["uuid"] in {row.uuid for row in rows}
    assert not any(env["uuid"] in path for path in backup_reads(fake_api))


async def test_a_scan_over_answered_environments_sends_no_backup_request(
        fake_api: FakeDivioAPI, client: DivioClient) -> None:
    book = BackupBook(Session(client))
    first = await scan_of(client, book=book).run()
    fake_api.reset_stats()

    second = await scan_of(client, book=book).run()

    assert [answer_of(row) for row in second] == [answer_of(row) for row in first]
    assert backup_reads(fake_api) == []


async def test_a_backups_read_that_fails_makes_an_unknown_row_with_the_reason(
        fake_api: FakeDivioAPI, client: DivioClient) -> None:
    dataset = fake_api.dataset
    fake_api.fail_next("backups", 503, times=1000)

    rows = await scan_of(client, Scope.application(
        Application.model_validate(dataset.application("acme-shop")))).run()

    assert rows and all(row.verdict == Verdict.UNKNOWN for row in rows)
    assert all(row.error is not None and "503" in str(row_json(row)["error"]) for row in rows)


async def test_a_listing_that_fails_ends_the_scan_with_the_reason(
        fake_api: FakeDivioAPI, client: DivioClient) -> None:
    fake_api.fail_next("environments", 503, times=1000)
    scan = scan_of(client)

    assert await scan.run() == []

    assert scan.progress.finished and scan.progress.error is not None
    assert "503" in str(getattr(scan.progress.error, "message", scan.progress.error))


def test_the_plan_follows_the_counts() -> None:
    large = generate("large", seed=0, now=FIXED_NOW).counts()
    counts = Counts(large["backups"], large["service-instance-backups"],
                    large["service-instances"], large["environments"])

    assert choose_plan(2, counts, 100) is Plan.PER_ENVIRONMENT
    assert choose_plan(large["environments"], counts, 100) is Plan.COLLECTIONS
    # Somewhere between lies the crossover, and ignoring the filter moves it down.
    crossover = next(n for n in range(1, 5000) if choose_plan(n, counts, 100)
                     is Plan.COLLECTIONS)
    ignored = next(n for n in range(1, 5000) if choose_plan(n, counts, 100, filter_ignored=True)
                   is Plan.COLLECTIONS)
    assert 10 < ignored < crossover < large["environments"]


def test_json_and_csv_give_times_in_utc_and_sizes_in_bytes(demo_dataset: Dataset) -> None:
    env = demo_dataset.special_environment("backup_failing")
    row = _row(demo_dataset, env)

    body = json.loads(json.dumps(row_json(row)))

    assert body["verdict"] == "failing"
    database = next(s for s in body["services"] if s["type"] == "DATABASE")
    assert database["latest"]["taken_at"].endswith("Z")
    assert isinstance(database["latest"]["size"], int)
    assert database["newer_attempt"]["outcome"] == "failed"
    assert database["newer_attempt"]["errors"][0].startswith(("pg_dump", "mysqldump"))
    assert database["failures_since_latest"] == 3
    lines = list(csv.DictReader(io.StringIO(csv_text([row]))))
    assert [line["service_type"] for line in lines] == ["DATABASE", "STORAGE"]
    assert lines[0]["latest_size_bytes"] == str(database["latest"]["size"])


def test_csv_cells_never_start_a_formula(demo_dataset: Dataset) -> None:
    env = demo_dataset.special_environment("backup_ok")
    row = _row(demo_dataset, env)
    hostile = Organisation.model_validate({"uuid": "o", "name": "=HYPERLINK(\"http://x\")"})
    text = csv_text([HealthRow(row.environment, row.application, hostile, row.verdict,
                               row.services)])

    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=" not in text


def _row(dataset: Dataset, env: dict[str, Any]) -> HealthRow:
    """A row assessed straight from the dataset (the summary's path, without HTTP)."""
    import asyncio

    async def build() -> HealthRow:
        async with make_client(FakeDivioAPI(dataset)) as client:
            book = BackupBook(Session(client))
            await book.answer(env["uuid"])
            application = Application.model_validate(dataset.by_id("applications",
                                                                   env["application"]))
            return assess(Environment.model_validate(env), application, None,
                          book.report(env["uuid"]), now=FIXED_NOW, max_age=MAX_AGE)

    return asyncio.run(build())
