"""The per-service backup answer, on the fake's hand-placed edge cases."""

from __future__ import annotations

import pytest

from divio_tui.api.backup_summary import summarise
from divio_tui.api.models import Backup, ServiceInstance, ServiceInstanceBackup
from divio_tui.fake import FIXED_NOW, Dataset, generate


@pytest.fixture(scope="module")
def tiny() -> Dataset:
    return generate("tiny", seed=0, now=FIXED_NOW)


def _inputs(ds: Dataset, special: str) -> tuple[str, list[Backup], dict[str, ServiceInstanceBackup], dict[str, ServiceInstance]]:
    env = ds.special_environment(special)["uuid"]
    backups = [Backup.model_validate(b) for b in ds.collections["backups"]]
    sibs = {
        s["uuid"]: ServiceInstanceBackup.model_validate(s)
        for s in ds.collections["service-instance-backups"]
    }
    instances = {
        s["uuid"]: ServiceInstance.model_validate(s) for s in ds.collections["service-instances"]
    }
    return env, backups, sibs, instances


def _env_backups(ds: Dataset, env: str) -> list[dict]:
    return [b for b in ds.collections["backups"] if b["environment"] == env]


def test_newest_failed_backup_reports_the_older_success_and_the_failure(tiny: Dataset) -> None:
    env, backups, sibs, instances = _inputs(tiny, "backup_newest_failed")
    newest, previous = _env_backups(tiny, env)[:2]
    assert newest["success"] == "FAILURE" and previous["success"] == "SUCCESS"

    summary = summarise(env, backups, sibs, instances)

    assert [s.label for s in summary.services] == ["DATABASE · DEFAULT", "STORAGE · DEFAULT"]
    for status in summary.services:
        assert status.latest_success is not None
        assert status.latest_success.backup.uuid == previous["uuid"]
        assert status.latest_problem is not None
        assert status.latest_problem.backup.uuid == newest["uuid"]
        assert status.latest_problem.outcome == "failed"


def test_partial_backup_counts_for_the_service_that_succeeded(tiny: Dataset) -> None:
    env, backups, sibs, instances = _inputs(tiny, "backup_partial")
    newest, previous = _env_backups(tiny, env)[:2]
    assert newest["success"] == "PARTIAL"

    by_type = {s.label.split(" · ")[0]: s for s in summarise(env, backups, sibs, instances).services}

    database, storage = by_type["DATABASE"], by_type["STORAGE"]
    assert database.latest_success is not None and database.latest_success.backup.uuid == newest["uuid"]
    assert database.latest_problem is None
    assert storage.latest_success is not None and storage.latest_success.backup.uuid == previous["uuid"]
    assert storage.latest_problem is not None and storage.latest_problem.backup.uuid == newest["uuid"]


def test_a_running_backup_whose_database_part_ended_holds_the_latest_database_backup(
        tiny: Dataset) -> None:
    env, backups, sibs, instances = _inputs(tiny, "backup_working")
    newest, previous = _env_backups(tiny, env)[:2]
    assert newest["state"] == "WORKING"

    by_type = {s.label.split(" · ")[0]: s for s in summarise(env, backups, sibs, instances).services}

    database, storage = by_type["DATABASE"], by_type["STORAGE"]
    assert database.latest_success is not None
    assert database.latest_success.backup.uuid == newest["uuid"]
    assert database.latest_problem is None
    assert storage.latest_success is not None and storage.latest_success.backup.uuid == previous["uuid"]
    assert storage.latest_problem is not None and storage.latest_problem.outcome == "running"
    assert storage.failures_since_success == 0  # running is not failing


def test_a_sib_that_never_ended_in_a_completed_backup_failed() -> None:
    backup = Backup.model_validate({"uuid": "b1", "environment": "e", "state": "COMPLETED",
                                    "success": "PARTIAL", "service_instance_backups": ["s1"],
                                    "created_at": "2026-11-25T02:00:00Z"})
    sib = ServiceInstanceBackup.model_validate({"uuid": "s1", "backup": "b1", "service_instance": "i",
                                                "queued_at": "2026-11-25T02:00:01Z", "ended_at": None})

    (status,) = summarise("e", [backup], {"s1": sib}).services

    assert status.latest_success is None
    assert status.latest_problem is not None and status.latest_problem.outcome == "failed"
    assert status.failures_since_success == 1


def test_failures_since_the_latest_success_are_counted(tiny: Dataset) -> None:
    env, backups, sibs, instances = _inputs(tiny, "backup_newest_failed")

    for status in summarise(env, backups, sibs, instances).services:
        assert status.failures_since_success == 1
        assert status.attempts == len(_env_backups(tiny, env))


def test_an_answer_is_settled_only_when_no_newer_sib_is_unknown(tiny: Dataset) -> None:
    env, backups, sibs, instances = _inputs(tiny, "backup_newest_failed")
    newest, _previous, older = _env_backups(tiny, env)[:3]
    # The newest backup's SIBs are unknown: the older success may not be the latest one.
    without_newest = {k: v for k, v in sibs.items() if k not in newest["service_instance_backups"]}
    summary = summarise(env, backups, without_newest, instances)
    assert not summary.complete and not summary.answers([s.service_instance for s in summary.services])
    assert all(s.latest_success is not None and not s.settled for s in summary.services)
    # Only older SIBs unknown: the answer stands.
    without_older = {k: v for k, v in sibs.items() if k not in older["service_instance_backups"]}
    summary = summarise(env, backups, without_older, instances)
    assert not summary.complete and summary.answers([s.service_instance for s in summary.services])
    # Unknown but unreadable (the fetch failed): the answer stands too, nothing is left to read.
    summary = summarise(env, backups, without_newest, instances,
                        unreadable=newest["service_instance_backups"])
    assert summary.complete


def test_other_environments_backups_are_ignored_and_totals_add_up(tiny: Dataset) -> None:
    env, backups, sibs, instances = _inputs(tiny, "backup_partial")
    mine = _env_backups(tiny, env)

    totals = summarise(env, backups, sibs, instances).totals

    assert totals.count == len(mine)
    assert totals.sized_backups == len(mine)
    assert totals.total_size == sum(
        sibs[s].size or 0 for b in mine for s in b["service_instance_backups"]
    )
    assert totals.oldest is not None and totals.newest is not None
    assert totals.oldest < totals.newest


def test_unknown_sibs_are_reported_missing_not_guessed(tiny: Dataset) -> None:
    env, backups, sibs, instances = _inputs(tiny, "backup_newest_failed")
    newest = _env_backups(tiny, env)[0]
    partial = {k: v for k, v in sibs.items() if k not in newest["service_instance_backups"]}

    summary = summarise(env, backups, partial, instances)

    assert summary.missing_sibs == set(newest["service_instance_backups"])
    assert all(s.latest_problem is None for s in summary.services)
    assert summary.totals.sized_backups == summary.totals.count - 1
