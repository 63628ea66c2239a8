"""Time moving in the fake: what is running finishes, runtime logs grow.

`Timeline(dataset, clock)` makes a dataset live. `clock()` returns the current time (aware or
naive UTC): the wall clock in `--demo` and `fake-api`, a clock the test moves by hand
elsewhere. The moment the timeline is made (`origin`, never before `dataset.now`) is where
time starts moving; the server calls `advance()` before each request and reads the logs
through the timeline. Everything is a function of the clock's value, so a test that sets the
clock gets the same answers every run, and a timeline whose clock has not moved changes
nothing (the dataset's records at `dataset.now` stay exactly as generated).

What moves (all invented, INFERRED: the real API's progress semantics are unknown):

- A deployment running at `origin` (status WORKING, `ended_at` null) gains `percent` steadily
  and, after `DEPLOY_SECONDS` (give or take a seeded half-minute), ends COMPLETED with
  success; its environment's `last_finished_deployment` then names it. Its log gains a
  "Rolling out…" line every 5 % and, once done, the release lines of a successful
  deployment, always by appending, so a viewer that follows it never sees earlier text change.
- A backup WORKING at `origin` completes after `BACKUP_SECONDS` (seeded spread): SUCCESS, its
  running service-instance backups end without errors, with a size close to that service's
  previous backup.
- Every deployed environment's runtime log gains an event every `LIVE_LINE_SECONDS` on
  average, from `dataset.now` on (`_logs.live_environment_entries`), so following a log in
  the demo shows lines arriving; never-deployed environments stay silent.

Records are changed in place (the server builds each response from them); the log lines of
the newest environments read are kept, a bounded number of environments and lines.
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from ._logs import LIVE_LINE_SECONDS, live_environment_entries, rollout_lines
from ._util import Record, to_naive_utc, ts
from .dataset import Dataset

__all__ = ["BACKUP_SECONDS", "DEPLOY_SECONDS", "Timeline"]

DEPLOY_SECONDS = 180.0
"""About how long a deployment running at the start takes to finish (a few minutes)."""

BACKUP_SECONDS = 90.0
"""About how long a backup working at the start takes to complete."""

MAX_LIVE_LINES = 50_000
"""Live entries kept per environment (the oldest go first): the demo may run for days."""

_LIVE_ENVIRONMENTS = 32
"""Environments whose live lines are kept in memory (as the dataset's own log cache)."""

Clock = Callable[[], datetime]


@dataclass
class _Running:
    """A deployment that was running at the origin, and how it will go."""

    record: Record
    start_percent: int
    seconds: float
    base_log: str | None = None
    """Its log as it was at the origin (the running text), made on first request."""


@dataclass
class _Working:
    """A backup that was working at the origin, and how long it has left."""

    record: Record
    sibs: list[Record]
    seconds: float
    done: bool = False


@dataclass
class _LiveLog:
    """The live entries of one environment generated so far."""

    entries: list[Record] = field(default_factory=list)
    generated: int = 0
    """Events generated (event n is the n-th since `dataset.now`)."""


class Timeline:
    """A dataset whose running things finish and whose logs grow as `clock` moves."""

    def __init__(self, dataset: Dataset, clock: Clock, *, origin: datetime | None = None) -> None:
        self.dataset = dataset
        self.clock = clock
        self._start = to_naive_utc(dataset.now)
        now = self._now()
        self.origin = max(to_naive_utc(origin) if origin is not None else now, self._start)
        self._lock = threading.Lock()
        self._tracked: tuple[list[_Running], list[_Working]] | None = None
        self._logs: dict[str, _LiveLog] = {}

    def _now(self) -> datetime:
        return to_naive_utc(self.clock())

    def _running_and_working(self) -> tuple[list[_Running], list[_Working]]:
        """The deployments and backups running at `dataset.now`, found once (this builds the
        dataset's history if it is not built yet)."""
        if self._tracked is None:
            dataset, seed = self.dataset, self.dataset.seed
            running = [
                _Running(dep, int(dep.get("percent") or 0),
                         DEPLOY_SECONDS + _rng(seed, "deploy", dep["uuid"]).uniform(-30, 30))
                for dep in dataset.records("deployments") if dep.get("ended_at") is None]
            working = [
                _Working(backup, [sib for uuid in backup.get("service_instance_backups") or []
                                  if (sib := dataset.by_id("service-instance-backups", uuid))
                                  is not None],
                         BACKUP_SECONDS + _rng(seed, "backup", backup["uuid"]).uniform(-30, 30))
                for backup in dataset.records("backups") if backup.get("state") == "WORKING"]
            self._tracked = running, working
        return self._tracked

    @property
    def now(self) -> datetime:
        """The clock's time, as aware UTC."""
        return self._now().replace(tzinfo=UTC)

    # -- records ---------------------------------------------------------------------------
    def advance(self) -> None:
        """Bring the records up to the clock's time (the server calls it before each request)."""
        elapsed = (self._now() - self.origin).total_seconds()
        if elapsed <= 0 or not self.dataset.history_built:
            return  # nothing served yet shows a deployment or a backup: they move once it does
        running_now, working_now = self._running_and_working()
        with self._lock:
            for running in running_now:
                self._advance_deployment(running, elapsed)
            for working in working_now:
                if not working.done and elapsed >= working.seconds:
                    self._complete_backup(working)

    def _advance_deployment(self, running: _Running, elapsed: float) -> None:
        dep = running.record
        if dep.get("ended_at") is not None:
            return
        if running.base_log is None:
            running.base_log = self.dataset.deployment_logs(dep["uuid"]) or ""
        if elapsed < running.seconds:
            share = elapsed / running.seconds
            dep["percent"] = min(99, running.start_percent
                                 + math.floor((100 - running.start_percent) * share))
            return
        ended = self.origin + timedelta(seconds=running.seconds)
        dep.update(status="COMPLETED", success=True, percent=100, ended_at=ts(ended))
        env = self.dataset.by_id("environments", dep["environment"])
        if env is not None:
            env["last_finished_deployment"] = {"uuid": dep["uuid"], "status": "COMPLETED",
                                               "success": True, "ended_at": dep["ended_at"]}

    def _complete_backup(self, working: _Working) -> None:
        ended = self.origin + timedelta(seconds=working.seconds)
        for sib in working.sibs:
            if sib.get("ended_at") is not None:
                continue
            sib.update(ended_at=ts(ended), taken_at=sib.get("started_at") or ts(ended),
                       size=self._size_like(sib), errors=[])
        working.record.update(state="COMPLETED", success="SUCCESS")
        working.done = True

    def _size_like(self, sib: Record) -> int:
        """A size close to the same service's newest finished backup (1 MB if none)."""
        for other in self.dataset.where("service-instance-backups", "service_instance",
                                        sib.get("service_instance")):
            size = other.get("size")
            if isinstance(size, int) and other is not sib:
                return int(size * 1.001)
        return 1_000_000

    # -- derived bodies --------------------------------------------------------------------
    def deployment_logs(self, uuid: str) -> str | None:
        """The deployment's log as of now: a running one's grows by appending."""
        running = next((r for r in self._running_and_working()[0] if r.record["uuid"] == uuid),
                       None)
        if running is None:
            return self.dataset.deployment_logs(uuid)
        with self._lock:
            base = running.base_log
            if base is None:
                return self.dataset.deployment_logs(uuid)
            dep = running.record
            done = dep.get("ended_at") is not None
            reached = 100 if done else int(dep.get("percent") or 0)
            progress = rollout_lines(running.start_percent, reached)
        text = base + "".join(line + "\n" for line in progress)
        if done:
            final = self.dataset.deployment_logs(uuid) or ""
            # The finished text starts with the running one: append only what follows it.
            text += final[len(base):] if final.startswith(base) else final
        return text

    def environment_logs(self, uuid: str) -> list[Record] | None:
        """The environment's runtime log up to now: the generated day, then live events."""
        entries = self.dataset.environment_logs(uuid)
        if not entries:
            return entries
        # Event n happens before start + (n + 1) * interval: every event below `until` has.
        until = int((self._now() - self._start).total_seconds() // LIVE_LINE_SECONDS)
        if until <= 0:
            return entries
        with self._lock:
            live = self._logs.pop(uuid, None) or _LiveLog()
            self._logs[uuid] = live  # most recently read last
            while len(self._logs) > _LIVE_ENVIRONMENTS:
                self._logs.pop(next(iter(self._logs)))
            if live.generated == 0:  # new, or forgotten: only the newest events are kept
                live.generated = max(0, until - MAX_LIVE_LINES)
            if until > live.generated:
                live.entries.extend(live_environment_entries(
                    self.dataset.seed, uuid, self._start, live.generated, until))
                live.generated = until
                del live.entries[:max(0, len(live.entries) - MAX_LIVE_LINES)]
            shown = list(live.entries)
        return entries + shown


def _rng(seed: int, what: str, uuid: str) -> random.Random:
    return random.Random(f"divio-fake:{seed}:live:{what}:{uuid}")
