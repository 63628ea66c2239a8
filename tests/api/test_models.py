"""Models keep what they do not know, parse time to UTC, and never sink a list for one record."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from divio_tui.api import (
    Backup,
    BadResponse,
    Environment,
    EnvironmentVariable,
    ServiceInstanceBackup,
    User,
)
from divio_tui.api.models import parse_model, parse_page

URL = "https://api.example.test/apps/v3/backups/?page=2"

HOWTO_SIB = {
    "uuid": "bagztldeadfdhlilnmpzx3twly", "backup": "vyn5jrwaenga7kzevilxs66hd4",
    "service_instance": "x3rgfx4ycrpokelrawxfmmrewu",
    "queued_at": "2021-03-01T02:11:22.025898Z", "started_at": "2021-03-01T02:36:37Z",
    "ended_at": "2021-03-01T02:36:39Z", "taken_at": "2021-03-01T02:36:37Z",
    "size": 303780, "errors": [],
}


def test_howto_sample_parses_with_aware_utc_timestamps() -> None:
    sib = ServiceInstanceBackup.model_validate(HOWTO_SIB)
    assert sib.queued_at == datetime(2021, 3, 1, 2, 11, 22, 25898, tzinfo=UTC)
    assert sib.taken_at is not None and sib.taken_at.tzinfo is UTC
    assert sib.is_successful and not sib.is_running


def test_unknown_fields_are_kept_and_raw_is_the_original_json() -> None:
    data = {"uuid": "b1", "state": "COMPLETED", "brand_new_field": {"nested": [1, 2]}}
    backup = Backup.model_validate(data)
    assert backup.raw == data
    assert backup.model_extra == {"brand_new_field": {"nested": [1, 2]}}
    assert backup.model_dump(mode="json")["brand_new_field"] == {"nested": [1, 2]}


def test_offset_and_naive_timestamps_become_the_same_instant_in_utc() -> None:
    offset = Backup.model_validate({"uuid": "a", "created_at": "2026-11-25T03:36:00+01:00"})
    naive = Backup.model_validate({"uuid": "b", "created_at": "2026-11-25T02:36:00"})
    assert offset.created_at == naive.created_at == datetime(2026, 11, 25, 2, 36, tzinfo=UTC)
    assert offset.created_at is not None and offset.created_at.utcoffset() is not None


@pytest.mark.parametrize(
    ("errors", "expected"),
    [([], []), (None, []), ("", []), ("disk full", ["disk full"]), (["a", 2], ["a", "2"])],
)
def test_sib_errors_tolerate_list_string_and_null(errors: object, expected: list[str]) -> None:
    sib = ServiceInstanceBackup.model_validate({**HOWTO_SIB, "errors": errors})
    assert sib.errors == expected


def test_running_sib_and_backup_helpers() -> None:
    sib = ServiceInstanceBackup.model_validate({"uuid": "s", "ended_at": None, "size": None})
    assert sib.is_running and not sib.is_successful
    working = Backup.model_validate({"uuid": "b", "state": "WORKING", "success": None})
    done = Backup.model_validate({"uuid": "c", "state": "COMPLETED", "success": "PARTIAL"})
    assert working.is_running and not working.is_successful
    assert not done.is_running and not done.is_successful


def test_backup_time_falls_back_to_unknown_timestamp_fields() -> None:
    # The real API's backup timestamps are unknown; a field we did not declare still counts.
    backup = Backup.model_validate({"uuid": "b", "started_at": "2026-11-25T02:36:00Z"})
    assert backup.when == datetime(2026, 11, 25, 2, 36, tzinfo=UTC)


def test_environment_nested_objects_and_missing_optional_fields() -> None:
    env = Environment.model_validate({
        "uuid": "e", "last_finished_deployment": {"uuid": "d", "extra": 1},
        "ssh_endpoint": {"host": "ssh.example", "port": 22, "user": "app"},
    })
    assert env.last_finished_deployment is not None
    assert env.last_finished_deployment.uuid == "d"
    assert env.ssh_endpoint is not None and env.ssh_endpoint.port == 22
    assert env.slug is None and env.branch is None


def test_environment_variable_without_uuid_has_a_stable_key() -> None:
    var = EnvironmentVariable.model_validate({"environment": "e1", "name": "SECRET_KEY"})
    assert var.key == "e1:SECRET_KEY"


def test_user_display_name() -> None:
    assert User.model_validate({"uuid": "u", "first_name": "Alex"}).display_name == "Alex"
    assert User.model_validate({"uuid": "u", "email": "a@b.c"}).display_name == "a@b.c"


def test_parse_model_without_uuid_is_a_bad_response_naming_the_field() -> None:
    with pytest.raises(BadResponse) as caught:
        parse_model(Backup, {"state": "COMPLETED"}, url=URL)
    assert caught.value.message == (
        "Unreadable backup (uuid: Field required) — GET /apps/v3/backups/?page=2"
    )


def test_one_bad_record_becomes_invalid_and_the_rest_of_the_page_survives() -> None:
    body = {"count": 3, "next": None, "previous": None,
            "results": [{"uuid": "ok"}, {"uuid": 7, "huge": "x" * 10_000}, "not an object"]}
    page = parse_page(Backup, body, url=URL)
    assert [backup.uuid for backup in page.results] == ["ok"]
    assert [record.raw for record in page.invalid][1] == "not an object"
    assert page.invalid[0].uuid is None
    assert all(isinstance(record.error, BadResponse) for record in page.invalid)
    assert all(len(record.error.message) < 200 for record in page.invalid)
    assert page.size == 3 and page.number == 2


@pytest.mark.parametrize(
    ("body", "what"),
    [
        ([{"uuid": "a"}], "a list"),
        ({"count": 1, "next": None}, "an object without a results list"),
        ({"count": "many", "results": []}, "a non-integer count"),
        ({"count": 1, "next": 5, "results": []}, "a non-URL next/previous link"),
        (None, "null"),
    ],
)
def test_a_body_that_is_not_a_page_is_a_bad_response(body: object, what: str) -> None:
    with pytest.raises(BadResponse) as caught:
        parse_page(Backup, body, url=URL)
    assert caught.value.message == (
        f"Expected a page of results, got {what} — GET /apps/v3/backups/?page=2"
    )


def test_a_page_without_count_is_accepted() -> None:
    page = parse_page(Backup, {"next": None, "results": []}, url=URL)
    assert page.count is None and page.results == []
