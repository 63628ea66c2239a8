"""Dataset generation, part 2: history per environment (deployments, builds, backups, SIBs).

`build_history(draft, special)` fills `deployments`, `builds`, `backups` and
`service-instance-backups` of `draft`, sorts each newest first across the whole account
(INFERRED ordering), and sets every environment's `last_finished_deployment`.

Shape of the history (all invented, tuned to look like a real account):
- Deployments: a handful to ~20 per deployed environment over the last ~6 months, at office
  hours; ~8% fail (status "COMPLETED", success false, percent < 100). One build (INFERRED
  model) per deployment.
- Backups: one SCHEDULED backup per day at 02:xx UTC for `history_days` days (bounded by the
  environment's age), plus a few MANUAL ones ("Divio CLI pull" = database only, with
  `scheduled_for_deletion_at` one hour later, as the CLI sets it). One SIB per service
  instance; ~2.5% FAILURE (every SIB has `errors`), ~3.5% PARTIAL (one SIB failed). The newest
  backup of every environment succeeds, except the hand-placed `special` ones (see
  `_catalogue.SPECIAL_ENVS`).
- SIB sizes follow the service instance's size at `now` shrunk back by its daily growth rate,
  with ±0.5% noise; durations grow with size. Failed SIBs have size/taken_at null.
- A running backup (special "backup_working") is MANUAL "before migration" queued 6 minutes
  before `now`: state WORKING, success null; its database SIB is done, its storage SIB has
  started_at set and ended_at/taken_at/size null.

Hand-placed cases added later (dataset.py's table; all invented, none touches an environment
that existed before them, and each draws only from RNGs of its own application):
- backup_stale / backup_failing / backup_never / huge_backups: `_hand_placed_backups` plans
  their backups instead of `_backups` (stopped 3 days ago; the newest 3 FAILURE with one
  credential error per service type; every STORAGE SIB failing with AccessDenied; 20,000
  hourly MANUAL "hourly snapshot (ci)" backups).
- backup_no_backups: backups cover `EnvCtx.backed_up`, which leaves out instances marked
  `backed_up=False` (the UPLOADS storage).
- backup_working_db_done: a WORKING MANUAL "pre-release snapshot" queued 25 minutes before
  `now`, whose DATABASE SIB has ended without errors while the STORAGE one runs.
- deploy_* kinds: the newest 5 deployments succeed, except that the newest fails on purpose
  for deploy_envvars_changed / deploy_log_build_failed (its build fails too for the latter).
  `Draft.deploy_logs` maps the newest deployment to its log flavour ("build_failed",
  "hostile", "huge") and `Draft.env_logs` the logs_* environments to theirs.
- `EnvSpec.var_history`: `Draft.snapshots` holds one {NAME: value} per deployment of the
  environment (INFERRED: a deployment keeps the values it was deployed with). The newest is
  today's variables; each older one undoes the `VarChange`s of its successor.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from ._gen_apps import Draft, EnvCtx, var_value
from ._util import Record, new_id, ts

_DAY = timedelta(days=1)
_MANUAL_NOTES = ("Divio CLI pull", "before migration", "pre-release snapshot", "Divio CLI push",
                 "", "before Django upgrade")
_DB_ERRORS = {
    "postgres": ('pg_dump: error: connection to server at "10.0.14.3", port 5432 failed: timeout expired',
                 "pg_dump: error: query failed: ERROR:  could not access status of transaction 3429771"),
    "mysql": (("mysqldump: Got error: 2013: Lost connection to MySQL server during query when dumping "
              "table `django_session` at row: 48213"),),
}
_STORAGE_ERRORS = (
    "An error occurred (SlowDown) when calling the ListObjectsV2 operation: Please reduce your request rate.",
    "Timeout while copying media files after 3600 seconds",
)
# Hand-placed failures tell one story each (invented texts): rotated backup credentials
# ("backup_failing"), a bucket policy that denies the backup role ("backup_never").
_KEY_ERROR = ("An error occurred (InvalidAccessKeyId) when calling the ListObjectsV2 operation: The AWS "
              "Access Key Id you provided does not exist in our records.")
_CREDENTIAL_ERRORS = {
    "postgres": {"DATABASE": ('pg_dump: error: connection to server at "10.0.14.3", port 5432 failed: '
                              'FATAL:  password authentication failed for user "backup"'),
                 "STORAGE": _KEY_ERROR},
    "mysql": {"DATABASE": ("mysqldump: Got error: 1045: Access denied for user 'backup'@'10.0.14.7' "
                           "(using password: YES) when trying to connect"),
              "STORAGE": _KEY_ERROR},
}
_ACCESS_DENIED = {"STORAGE": "An error occurred (AccessDenied) when calling the PutObject operation: Access Denied"}

HUGE_BACKUPS = 20_000
"""Backups of the "huge_backups" environment (scale huge): hourly, each with its SIBs."""

# Hand-placed kinds (see dataset.py's table) and what they change here.
_HAND_BACKUP_KINDS = frozenset({"backup_stale", "backup_failing", "backup_never", "huge_backups"})
_HAND_DEPLOY_KINDS = frozenset({"deploy_envvars_changed", "deploy_envvars_many", "deploy_log_build_failed",
                                "deploy_log_hostile", "deploy_log_huge"})
_NEWEST_DEPLOY_FAILS = frozenset({"deploy_envvars_changed", "deploy_log_build_failed"})
_DEPLOY_LOG_FLAVOURS = {"deploy_log_build_failed": "build_failed", "deploy_log_hostile": "hostile",
                        "deploy_log_huge": "huge"}
_ENV_LOG_FLAVOURS = {"logs_hostile": "hostile", "logs_long_line": "long_line",
                     "logs_hostile_unicode": "unicode"}


def build_history(draft: Draft, special: dict[str, tuple[str, str]]) -> None:
    """Generate deployments/builds/backups/SIBs for every environment of `draft` (in place)."""
    now = draft.now
    deployments: list[tuple[datetime, Record]] = []
    builds: list[tuple[datetime, Record]] = []
    backups: list[tuple[datetime, Record, list[Record]]] = []
    kinds_of: dict[tuple[str, str], set[str]] = {}
    for kind, pair in special.items():
        kinds_of.setdefault(pair, set()).add(kind)
    for ctx in draft.envs:
        if not ctx.env.deployed:
            continue
        kinds = kinds_of.get((ctx.spec.slug, ctx.env.slug), set())
        mine = _deployments(ctx, now, kinds, deployments, builds)
        if kinds & _HAND_BACKUP_KINDS:
            _hand_placed_backups(ctx, now, kinds, backups)
        else:
            _backups(ctx, now, kinds, backups)
        for kind in sorted(kinds):  # hand-placed side tables (never for the cases of before)
            if kind in _DEPLOY_LOG_FLAVOURS:
                draft.deploy_logs[mine[-1]["uuid"]] = _DEPLOY_LOG_FLAVOURS[kind]
            if kind in _ENV_LOG_FLAVOURS:
                draft.env_logs[ctx.rec["uuid"]] = _ENV_LOG_FLAVOURS[kind]
        if ctx.env.var_history:
            _snapshots(draft, ctx, mine)

    # Newest first across the account; the sorts are stable and the input order is
    # deterministic, so equal timestamps cannot make two runs differ.
    deployments.sort(key=lambda item: item[0], reverse=True)
    builds.sort(key=lambda item: item[0], reverse=True)
    backups.sort(key=lambda item: item[0], reverse=True)
    col = draft.collections
    col["deployments"] = [rec for _, rec in deployments]
    col["builds"] = [rec for _, rec in builds]
    col["backups"] = [rec for _, rec, _ in backups]
    col["service-instance-backups"] = [sib for _, _, sibs in backups for sib in sibs]

    env_by_id = {ctx.rec["uuid"]: ctx.rec for ctx in draft.envs}
    for dep in col["deployments"]:  # newest first: the first finished one per env wins
        env = env_by_id[dep["environment"]]
        if dep["ended_at"] is not None and env["last_finished_deployment"] is None:
            env["last_finished_deployment"] = {"uuid": dep["uuid"], "status": dep["status"],
                                               "success": dep["success"], "ended_at": dep["ended_at"]}


def _deployments(ctx: EnvCtx, now: datetime, kinds: set[str],
                 out: list[tuple[datetime, Record]], builds: list[tuple[datetime, Record]]) -> list[Record]:
    """Emit the environment's deployments; returns them oldest first."""
    rng = ctx.rng
    span = max(2, min(180, (now - ctx.created).days))
    count = rng.randint(*ctx.spec.deploys)
    days = sorted(rng.sample(range(1, span), min(count, span - 1)), reverse=True)
    people = ctx.org.people
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    hand_placed = bool(kinds & _HAND_DEPLOY_KINDS)
    mine: list[Record] = []
    for i, days_ago in enumerate(days):
        newest = i == len(days) - 1
        started = midnight - days_ago * _DAY + timedelta(
            hours=rng.randint(7, 18), minutes=rng.randint(0, 59), seconds=rng.randint(0, 59),
            microseconds=rng.randint(0, 999_999))
        failed = rng.random() < 0.08
        if newest:
            failed = "deploy_failed" in kinds
        if hand_placed and len(days) - i <= 5:  # the newest 5 succeed, but for a newest failing on purpose
            failed = newest and bool(kinds & _NEWEST_DEPLOY_FAILS)
        duration = timedelta(seconds=rng.randint(120, 900), microseconds=rng.randint(0, 999_999))
        author = f"{rng.choice(people)}@{ctx.org.mail_domain}"
        build_failed = True if newest and "deploy_log_build_failed" in kinds else None
        mine.append(_emit_deployment(ctx, rng, started, started + duration, failed, author, out, builds,
                                     build_failed))
    if "deploy_running" in kinds:
        started = now - timedelta(minutes=4, seconds=rng.randint(0, 50), microseconds=rng.randint(0, 999_999))
        mine.append(_emit_deployment(ctx, rng, started, None, False, f"{people[0]}@{ctx.org.mail_domain}",
                                     out, builds))
    return mine


