"""The resource map is complete and self-consistent (labels: tests/ui/test_labels.py)."""

from __future__ import annotations

from typing import Any

import pytest

from divio_tui.api import (
    KINDS,
    ROOT_KINDS,
    ApiModel,
    Application,
    Backup,
    Environment,
    Organisation,
    ServiceInstanceBackup,
    kind_of,
    references_of,
    zone_from_api_url,
)
from divio_tui.api.models import parse_model
from divio_tui.fake import dataset

ROUTE_OF_KIND = {kind.name: kind.route.rstrip("/") for kind in KINDS.values()}

ORG = Organisation.model_validate({"uuid": "o1", "name": "Northwind"})
APP = Application.model_validate(
    {"uuid": "a1", "name": "Shop", "slug": "shop", "organisation": "o1", "repository": "r1"}
)
ENV = Environment.model_validate(
    {"uuid": "e1", "application": "a1", "slug": "live", "branch": "main",
     "last_finished_deployment": {"uuid": "d1"}}
)
BACKUP = Backup.model_validate(
    {"uuid": "b1", "environment": "e1", "state": "COMPLETED", "success": "SUCCESS",
     "trigger": "SCHEDULED", "created_at": "2026-11-25T02:36:59.5Z",
     "service_instance_backups": ["s1", "s2"]}
)


def test_contract_kinds_exist_with_paths_in_both_families() -> None:
    assert set(KINDS) == {
        "organisation", "application", "environment", "deployment", "backup",
        "service_instance_backup", "service_instance", "service", "region", "repository",
        "domain", "build", "environment_variable",
    }
    assert KINDS["organisation"].path == "iam/v3/organisations/"
    assert KINDS["service_instance_backup"].path == "apps/v3/service-instance-backups/"
    assert KINDS["backup"].detail_path("b1") == "apps/v3/backups/b1/"
    assert ROOT_KINDS == ("organisation", "region")


def test_tree_shape_children_in_display_order() -> None:
    assert KINDS["organisation"].children == ("application",)
    assert KINDS["application"].children == ("environment", "repository")
    assert KINDS["environment"].children[:5] == (
        "backup", "deployment", "service_instance", "environment_variable", "domain",
    )
    assert KINDS["backup"].children == ("service_instance_backup",)
    assert KINDS["region"].children == ("service",)  # every reference has a place


@pytest.mark.parametrize("kind", list(KINDS.values()), ids=list(KINDS))
def test_every_kind_is_self_consistent(kind: Any) -> None:
    fields = kind.model.model_fields
    for link in kind.child_links:
        child = KINDS[link.kind]
        assert child.parent_kind == kind.name
        if link.field:
            assert link.field in child.model.model_fields
        if link.members_field:
            assert link.members_field in fields
    if kind.parent_field:
        assert kind.parent_field in fields and kind.parent_param
    if kind.newest_first:
        assert kind.newest_first in fields
    for path, target in kind.references.items():
        assert target in KINDS
        assert path.split(".")[0].removesuffix("[*]") in fields
    assert kind.title and kind.singular


def test_client_side_filter_uses_parent_field_or_the_parents_member_list() -> None:
    link = KINDS["backup"].child_links[0]
    assert link.query(BACKUP) == {"backup": "b1"}
    listed = ServiceInstanceBackup.model_validate({"uuid": "s2"})
    linked = ServiceInstanceBackup.model_validate({"uuid": "s9", "backup": "b1"})
    stranger = ServiceInstanceBackup.model_validate({"uuid": "s7", "backup": "b2"})
    assert link.belongs(BACKUP, listed) and link.belongs(BACKUP, linked)
    assert not link.belongs(BACKUP, stranger)


def test_repository_is_a_single_referenced_child_skipped_when_null() -> None:
    link = KINDS["application"].child_links[1]
    assert link.single and link.member_uuids(APP) == ["r1"]
    assert link.member_uuids(Application(uuid="a2", repository=None)) == []


def test_references_resolve_nested_and_list_fields() -> None:
    assert [(r.field, r.kind, r.uuid) for r in references_of(ENV)] == [
        ("application", "application", "a1"),
        ("last_finished_deployment.uuid", "deployment", "d1"),
    ]
    assert [r.uuid for r in references_of(BACKUP)] == ["e1", "s1", "s2"]


def test_control_panel_urls() -> None:
    app_url = "https://control.divio.com/o/o1/app/a1"
    assert KINDS["application"].control_panel_url(APP, {}, "divio.com") == app_url
    assert not KINDS["application"].control_panel_inferred
    assert KINDS["environment"].control_panel_url(ENV, {"application": APP}, "divio.com") == app_url
    assert KINDS["environment"].control_panel_inferred
    assert KINDS["environment"].control_panel_url(ENV, {}, "divio.com") is None
    assert KINDS["application"].control_panel_url(APP, {}, None) is None
    assert KINDS["region"].control_panel_url(APP, {}, "divio.com") is None


def test_zone_from_api_url() -> None:
    assert zone_from_api_url("https://api.dev.aldryn.net/apps/v3/") == "dev.aldryn.net"
    assert zone_from_api_url("http://127.0.0.1:8765/apps/v3/") is None


def test_newest_first_sort_key_puts_unknown_times_last() -> None:
    older = Backup.model_validate({"uuid": "o", "created_at": "2026-01-01T00:00:00Z"})
    unknown = Backup(uuid="u")
    ordered = sorted([unknown, older, BACKUP], key=KINDS["backup"].sort_key, reverse=True)
    assert [b.uuid for b in ordered] == ["b1", "o", "u"]


def test_every_fake_record_parses_into_its_kind() -> None:
    # The fake speaks plain JSON built without our models; a model that rejects any of it
    # would turn demo data into warning nodes.
    data = dataset.generate("tiny", now=dataset.FIXED_NOW)
    for name, kind in KINDS.items():
        records = data.collections[ROUTE_OF_KIND[name]]
        assert records, name
        for record in records:
            model: ApiModel = parse_model(kind.model, record, url="http://x/")
            assert kind_of(model) is kind
