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
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from ._gen_apps import Draft, EnvCtx
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


def build_history(draft: Draft, special: dict[str, tuple[str, str]]) -> None:
    """Generate deployments/builds/backups/SIBs for every environment of `draft` (in place)."""
    now = draft.now
    deployments: list[tuple[datetime, Record]] = []
    builds: list[tuple[datetime, Record]] = []
    backups: list[tuple[datetime, Record, list[Record]]] = []
    for ctx in draft.envs:
        if not ctx.env.deployed:
            continue
        kinds = {kind for kind, pair in special.items() if pair == (ctx.spec.slug, ctx.env.slug)}
        _deployments(ctx, now, kinds, deployments, builds)
        _backups(ctx, now, kinds, backups)

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
                 out: list[tuple[datetime, Record]], builds: list[tuple[datetime, Record]]) -> None:
    rng = ctx.rng
    span = max(2, min(180, (now - ctx.created).days))
    count = rng.randint(*ctx.spec.deploys)
    days = sorted(rng.sample(range(1, span), min(count, span - 1)), reverse=True)
    people = ctx.org.people
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    for i, days_ago in enumerate(days):
        newest = i == len(days) - 1
        started = midnight - days_ago * _DAY + timedelta(
            hours=rng.randint(7, 18), minutes=rng.randint(0, 59), seconds=rng.randint(0, 59),
            microseconds=rng.randint(0, 999_999))
        failed = rng.random() < 0.08
        if newest:
            failed = "deploy_failed" in kinds
        duration = timedelta(seconds=rng.randint(120, 900), microseconds=rng.randint(0, 999_999))
        author = f"{rng.choice(people)}@{ctx.org.mail_domain}"
        _emit_deployment(ctx, rng, started, started + duration, failed, author, out, builds)
    if "deploy_running" in kinds:
        started = now - timedelta(minutes=4, seconds=rng.randint(0, 50), microseconds=rng.randint(0, 999_999))
        _emit_deployment(ctx, rng, started, None, False, f"{people[0]}@{ctx.org.mail_domain}", out, builds)


def _emit_deployment(ctx: EnvCtx, rng: random.Random, started: datetime, ended: datetime | None,
                     failed: bool, author: str, out: list[tuple[datetime, Record]],
                     builds: list[tuple[datetime, Record]]) -> None:
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
    build_failed = failed and rng.random() < 0.5
    if ended is not None and build_end > ended:
        build_end = ended
    builds.append((started, {"uuid": new_id(rng), "environment": env_id, "deployment": dep["uuid"],
                             "started_at": ts(started), "ended_at": ts(build_end),
                             "success": not build_failed}))


def _backups(ctx: EnvCtx, now: datetime, kinds: set[str],
             out: list[tuple[datetime, Record, list[Record]]]) -> None:
    rng = ctx.rng
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    planned: list[tuple[datetime, str, str, list[Record]]] = []  # (queued, trigger, notes, SIs)
    days = min(ctx.spec.history_days, (now - ctx.created).days)
    for days_ago in range(days):
        queued = midnight - days_ago * _DAY + timedelta(
            hours=2, minutes=rng.randint(0, 59), seconds=rng.randint(0, 59),
            microseconds=rng.randint(0, 999_999))
        planned.append((queued, "SCHEDULED", "", ctx.instances))
    for _ in range(rng.randint(*ctx.spec.manual_backups)):
        days_ago = rng.randint(1, max(1, days))
        queued = midnight - days_ago * _DAY + timedelta(
            hours=rng.randint(8, 18), minutes=rng.randint(0, 59), seconds=rng.randint(0, 59),
            microseconds=rng.randint(0, 999_999))
        notes = rng.choice(_MANUAL_NOTES)
        planned.append((queued, "MANUAL", notes, ctx.instances[:1] if notes == "Divio CLI pull" else ctx.instances))
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
    out.extend(emitted)


def _emit_backup(ctx: EnvCtx, rng: random.Random, now: datetime, queued: datetime, trigger: str,
                 notes: str, instances: list[Record], outcome: str) -> tuple[datetime, Record, list[Record]] | None:
    """One backup and its SIBs; None if it would not have finished by `now`."""
    backup_id = new_id(rng)
    failing = set(range(len(instances))) if outcome == "FAILURE" else \
        {rng.randrange(len(instances))} if outcome == "PARTIAL" else set()
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
