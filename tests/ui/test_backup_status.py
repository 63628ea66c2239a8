"""The fetches behind the backup answer (BackupBook over a Session), without a screen."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import pytest

from divio_tui.api.client import DivioClient
from divio_tui.fake import FakeDivioAPI
from divio_tui.state.backups import BackupBook
from divio_tui.state.session import Session
from tests.ui.helpers import make_client


def lists(api: FakeDivioAPI, route: str) -> list[dict[str, list[str]]]:
    """The query of every list request made to `route` (e.g. "backups")."""
    found = []
    for _method, path, _status in api.requests:
        parts = urlsplit(path)
        if parts.path == f"/apps/v3/{route}/":
            found.append(parse_qs(parts.query))
    return found


def sib_requests(api: FakeDivioAPI) -> list[str]:
    return [path for _m, path, _s in api.requests if "/service-instance-backups/" in path]


@pytest.fixture
async def client(fake_api: FakeDivioAPI) -> AsyncIterator[DivioClient]:
    async with make_client(fake_api) as client:
        yield client


async def test_the_answer_needs_only_the_newest_sibs_fetched_by_uuid(
        fake_api: FakeDivioAPI, client: DivioClient) -> None:
    env = fake_api.dataset.environment("acme-shop", "test")
    assert env is not None
    book = BackupBook(Session(client))

    await book.answer(env["uuid"])

    report = book.report(env["uuid"])
    assert report.answered and not report.loading
    assert report.summary is not None and report.pending > 0  # the older SIBs wait
    assert [s.latest_success is not None for s in report.summary.services] == [True, True]
    fetched = sib_requests(fake_api)
    assert 0 < len(fetched) <= client.concurrency  # one round trip
    assert all(urlsplit(path).query == "" for path in fetched)  # by uuid, never a list scan
    assert lists(fake_api, "backups") == [{"environment": [env["uuid"]], "page_size": ["100"]}]


async def test_complete_reads_every_sib_once_and_a_second_ask_costs_nothing(
        fake_api: FakeDivioAPI, client: DivioClient) -> None:
    env = fake_api.dataset.special_environment("backup_partial")
    book = BackupBook(Session(client))
    await book.answer(env["uuid"])
    await book.complete(env["uuid"])

    report = book.report(env["uuid"])
    mine = fake_api.dataset.where("backups", "environment", env["uuid"])
    assert report.settled and report.pending == 0
    assert report.summary is not None and report.summary.totals.sized_backups == len(mine)
    fetched = sib_requests(fake_api)
    assert sorted(fetched) == sorted(set(fetched))  # none twice
    assert len(fetched) == sum(len(b["service_instance_backups"]) for b in mine)
    fake_api.reset_stats()
    await book.complete(env["uuid"])
    assert fake_api.requests == []


async def test_the_total_size_comes_from_whole_collections_read_already(
        fake_api: FakeDivioAPI, client: DivioClient) -> None:
    env = fake_api.dataset.environment("acme-shop", "live")
    assert env is not None
    session = Session(client)
    book = BackupBook(session)
    # What the backup health reads for a large account: every backup, every SIB.
    for kind in ("backup", "service_instance_backup", "service_instance"):
        await session.collection(kind)
    fake_api.reset_stats()

    report = book.report(env["uuid"])
    mine = fake_api.dataset.where("backups", "environment", env["uuid"])
    sizes = [fake_api.dataset.by_id("service-instance-backups", uuid)["size"] or 0  # type: ignore[index]
             for backup in mine for uuid in backup["service_instance_backups"]]
    assert report.answered and report.sized and not report.totalling
    assert report.summary is not None and report.summary.totals.total_size == sum(sizes)
    await book.complete(env["uuid"])  # what T does: nothing left to read
    assert fake_api.requests == []


async def test_an_ignored_filter_reads_the_whole_collection_once_for_every_environment(
        fake_api: FakeDivioAPI, client: DivioClient) -> None:
    fake_api.ignore_filters = True
    session = Session(client)
    book = BackupBook(session)
    first = fake_api.dataset.special_environment("backup_newest_failed")
    second = fake_api.dataset.special_environment("backup_partial")

    await book.answer(first["uuid"])
    await book.answer(second["uuid"])

    for env in (first, second):
        report = book.report(env["uuid"])
        assert report.filter_ignored and report.answered
        assert report.backups is not None
        assert {b.uuid for b in report.backups} == {
            b["uuid"] for b in fake_api.dataset.where("backups", "environment", env["uuid"])}
    queries = lists(fake_api, "backups")
    read = [q.get("page", ["1"])[0] for q in queries]
    pages = -(-len(fake_api.dataset.collections["backups"]) // 100)
    # Every page once: the first try's page 1, which showed the filter is ignored, is the
    # collection's page 1 (the read goes on from page 2 with the same cursor).
    assert sorted(read, key=int) == [str(n) for n in range(1, pages + 1)]


async def test_a_failed_list_is_kept_until_retry(fake_api: FakeDivioAPI,
                                                 client: DivioClient) -> None:
    env = fake_api.dataset.special_environment("backup_newest_failed")
    book = BackupBook(Session(client))
    fake_api.fail_next("backups", 503, times=100)

    await book.answer(env["uuid"])
    report = book.report(env["uuid"])
    assert report.backups is None and report.error is not None and report.settled
    failed_requests = len(fake_api.requests)
    await book.answer(env["uuid"])  # not retried behind the user's back
    assert len(fake_api.requests) == failed_requests

    fake_api.clear_failures()
    book.retry(env["uuid"])
    await book.answer(env["uuid"])
    report = book.report(env["uuid"])
    assert report.error is None and report.answered


async def test_sibs_that_fail_are_reported_and_the_answer_goes_further_back(
        fake_api: FakeDivioAPI, client: DivioClient) -> None:
    env = fake_api.dataset.environment("acme-shop", "test")
    assert env is not None
    newest = fake_api.dataset.where("backups", "environment", env["uuid"])[0]
    for uuid in newest["service_instance_backups"]:
        fake_api.fail_next(f"service-instance-backups/{uuid}", 404, times=100)
    book = BackupBook(Session(client))

    await book.answer(env["uuid"])

    report = book.report(env["uuid"])
    assert set(report.sib_errors) == set(newest["service_instance_backups"])
    assert report.answered and report.summary is not None
    for status in report.summary.services:
        assert status.latest_success is not None
        assert status.latest_success.backup.uuid != newest["uuid"]
