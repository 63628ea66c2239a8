"""The dataset's history (deployments, builds, backups, SIBs) is built when first read.

The demo shows its organisations from the structure alone (the cold start); whatever is read
first, and whenever, the account is the same, and time that moved before the history existed
has moved for it too.
"""

from __future__ import annotations

from datetime import timedelta

from divio_tui.fake import FIXED_NOW, FakeDivioAPI, generate
from divio_tui.fake.live import DEPLOY_SECONDS

AUTH = {"Authorization": "Token x"}


def test_the_organisations_and_applications_are_served_without_the_history() -> None:
    api = FakeDivioAPI(now=FIXED_NOW)
    for path in ("/iam/v3/me/", "/iam/v3/organisations/", "/apps/v3/applications/",
                 "/apps/v3/regions/"):
        assert api.handle("GET", path, AUTH).status == 200, path
    assert not api.dataset.history_built
    body = api.handle("GET", "/apps/v3/environments/?page_size=200", AUTH).json()
    assert api.dataset.history_built
    assert any(env["last_finished_deployment"] for env in body["results"])


def test_whatever_is_read_first_the_account_is_byte_identical() -> None:
    eager = generate("demo", now=FIXED_NOW).to_json()
    for first in ("backups", "applications", "environments", "deployments"):
        lazy = generate("demo", now=FIXED_NOW)
        lazy.records(first)
        lazy.where("applications", "slug", "acme-shop")
        assert lazy.to_json() == eager, first


def test_a_deployment_that_finished_before_the_history_was_built_shows_finished() -> None:
    clock_now = [FIXED_NOW]
    api = FakeDivioAPI(now=FIXED_NOW, clock=lambda: clock_now[0])
    assert api.handle("GET", "/iam/v3/organisations/", AUTH).status == 200
    assert not api.dataset.history_built
    clock_now[0] += timedelta(seconds=DEPLOY_SECONDS * 3)
    env = generate("demo", now=FIXED_NOW).special_environment("deploy_running")
    body = api.handle("GET", f"/apps/v3/deployments/?environment={env['uuid']}", AUTH).json()
    assert body["results"] and all(dep["ended_at"] is not None for dep in body["results"])
