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

Both run on the large fake over loopback (served from a process of its own) with 20 ms
latency per request, with the server honouring the filters and ignoring them; the baseline
uses no filter for backups and SIBs, so it is measured once. Both must find the same backup
per service, or the benchmark fails. Ours also reports its sequential round trips: the longest
chain of requests each sent after the previous one was answered, what latency multiplies.

When the server ignores the filters, the answer needs the whole backup list; reading every
backup page once, concurrently, is its limit and is measured beside it.
"""

from __future__ import annotations

import asyncio
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import requests

from divio_tui.api.models import Application, Environment
from divio_tui.state.backups import BackupBook
from divio_tui.state.session import Session

from .common import (
    Counter,
    Result,
    Stopwatch,
    TimedTransport,
    better,
    client,
    large_dataset,
    median,
    secs,
    served,
    spread,
)

QUESTION = "backup_newest_failed"
"""The environment asked about: its newest backup failed, the one before succeeded."""

RUNS = 5
RUNS_IGNORED = 5
TARGET_HONOURED = 100
MAX_ROUND_TRIPS = 4
TARGET_IGNORED = 10


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
                          counter: Counter | None = None,
                          transport: TimedTransport | None = None,
                          ) -> dict[str, tuple[str, Any, Any]]:
    """The environment summary's path, without a screen: per service instance uuid, the
    latest successful SIB as (uuid, taken_at, size)."""
    counter = counter or Counter()
    async with client(base_url, counter, transport=transport) as api:
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


@dataclass
class _Runs:
    seconds: list[float] = field(default_factory=list)
    requests: int = 0
    round_trips: int = 0


def _ours(base_url: str, app_slug: str, env_slug: str, expected: dict[str, Any], *,
          totals: bool, runs: int) -> _Runs:
    out = _Runs()
    for _ in range(runs):
        counter = Counter()
        transport = TimedTransport()
        with Stopwatch() as sw:
            found = asyncio.run(explorer_answer(base_url, app_slug, env_slug, totals=totals,
                                                counter=counter, transport=transport))
        assert found == expected, "the explorer and the how-to walk must agree"
        out.seconds.append(sw.seconds)
        out.requests = counter.requests
        out.round_trips = transport.sequential_round_trips()
    return out


async def _every_backup_page(base_url: str) -> float:
    async with client(base_url, Counter()) as api:
        with Stopwatch() as sw:
            async with aclosing(api.iter_pages("backup")) as pages:
                async for _page in pages:
                    pass
    return sw.seconds


def _as_tuples(answer: dict[str, dict[str, Any]]) -> dict[str, tuple[str, Any, Any]]:
    return {service: (sib["uuid"], datetime.fromisoformat(sib["taken_at"]), sib["size"])
            for service, sib in answer.items()}


def run() -> list[Result]:
    dataset = large_dataset()
    app_slug, env_slug = dataset.special[QUESTION]
    where = (f"{app_slug}/{env_slug}, {len(dataset.collections['backups']):,} backups, "
             f"{len(dataset.collections['service-instance-backups']):,} SIBs")
    with served("large", "plain", "ignore") as (honoured, ignored):
        with Stopwatch() as walk:
            baseline, walk_requests = howto_walk(honoured, "bench", app_slug, env_slug)
        expected = _as_tuples(baseline)
        answer = _ours(honoured, app_slug, env_slug, expected, totals=False, runs=RUNS)
        whole = _ours(honoured, app_slug, env_slug, expected, totals=True, runs=1)
        # The answer and its limit alternate, so that both see the machine in the same mood.
        blind = _Runs()
        limits: list[float] = []
        for _ in range(RUNS_IGNORED):
            one = _ours(ignored, app_slug, env_slug, expected, totals=False, runs=1)
            blind.seconds += one.seconds
            blind.requests, blind.round_trips = one.requests, one.round_trips
            limits.append(asyncio.run(_every_backup_page(ignored)))
        limit = median(limits)
        blind_whole = _ours(ignored, app_slug, env_slug, expected, totals=True, runs=1)
    versus = f"the how-to walk {secs(walk.seconds)}, {walk_requests} req"
    fast = walk.seconds / median(answer.seconds)
    slow = walk.seconds / median(blind.seconds)
    return [
        Result(f"the how-to answer, filters honoured ({where}), median of {RUNS} "
               f"(runs {spread(answer.seconds)} s)",
               f"{secs(median(answer.seconds))}, {answer.requests} req, "
               f"{answer.round_trips} sequential round trips",
               versus, better(fast), f">= x{TARGET_HONOURED}, <= {MAX_ROUND_TRIPS} round trips",
               fast >= TARGET_HONOURED and answer.round_trips <= MAX_ROUND_TRIPS),
        Result("  the same with the total size of all its backups",
               f"{secs(median(whole.seconds))}, {whole.requests} req", versus,
               better(walk.seconds / median(whole.seconds))),
        Result(f"the how-to answer, server ignores the filters, median of {RUNS_IGNORED} "
               f"(runs {spread(blind.seconds)} s)",
               f"{secs(median(blind.seconds))}, {blind.requests} req", versus, better(slow),
               f">= x{TARGET_IGNORED}", slow >= TARGET_IGNORED),
        Result(f"  its limit: every backup page read once, concurrently (runs {spread(limits)} s)",
               secs(limit), versus, better(walk.seconds / limit)),
        Result("  the same with the total size of all its backups",
               f"{secs(median(blind_whole.seconds))}, {blind_whole.requests} req", versus,
               better(walk.seconds / median(blind_whole.seconds))),
    ]