def _emit_deployment(ctx: EnvCtx, rng: random.Random, started: datetime, ended: datetime | None,
                     failed: bool, author: str, out: list[tuple[datetime, Record]],
                     builds: list[tuple[datetime, Record]], build_failed: bool | None = None) -> Record:
    created = started - timedelta(seconds=rng.uniform(0.5, 20))
    env_id = ctx.rec["uuid"]
    if ended is None:
        status, success, percent = "WORKING", None, rng.randint(30, 70)
    else:
        status, success, percent = "COMPLETED", not failed, rng.randint(20, 95) if failed else 100
    dep = {"uuid": new_id(rng), "environment": env_id, "status": status, "success": success,
           "percent": percent, "started_at": ts(started),
           "ended_at": ts(ended) if ended else None, "created_at": ts(created), "author": author}
    out.append((created, dep))
    build_end = started + timedelta(seconds=rng.randint(40, 100))
    random_build_failed = failed and rng.random() < 0.5
    if build_failed is None:
        build_failed = random_build_failed
    if ended is not None and build_end > ended:
        build_end = ended
    builds.append((started, {"uuid": new_id(rng), "environment": env_id, "deployment": dep["uuid"],
                             "started_at": ts(started), "ended_at": ts(build_end),
                             "success": not build_failed}))
    return dep


