""""Is every environment backed up?": the backup health of the whole large account.

Ours is `HealthScan` (state/health_scan.py, no screen) over the large fake on loopback with
20 ms latency: it lists every environment, chooses a plan from the counts the first pages
report and answers each environment as the environment summary would. The baseline is the
how-to page's walk (bench/backup_question.py `howto_walk`: every page of backups and of
service-instance backups, the service instances, the SIB's detail) repeated per environment.
That takes hours, so it is measured on a sample of environments and extrapolated to all of
them: the printed baseline says so.

Then the crossover between the two plans, measured rather than guessed: both plans answer
evenly spread samples of growing size in fresh sessions; the line says which was faster and
which one `choose_plan` (the cost model with `PAGE_WEIGHT`) picks for that size.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from divio_tui.fake import FIXED_NOW
from divio_tui.state.backups import BackupBook
from divio_tui.state.health import Verdict
from divio_tui.state.health_plan import Counts, Plan, choose_plan
from divio_tui.state.health_scan import HealthScan
from divio_tui.state.health_targets import Scope, Target, list_targets
from divio_tui.state.session import Session

from .backup_question import howto_walk
from .common import Counter, Stopwatch, client, large_dataset, loopback, row

RUNS = 3
"""The whole account is answered this many times (fresh sessions); the best run is shown,
the machine being shared."""

WALK_SAMPLE = 2
"""Environments the how-to walk is timed on (each walk reads every backup and SIB page)."""

SAMPLES = (10, 50, 150, 300, 600)
"""Sample sizes for the plan crossover."""

MAX_AGE = timedelta(hours=26)


def _scan(api: Any) -> HealthScan:
    return HealthScan(BackupBook(Session(api)), Scope.account(), now=lambda: FIXED_NOW,
                      max_age=MAX_AGE)


async def whole_account(base_url: str, counter: Counter) -> HealthScan:
    async with client(base_url, counter) as api:
        scan = _scan(api)
        await scan.run()
    return scan


async def _targets(base_url: str) -> list[Target]:
    async with client(base_url, Counter()) as api:
        return await list_targets(Session(api), Scope.account())


async def plan_on(base_url: str, targets: list[Target], plan: Plan,
                  counter: Counter) -> None:
    async with client(base_url, counter) as api:
        await _scan(api).answer(targets, plan)


def _spread(targets: list[Target], n: int) -> list[Target]:
    step = max(1, len(targets) // n)
    return targets[::step][:n]


def run() -> list[str]:
    dataset = large_dataset()
    environments = dataset.collections["environments"]
    counts = dataset.counts()
    lines = [f"backup health of the large account ({len(environments):,} environments, "
             f"{counts['backups']:,} backups, {counts['service-instance-backups']:,} SIBs, "
             "20 ms latency)"]
    sample = [environments[i * len(environments) // WALK_SAMPLE] for i in range(WALK_SAMPLE)]
    with loopback() as base_url, Stopwatch() as walk:
        walk_requests = 0
        for env in sample:
            app = dataset.by_id("applications", env["application"]) or {}
            _answer, requests = howto_walk(base_url, "bench", app["slug"], env["slug"])
            walk_requests += requests
    per_walk, per_walk_requests = walk.seconds / WALK_SAMPLE, walk_requests / WALK_SAMPLE
    baseline = per_walk * len(environments)
    baseline_requests = per_walk_requests * len(environments)
    lines.append(f"  baseline: the how-to walk, {per_walk:.1f} s and {per_walk_requests:,.0f} "
                 f"requests per environment (timed on {WALK_SAMPLE}), times "
                 f"{len(environments):,} environments = {baseline / 3600:.1f} h")
    for ignore in (False, True):
        runs = []
        with loopback(ignore_filters=ignore) as base_url:
            for _ in range(RUNS):
                counter = Counter()
                with Stopwatch() as ours:
                    scan = asyncio.run(whole_account(base_url, counter))
                runs.append((ours.seconds, counter.requests, scan))
        seconds, requests, scan = min(runs, key=lambda run: run[0])
        verdicts = {verdict: sum(r.verdict == verdict for r in scan.rows.values())
                    for verdict in Verdict}
        assert len(scan.rows) == len(environments), "every environment gets a row"
        assert verdicts[Verdict.UNKNOWN] == 0, "nothing failed"
        lines.append(f" server {'ignores' if ignore else 'honours'} the backup filters "
                     f"(plan: {scan.progress.plan}; best of {RUNS}: "
                     f"{', '.join(f'{run[0]:.1f}' for run in runs)} s)")
        lines.append(row("time, the whole account", seconds, baseline))
        lines.append(row("requests, the whole account", requests, baseline_requests,
                         unit="req"))
    lines.append(" plans on samples (filters honoured): per environment vs whole collections")
    model = Counts(counts["backups"], counts["service-instance-backups"],
                   counts["service-instances"], len(environments))
    with loopback() as base_url:
        targets = asyncio.run(_targets(base_url))
        for n in SAMPLES:
            chosen = _spread(targets, n)
            measured: dict[Plan, tuple[float, int]] = {}
            for plan in Plan:
                counter = Counter()
                with Stopwatch() as sw:
                    asyncio.run(plan_on(base_url, chosen, plan, counter))
                measured[plan] = (sw.seconds, counter.requests)
            faster = min(measured, key=lambda p: measured[p][0])
            picks = choose_plan(n, model, 100)
            (per_s, per_r), (coll_s, coll_r) = (measured[Plan.PER_ENVIRONMENT],
                                                measured[Plan.COLLECTIONS])
            lines.append(f"  {n:>5} environments: per environment {per_s:6.2f} s {per_r:6,} req"
                         f" · whole collections {coll_s:6.2f} s {coll_r:6,} req · faster: "
                         f"{faster} · the model picks: {picks}"
                         f"{'' if picks is faster else '  (!)'}")
    return lines
