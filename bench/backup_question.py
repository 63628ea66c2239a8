""""When was the last good backup of this environment?": the how-to page's walk vs ours.

The baseline is the walk the public how-to page describes (reference/divio-how-to-use-the-
api.txt), done as a careful script would with `requests`, one request after the other:
the application by slug, its environments, *every* page of backups (no filter: the page says
to loop over the entire list), every page of service-instance backups, the service instance
of each, and finally the chosen service-instance backup's own detail. It asks for 100 items
a page, as our client does, so that the request counts compare like for like (the page's
literal URLs get the server's default of 20 a page, five times the requests).

Ours is what the environment summary does (state/backups.py, no screen): the application
and its environments, then `BackupBook.answer` — the environment's backups through the
session (filtered, checked client side, or the whole list once when the server ignores the
filter), its service instances, and the SIBs newest first until every service has its latest
success. "With totals" adds the remaining SIBs, as the summary does in the background.

Both run on the large fake over loopback with 20 ms latency per request, with the server
honouring the filters and ignoring them; the baseline uses no filter for backups and SIBs, so
it is measured once. Both must find the same backup per service, or the benchmark fails.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import requests

from divio_tui.api.models import Application, Environment
from divio_tui.state.backups import BackupBook
from divio_tui.state.session import Session

from .common import Counter, Stopwatch, client, large_dataset, loopback, row

QUESTION = "backup_newest_failed"
"""The environment asked about: its newest backup failed, the one before succeeded."""


def howto_walk(base_url: str, token: str, app_slug: str, env_slug: str, *,
               page_size: int | None = 100) -> tuple[dict[str, dict[str, Any]], int]:
    """The how-to page's walk, by hand: per service instance uuid, the latest successful
    service-instance backup as its detail URL returns it; and how many requests it took.

    "Successful" as a reader of the page would judge it from the metadata the page shows:
    the SIB ended without errors (whatever its backup's state, the rule of backup_summary).
    """
    session = requests.Session()
    session.trust_env = False  # the page's own warning: a ~/.netrc would replace the header
    session.headers["Authorization"] = f"Token {token}"
    count = 0

    def get(url: str) -> Any:
        nonlocal count
        count += 1
        response = session.get(url, timeout=30)
        response.raise_for_status()
        return response.json()

    def every(url: str) -> list[dict[str, Any]]:
        if page_size is not None:
            url += ("&" if "?" in url else "?") + f"page_size={page_size}"
        items: list[dict[str, Any]] = []
        next_url: str | None = url
        while next_url:
            body = get(next_url)
            items.extend(body["results"])
            next_url = body["next"]
        return items

    with session:
        application = every(f"{base_url}applications/?slug={app_slug}")[0]
        environment = next(env for env in every(
            f"{base_url}environments/?application={application['uuid']}")
            if env["slug"] == env_slug)
        backups = {backup["uuid"]: backup for backup in every(f"{base_url}backups/")
                   if backup["environment"] == environment["uuid"]}
        sibs = [sib for sib in every(f"{base_url}service-instance-backups/")
                if sib["backup"] in backups]
        for uuid in sorted({sib["service_instance"] for sib in sibs}):
            get(f"{base_url}service-instances/{uuid}/")  # "what exactly was included"
        latest: dict[str, dict[str, Any]] = {}
        for sib in sibs:
            if sib["errors"] or sib["ended_at"] is None:
                continue
            best = latest.get(sib["service_instance"])
            if best is None or _when(sib) > _when(best):
                latest[sib["service_instance"]] = sib
        answer = {service: get(f"{base_url}service-instance-backups/{sib['uuid']}/")
                  for service, sib in latest.items()}
    return answer, count


def _when(sib: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(sib["taken_at"] or sib["started_at"] or sib["queued_at"])


async def explorer_answer(base_url: str, app_slug: str, env_slug: str, *, totals: bool = False,
                          counter: Counter | None = None) -> dict[str, tuple[str, Any, Any]]:
    """The environment summary's path, without a screen: per service instance uuid, the
    latest successful SIB as (uuid, taken_at, size)."""
    counter = counter or Counter()
    async with client(base_url, counter) as api:
        session = Session(api)
        apps = [item async for item in api.iter_items("application", {"slug": app_slug})
                if isinstance(item, Application) and item.slug == app_slug]
        envs = [item async for item in api.iter_items("environment",
                                                      {"application": apps[0].uuid})
                if isinstance(item, Environment) and item.slug == env_slug]
        env = envs[0]
        book = BackupBook(session)
        if totals:
            await book.complete(env.uuid)
        else:
            await book.answer(env.uuid)
        summary = book.report(env.uuid).summary
    assert summary is not None
    return {status.service_instance: (status.latest_success.sib.uuid,
                                      status.latest_success.sib.taken_at,
                                      status.latest_success.sib.size)
            for status in summary.services if status.latest_success is not None}


def _as_tuples(answer: dict[str, dict[str, Any]]) -> dict[str, tuple[str, Any, Any]]:
    return {service: (sib["uuid"], datetime.fromisoformat(sib["taken_at"]), sib["size"])
            for service, sib in answer.items()}


def run() -> list[str]:
    dataset = large_dataset()
    app_slug, env_slug = dataset.special[QUESTION]
    title = (f"latest good backup per service of {app_slug}/{env_slug} "
             f"({len(dataset.collections['backups']):,} backups, "
             f"{len(dataset.collections['service-instance-backups']):,} SIBs, 20 ms latency)")
    lines = [title]
    with loopback() as base_url, Stopwatch() as walk:
        baseline, baseline_requests = howto_walk(base_url, "bench", app_slug, env_slug)
    expected = _as_tuples(baseline)
    for ignore in (False, True):
        lines.append(f" server {'ignores' if ignore else 'honours'} the backup filters")
        with loopback(ignore_filters=ignore) as base_url:
            for totals in (False, True):
                counter = Counter()
                with Stopwatch() as ours:
                    found = asyncio.run(explorer_answer(base_url, app_slug, env_slug,
                                                        totals=totals, counter=counter))
                assert found == expected, "the explorer and the how-to walk must agree"
                what = "with totals" if totals else "the answer"
                lines.append(row(f"time, {what}", ours.seconds, walk.seconds))
                lines.append(row(f"requests, {what}", counter.requests, baseline_requests,
                                 unit="req"))
    return lines
