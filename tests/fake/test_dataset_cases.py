"""The hand-placed cases for backup health, compare, env-var snapshots and hostile logs.

Each case is found by its kind (`Dataset.special`, table in dataset.py) and checked for the
property a feature relies on. The backup-health verdicts are computed here by a small
reference over the raw records (per service instance: its newest SIB that ended without
errors is its latest good backup, whatever its backup's state), with the 26-hour threshold.
"""

from __future__ import annotations

import hashlib
import itertools
from datetime import datetime, timedelta
from typing import Any

import pytest

from divio_tui.fake import FIXED_NOW, Dataset, FakeDivioAPI, generate
from divio_tui.fake._logs import HOSTILE, LONG_LINE_CHARS

MAX_AGE = timedelta(hours=26)
AUTH = {"Authorization": "Token t", "Host": "api.divio.com"}
ADDED_KINDS = ("backup_ok", "backup_stale", "backup_failing", "backup_never", "backup_no_backups",
               "backup_working_db_done", "compare_test_live", "compare_test_live_2", "compare_many_vars",
               "deploy_envvars_changed", "deploy_envvars_many", "deploy_log_build_failed",
               "deploy_log_hostile", "logs_hostile", "logs_long_line", "logs_hostile_unicode")


def when(value: str) -> datetime:
    return datetime.fromisoformat(value)


