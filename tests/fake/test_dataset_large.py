"""Scale "large": counts and a server that pages and filters it (speed: `make bench`).

The dataset is generated once for the module (about 1.5 s); every test here reuses it.
"""

from __future__ import annotations

import time

import pytest

from divio_tui.fake import FIXED_NOW, Dataset, FakeDivioAPI, generate

AUTH = {"Authorization": "Token t"}


@pytest.fixture(scope="module")
def large() -> tuple[Dataset, float]:
    started = time.perf_counter()
    dataset = generate("large", seed=0, now=FIXED_NOW)
    return dataset, time.perf_counter() - started


def test_counts(large: tuple[Dataset, float]) -> None:
    ds, _ = large
    counts = ds.counts()
    assert counts["applications"] >= 1000
    assert counts["backups"] >= 20_000
    assert counts["organisations"] >= 8
    assert counts["service-instance-backups"] == sum(
        len(b["service_instance_backups"]) for b in ds.collections["backups"])
    slugs = [app["slug"] for app in ds.collections["applications"]]
    assert len(slugs) == len(set(slugs))
    # The demo cast is part of it, with its edge cases.
    assert ds.application("acme-shop") is not None
    assert ds.where("backups", "environment", ds.special_environment("backup_working")["uuid"])[0]["state"] == "WORKING"


def test_server_pages_and_filters_at_scale(large: tuple[Dataset, float]) -> None:
    # Speed is measured by `make bench`, never asserted here.
    ds, _ = large
    api = FakeDivioAPI(ds)
    env = ds.collections["environments"][-1]
    for _ in range(2):
        page = api.handle("GET", f"/apps/v3/backups/?environment={env['uuid']}", AUTH).json()
        assert page["count"] >= 1  # type: ignore[index]
        api.handle("GET", "/apps/v3/service-instance-backups/?page=500&page_size=100", AUTH)
        api.handle("GET", f"/apps/v3/deployments/?application={env['application']}", AUTH)
    api.ignore_filters = True
    page = api.handle("GET", f"/apps/v3/backups/?environment={env['uuid']}", AUTH).json()
    assert page["count"] == len(ds.collections["backups"])  # type: ignore[index]
