"""Comparing environments and deployments on the demo data: every kind of difference found and
labelled, expected ones explained, secrets marked, paged lists read whole, failures kept."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from divio_tui.api.client import DivioClient
from divio_tui.api.models import Deployment, Environment
from divio_tui.fake import FIXED_NOW, Dataset, FakeDivioAPI, FakeTransport
from divio_tui.state.backups import BackupBook
from divio_tui.state.compare import (
    BACKUPS,
    DOMAINS,
    ENVIRONMENT,
    SECRET_MASK,
    SERVICES,
    VARIABLES,
    Row,
    Section,
    Status,
    report_json,
)
from divio_tui.state.compare_variables import Names, Variable, looks_secret, variable_rows
from divio_tui.state.comparison import (
    DeploymentComparison,
    EnvironmentComparison,
    default_counterpart,
    previous_deployment,
)
from divio_tui.state.session import Session
from divio_tui.ui.text.labels import MASK

TOKEN = "compare-test-token-0000"


def client_for(api: FakeDivioAPI, page_size: int = 100) -> DivioClient:
    return DivioClient("https://api.divio.com/apps/v3/", TOKEN, transport=FakeTransport(api),
                       page_size=page_size, backoff_base=0.001, retry_after_cap=0.01)


def env_uuid(dataset: Dataset, app: str, env: str) -> str:
    record = dataset.environment(app, env)
    assert record is not None
    return str(record["uuid"])


async def compare(api: FakeDivioAPI, app: str, a: str = "test", b: str = "live",
                  page_size: int = 100) -> tuple[EnvironmentComparison, dict[str, Section]]:
    session = Session(client_for(api, page_size))
    comparison = EnvironmentComparison(session, BackupBook(session),
                                       env_uuid(api.dataset, app, a), env_uuid(api.dataset, app, b))
    await comparison.load()
    return comparison, {section.title: section for section in comparison.sections(FIXED_NOW)}


def by_name(section: Section) -> dict[str, Row]:
    return {row.name: row for row in section.rows}


async def test_test_against_live_finds_and_labels_every_kind_of_difference(
        fake_api: FakeDivioAPI) -> None:
    _, sections = await compare(fake_api, "tinyrobots-fleet")
    assert all(section.error is None and not section.loading for section in sections.values())
    variables = by_name(sections[VARIABLES])
    # Only on one side, a changed value, a sensitive one that differs, one that is the same.
    assert variables["DEBUG_TOOLBAR"].status is Status.ONLY_A
    assert variables["CDN_URL"].status is Status.ONLY_B
    workers = variables["WORKERS"]
    assert (workers.status, workers.a and workers.a.value, workers.b and workers.b.value) == (
        Status.DIFFERS, "2", "8")
    assert workers.surprising
    stripe = variables["STRIPE_SECRET_KEY"]
    assert stripe.status is Status.DIFFERS and stripe.secret and stripe.surprising
    mapbox = variables["MAPBOX_TOKEN"]
    assert mapbox.status is Status.SAME and mapbox.secret
    # The platform's own differ as expected, each with its reason; none is hidden.
    assert variables["STAGE"].expected == "each names its own environment"
    assert variables["GIT_BRANCH"].expected == "each names its own environment"
    assert variables["DOMAIN"].expected == "each lists its own domains"
    assert variables["SECRET_KEY"].expected == "generated for each environment"
    assert variables["DATABASE_URL"].expected == "each environment has its own database"
    analytics = variables["ANALYTICS_DATABASE_DSN"]
    assert (analytics.status, analytics.expected) == (
        Status.ONLY_B, "only B has the ANALYTICS database")
    # LOG_LEVEL and the sentry project are not the platform's business: surprising.
    assert variables["LOG_LEVEL"].surprising and variables["SENTRY_DSN"].surprising
    # Differences first, the surprising ones before the expected ones, the same last.
    ranks = [row.rank for row in sections[VARIABLES].rows]
    assert ranks == sorted(ranks)

    environment = by_name(sections[ENVIRONMENT])
    branch = environment["branch"]
    assert (branch.status, branch.a and branch.a.value, branch.b and branch.b.value) == (
        Status.DIFFERS, "release/2.4", "main")
    last = environment["last deployment"]
    assert (last.a and last.a.value, last.b and last.b.value) == ("success", "failed")
    assert last.surprising
    assert environment["deployment running"].status is Status.SAME

    services = by_name(sections[SERVICES])
    assert services["DATABASE · ANALYTICS"].status is Status.ONLY_B
    assert services["DATABASE · DEFAULT"].status is Status.SAME
    default_db = services["DATABASE · DEFAULT"].a
    assert default_db is not None and default_db.value.startswith("PostgreSQL 16 · Frankfurt")

    domains = by_name(sections[DOMAINS])
    assert domains["fleet-preview.tinyrobots.dev"].status is Status.ONLY_A
    assert domains["primary"].expected == "each environment has its own"

    backups = by_name(sections[BACKUPS])
    assert backups["DATABASE · DEFAULT"].status is Status.SAME
    good = backups["DATABASE · DEFAULT"].a
    assert good is not None and good.value == "good" and good.target is not None
    assert backups["DATABASE · ANALYTICS"].expected == "only B has this service"


async def test_hundreds_of_variables_over_several_pages_compare_correctly(
        fake_api: FakeDivioAPI) -> None:
    _, sections = await compare(fake_api, "tinyrobots-telemetry", page_size=50)
    variables = sections[VARIABLES]
    rows = by_name(variables)
    dataset = fake_api.dataset
    names_test = {v["name"] for v in dataset.where(
        "environment-variables", "environment", env_uuid(dataset, "tinyrobots-telemetry", "test"))}
    names_live = {v["name"] for v in dataset.where(
        "environment-variables", "environment", env_uuid(dataset, "tinyrobots-telemetry", "live"))}
    assert (len(names_test), len(names_live)) == (351, 350)
    assert set(rows) == names_test | names_live
    pages = [path for _, path, _ in fake_api.requests if "/environment-variables/" in path]
    assert len(pages) >= 2 * 7  # 351 / 50 per environment: every page was read
    surprising = {row.name for row in variables.rows if row.surprising}
    assert surprising == {"CALIB_R7_WRIST_GAIN", "DEBUG_SQL", "FF_LEGACY_EXPORT",
                          "FF_NEW_PIPELINE", "INGEST_API_KEY", "INGEST_BATCH_SIZE",
                          "INGEST_REPLAY_FROM", "LOG_LEVEL", "SENTRY_DSN"}
    assert rows["TIMESCALE_LICENSE_KEY"].status is Status.SAME
    assert rows["TIMESCALE_LICENSE_KEY"].secret
    assert rows["INGEST_API_KEY"].secret
    assert variables.same == len(rows) - len(surprising) - variables.expected


async def test_an_environment_against_itself_differs_in_nothing(fake_api: FakeDivioAPI) -> None:
    _, sections = await compare(fake_api, "tinyrobots-fleet", "live", "live")
    assert not any(row.differs for section in sections.values() for row in section.rows)


async def test_a_deployment_against_the_one_before_it(fake_api: FakeDivioAPI) -> None:
    session = Session(client_for(fake_api))
    live = env_uuid(fake_api.dataset, "tinyrobots-fleet", "live")
    newest = fake_api.dataset.where("deployments", "environment", live)[0]
    deployment = await session.get("deployment", newest["uuid"])
    assert isinstance(deployment, Deployment) and deployment.success is False
    previous = await previous_deployment(session, deployment)
    assert previous is not None and previous.success is True
    comparison = DeploymentComparison(session, previous.uuid, deployment.uuid)
    await comparison.load()
    (section,) = comparison.sections(FIXED_NOW)
    changes = {row.name: comparison.words[row.status] for row in section.rows if row.differs}
    assert changes == {"ROUTE_PLANNER_ENABLED": "added", "LEGACY_TELEMETRY_URL": "removed",
                       "PIP_INDEX_URL": "changed"}
    pip = by_name(section)["PIP_INDEX_URL"]
    assert pip.a is not None and pip.b is not None
    assert (pip.a.value, pip.b.value) == ("https://pypi.tinyrobots.dev/simple/",
                                          "https://pypi.tinyrobots.dev/simpel/")
    assert pip.b.target == ("deployment", deployment.uuid)
    assert by_name(section)["STRIPE_SECRET_KEY"].secret  # sensitive in the environment today
    # Both deploys' times and outcomes, for the headers and the JSON.
    assert comparison.side_json(0)["success"] is True
    assert comparison.side_json(1)["success"] is False
    assert comparison.side_json(1)["started_at"] == newest["started_at"]


async def test_older_deploys_rotated_a_secret_and_changed_a_value(fake_api: FakeDivioAPI) -> None:
    session = Session(client_for(fake_api))
    live = env_uuid(fake_api.dataset, "tinyrobots-fleet", "live")
    deployments = fake_api.dataset.where("deployments", "environment", live)
    comparison = DeploymentComparison(session, deployments[3]["uuid"], deployments[1]["uuid"])
    await comparison.load()
    (section,) = comparison.sections(FIXED_NOW)
    changed = {row.name for row in section.rows if row.differs}
    assert changed == {"STRIPE_SECRET_KEY", "WORKERS"}
    assert by_name(section)["STRIPE_SECRET_KEY"].secret


async def test_the_other_main_environment_is_the_default(fake_api: FakeDivioAPI) -> None:
    session = Session(client_for(fake_api))
    for app, slug, other in (("tinyrobots-fleet", "test", "live"),
                             ("tinyrobots-fleet", "live", "test"),
                             ("acme-shop", "staging", "live")):
        env = await session.get("environment", env_uuid(fake_api.dataset, app, slug))
        assert isinstance(env, Environment)
        found = await default_counterpart(session, env)
        assert found is not None and found.slug == other


async def test_a_failed_list_is_kept_and_retried(fake_api: FakeDivioAPI) -> None:
    fake_api.fail_next("/apps/v3/domains", 503, times=20)
    comparison, sections = await compare(fake_api, "tinyrobots-fleet")
    assert sections[DOMAINS].error is not None and not sections[DOMAINS].rows
    assert sections[VARIABLES].error is None  # the rest stands
    fake_api.clear_failures()
    comparison.retry()
    await comparison.load()
    domains = {s.title: s for s in comparison.sections(FIXED_NOW)}[DOMAINS]
    assert domains.error is None and domains.rows


async def test_unknown_sensitivity_masks_every_snapshot_value(fake_api: FakeDivioAPI) -> None:
    session = Session(client_for(fake_api))
    live = env_uuid(fake_api.dataset, "tinyrobots-fleet", "live")
    deployments = fake_api.dataset.where("deployments", "environment", live)
    fake_api.fail_next("/apps/v3/environment-variables", 503, times=20)
    comparison = DeploymentComparison(session, deployments[1]["uuid"], deployments[0]["uuid"])
    await comparison.load()
    (section,) = comparison.sections(FIXED_NOW)
    assert section.error is not None
    assert section.rows and all(row.secret for row in section.rows)


def test_values_naming_their_own_environment_are_expected() -> None:
    test = Environment(uuid="a" * 26, slug="test", branch="develop", application="x")
    live = Environment(uuid="b" * 26, slug="live", branch="main", application="x")
    names = (Names.of(test, "my-app", ["my-app-test.example.com"]),
             Names.of(live, "my-app", ["my-app.example.com", "www.example.com"]))
    a = {"API_URL": Variable("https://my-app-test.example.com/api"),
         "BUCKET": Variable("my_app_test_media"), "QUEUE": Variable("jobs-test"),
         "FEATURE": Variable("on"), "DOMAIN_ALIASES": Variable("")}
    b = {"API_URL": Variable("https://my-app.example.com/api"),
         "BUCKET": Variable("my_app_live_media"), "QUEUE": Variable("jobs-live-2"),
         "FEATURE": Variable("off"), "DOMAIN_ALIASES": Variable("www.example.com")}
    rows = {row.name: row for row in variable_rows(a, b, names=names)}
    assert rows["API_URL"].expected and rows["BUCKET"].expected
    assert rows["DOMAIN_ALIASES"].expected == "each lists its own domains"
    assert rows["QUEUE"].surprising and rows["FEATURE"].surprising


def test_secret_looking_names() -> None:
    assert all(map(looks_secret, ("STRIPE_SECRET_KEY", "DB_PASSWORD", "MAPBOX_TOKEN",
                                  "SENTRY_DSN", "API_KEY", "DATABASE_URL", "KEY")))
    assert not any(map(looks_secret, ("WORKERS", "CDN_URL", "KEYBOARD_LAYOUT", "MONKEY")))


async def test_the_json_masks_secrets_unless_revealed(fake_api: FakeDivioAPI) -> None:
    comparison, _ = await compare(fake_api, "tinyrobots-fleet")
    sections = comparison.sections(FIXED_NOW)
    sides = (comparison.side_json(0), comparison.side_json(1))
    secrets = [v["value"] for v in fake_api.dataset.collections["environment-variables"]
               if v["is_sensitive"] and v["environment"] in comparison.uuids]
    masked = json.dumps(report_json("environments", sides, sections, comparison.words,
                                    reveal=False))
    assert secrets and not any(secret in masked for secret in secrets)
    assert TOKEN not in masked
    revealed = json.dumps(report_json("environments", sides, sections, comparison.words,
                                      reveal=True))
    assert all(secret in revealed for secret in secrets)
    document = json.loads(masked)
    stripe = next(row for row in document["rows"] if row["name"] == "STRIPE_SECRET_KEY")
    assert stripe["a"] == {"value": SECRET_MASK, "masked": True, "kind": "environment_variable",
                           "uuid": stripe["a"]["uuid"]}
    assert document["differences"] == sum(row["status"] != "same" and row["expected"] is None
                                          for row in document["rows"])


def test_the_mask_is_the_explorer_s() -> None:
    assert SECRET_MASK == MASK


@pytest.mark.parametrize(("age", "word"), [(timedelta(hours=3), "good"),
                                           (timedelta(days=3), "stale")])
async def test_a_stale_backup_reads_stale(fake_api: FakeDivioAPI, age: timedelta,
                                          word: str) -> None:
    comparison, _ = await compare(fake_api, "tinyrobots-fleet")
    when = by_name(comparison.sections(FIXED_NOW)[-1])["DATABASE · DEFAULT"].a
    assert when is not None and when.at is not None
    sections = comparison.sections(when.at + age)
    cell = by_name(sections[-1])["DATABASE · DEFAULT"].a
    assert cell is not None and cell.value == word