def _snapshots(draft: Draft, ctx: EnvCtx, deployments: list[Record]) -> None:
    """Env-var snapshots of a hand-placed environment's deployments (see `VarChange`).

    The newest deployment's snapshot is today's variables; each older one undoes the changes
    its successor made. Stored by deployment uuid, names sorted.
    """
    snap = {var["name"]: var["value"] for var in ctx.variables}
    changes = ctx.env.var_history
    for pos, dep in enumerate(reversed(deployments)):  # pos 0 = newest
        draft.snapshots[dep["uuid"]] = dict(sorted(snap.items()))
        for change in changes:
            if change.deploys_ago != pos:
                continue
            if change.op == "added":
                snap.pop(change.name, None)
            else:  # "removed" / "changed": it had its old value before this deployment
                snap[change.name] = var_value(draft.seed, ctx.spec.slug, ctx.env.slug, change.name,
                                              change.old_value, change.old_secret, tag=f"@{pos + 1}")


def _backups(ctx: EnvCtx, now: datetime, kinds: set[str],
             out: list[tuple[datetime, Record, list[Record]]]) -> None:
    rng = ctx.rng
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    planned: list[tuple[datetime, str, str, list[Record]]] = []  # (queued, trigger, notes, SIs)
    days = min(ctx.spec.history_days, (now - ctx.created).days)
    instances = ctx.backed_up  # = ctx.instances, but for "backup_no_backups"
    for days_ago in range(days):
        queued = midnight - days_ago * _DAY + timedelta(
            hours=2, minutes=rng.randint(0, 59), seconds=rng.randint(0, 59),
            microseconds=rng.randint(0, 999_999))
        planned.append((queued, "SCHEDULED", "", instances))
    for _ in range(rng.randint(*ctx.spec.manual_backups)):
        days_ago = rng.randint(1, max(1, days))
        queued = midnight - days_ago * _DAY + timedelta(
            hours=rng.randint(8, 18), minutes=rng.randint(0, 59), seconds=rng.randint(0, 59),
            microseconds=rng.randint(0, 999_999))
        notes = rng.choice(_MANUAL_NOTES)
        planned.append((queued, "MANUAL", notes, instances[:1] if notes == "Divio CLI pull" else instances))
    planned.sort(key=lambda item: item[0], reverse=True)

    emitted: list[tuple[datetime, Record, list[Record]]] = []
    for queued, trigger, notes, instances in planned:
        i = len(emitted)  # position among backups that exist by `now` (a later one may be skipped)
        if i == 0:  # the newest backup: hand-placed outcome, or a success
            outcome = "FAILURE" if "backup_newest_failed" in kinds else \
                "PARTIAL" if "backup_partial" in kinds else "SUCCESS"
        elif i == 1 and "backup_newest_failed" in kinds:
            outcome = "SUCCESS"  # "the newest failed while an older one succeeded"
        else:
            roll = rng.random()
            outcome = "FAILURE" if roll < 0.025 else "PARTIAL" if roll < 0.06 else "SUCCESS"
        item = _emit_backup(ctx, rng, now, queued, trigger, notes, instances, outcome)
        if item is not None:
            emitted.append(item)
    if "backup_working" in kinds:
        queued = now - timedelta(minutes=6, seconds=rng.randint(0, 40), microseconds=rng.randint(1, 999_999))
        emitted.append(_emit_backup(ctx, rng, now, queued, "MANUAL", "before migration",
                                    ctx.instances, "WORKING"))  # type: ignore[arg-type]
    elif "backup_working_db_done" in kinds:
        # Queued 25 minutes ago: its DATABASE SIB (a couple of minutes' work) has ended without
        # errors, its STORAGE SIB is still running (_emit_backup keeps a finished DB SIB).
        queued = now - timedelta(minutes=25, seconds=rng.randint(0, 40), microseconds=rng.randint(1, 999_999))
        working = _emit_backup(ctx, rng, now, queued, "MANUAL", "pre-release snapshot", instances, "WORKING")
        assert working is not None
        emitted.append(working)
    out.extend(emitted)


