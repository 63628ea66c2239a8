"""The fake's dataset: deterministic, well-formed, realistic, with the hand-placed edge cases."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import subprocess
import sys
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from divio_tui.fake import FIXED_NOW, Dataset, generate
from divio_tui.fake.dataset import ROUTES

ID = re.compile(r"^[a-z2-7]{26}$")
TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$")
# (route, field, target route) for every reference a record holds.
REFERENCES = [
    ("applications", "organisation", "organisations"),
    ("applications", "repository", "repositories"),
    ("environments", "application", "applications"),
    ("deployments", "environment", "environments"),
    ("builds", "environment", "environments"),
    ("builds", "deployment", "deployments"),
    ("backups", "environment", "environments"),
    ("service-instance-backups", "backup", "backups"),
    ("service-instance-backups", "service_instance", "service-instances"),
    ("service-instances", "environment", "environments"),
    ("service-instances", "service", "services"),
    ("service-instances", "region", "regions"),
    ("services", "region", "regions"),
    ("repositories", "organisation", "organisations"),
    ("domains", "environment", "environments"),
    ("patches", "application", "applications"),
    ("environment-variables", "environment", "environments"),
]


def parse(ts: str) -> datetime:
    return datetime.fromisoformat(ts)


def test_same_arguments_give_byte_identical_json() -> None:
    assert generate("demo", 3, FIXED_NOW).to_json() == generate("demo", 3, FIXED_NOW).to_json()
    assert generate("tiny", 0, FIXED_NOW).to_json() == generate("tiny", 0, FIXED_NOW).to_json()


def test_identical_in_another_process_with_another_hash_seed(demo_dataset: Dataset) -> None:
    code = ("import hashlib; from divio_tui.fake import generate, FIXED_NOW; "
            "print(hashlib.sha256(generate('demo', 0, FIXED_NOW).to_json().encode()).hexdigest())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONHASHSEED": "4242"})
    assert out.stdout.strip() == hashlib.sha256(demo_dataset.to_json().encode()).hexdigest()


def test_seed_and_now_change_the_data() -> None:
    base = generate("tiny", 0, FIXED_NOW)
    assert generate("tiny", 1, FIXED_NOW).to_json() != base.to_json()
    later = generate("tiny", 0, FIXED_NOW + timedelta(days=1))
    assert later.collections["backups"][0]["created_at"] > base.collections["backups"][0]["created_at"]


def test_now_defaults_to_the_current_hour() -> None:
    now = generate("tiny").now
    assert now.tzinfo is not None and (now.minute, now.second, now.microsecond) == (0, 0, 0)
    assert abs(datetime.now(UTC) - now) < timedelta(hours=1, minutes=1)


def test_every_id_is_26_char_base32_of_a_uuid4_and_unique(demo_dataset: Dataset) -> None:
    ids = [demo_dataset.me["uuid"]] + [rec["uuid"] for recs in demo_dataset.collections.values() for rec in recs]
    assert len(ids) == len(set(ids))
    for value in ids:
        assert ID.match(value), value
        raw = base64.b32decode(value.upper() + "======")
        assert uuid.UUID(bytes=raw).version == 4


def test_every_timestamp_is_drf_style_and_not_after_now(demo_dataset: Dataset) -> None:
    now = demo_dataset.now
    seen = 0
    for records in [*demo_dataset.collections.values(), [demo_dataset.me]]:
        for rec in records:
            for key, value in rec.items():
                if key.endswith("_at") and value is not None and key != "scheduled_for_deletion_at":
                    assert TS.match(value), (key, value)
                    assert not value.endswith(".000000Z")  # micros only when non-zero
                    assert parse(value) <= now, (key, value)
                    seen += 1
    assert seen > 10_000


def test_references_resolve(demo_dataset: Dataset) -> None:
    for route, field, target in REFERENCES:
        for rec in demo_dataset.collections[route]:
            if rec[field] is not None:
                assert demo_dataset.by_id(target, rec[field]) is not None, (route, field)
    assert set(demo_dataset.collections) == set(ROUTES)


def test_demo_cast(demo_dataset: Dataset) -> None:
    ds = demo_dataset
    assert [org["name"] for org in ds.collections["organisations"]] == [
        "Northwind Digital", "Globex Corporation", "Tiny Robots"]
    apps = ds.collections["applications"]
    assert len(apps) == 19  # 15 + 4 added to Tiny Robots for the cases of test_dataset_cases.py
    acme = ds.application("acme-shop")
    assert acme is not None and acme["name"] == "ACME Shop"
    # Adversarial: a name an honest UI must show literally.
    assert any(app["name"] == "Legacy [bold]CMS[/bold]" for app in apps)
    assert any(app["repository"] is None for app in apps)
    assert any(app["repository"] is not None for app in apps)
    assert {r["name"] for r in ds.collections["regions"]} == {
        "Frankfurt (eu-central-1)", "London (eu-west-2)", "New York (us-east-1)"}
    for app in apps:
        slugs = [env["slug"] for env in ds.where("environments", "application", app["uuid"])]
        assert slugs[:2] == ["test", "live"]  # creation order
    extras = Counter(env["slug"] for env in ds.collections["environments"])
    assert extras["dev"] >= 2 and extras["staging"] >= 2
    assert {"main", "develop", "master"} <= {env["branch"] for env in ds.collections["environments"]}
    assert {r["state"] for r in ds.collections["repositories"]} >= {"CLONED", "INVALID"}


def test_service_instances_and_services(demo_dataset: Dataset) -> None:
    ds = demo_dataset
    for env in ds.collections["environments"]:
        sis = ds.where("service-instances", "environment", env["uuid"])
        assert [(si["prefix"], si["type"]) for si in sis[:2]] == [("DEFAULT", "DATABASE"), ("DEFAULT", "STORAGE")]
    assert any(si["prefix"] == "ANALYTICS" for si in ds.collections["service-instances"])
    identifiers = {ds.by_id("services", si["service"])["identifier"]  # type: ignore[index]
                   for si in ds.collections["service-instances"]}
    assert {"postgres-15", "mysql-8.0", "s3"} <= identifiers


def test_environment_variables(demo_dataset: Dataset) -> None:
    ds = demo_dataset
    env = ds.environment("acme-shop", "live")
    assert env is not None
    variables = {var["name"]: var for var in ds.where("environment-variables", "environment", env["uuid"])}
    for name in ("SECRET_KEY", "DATABASE_URL", "DEFAULT_DATABASE_DSN", "DEFAULT_STORAGE_DSN"):
        assert variables[name]["is_sensitive"] is True
    for name in ("STAGE", "GIT_BRANCH", "DOMAIN"):
        assert variables[name]["is_sensitive"] is False
    assert variables["STAGE"]["value"] == "live"
    assert variables["GIT_BRANCH"]["value"] == env["branch"]
    assert variables["DOMAIN"]["value"] == "shop.acme.example"
    # Adversarial: a value carrying a terminal escape sequence.
    assert any("\x1b[" in var["value"] for var in ds.collections["environment-variables"])


def test_backups_cover_sixty_days_at_two_am_with_both_services(demo_dataset: Dataset) -> None:
    ds = demo_dataset
    env = ds.environment("globex-website", "live")
    assert env is not None
    backups = ds.where("backups", "environment", env["uuid"])
    scheduled = [b for b in backups if b["trigger"] == "SCHEDULED"]
    assert 55 <= len(scheduled) <= 60
    assert all(parse(b["created_at"]).hour == 2 for b in scheduled)
    assert any(b["trigger"] == "MANUAL" for b in ds.collections["backups"])
    assert {b["notes"] for b in ds.collections["backups"]} >= {"Divio CLI pull", "before migration"}
    for backup in scheduled:
        sibs = [ds.by_id("service-instance-backups", sib_id) for sib_id in backup["service_instance_backups"]]
        assert [sib["service_type"] for sib in sibs] == ["DATABASE", "STORAGE"]  # type: ignore[index]
        assert all(sib["backup"] == backup["uuid"] for sib in sibs)  # type: ignore[index]


def test_backup_lists_are_newest_first_and_sibs_consistent(demo_dataset: Dataset) -> None:
    ds = demo_dataset
    created = [parse(b["created_at"]) for b in ds.collections["backups"]]
    assert created == sorted(created, reverse=True)
    listed = [sib_id for b in ds.collections["backups"] for sib_id in b["service_instance_backups"]]
    assert listed == [sib["uuid"] for sib in ds.collections["service-instance-backups"]]
    for sib in ds.collections["service-instance-backups"]:
        si = ds.by_id("service-instances", sib["service_instance"])
        assert si is not None and si["type"] == sib["service_type"]
        backup = ds.by_id("backups", sib["backup"])
        assert backup is not None and si["environment"] == backup["environment"]


def test_outcomes_and_sizes(demo_dataset: Dataset) -> None:
    ds = demo_dataset
    outcomes = Counter(b["success"] for b in ds.collections["backups"])
    assert outcomes["SUCCESS"] > 1000 and outcomes["FAILURE"] >= 10 and outcomes["PARTIAL"] >= 10
    for backup in ds.collections["backups"]:
        sibs = [ds.by_id("service-instance-backups", s) for s in backup["service_instance_backups"]]
        failed = [sib for sib in sibs if sib["errors"]]  # type: ignore[index]
        if backup["success"] == "PARTIAL":
            assert len(failed) == 1 and len(sibs) > 1
            assert all(isinstance(m, str) and m for m in failed[0]["errors"])  # type: ignore[index]
        if backup["success"] == "FAILURE":
            assert len(failed) == len(sibs)
    for sib in ds.collections["service-instance-backups"]:
        if sib["size"] is not None:
            assert isinstance(sib["size"], int) and sib["taken_at"] and sib["ended_at"]
    # Storage is larger than the database; databases range from tens of MB to GBs.
    db = [s["size"] for s in ds.collections["service-instance-backups"] if s["service_type"] == "DATABASE" and s["size"]]
    assert min(db) < 200e6 and max(db) > 1e9
    env = ds.environment("acme-shop", "live")
    assert env is not None
    pairs = [(s["service_type"], s["size"]) for b in ds.where("backups", "environment", env["uuid"])[1:]
             for s in (ds.by_id("service-instance-backups", i) for i in b["service_instance_backups"])
             if s and s["size"]]
    db_sizes = [size for kind, size in pairs if kind == "DATABASE"]
    storage_sizes = [size for kind, size in pairs if kind == "STORAGE"]
    assert db_sizes[0] > db_sizes[-1]  # growing slowly over time (newest first)
    assert db_sizes[0] < db_sizes[-1] * 1.5
    assert min(storage_sizes) > max(db_sizes)


def test_hand_placed_edge_cases(demo_dataset: Dataset) -> None:
    ds = demo_dataset
    working = ds.where("backups", "environment", ds.special_environment("backup_working")["uuid"])
    assert (working[0]["state"], working[0]["success"]) == ("WORKING", None)
    sibs = [ds.by_id("service-instance-backups", s) for s in working[0]["service_instance_backups"]]
    assert any(sib["ended_at"] is None and sib["size"] is None for sib in sibs)  # type: ignore[index]

    failed = ds.where("backups", "environment", ds.special_environment("backup_newest_failed")["uuid"])
    assert failed[0]["state"] == "COMPLETED" and failed[0]["success"] == "FAILURE"
    assert failed[1]["success"] == "SUCCESS"

    partial = ds.where("backups", "environment", ds.special_environment("backup_partial")["uuid"])
    assert partial[0]["success"] == "PARTIAL"

    running = ds.where("deployments", "environment", ds.special_environment("deploy_running")["uuid"])
    assert running[0]["status"] == "WORKING" and running[0]["ended_at"] is None
    assert running[0]["success"] is None and running[0]["percent"] < 100

    env = ds.special_environment("deploy_failed")
    assert env["last_finished_deployment"]["success"] is False

    never = ds.special_environment("never_deployed")
    assert never["last_finished_deployment"] is None
    assert ds.where("deployments", "environment", never["uuid"]) == []
    assert ds.where("backups", "environment", never["uuid"]) == []

    # Everywhere else the newest backup is a completed success (the backup-health cases added
    # later are checked in test_dataset_cases.py).
    special = {ds.special_environment(k)["uuid"] for k in ("backup_working", "backup_newest_failed", "backup_partial",
                                                            "backup_failing", "backup_never", "backup_working_db_done")}
    for env in ds.collections["environments"]:
        backups = ds.where("backups", "environment", env["uuid"])
        if backups and env["uuid"] not in special:
            assert backups[0]["success"] == "SUCCESS", env


def test_deployments_and_last_finished_deployment(demo_dataset: Dataset) -> None:
    ds = demo_dataset
    created = [parse(d["created_at"]) for d in ds.collections["deployments"]]
    assert created == sorted(created, reverse=True)
    assert any(d["success"] is False for d in ds.collections["deployments"])
    for env in ds.collections["environments"]:
        finished = [d for d in ds.where("deployments", "environment", env["uuid"]) if d["ended_at"]]
        if finished:
            newest = finished[0]
            assert env["last_finished_deployment"] == {"uuid": newest["uuid"], "status": newest["status"],
                                                       "success": newest["success"], "ended_at": newest["ended_at"]}
    assert len(ds.collections["builds"]) == len(ds.collections["deployments"])


def test_logs_are_generated_with_escape_sequences(demo_dataset: Dataset) -> None:
    ds = demo_dataset
    dep = ds.collections["deployments"][5]
    text = ds.deployment_logs(dep["uuid"])
    assert text is not None and "\x1b[" in text and text == ds.deployment_logs(dep["uuid"])
    assert ds.deployment_logs("nosuchdeployment") is None
    env = ds.environment("acme-shop", "live")
    assert env is not None
    entries = ds.environment_logs(env["uuid"])
    assert entries and len(entries) > 200
    assert {e["service"] for e in entries} <= {"web", "worker", "cronjob", "shell"}
    assert any("\x1b[" in e["message"] for e in entries)
    assert all(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$", e["timestamp"]) for e in entries)
    assert [e["timestamp"] for e in entries] == sorted(e["timestamp"] for e in entries)
    assert ds.environment_logs(ds.special_environment("never_deployed")["uuid"]) == []


def test_tiny_scale_and_mutation_helpers() -> None:
    ds = generate("tiny", now=FIXED_NOW)
    assert ds.counts()["organisations"] == 1 and ds.counts()["applications"] == 2
    for kind in ds.special:
        ds.special_environment(kind)
    env = ds.environment("tinyrobots-app", "live")
    assert env is not None
    record = ds.add("backups", {"environment": env["uuid"], "state": "WORKING", "success": None})
    assert ID.match(record["uuid"])
    assert ds.where("backups", "environment", env["uuid"])[0] is record
    assert ds.by_id("backups", record["uuid"]) is record
    assert ds.remove("backups", record["uuid"]) is record
    assert ds.by_id("backups", record["uuid"]) is None


def test_unknown_scale_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown scale"):
        generate("enormous", now=FIXED_NOW)  # type: ignore[arg-type]
