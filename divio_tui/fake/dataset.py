"""The fake Divio account: a deterministic, seeded dataset of wire-format JSON dicts.

`generate(scale, seed, now)` builds a `Dataset`. Same (scale, seed, now) -> byte-identical
`Dataset.to_json()`, in any process (no dependence on hash seeds or wall-clock time other
than the `now` default). Nothing here imports the API client: the records are plain dicts in
exactly the shape the server emits (the wire format of contracts.md).

Scales:
- "tiny": 1 organisation ("Tiny Robots"), 2 applications, 10 days of backups. For fast tests.
- "demo": 3 organisations (an agency "Northwind Digital", a company "Globex Corporation", a
  small team "Tiny Robots"), 15 applications (e.g. "acme-shop"/"ACME Shop"; also the
  adversarial name "Legacy [bold]CMS[/bold]"), test + live environments each plus some
  dev/staging ones, ~60 days of daily SCHEDULED backups at 02:xx UTC plus MANUAL ones.
- "large": the demo cast plus 8 more organisations with 1,200 synthetic applications
  (8 days of backups each): >= 1,000 applications and >= 20,000 backups.

Hand-placed edge cases (`Dataset.special`, kind -> (application slug, environment slug)); use
`Dataset.special_environment(kind)` to get the environment record:

| kind                  | demo / large                  | tiny                           |
|-----------------------|-------------------------------|--------------------------------|
| backup_working        | acme-shop / live              | tinyrobots-app / live          |
| backup_newest_failed  | harbour-museum / live         | tinyrobots-landing / live      |
| backup_partial        | globex-api / live             | tinyrobots-app / test          |
| deploy_running        | acme-shop / test              | tinyrobots-app / test          |
| deploy_failed         | bellweather-blog / test       | tinyrobots-landing / test      |
| never_deployed        | orbit-conf-2026 / staging     | tinyrobots-app / dev           |

Every other deployed environment's newest backup is COMPLETED/SUCCESS. Lists are ordered as
the server returns them: creation order for structural kinds, newest first for deployments,
builds, backups and service-instance backups (SIBs follow their backup's order, DATABASE
first).
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import Literal

from ._catalogue import SPECIAL_ENVS, app_specs
from ._gen_apps import ROUTES, build_structure
from ._gen_history import build_history
from ._logs import deployment_log, environment_log
from ._util import Record, default_now, new_id, rng_for, to_naive_utc

__all__ = ["FIXED_NOW", "ROUTES", "Dataset", "Scale", "canonical_route", "generate"]

Scale = Literal["demo", "large", "tiny"]

FIXED_NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
"""The `now` every test passes, so that dates in assertions and snapshots never move."""

# The API root advertises `serviceinstances` (no hyphen) while everything else uses
# `service-instances`; both name one collection (divio-api.md §8.7).
_ALIASES = {"serviceinstances": "service-instances"}
_ENV_LOG_CACHE_SIZE = 32


def canonical_route(route: str) -> str:
    """Map a route alias (`serviceinstances`) to its collection name; others unchanged."""
    return _ALIASES.get(route, route)


class Dataset:
    """An account's data as route name -> list of wire-format dicts, with lazy indexes.

    Attributes: `scale`, `seed`, `now` (aware UTC), `me` (the `/iam/v3/me/` body),
    `collections` (route name -> records, in the order the API lists them), `special` (see
    module docstring). Records are shared, not copied: treat them as read-only unless you go
    through `add`/`remove`, which keep the indexes right. Index building is thread-safe (the
    loopback server answers from several threads).
    """

    def __init__(self, *, scale: str, seed: int, now: datetime, me: Record,
                 collections: dict[str, list[Record]], ssh: dict[str, Record],
                 special: dict[str, tuple[str, str]]) -> None:
        self.scale = scale
        self.seed = seed
        self.now = now if now.tzinfo else now.replace(tzinfo=UTC)
        self.me = me
        self.collections = collections
        self.special = dict(special)
        self._ssh = ssh
        self._lock = threading.Lock()
        self._ids: dict[str, dict[str, Record]] = {}
        self._fields: dict[tuple[str, str], dict[object, list[Record]]] = {}
        self._env_logs: dict[str, list[Record]] = {}
        self._id_rng = rng_for(seed, "added-records")

    # -- lookups ---------------------------------------------------------------------------
    def by_id(self, route: str, uuid: str) -> Record | None:
        """The record of `route` with this uuid, or None."""
        route = canonical_route(route)
        index = self._ids.get(route)
        if index is None:
            with self._lock:
                index = self._ids.get(route)
                if index is None:
                    index = {rec["uuid"]: rec for rec in self.collections.get(route, ())}
                    self._ids[route] = index
        return index.get(uuid)

    def where(self, route: str, field: str, value: object) -> list[Record]:
        """Records of `route` whose `field` equals `value`, in collection order (indexed once)."""
        key = (canonical_route(route), field)
        index = self._fields.get(key)
        if index is None:
            with self._lock:
                index = self._fields.get(key)
                if index is None:
                    index = {}
                    for rec in self.collections.get(key[0], ()):
                        index.setdefault(rec.get(field), []).append(rec)
                    self._fields[key] = index
        return index.get(value, [])

    def detail(self, route: str, uuid: str) -> Record | None:
        """The detail body of a record: the list item plus detail-only fields (INFERRED).

        environments: + `ssh_endpoint` {host, port, user}; deployments: + `environment_variables`
        (list of names). Other kinds: the list item itself.
        """
        route = canonical_route(route)
        rec = self.by_id(route, uuid)
        if rec is None:
            return None
        if route == "environments":
            return {**rec, "ssh_endpoint": self._ssh.get(uuid)}
        if route == "deployments":
            names = [var["name"] for var in self.where("environment-variables", "environment", rec["environment"])]
            return {**rec, "environment_variables": names}
        return rec

    def application(self, slug: str) -> Record | None:
        """The application with this slug (test helper)."""
        found = self.where("applications", "slug", slug)
        return found[0] if found else None

    def environment(self, app_slug: str, env_slug: str) -> Record | None:
        """The environment `env_slug` of application `app_slug` (test helper)."""
        app = self.application(app_slug)
        if app is None:
            return None
        for env in self.where("environments", "application", app["uuid"]):
            if env["slug"] == env_slug:
                return env
        return None

    def special_environment(self, kind: str) -> Record:
        """The environment carrying a hand-placed edge case (see module docstring table)."""
        env = self.environment(*self.special[kind])
        assert env is not None, kind
        return env

    # -- derived bodies --------------------------------------------------------------------
    def deployment_logs(self, uuid: str) -> str | None:
        """Deployment log text (with ANSI escapes), or None for an unknown deployment."""
        dep = self.by_id("deployments", uuid)
        if dep is None:
            return None
        env = self.by_id("environments", dep["environment"]) or {"slug": "?", "branch": "?"}
        app = self.by_id("applications", env.get("application", "")) or {"slug": "?"}
        return deployment_log(self.seed, dep, app["slug"], env)

    def deployment_environment_variables(self, uuid: str) -> dict[str, str] | None:
        """The `{NAME: value}` snapshot of a deployment (today's values of its environment)."""
        dep = self.by_id("deployments", uuid)
        if dep is None:
            return None
        return {var["name"]: var["value"]
                for var in self.where("environment-variables", "environment", dep["environment"])}

    def environment_logs(self, uuid: str) -> list[Record] | None:
        """Runtime log entries of an environment, oldest first; [] if never deployed; None if unknown."""
        env = self.by_id("environments", uuid)
        if env is None:
            return None
        if env["last_finished_deployment"] is None:
            return []
        with self._lock:
            cached = self._env_logs.get(uuid)
        if cached is None:
            cached = environment_log(self.seed, to_naive_utc(self.now), uuid)
            with self._lock:
                if len(self._env_logs) >= _ENV_LOG_CACHE_SIZE:  # bounded: scale large has ~2,600 envs
                    self._env_logs.pop(next(iter(self._env_logs)))
                self._env_logs[uuid] = cached
        return cached

    # -- mutation helpers for tests ----------------------------------------------------------
    def new_id(self) -> str:
        """A fresh id in the real format (deterministic sequence per seed)."""
        return new_id(self._id_rng)

    def add(self, route: str, record: Record, index: int = 0) -> Record:
        """Insert `record` into `route` at `index` (0 = newest/first) and refresh indexes.

        A missing `uuid` is filled in. Returns the record.
        """
        route = canonical_route(route)
        record.setdefault("uuid", self.new_id())
        with self._lock:
            self.collections.setdefault(route, []).insert(index, record)
            self._invalidate(route)
        return record

    def remove(self, route: str, uuid: str) -> Record | None:
        """Remove and return the record with this uuid from `route` (None if absent)."""
        route = canonical_route(route)
        with self._lock:
            records = self.collections.get(route, [])
            for i, rec in enumerate(records):
                if rec["uuid"] == uuid:
                    del records[i]
                    self._invalidate(route)
                    return rec
        return None

    def _invalidate(self, route: str) -> None:
        self._ids.pop(route, None)
        for key in [key for key in self._fields if key[0] == route]:
            del self._fields[key]
        self._env_logs.clear()

    # -- serialisation ---------------------------------------------------------------------
    def to_json(self) -> str:
        """The whole dataset as one JSON document (for determinism checks and fixtures)."""
        return json.dumps({"scale": self.scale, "seed": self.seed, "now": self.now.isoformat(),
                           "me": self.me, "collections": self.collections, "ssh_endpoints": self._ssh},
                          ensure_ascii=False, separators=(",", ":"))

    def counts(self) -> dict[str, int]:
        """Number of records per route (handy in test messages and the CLI banner)."""
        return {route: len(records) for route, records in self.collections.items()}


def generate(scale: Scale = "demo", seed: int = 0, now: datetime | None = None) -> Dataset:
    """Generate the dataset of `scale` (see module docstring).

    `now`: the moment the account is observed; aware datetimes are converted to UTC, naive
    ones are taken as UTC; None -> the current UTC time truncated to the hour. Nothing in the
    dataset is later than `now`.
    """
    when = to_naive_utc(now) if now is not None else default_now()
    orgs, apps = app_specs(scale, seed)
    draft = build_structure(seed, when, orgs, apps)
    special = SPECIAL_ENVS[scale]
    build_history(draft, special)
    return Dataset(scale=scale, seed=seed, now=when, me=draft.me, collections=draft.collections,
                   ssh=draft.ssh, special=special)