def _hand_placed_backups(ctx: EnvCtx, now: datetime, kinds: set[str],
                         out: list[tuple[datetime, Record, list[Record]]]) -> None:
    """Backups of the hand-placed backup-health environments (no MANUAL ones, invented).

    - backup_stale: daily SCHEDULED backups that stopped 3 days ago (newest is 3 days old, good).
    - backup_failing: daily; the newest 3 are FAILURE (every SIB failed: the backup credentials
      were rotated), the 4th newest is a SUCCESS, older ones as usual.
    - backup_never: daily; every one is PARTIAL, its STORAGE SIB always failed (AccessDenied),
      its DATABASE SIB always fine: the storage was never backed up.
    - huge_backups: `HUGE_BACKUPS` hourly MANUAL backups "hourly snapshot (ci)" (a CI job calling
      the API; a retention no real account would have: it is a performance case).
    """
    rng = ctx.rng
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    instances = ctx.backed_up
    engine = "mysql" if ctx.spec.db.startswith("mysql") else "postgres"
    emitted: list[tuple[datetime, Record, list[Record]]] = []
    if "huge_backups" in kinds:
        hours_ago = 0
        while len(emitted) < HUGE_BACKUPS:
            hours_ago += 1
            queued = now - timedelta(hours=hours_ago) + timedelta(
                minutes=rng.randint(0, 9), seconds=rng.randint(0, 59), microseconds=rng.randint(1, 999_999))
            roll = rng.random()
            outcome = "SUCCESS" if not emitted else \
                "FAILURE" if roll < 0.01 else "PARTIAL" if roll < 0.02 else "SUCCESS"
            item = _emit_backup(ctx, rng, now, queued, "MANUAL", "hourly snapshot (ci)", instances, outcome)
            if item is not None:
                emitted.append(item)
        out.extend(emitted)
        return
    days = min(ctx.spec.history_days, (now - ctx.created).days)
    first = 3 if "backup_stale" in kinds else 0
    good_at = 3 if "backup_failing" in kinds else 0  # position of the newest good backup
    for days_ago in range(first, days):
        queued = midnight - days_ago * _DAY + timedelta(
            hours=2, minutes=rng.randint(0, 59), seconds=rng.randint(0, 59),
            microseconds=rng.randint(0, 999_999))
        i = len(emitted)
        failing: frozenset[str] | None = None
        errors: dict[str, str] | None = None
        if "backup_never" in kinds:
            outcome, failing, errors = "PARTIAL", frozenset({"STORAGE"}), _ACCESS_DENIED
        elif i < good_at:
            outcome, errors = "FAILURE", _CREDENTIAL_ERRORS[engine]
        elif i == good_at:
            outcome = "SUCCESS"
        else:
            roll = rng.random()
            outcome = "FAILURE" if roll < 0.025 else "PARTIAL" if roll < 0.06 else "SUCCESS"
        item = _emit_backup(ctx, rng, now, queued, "SCHEDULED", "", instances, outcome,
                            failing_types=failing, error_text=errors)
        if item is not None:
            emitted.append(item)
    out.extend(emitted)


