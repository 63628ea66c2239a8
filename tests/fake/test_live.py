"""Time moving in the fake (live.py): things running finish, runtime logs grow, all by the clock."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from divio_tui.fake import FIXED_NOW, FakeDivioAPI, generate
from divio_tui.fake.live import DEPLOY_SECONDS, Timeline

AUTH = {"Authorization": "Token x"}


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def get(api: FakeDivioAPI, path: str) -> Any:
    response = api.handle("GET", path, AUTH)
    assert response.status == 200, response.body
    return response.json()


def running_deployment(api: FakeDivioAPI) -> dict[str, Any]:
    env = api.dataset.special_environment("deploy_running")
    return next(dep for dep in api.dataset.where("deployments", "environment", env["uuid"])
                if dep["ended_at"] is None)


def test_a_clock_that_has_not_moved_changes_nothing() -> None:
    still = generate("demo", now=FIXED_NOW)
    api = FakeDivioAPI(generate("demo", now=FIXED_NOW), clock=Clock())
    env = api.dataset.special_environment("deploy_running")
    get(api, f"/apps/v3/environments/{env['uuid']}/")
    assert get(api, f"/apps/v3/environments/{env['uuid']}/logs/?page_size=200")["results"] == \
        still.environment_logs(env["uuid"])[-200:]
    assert api.dataset.to_json() == still.to_json()


def test_a_running_deployment_rises_then_ends_and_its_environment_names_it() -> None:
    clock = Clock()
    api = FakeDivioAPI(now=FIXED_NOW, clock=clock)
    dep = running_deployment(api)
    start = dep["percent"]
    clock.advance(DEPLOY_SECONDS / 3)
    middle = get(api, f"/apps/v3/deployments/{dep['uuid']}/")
    assert start < middle["percent"] < 100 and middle["ended_at"] is None
    clock.advance(DEPLOY_SECONDS)
    done = get(api, f"/apps/v3/deployments/{dep['uuid']}/")
    assert (done["status"], done["success"], done["percent"]) == ("COMPLETED", True, 100)
    env = get(api, f"/apps/v3/environments/{dep['environment']}/")
    assert env["last_finished_deployment"]["uuid"] == dep["uuid"]


def test_a_running_deployments_log_only_grows() -> None:
    clock = Clock()
    api = FakeDivioAPI(now=FIXED_NOW, clock=clock)
    dep = running_deployment(api)
    texts = []
    for _ in range(4):
        texts.append(get(api, f"/apps/v3/deployments/{dep['uuid']}/logs")["logs"])
        clock.advance(DEPLOY_SECONDS / 2.5)
    assert all(later.startswith(earlier) for earlier, later in itertools.pairwise(texts))
    assert "Rolling out" in texts[2] and "Deployment successful" in texts[-1]


def test_a_working_backup_completes() -> None:
    clock = Clock()
    api = FakeDivioAPI(now=FIXED_NOW, clock=clock)
    env = api.dataset.special_environment("backup_working")
    backup = api.dataset.where("backups", "environment", env["uuid"])[0]
    assert backup["state"] == "WORKING"
    clock.advance(600)
    after = get(api, f"/apps/v3/backups/{backup['uuid']}/")
    assert (after["state"], after["success"]) == ("COMPLETED", "SUCCESS")
    for uuid in after["service_instance_backups"]:
        sib = get(api, f"/apps/v3/service-instance-backups/{uuid}/")
        assert sib["ended_at"] is not None and sib["size"] and sib["errors"] == []


def test_runtime_logs_gain_lines_at_a_steady_rate_the_same_every_time() -> None:
    def tail_after(seconds: float) -> list[Any]:
        clock = Clock()
        api = FakeDivioAPI(now=FIXED_NOW, clock=clock)
        env = api.dataset.environment("acme-shop", "live")
        assert env is not None
        first = get(api, f"/apps/v3/environments/{env['uuid']}/logs/?page_size=200")
        clock.advance(seconds)
        nxt = first["next"].split("testserver", 1)[1]
        results: list[Any] = get(api, nxt)["results"]
        return results

    minute = tail_after(60)
    assert 15 <= len(minute) <= 80  # an event every ~2 s, some of several lines
    assert all(entry["timestamp"] > "2026-11-25T12:00:00" for entry in minute)
    assert all(entry["timestamp"] < "2026-11-25T12:01:00" for entry in minute)
    assert minute == tail_after(60)
    assert {"web", "worker"} <= {entry["service"] for entry in tail_after(600)}


def test_never_deployed_environments_stay_silent() -> None:
    clock = Clock()
    ds = generate("demo", now=FIXED_NOW)
    timeline = Timeline(ds, clock)
    clock.advance(3600)
    assert timeline.environment_logs(ds.special_environment("never_deployed")["uuid"]) == []
