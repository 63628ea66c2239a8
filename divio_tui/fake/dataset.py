"""The fake Divio account: a deterministic, seeded dataset of wire-format JSON dicts.

`generate(scale, seed, now)` builds a `Dataset`: the structure at once, the history
(deployments, builds, backups, SIBs) the first time a route needs it (`HISTORY_ROUTES`).
Same (scale, seed, now) -> byte-identical `Dataset.to_json()`, whatever is read first, in
any process (no dependence on hash seeds or wall-clock time other
than the `now` default). Nothing here imports the API client: the records are plain dicts in
exactly the shape the server emits (the wire format of contracts.md).

Scales (`SCALES`):
- "tiny": 1 organisation ("Tiny Robots"), 2 applications, 10 days of backups. For fast tests.
- "demo": 3 organisations (an agency "Northwind Digital", a company "Globex Corporation", a
  small team "Tiny Robots"), 19 applications (e.g. "acme-shop"/"ACME Shop"; also the
  adversarial name "Legacy [bold]CMS[/bold]"), test + live environments each plus some
  dev/staging ones, ~60 days of daily SCHEDULED backups at 02:xx UTC plus MANUAL ones. The
  last 4 applications (tinyrobots-fleet, -telemetry, -store, -academy, all of "Tiny Robots")
  were added for the cases marked * below; nothing that existed before them changed.
- "large": the demo cast plus 8 more organisations with 1,200 synthetic applications
  (8 days of backups each): >= 1,000 applications and >= 20,000 backups.
- "huge" (performance work): the demo cast plus "Massive Dynamic", 5,000 applications of test
  + live with 2 days of backups and 1-3 deployments each; one environment with 20,000 backups
  (40,000 SIBs) and one deployment whose log has 100,000 lines (made on request, not
  stored). Generation takes a few seconds.

Hand-placed edge cases (`Dataset.special`, kind -> (application slug, environment slug)); use
`Dataset.special_environment(kind)` to get the environment record. "*" = added later, on
demo, large and huge only (tiny has none of them). Invented (INFERRED) throughout: the
stories, names, values and texts, and the env-var snapshot and log semantics noted below.

| kind                      | demo / large / huge         | tiny                      |
|---------------------------|-----------------------------|---------------------------|
| backup_working            | acme-shop / live            | tinyrobots-app / live     |
| backup_newest_failed      | harbour-museum / live       | tinyrobots-landing / live |
| backup_partial            | globex-api / live           | tinyrobots-app / test     |
| deploy_running            | acme-shop / test            | tinyrobots-app / test     |
| deploy_failed             | bellweather-blog / test     | tinyrobots-landing / test |
| never_deployed            | orbit-conf-2026 / staging   | tinyrobots-app / dev      |
| backup_ok *               | acme-intranet / live        | -                         |
| backup_stale *            | tinyrobots-store / test     | -                         |
| backup_failing *          | tinyrobots-store / live     | -                         |
| backup_never *            | tinyrobots-store / staging  | -                         |
| backup_no_backups *       | tinyrobots-academy / live   | -                         |
| backup_working_db_done *  | tinyrobots-academy / test   | -                         |
| compare_test_live *       | tinyrobots-fleet / live     | -                         |
| compare_test_live_2 *     | tinyrobots-telemetry / live | -                         |
| compare_many_vars *       | tinyrobots-telemetry / live | -                         |
| deploy_envvars_changed *  | tinyrobots-fleet / live     | -                         |
| deploy_envvars_many *     | tinyrobots-telemetry / live | -                         |
| deploy_log_build_failed * | tinyrobots-fleet / live     | -                         |
| deploy_log_hostile *      | tinyrobots-fleet / test     | -                         |
| logs_hostile *            | tinyrobots-telemetry / live | -                         |
| logs_long_line *          | tinyrobots-fleet / test     | -                         |
| logs_hostile_unicode *    | tinyrobots-academy / live   | -                         |
| huge_backups (huge)       | massive-archive / live      | -                         |
| deploy_log_huge (huge)    | massive-monolith / live     | -                         |

What the added cases hold (per service instance, "a good backup" = a SIB that ended without
errors, whatever the state of its backup; verdict threshold 26 h):
- backup_ok: an ordinary environment; every service's latest good backup is from 02:xx today.
- backup_stale: daily backups stopped 3 days ago; the newest one (3 days old) succeeded.
- backup_failing: the newest 3 backups are FAILURE (every SIB failed, the same credential
  error each time), the 4th newest succeeded.
- backup_never: every backup is PARTIAL: the STORAGE SIB always failed (AccessDenied), the
  DATABASE SIB never did; so the storage has never been backed up.
- backup_no_backups: a third service instance, STORAGE "UPLOADS", that no backup includes
  (no SIB at all, env var UPLOADS_STORAGE_DSN); the DEFAULT ones are backed up daily.
- backup_working_db_done: the newest backup is WORKING (MANUAL "pre-release snapshot", 25
  minutes old): its DATABASE SIB has ended without errors (size, taken_at set) and is the
  latest database backup; its STORAGE SIB is still running. The one before it succeeded.
- compare_test_live / compare_test_live_2: the application's test and live differ in
  variables only on one side, changed values, a sensitive value that differs and one that
  is the same, branch and domain set; fleet's live also has an ANALYTICS database test has not
  (see `_catalogue.DEMO_APPS_ADDED` for the exact list). The platform variables differ as
  expected (STAGE, DOMAIN, DOMAIN_ALIASES, GIT_BRANCH, DSNs, SECRET_KEY, LOG_LEVEL).
- compare_many_vars: live has 350 variables (several pages), test 351: all but a handful equal.
- deploy_envvars_changed / deploy_envvars_many: each deployment has its own env-var snapshot
  (`deployment_environment_variables`); fleet/live's newest deployment FAILED and, against
  the one before (the last good one), added ROUTE_PLANNER_ENABLED, removed
  LEGACY_TELEMETRY_URL and changed PIP_INDEX_URL; older steps rotate STRIPE_SECRET_KEY,
  change WORKERS, add CDN_URL. telemetry/live's newest 3 good deploys add, change, remove one.
- deploy_log_build_failed: the newest deployment of the environment (FAILED, its build too):
  a 12-step Docker build ("Step 3/12 : RUN ...") with "npm WARN"/"WARNING:" lines and pip's
  "ERROR:" lines at step 9/12, naming the mistyped index URL of its snapshot.
- deploy_log_hostile: the newest deployment's (successful) log carries every sample of
  `_logs.HOSTILE`: cursor-position/terminal queries, clear/home, alternate screen and mouse
  modes, colours, 8-bit CSI, OSC 52 clipboard / OSC 0 title / OSC 8 link, carriage returns,
  backspaces, U+FFFD from invalid UTF-8, bidi overrides, zero-width and combining characters,
  wide characters and one line of 100,000+ characters.
- logs_hostile: the runtime log holds all of `_logs.HOSTILE` (and the long line) in its 40
  newest minutes (the first page a viewer reads) and one escape six hours earlier;
  logs_long_line: just one 100,000+ character line; logs_hostile_unicode: U+FFFD, bidi,
  zero-width, combining and wide characters only.

Every other deployed environment's newest backup is COMPLETED/SUCCESS. Lists are ordered as
the server returns them: creation order for structural kinds, newest first for deployments,
builds, backups and service-instance backups (SIBs follow their backup's order, DATABASE
first).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Literal

from ._catalogue import SPECIAL_ENVS, app_specs
from ._gen_apps import ROUTES, build_structure
from ._gen_history import build_history
from ._logs import deployment_log, environment_log
from ._util import Record, default_now, new_id, rng_for, to_naive_utc

__all__ = ["FIXED_NOW", "ROUTES", "SCALES", "Dataset", "Scale", "canonical_route", "generate"]

Scale = Literal["demo", "large", "tiny", "huge"]
SCALES: tuple[Scale, ...] = ("demo", "large", "tiny", "huge")
"""Every scale `generate` knows, in the order a `--scale` option should list them."""

FIXED_NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
"""The `now` every test passes, so that dates in assertions and snapshots never move."""

# The API root advertises `serviceinstances` (no hyphen) while everything else uses
# `service-instances`; both name one collection (divio-api.md §8.7).
_ALIASES = {"serviceinstances": "service-instances"}
_ENV_LOG_CACHE_SIZE = 32

HISTORY_ROUTES = frozenset({"deployments", "builds", "backups", "service-instance-backups",
                            "environments"})
"""The routes the history writes (environments: their `last_finished_deployment`). The
history is built the first time one of them, or the whole `collections`, is read: the demo
shows its organisations without building it (the cold start)."""

SideTables = tuple[dict[str, dict[str, str]], dict[str, str], dict[str, str]]
"""The history's hand-placed side tables: env-var snapshots, deployment and runtime log
flavours (see `Dataset`)."""


def canonical_route(route: str) -> str:
    """Map a route alias (`serviceinstances`) to its collection name; others unchanged."""
    return _ALIASES.get(route, route)


class Dataset:
    """An account's data as route name -> list of wire-format dicts, with lazy indexes.

    Attributes: `scale`, `seed`, `now` (aware UTC), `me` (the `/iam/v3/me/` body),
    `collections` (route name -> records, in the order the API lists them), `special` (see
    module docstring). Records are shared, not copied: treat them as read-only unless you go
    through `add`/`remove`, which keep the indexes right. Hand-placed side tables (env-var
    snapshots per deployment, log flavours) are fixed at generation: `add`/`remove` of
    environment variables do not change a hand-placed deployment's snapshot. Index building
    is thread-safe (the loopback server answers from several threads).

    `history`, when given, builds the deployments, builds, backups and SIBs into
    `collections` (in place) and returns the side tables; it runs once, the first time a
    route of `HISTORY_ROUTES` or the whole `collections` is read (`history_built` says
    whether it has). What it builds does not depend on when it runs.
    """

    def __init__(self, *, scale: str, seed: int, now: datetime, me: Record,
                 collections: dict[str, list[Record]], ssh: dict[str, Record],
                 special: dict[str, tuple[str, str]],
                 snapshots: dict[str, dict[str, str]] | None = None,
                 deploy_logs: dict[str, str] | None = None,
                 env_logs: dict[str, str] | None = None,
                 history: Callable[[], SideTables] | None = None) -> None:
        self.scale = scale
        self.seed = seed
        self.now = now if now.tzinfo else now.replace(tzinfo=UTC)
        self.me = me
        self._collections = collections
        self._history = history
        self._history_lock = threading.Lock()
        self.special = dict(special)
        self._ssh = ssh
        # Hand-placed side tables: deployment uuid -> env-var snapshot / log flavour, and
        # environment uuid -> runtime log flavour (see the module docstring's table).
        self._snapshots = snapshots or {}
        self._deploy_logs = deploy_logs or {}
        self._env_logs_flavour = env_logs or {}
        self._lock = threading.Lock()
        self._ids: dict[str, dict[str, Record]] = {}
        self._fields: dict[tuple[str, str], dict[object, list[Record]]] = {}
        self._env_logs: dict[str, list[Record]] = {}
        self._id_rng = rng_for(seed, "added-records")

    @property
    def collections(self) -> dict[str, list[Record]]:
        """Route name -> records, the history built (see the class docstring)."""
        self._build_history()
        return self._collections

    @property
    def history_built(self) -> bool:
        """Whether the deployments, builds, backups and SIBs exist yet."""
        return self._history is None

    def records(self, route: str) -> list[Record]:
        """The records of `route` in collection order (the history built only if `route`
        is one it writes)."""
        route = canonical_route(route)
        if route in HISTORY_ROUTES:
            self._build_history()
        return self._collections.get(route, [])

    def _build_history(self) -> None:
        if self._history is None:
            return
        with self._history_lock:
            history = self._history
            if history is None:
                return
            self._snapshots, self._deploy_logs, self._env_logs_flavour = history()
            self._history = None

    # -- lookups ---------------------------------------------------------------------------
    def by_id(self, route: str, uuid: str) -> Record | None:
        """The record of `route` with this uuid, or None."""
        route = canonical_route(route)
        index = self._ids.get(route)
        if index is None:
            with self._lock:
                index = self._ids.get(route)
                if index is None:
                    index = {rec["uuid"]: rec for rec in self.records(route)}
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
                    for rec in self.records(key[0]):
                        index.setdefault(rec.get(field), []).append(rec)
                    self._fields[key] = index
        return index.get(value, [])

    def detail(self, route: str, uuid: str) -> Record | None:
        """The detail body of a record: the list item plus detail-only fields (INFERRED).

        environments: + `ssh_endpoint` {host, port, user}; deployments: + `environment_variables`
        (list of names: those of its snapshot, see `deployment_environment_variables`). Other
        kinds: the list item itself.
        """
        route = canonical_route(route)
        rec = self.by_id(route, uuid)
        if rec is None:
            return None
        if route == "environments":
            return {**rec, "ssh_endpoint": self._ssh.get(uuid)}
        if route == "deployments":
            snapshot = self._snapshots.get(uuid)
            names = list(snapshot) if snapshot is not None else \
                [var["name"] for var in self.where("environment-variables", "environment", rec["environment"])]
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
        """Deployment log text (with ANSI escapes), or None for an unknown deployment.

        Generated on request, never stored (the "deploy_log_huge" one has 100,000 lines).
        """
        dep = self.by_id("deployments", uuid)
        if dep is None:
            return None
        env = self.by_id("environments", dep["environment"]) or {"slug": "?", "branch": "?"}
        app = self.by_id("applications", env.get("application", "")) or {"slug": "?"}
        flavour = self._deploy_logs.get(uuid)
        variables = self.deployment_environment_variables(uuid) if flavour == "build_failed" else None
        return deployment_log(self.seed, dep, app["slug"], env, flavour, variables)

    def deployment_environment_variables(self, uuid: str) -> dict[str, str] | None:
        """The `{NAME: value}` snapshot of a deployment, or None for an unknown deployment.

        Hand-placed environments ("deploy_envvars_*" kinds) hold one snapshot per deployment,
        changing from deploy to deploy (INFERRED: a deployment keeps the values it was deployed
        with; the newest one's are today's). Every other deployment answers today's values of
        its environment.
        """
        dep = self.by_id("deployments", uuid)
        if dep is None:
            return None
        snapshot = self._snapshots.get(uuid)
        if snapshot is not None:
            return dict(snapshot)
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
            cached = environment_log(self.seed, to_naive_utc(self.now), uuid, self._env_logs_flavour.get(uuid))
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
        """The whole dataset as one JSON document (for determinism checks and fixtures).

        The hand-placed side tables (env-var snapshots, log flavours) come last, each only when
        the scale has any, so a scale without such cases (tiny) serialises as it always did.
        """
        doc: dict[str, object] = {"scale": self.scale, "seed": self.seed, "now": self.now.isoformat(),
                                  "me": self.me, "collections": self.collections, "ssh_endpoints": self._ssh}
        for key, table in (("deployment_environment_variables", self._snapshots),
                           ("deployment_log_flavours", self._deploy_logs),
                           ("environment_log_flavours", self._env_logs_flavour)):
            if table:
                doc[key] = table
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))

    def counts(self) -> dict[str, int]:
        """Number of records per route (handy in test messages and the CLI banner)."""
        return {route: len(records) for route, records in self.collections.items()}


def generate(scale: Scale = "demo", seed: int = 0, now: datetime | None = None) -> Dataset:
    """Generate the dataset of `scale` (see module docstring).

    `now`: the moment the account is observed; aware datetimes are converted to UTC, naive
    ones are taken as UTC; None -> the current UTC time truncated to the hour. Nothing in the
    dataset is later than `now`.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r} (expected one of {', '.join(map(repr, SCALES))})")
    when = to_naive_utc(now) if now is not None else default_now()
    orgs, apps = app_specs(scale, seed)
    draft = build_structure(seed, when, orgs, apps)
    special = SPECIAL_ENVS[scale]

    def history() -> SideTables:
        build_history(draft, special)
        return draft.snapshots, draft.deploy_logs, draft.env_logs

    # The history (most of the work: every backup and deployment) waits until a route needs
    # it; the structure alone answers the organisations and applications.
    return Dataset(scale=scale, seed=seed, now=when, me=draft.me, collections=draft.collections,
                   ssh=draft.ssh, special=special, history=history)