def _emit_backup(ctx: EnvCtx, rng: random.Random, now: datetime, queued: datetime, trigger: str,
                 notes: str, instances: list[Record], outcome: str, *,
                 failing_types: frozenset[str] | None = None,
                 error_text: dict[str, str] | None = None) -> tuple[datetime, Record, list[Record]] | None:
    """One backup and its SIBs; None if it would not have finished by `now`.

    Hand-placed only: `failing_types` picks which SIBs of a PARTIAL backup fail (by service
    type) instead of one at random; `error_text` gives their error per service type.
    """
    backup_id = new_id(rng)
    failing = set(range(len(instances))) if outcome == "FAILURE" else \
        {rng.randrange(len(instances))} if outcome == "PARTIAL" else set()
    if failing_types is not None:
        failing = {i for i, si in enumerate(instances) if si["type"] in failing_types}
    days_ago = (now - queued).total_seconds() / 86400
    engine = "mysql" if ctx.spec.db.startswith("mysql") else "postgres"
    sibs = []
    latest_end = queued
    for index, si in enumerate(instances):
        size_now, growth = ctx.sizes[si["uuid"]]
        size = int(size_now * (1 - growth) ** days_ago * rng.uniform(0.995, 1.005))
        is_db = si["type"] == "DATABASE"
        sib_queued = queued + timedelta(microseconds=rng.randint(2_000, 90_000))
        started = (sib_queued + timedelta(seconds=rng.uniform(3, 1500 if trigger == "SCHEDULED" else 40))
                   ).replace(microsecond=0)
        rate = 25e6 if is_db else 60e6  # bytes per second, so big services take minutes
        ended: datetime | None = started + timedelta(seconds=int(5 + size / rate * rng.uniform(0.7, 1.4)))
        errors: list[str] = []
        if index in failing:
            errors = [rng.choice(_DB_ERRORS[engine] if is_db else _STORAGE_ERRORS)]
            if error_text is not None:
                errors = [error_text[si["type"]]]
        if outcome == "WORKING" and (not is_db or ended > now):  # type: ignore[operator]
            started = min(started, now - timedelta(minutes=2, seconds=rng.randint(0, 59)))
            ended = None
        if ended is not None:
            latest_end = max(latest_end, ended)
        done_ok = ended is not None and not errors
        sibs.append({"uuid": new_id(rng), "backup": backup_id, "service_instance": si["uuid"],
                     "service_type": si["type"], "queued_at": ts(sib_queued), "started_at": ts(started),
                     "ended_at": ts(ended) if ended else None, "taken_at": ts(started) if done_ok else None,
                     "size": size if done_ok else None, "errors": errors})
    if outcome != "WORKING" and latest_end > now:
        return None
    deletion = ts(queued + timedelta(hours=1)) if notes == "Divio CLI pull" else None
    backup = {"uuid": backup_id, "environment": ctx.rec["uuid"],
              "state": "WORKING" if outcome == "WORKING" else "COMPLETED",
              "success": None if outcome == "WORKING" else outcome,
              "service_instance_backups": [sib["uuid"] for sib in sibs], "trigger": trigger,
              "notes": notes, "scheduled_for_deletion_at": deletion, "created_at": ts(queued)}
    return queued, backup, sibs