def service_verdicts(ds: Dataset, env: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(type, prefix) -> ok | stale | failing | never | no backups, for each service instance."""
    verdicts = {}
    for si in ds.where("service-instances", "environment", env["uuid"]):
        sibs = ds.where("service-instance-backups", "service_instance", si["uuid"])
        good = [sib for sib in sibs if sib["ended_at"] and not sib["errors"]]
        finished = sorted((sib for sib in sibs if sib["ended_at"]), key=lambda sib: sib["queued_at"], reverse=True)
        failed_in_a_row = next((i for i, sib in enumerate(finished) if not sib["errors"]), len(finished))
        if not sibs:
            verdict = "no backups"
        elif not good:
            verdict = "never"
        elif failed_in_a_row >= 2:
            verdict = "failing"
        elif ds.now - max(when(sib["ended_at"]) for sib in good) > MAX_AGE:
            verdict = "stale"
        else:
            verdict = "ok"
        verdicts[(si["type"], si["prefix"])] = verdict
    return verdicts


def variables(ds: Dataset, env: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {var["name"]: var for var in ds.where("environment-variables", "environment", env["uuid"])}


def pair(ds: Dataset, kind: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The (test, live) environments of the application carrying `kind`."""
    app_slug, _ = ds.special[kind]
    test, live = ds.environment(app_slug, "test"), ds.environment(app_slug, "live")
    assert test is not None and live is not None
    return test, live


@pytest.mark.parametrize("scale", ["demo", "large"])
def test_every_added_kind_is_placed_on_a_deployed_environment(scale: str) -> None:
    ds = generate(scale, now=FIXED_NOW)  # type: ignore[arg-type]
    for kind in ADDED_KINDS:
        env = ds.special_environment(kind)
        assert env["last_finished_deployment"] is not None, kind
        assert ds.where("service-instances", "environment", env["uuid"]), kind
    assert not set(ADDED_KINDS) & set(generate("tiny", now=FIXED_NOW).special)


# -- backup health ----------------------------------------------------------------------------
@pytest.mark.parametrize(("kind", "expected"), [
    ("backup_ok", {("DATABASE", "DEFAULT"): "ok", ("STORAGE", "DEFAULT"): "ok"}),
    ("backup_stale", {("DATABASE", "DEFAULT"): "stale", ("STORAGE", "DEFAULT"): "stale"}),
    ("backup_failing", {("DATABASE", "DEFAULT"): "failing", ("STORAGE", "DEFAULT"): "failing"}),
    ("backup_never", {("DATABASE", "DEFAULT"): "ok", ("STORAGE", "DEFAULT"): "never"}),
    ("backup_no_backups", {("DATABASE", "DEFAULT"): "ok", ("STORAGE", "DEFAULT"): "ok",
                           ("STORAGE", "UPLOADS"): "no backups"}),
    ("backup_working_db_done", {("DATABASE", "DEFAULT"): "ok", ("STORAGE", "DEFAULT"): "ok"}),
])
def test_backup_health_verdicts(demo_dataset: Dataset, kind: str, expected: dict[tuple[str, str], str]) -> None:
    assert service_verdicts(demo_dataset, demo_dataset.special_environment(kind)) == expected


def test_most_deployed_environments_are_ok(demo_dataset: Dataset) -> None:
    ds = demo_dataset
    verdicts = [set(service_verdicts(ds, env).values()) for env in ds.collections["environments"]
                if env["last_finished_deployment"] is not None]
    assert sum(v == {"ok"} for v in verdicts) >= 0.8 * len(verdicts)


def test_stale_backups_stopped_three_days_ago(demo_dataset: Dataset) -> None:
    ds = demo_dataset
    backups = ds.where("backups", "environment", ds.special_environment("backup_stale")["uuid"])
    assert len(backups) > 10
    newest = when(backups[0]["created_at"])
    assert timedelta(days=3) < ds.now - newest < timedelta(days=4)
    assert (backups[0]["state"], backups[0]["success"]) == ("COMPLETED", "SUCCESS")


def test_failing_backups_failed_three_times_after_a_good_one(demo_dataset: Dataset) -> None:
    ds = demo_dataset
    backups = ds.where("backups", "environment", ds.special_environment("backup_failing")["uuid"])
    assert [b["success"] for b in backups[:4]] == ["FAILURE", "FAILURE", "FAILURE", "SUCCESS"]
    assert ds.now - when(backups[0]["created_at"]) < timedelta(hours=12)
    for backup in backups[:3]:
        sibs = [ds.by_id("service-instance-backups", uuid) for uuid in backup["service_instance_backups"]]
        assert all(sib and sib["errors"] and sib["size"] is None for sib in sibs)
    messages = {sib["errors"][0] for b in backups[:3] for sib in
                (ds.by_id("service-instance-backups", uuid) for uuid in b["service_instance_backups"]) if sib}
    assert len(messages) == 2  # the same story every time: one message per service type


def test_never_backed_up_storage_failed_every_time(demo_dataset: Dataset) -> None:
    ds = demo_dataset
    backups = ds.where("backups", "environment", ds.special_environment("backup_never")["uuid"])
    assert len(backups) >= 10 and {b["success"] for b in backups} == {"PARTIAL"}
    for backup in backups:
        sibs = [ds.by_id("service-instance-backups", uuid) for uuid in backup["service_instance_backups"]]
        assert {(sib["service_type"], bool(sib["errors"])) for sib in sibs if sib} == {
            ("DATABASE", False), ("STORAGE", True)}


def test_a_storage_instance_no_backup_includes(demo_dataset: Dataset) -> None:
    ds = demo_dataset
    env = ds.special_environment("backup_no_backups")
    uploads = [si for si in ds.where("service-instances", "environment", env["uuid"]) if si["prefix"] == "UPLOADS"]
    assert len(uploads) == 1 and uploads[0]["type"] == "STORAGE" and uploads[0]["service_status"] == "READY"
    assert ds.where("service-instance-backups", "service_instance", uploads[0]["uuid"]) == []
    assert "UPLOADS_STORAGE_DSN" in variables(ds, env)
    assert ds.where("backups", "environment", env["uuid"])[0]["success"] == "SUCCESS"


def test_a_working_backup_holds_the_latest_database_backup(demo_dataset: Dataset) -> None:
    ds = demo_dataset
    env = ds.special_environment("backup_working_db_done")
    backups = ds.where("backups", "environment", env["uuid"])
    working = backups[0]
    assert (working["state"], working["success"]) == ("WORKING", None)
    sibs = {sib["service_type"]: sib for sib in (ds.by_id("service-instance-backups", uuid)
                                                 for uuid in working["service_instance_backups"]) if sib}
    db, storage = sibs["DATABASE"], sibs["STORAGE"]
    assert db["ended_at"] and not db["errors"] and db["size"] and db["taken_at"]
    assert storage["started_at"] and storage["ended_at"] is None and storage["size"] is None
    assert when(db["ended_at"]) <= ds.now
    db_si = db["service_instance"]
    good_db = [sib for sib in ds.where("service-instance-backups", "service_instance", db_si)
               if sib["ended_at"] and not sib["errors"]]
    assert max(good_db, key=lambda sib: sib["ended_at"]) is db
    assert (backups[1]["state"], backups[1]["success"]) == ("COMPLETED", "SUCCESS")


# -- compare test against live ----------------------------------------------------------------
@pytest.mark.parametrize("kind", ["compare_test_live", "compare_test_live_2"])
def test_test_and_live_differ_in_telling_ways(demo_dataset: Dataset, kind: str) -> None:
    ds = demo_dataset
    test, live = pair(ds, kind)
    a, b = variables(ds, test), variables(ds, live)
    assert set(a) - set(b) and set(b) - set(a)  # one only on test, one only on live
    common = set(a) & set(b)
    plain_changed = {n for n in common if not a[n]["is_sensitive"] and a[n]["value"] != b[n]["value"]}
    assert plain_changed - {"STAGE", "DOMAIN", "DOMAIN_ALIASES", "GIT_BRANCH", "LOG_LEVEL"}
    secret_changed = {n for n in common if a[n]["is_sensitive"] and a[n]["value"] != b[n]["value"]}
    assert secret_changed - {"SECRET_KEY", "DATABASE_URL", "DEFAULT_DATABASE_DSN", "DEFAULT_STORAGE_DSN", "SENTRY_DSN"}
    assert any(a[n]["is_sensitive"] and a[n]["value"] == b[n]["value"] for n in common)
    # The platform's own variables differ as expected.
    assert (a["STAGE"]["value"], b["STAGE"]["value"]) == ("test", "live")
    assert a["DOMAIN"]["value"] != b["DOMAIN"]["value"]
    assert test["branch"] != live["branch"]
    domains = [{d["domain"] for d in ds.where("domains", "environment", env["uuid"])} for env in (test, live)]
    assert domains[0] != domains[1]


def test_one_side_has_an_extra_service_instance(demo_dataset: Dataset) -> None:
    ds = demo_dataset
    test, live = pair(ds, "compare_test_live")
    kinds = [{(si["type"], si["prefix"]) for si in ds.where("service-instances", "environment", env["uuid"])}
             for env in (test, live)]
    assert kinds[1] - kinds[0] == {("DATABASE", "ANALYTICS")} and kinds[0] < kinds[1]
    extra = {d["domain"] for d in ds.where("domains", "environment", test["uuid"])} - {
        d["domain"] for d in ds.where("domains", "environment", live["uuid"])}
    assert "fleet-preview.tinyrobots.dev" in extra


def test_hundreds_of_variables_mostly_the_same(demo_dataset: Dataset) -> None:
    ds = demo_dataset
    test, live = pair(ds, "compare_many_vars")
    a, b = variables(ds, test), variables(ds, live)
    assert len(b) == 350 and len(a) > 300
    api = FakeDivioAPI(ds)
    page = api.handle("GET", f"/apps/v3/environment-variables/?environment={live['uuid']}&page_size=100", AUTH).json()
    assert page["count"] == 350 and page["next"]  # type: ignore[index]  # spans pages
    platform = {"DATABASE_URL", "DEFAULT_DATABASE_DSN", "DEFAULT_STORAGE_DSN", "DOMAIN", "DOMAIN_ALIASES",
                "GIT_BRANCH", "SECRET_KEY", "STAGE", "LOG_LEVEL", "SENTRY_DSN"}
    different = {n for n in set(a) | set(b) - platform
                 if n not in a or n not in b or a[n]["value"] != b[n]["value"]} - platform
    assert 4 <= len(different) <= 10, sorted(different)
    same = {n for n in set(a) & set(b) if a[n]["value"] == b[n]["value"]}
    assert len(same) > 320


# -- deployment env-var snapshots -------------------------------------------------------------
def _steps(ds: Dataset, kind: str) -> list[tuple[dict[str, Any], dict[str, set[str]]]]:
    """Newest first: (deployment, {added, removed, changed} relative to the one before it)."""
    env = ds.special_environment(kind)
    deployments = ds.where("deployments", "environment", env["uuid"])
    out = []
    for newer, older in itertools.pairwise(deployments):
        new = ds.deployment_environment_variables(newer["uuid"])
        old = ds.deployment_environment_variables(older["uuid"])
        assert new is not None and old is not None
        out.append((newer, {"added": set(new) - set(old), "removed": set(old) - set(new),
                            "changed": {n for n in set(new) & set(old) if new[n] != old[n]}}))
    return out


def test_what_changed_since_the_last_good_deploy(demo_dataset: Dataset) -> None:
    ds = demo_dataset
    steps = _steps(ds, "deploy_envvars_changed")
    newest, diff = steps[0]
    assert newest["success"] is False and steps[1][0]["success"] is True  # the later one failed
    assert diff == {"added": {"ROUTE_PLANNER_ENABLED"}, "removed": {"LEGACY_TELEMETRY_URL"},
                    "changed": {"PIP_INDEX_URL"}}
    assert steps[1][1]["changed"] == {"STRIPE_SECRET_KEY"}  # a sensitive value rotated
    assert steps[2][1]["changed"] == {"WORKERS"} and steps[3][1]["added"] == {"CDN_URL"}
    assert all(d == {"added": set(), "removed": set(), "changed": set()} for _, d in steps[4:])
    # The newest snapshot is today's variables; the detail lists its names.
    env = ds.special_environment("deploy_envvars_changed")
    today = {n: v["value"] for n, v in variables(ds, env).items()}
    assert ds.deployment_environment_variables(newest["uuid"]) == today
    assert ds.detail("deployments", newest["uuid"])["environment_variables"] == sorted(today)  # type: ignore[index]
    older = steps[4][0]
    names = ds.detail("deployments", older["uuid"])["environment_variables"]  # type: ignore[index]
    assert "LEGACY_TELEMETRY_URL" in names


def test_snapshots_of_many_variables_change_over_good_deploys(demo_dataset: Dataset) -> None:
    steps = _steps(demo_dataset, "deploy_envvars_many")
    assert all(dep["success"] for dep, _ in steps[:4])
    assert [d for _, d in steps[:3]] == [
        {"added": {"FF_BATCH_UPLOADS"}, "removed": set(), "changed": set()},
        {"added": set(), "removed": set(), "changed": {"INGEST_BATCH_SIZE"}},
        {"added": set(), "removed": {"CALIB_R13_BASE_OFFSET"}, "changed": set()},
    ]


def test_snapshots_through_the_server(demo_dataset: Dataset) -> None:
    api = FakeDivioAPI(demo_dataset)
    env = demo_dataset.special_environment("deploy_envvars_changed")
    older = demo_dataset.where("deployments", "environment", env["uuid"])[5]
    body = api.handle("GET", f"/apps/v3/deployments/{older['uuid']}/environment-variables", AUTH).json()
    assert body["uuid"] == older["uuid"] and body["environment"] == env["uuid"]  # type: ignore[index]
    snapshot = demo_dataset.deployment_environment_variables(older["uuid"])
    assert body["environment_variables"] == snapshot  # type: ignore[index]
    assert "LEGACY_TELEMETRY_URL" in body["environment_variables"]  # type: ignore[index]
    # Elsewhere the snapshot is still today's values of the environment.
    other = demo_dataset.environment("acme-shop", "live")
    assert other is not None
    dep = demo_dataset.where("deployments", "environment", other["uuid"])[3]
    assert demo_dataset.deployment_environment_variables(dep["uuid"]) == {
        n: v["value"] for n, v in variables(demo_dataset, other).items()}


# -- hostile logs ---------------------------------------------------------------------------
def test_hostile_runtime_logs(demo_dataset: Dataset) -> None:
    ds = demo_dataset
    entries = ds.environment_logs(ds.special_environment("logs_hostile")["uuid"])
    assert entries
    text = "\n".join(e["message"] for e in entries)
    assert [name for name, sample in HOSTILE.items() if sample not in text] == []
    assert max(len(e["message"]) for e in entries) >= LONG_LINE_CHARS
    assert [e["timestamp"] for e in entries] == sorted(e["timestamp"] for e in entries)
    assert all(when(e["timestamp"][:26] + "Z") <= ds.now for e in entries)
    # The newest page (the one a viewer shows first) carries them.
    page = FakeDivioAPI(ds).handle(
        "GET", f"/apps/v3/environments/{ds.special_environment('logs_hostile')['uuid']}/logs/", AUTH).json()
    newest = "\n".join(e["message"] for e in page["results"])  # type: ignore[index]
    assert HOSTILE["osc52"] in newest and HOSTILE["bidi"] in newest and "\ufffd" in newest


def test_long_line_and_unicode_runtime_logs(demo_dataset: Dataset) -> None:
    ds = demo_dataset
    long = ds.environment_logs(ds.special_environment("logs_long_line")["uuid"])
    assert long and sum(len(e["message"]) >= LONG_LINE_CHARS for e in long) == 1
    uni = ds.environment_logs(ds.special_environment("logs_hostile_unicode")["uuid"])
    assert uni
    text = "\n".join(e["message"] for e in uni)
    for name in ("replacement", "bidi", "zero_width", "combining", "wide"):
        assert HOSTILE[name] in text, name
    assert HOSTILE["osc52"] not in text


def test_hostile_deployment_log(demo_dataset: Dataset) -> None:
    ds = demo_dataset
    dep = ds.where("deployments", "environment", ds.special_environment("deploy_log_hostile")["uuid"])[0]
    text = ds.deployment_logs(dep["uuid"])
    assert text is not None and dep["success"] is True
    assert [name for name, sample in HOSTILE.items() if sample not in text] == []
    assert max(map(len, text.splitlines())) >= LONG_LINE_CHARS
    assert text == ds.deployment_logs(dep["uuid"])


def test_failed_build_log_has_steps_and_error_lines(demo_dataset: Dataset) -> None:
    ds = demo_dataset
    env = ds.special_environment("deploy_log_build_failed")
    dep = ds.where("deployments", "environment", env["uuid"])[0]
    assert dep["success"] is False and env["last_finished_deployment"]["uuid"] == dep["uuid"]
    build = ds.where("builds", "deployment", dep["uuid"])
    assert [b["success"] for b in build] == [False]
    text = ds.deployment_logs(dep["uuid"])
    assert text is not None
    lines = text.splitlines()
    steps = [line for line in lines if line.startswith("Step ")]
    assert steps[0].startswith("Step 1/12 : FROM ") and "Step 3/12 : RUN " in "\n".join(steps)
    assert steps[-1].startswith("Step 9/12 : RUN pip install")
    errors = [line for line in lines if line.startswith("ERROR:")]
    assert len(errors) == 2 and any(line.startswith("WARNING:") for line in lines)
    # The failure names the mistyped index URL of the deployment's own snapshot.
    snapshot = ds.deployment_environment_variables(dep["uuid"])
    assert snapshot is not None and f"Looking in indexes: {snapshot['PIP_INDEX_URL']}" in lines
    assert "Deployment failed" in lines[-1]


# -- huge ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def huge() -> Dataset:
    return generate("huge", now=FIXED_NOW)


def test_huge_scale(huge: Dataset) -> None:
    ds = huge
    org = ds.collections["organisations"][-1]
    assert org["name"] == "Massive Dynamic"
    assert len(ds.where("applications", "organisation", org["uuid"])) == 5000
    slugs = [app["slug"] for app in ds.collections["applications"]]
    assert len(slugs) == len(set(slugs))
    for kind in ds.special:  # the demo cast and its cases are part of it
        ds.special_environment(kind)
    backups = ds.where("backups", "environment", ds.special_environment("huge_backups")["uuid"])
    assert len(backups) == 20_000
    assert all(len(b["service_instance_backups"]) == 2 for b in backups)
    assert sum(1 for b in backups for _ in b["service_instance_backups"]) == 40_000
    created = [b["created_at"] for b in backups]
    assert created == sorted(created, reverse=True) and when(created[0]) <= ds.now
    dep = ds.where("deployments", "environment", ds.special_environment("deploy_log_huge")["uuid"])[0]
    text = ds.deployment_logs(dep["uuid"])
    assert text is not None and text.count("\n") == 100_000 and text.endswith("\n")
    doc = ds.to_json()
    assert "Copying '/app/static/" not in doc and len(doc) < 100_000_000  # logs: made on request
    digest = hashlib.sha256(doc.encode()).hexdigest()
    del doc
    assert hashlib.sha256(generate("huge", now=FIXED_NOW).to_json().encode()).hexdigest() == digest
