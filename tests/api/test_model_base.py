"""Models are views over the JSON the server sent: what a field reads is what pydantic says.

The fast paths of `ApiModel` (plain JSON values returned as they are, canonical UTC times read
by `datetime.fromisoformat`) must never disagree with the field's own pydantic validator, the
one the page check uses; and the view must hold nothing but the JSON object.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import TypeAdapter

from divio_tui.api.base import OptionalTime
from divio_tui.api.models import (
    Backup,
    Deployment,
    Domain,
    Environment,
    ServiceInstanceBackup,
    SshEndpoint,
    parse_page,
)
from divio_tui.api.responses import load_json

URL = "https://api.example.test/apps/v3/backups/?page=2"


def _canonical_times(count: int) -> list[str]:
    rng = random.Random(7)
    out = []
    for _ in range(count):
        moment = datetime(rng.randint(1970, 2100), rng.randint(1, 12), rng.randint(1, 28),
                          rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))
        digits = rng.randint(0, 6)
        fraction = f".{rng.randint(0, 10 ** digits - 1):0{digits}d}" if digits else ""
        out.append(moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z")
    return out


@pytest.mark.parametrize("text", _canonical_times(300))
def test_a_canonical_utc_time_reads_as_pydantic_parses_it(text: str) -> None:
    backup = Backup.model_validate({"uuid": "b", "created_at": text})
    expected = TypeAdapter(OptionalTime).validate_python(text)
    assert backup.created_at == expected
    assert backup.created_at is not None and backup.created_at.tzinfo is UTC


@pytest.mark.parametrize("text", [
    "2026-11-25T02:55:14.290810123Z",  # nine digits: pydantic's own parser decides
    "2026-11-25T03:55:14+01:00", "2026-11-25 02:55:14", "2026-11-25", "1700000000", "  ", "",
])
def test_other_times_go_through_pydantic(text: str) -> None:
    backup = Backup.model_validate({"uuid": "b", "created_at": text})
    assert backup.created_at == TypeAdapter(OptionalTime).validate_python(text)


@pytest.mark.parametrize(("model", "field", "value"), [
    (Deployment, "percent", "31"),  # lax: a numeric string is an int
    (Deployment, "percent", 31.0),
    (Deployment, "success", "true"),
    (Domain, "is_primary", 1),
    (SshEndpoint, "port", "22"),
    (ServiceInstanceBackup, "size", "303780"),
    (ServiceInstanceBackup, "errors", "disk full"),
    (ServiceInstanceBackup, "errors", None),
    (Backup, "service_instance_backups", None),
    (Backup, "service_instance_backups", ["a", "b"]),
    (Deployment, "environment_variables", {"A": "1"}),
])
def test_a_field_reads_what_its_validator_makes_of_the_json(
        model: type[Any], field: str, value: object) -> None:
    record = {"uuid": "x", field: value}
    view = model.model_validate(record)
    annotation = model._fields[field].annotation
    assert getattr(view, field) == TypeAdapter(annotation).validate_python(value)
    assert view.raw is record  # what the server sent, untouched


def test_a_view_holds_only_its_json_and_is_read_only() -> None:
    backup = Backup.model_validate({"uuid": "b", "state": "COMPLETED"})
    assert not hasattr(backup, "__dict__")
    with pytest.raises(AttributeError):
        backup.state = "WORKING"  # type: ignore[misc]
    assert backup.environment is None and backup.service_instance_backups == []


def test_a_model_built_in_code_keeps_its_json_form() -> None:
    when = datetime(2026, 11, 25, 2, 36, tzinfo=UTC)
    backup = Backup(uuid="b", created_at=when, notes="nightly")
    assert backup.raw == {"uuid": "b", "created_at": "2026-11-25T02:36:00Z", "notes": "nightly"}
    assert backup.created_at == when
    env = Environment(uuid="e", ssh_endpoint=SshEndpoint(host="ssh.example", port=22))
    assert env.raw["ssh_endpoint"] == {"host": "ssh.example", "port": 22}
    assert env.ssh_endpoint is not None and env.ssh_endpoint.port == 22


def test_models_compare_by_type_and_json_and_are_not_hashable() -> None:
    one = Backup.model_validate({"uuid": "b"})
    assert one == Backup.model_validate({"uuid": "b"})
    assert one != Backup.model_validate({"uuid": "c"})
    assert one != ServiceInstanceBackup.model_validate({"uuid": "b"})
    with pytest.raises(TypeError):
        hash(one)


def test_a_bad_nested_object_makes_its_record_invalid_not_the_page() -> None:
    body = {"count": 2, "next": None, "previous": None, "results": [
        {"uuid": "e1", "last_finished_deployment": {"uuid": 5}},
        {"uuid": "e2", "last_finished_deployment": {"uuid": "d", "extra": [1]}},
    ]}
    page = parse_page(Environment, body, url=URL)
    assert [env.uuid for env in page.results] == ["e2"]
    assert page.invalid[0].uuid == "e1"
    assert "last_finished_deployment.uuid" in page.invalid[0].error.message
    nested = page.results[0].last_finished_deployment
    assert nested is not None and nested.raw == {"uuid": "d", "extra": [1]}


def test_a_valid_page_gives_views_over_its_very_records() -> None:
    records = [{"uuid": f"b{n}", "environment": "e", "created_at": "2026-11-25T02:36:00Z"}
               for n in range(3)]
    page = parse_page(Backup, {"count": 3, "next": None, "results": records}, url=URL)
    assert [backup.raw for backup in page.results] == records
    assert all(backup.raw is record for backup, record in zip(page.results, records, strict=True))


def test_load_json_shares_repeated_strings_and_parses_what_json_loads_does() -> None:
    body = b'[{"environment": "lnydr52vorhcbbz6dnxxi7dotq"}, {"environment": "lnydr52vorhcbbz6dnxxi7dotq"}]'
    first, second = load_json(body)
    assert first["environment"] is second["environment"]
    assert load_json(b'\xef\xbb\xbf{"a": 1}') == {"a": 1}  # a byte-order mark
    assert load_json(b'{"a": "\\ud800"}') == {"a": "\ud800"}  # a lone surrogate
    with pytest.raises(ValueError):
        load_json(b"<html>")


def test_plain_fields_are_read_without_a_validator_call() -> None:
    # The uuid's constraint only refuses (min_length): a valid uuid is returned as it is.
    assert Backup._fields["uuid"].plain == frozenset({str})
    assert Backup._fields["state"].plain == frozenset({str, type(None)})
    assert Backup._fields["service_instance_backups"].plain == frozenset()
