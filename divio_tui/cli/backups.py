"""`divio-tui backups latest APP/ENV` and `divio-tui backups health`: backup answers for scripts.

::

    divio-tui backups latest APP_SLUG/ENV_SLUG [--json]
    divio-tui backups health [--org ORG] [--app APP] [--max-age-hours N] [--json]

`latest` answers the how-to page's question for one environment: per service instance the
latest good backup (backup, service-instance backup and service instance uuids, type,
taken_at, size, trigger, state) and the newer attempt that failed or is still running, if any.
`health` gives the backup health view's rows for the whole account, an organisation (name or
uuid) or an application (slug or uuid), worst first.

Both read through the same state as the explorer (`Session`, `BackupBook`, `HealthScan`), so
their answers are the environment summary's. Only the answer goes to stdout (with `--json`,
one JSON document: times ISO-8601 UTC with `Z`, sizes in bytes); progress (on a terminal) and
errors go to stderr. Exit status: 0 when every row is `ok` (`latest`: every service has a good
backup), 3 when one is not, 1 on an API error (the reason on stderr; `health` still prints the
rows it could compute), 2 on bad usage.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from divio_tui.api.errors import ApiError, Unauthorised
from divio_tui.api.models import Application, Environment, Organisation
from divio_tui.cli.clients import build_client
from divio_tui.cli.common import plain, safe
from divio_tui.logs import setup_logging
from divio_tui.settings import Settings
from divio_tui.state.backups import BackupBook
from divio_tui.state.health import HealthRow, ServiceHealth, Verdict, assess, row_json
from divio_tui.state.health_scan import HealthScan, health_document
from divio_tui.state.health_targets import Scope
from divio_tui.state.session import Session
from divio_tui.ui.text.humanize import format_size, format_time, relative_time

EXIT_OK = 0
EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_NOT_OK = 3

def now() -> datetime:
    """The clock verdicts are judged by (tests pin it)."""
    return datetime.now(UTC)


class UsageError(Exception):
    """The arguments name nothing that exists, or name it ambiguously (exit 2)."""


class NotFound(Exception):
    """The application, environment or organisation does not exist for this token (exit 1)."""


def _positive_hours(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of hours: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0: {text}")
    return value


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backups = commands.add_parser(
        "backups", help="backup answers for scripts: the latest good backups, backup health")
    actions = backups.add_subparsers(dest="backups_command", metavar="ACTION", required=True)
    latest = actions.add_parser(
        "latest", help="the latest good backup of each service of one environment",
        description="The latest good backup of each service instance of APP/ENV, and a "
                    "newer attempt that failed or is running. Exit 0 when every service has "
                    "a good backup, 3 when one has none, 1 on an API error, 2 on bad usage.")
    latest.add_argument("target", metavar="APP/ENV",
                        help="application slug (or uuid) and environment slug, e.g. acme-shop/live")
    latest.add_argument("--json", action="store_true", help="print JSON (ISO-8601 Z, bytes)")
    health = actions.add_parser(
        "health", help="every environment's backup verdict, worst first",
        description="Per environment and service: the latest good backup, a newer attempt "
                    "that is not good, and a verdict (ok, stale, failing, never, no "
                    "backups). Exit 0 when every row is ok, 3 when one is not, 1 on an API "
                    "error, 2 on bad usage.")
    health.add_argument("--org", metavar="ORG", help="only this organisation (name or uuid)")
    health.add_argument("--app", metavar="APP", help="only this application (slug or uuid)")
    health.add_argument("--max-age-hours", type=_positive_hours, metavar="N",
                        help="a latest good backup older than N hours is stale "
                             "(default: [backups] max_age_hours, else 26)")
    health.add_argument("--json", action="store_true", help="print JSON (ISO-8601 Z, bytes)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    action = _latest if args.backups_command == "latest" else _health
    try:
        # Requests and warnings go to the log file, as the explorer's do: stderr is for
        # the reason of a failure, stdout for the answer alone.
        setup_logging(settings)
    except OSError as error:
        print(f"divio-tui backups: no log file in {settings.log_dir}: {error}", file=sys.stderr)
    try:
        return asyncio.run(action(args, settings))
    except BrokenPipeError:
        # The reader went away (`| head`): say nothing more, to a closed pipe or otherwise.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_API_ERROR
    except UsageError as error:
        print(f"divio-tui backups: {safe(str(error), settings)}", file=sys.stderr)
        return EXIT_USAGE
    except NotFound as error:
        print(f"divio-tui backups: {safe(str(error), settings)}", file=sys.stderr)
        return EXIT_API_ERROR
    except ApiError as error:
        _tell(error, settings)
        return EXIT_API_ERROR


def _tell(error: ApiError, settings: Settings) -> None:
    message = error.message
    if isinstance(error, Unauthorised) and settings.token_source:
        message += f" (the token from {settings.token_source})"
    print(f"divio-tui backups: {safe(message, settings)}", file=sys.stderr)


# -- finding things -------------------------------------------------------------------------


async def _application(session: Session, name: str) -> Application:
    """The application with this slug (the `slug` filter, checked; else the whole list),
    or with this uuid."""
    client = session.client
    found = [app for app in cast(list[Application], await _listed(
        session, "application", {"slug": name})) if app.slug == name]
    if not found:
        try:
            return cast(Application, await session.get("application", name))
        except ApiError as error:
            if error.status != 404:
                raise
        raise NotFound(f"no application {plain(name)!r} (by slug or uuid) for this token "
                       f"at {plain(getattr(client, 'base_url', ''))}")
    return found[0]


async def _listed(session: Session, kind: str, params: dict[str, str]) -> list[Any]:
    """A filtered list; when the server ignores the filter (another item shows up), the
    whole collection, once."""
    found = [item async for item in session.client.iter_items(kind, params)]
    field, value = next(iter(params.items()))
    if any(getattr(item, field, None) != value for item in found):
        return await session.collection(kind)
    return found


async def _environment(session: Session, target: str) -> tuple[Application, Environment]:
    app_name, slash, env_slug = target.partition("/")
    if not slash or not app_name or not env_slug or "/" in env_slug:
        raise UsageError(f"expected APP/ENV (e.g. acme-shop/live), got {plain(target)!r}")
    application = await _application(session, app_name)
    environments = cast(list[Environment], await session.children(
        "environment", "application", application.uuid))
    for environment in environments:
        if environment.slug == env_slug:
            return application, environment
    slugs = ", ".join(plain(env.slug) for env in environments if env.slug) or "none"
    raise NotFound(f"{plain(application.slug or application.uuid)} has no environment "
                   f"{plain(env_slug)!r} (it has: {slugs})")


async def _organisation(session: Session, name: str) -> Organisation:
    organisations = cast(list[Organisation], await session.collection("organisation"))
    by_uuid = [org for org in organisations if org.uuid == name]
    if by_uuid:
        return by_uuid[0]
    by_name = [org for org in organisations if (org.name or "").casefold() == name.casefold()]
    if len(by_name) > 1:
        raise UsageError(f"{len(by_name)} organisations are named {plain(name)!r}: give its "
                         f"uuid ({', '.join(org.uuid for org in by_name)})")
    if not by_name:
        known = ", ".join(plain(org.name or org.uuid) for org in organisations) or "none"
        raise NotFound(f"no organisation {plain(name)!r} for this token (it sees: {known})")
    return by_name[0]


# -- latest ---------------------------------------------------------------------------------


async def _latest(args: argparse.Namespace, settings: Settings) -> int:
    async with build_client(settings) as client:
        session = Session(client)
        application, environment = await _environment(session, args.target)
        book = BackupBook(session)
        await book.answer(environment.uuid)
        report = book.report(environment.uuid)
        if report.error is not None:
            raise report.error if isinstance(report.error, ApiError) else ApiError(
                str(report.error))
        organisation = session.known("organisation", application.organisation or "")
        row = assess(environment, application, cast(Organisation | None, organisation),
                     report, now=now(), max_age=_max_age(args, settings))
    if args.json:
        _print_json(row_json(row))
    else:
        _print_latest(row)
    if row.unreadable:
        print(f"divio-tui backups: {row.unreadable} service-instance backups could not be "
              "read: the answer may be older than the truth", file=sys.stderr)
        return EXIT_API_ERROR
    return EXIT_OK if row.services and all(s.latest is not None for s in row.services) \
        else EXIT_NOT_OK


def _print_latest(row: HealthRow) -> None:
    application = row.application
    print(f"{plain(application.slug if application else '')}/{plain(row.environment.slug)}"
          f"  environment {plain(row.uuid)}  ({row.backups:,} backups)")
    if not row.services:
        print("  no service instance, and no backup")
    for service in row.services:
        print(f"  {_service_name(service)}  (service instance {plain(service.service_instance)})")
        latest = service.latest
        if latest is None:
            print("    no good backup")
        else:
            sib, backup = latest.sib, latest.backup
            state = "backup running" if backup.is_running else plain(
                backup.success or backup.state or "")
            print(f"    {format_time(latest.when, seconds=True)}  {format_size(sib.size)}  "
                  f"{plain((backup.trigger or '').lower())}  {state}")
            print(f"    backup {plain(backup.uuid)}  service-instance backup {plain(sib.uuid)}")
        _print_problem(service, "    ")


def _print_problem(service: ServiceHealth, indent: str) -> None:
    problem = service.problem
    if problem is None:
        return
    if problem.outcome == "running":
        print(f"{indent}newer: running since {format_time(problem.sib.started_at or problem.when)}"
              f"  (backup {plain(problem.backup.uuid)})")
        return
    print(f"{indent}newer: failed {format_time(problem.when)}  (backup "
          f"{plain(problem.backup.uuid)}, service-instance backup {plain(problem.sib.uuid)})")
    if problem.sib.errors:
        print(f"{indent}  {plain(problem.sib.errors[0])[:200]}")


def _service_name(service: ServiceHealth) -> str:
    name = plain((service.service_type or "service").lower())
    if service.prefix and service.prefix != "DEFAULT":
        name += f" {plain(service.prefix)}"
    return name


# -- health ---------------------------------------------------------------------------------


def _max_age(args: argparse.Namespace, settings: Settings) -> timedelta:
    hours = getattr(args, "max_age_hours", None) or settings.backup_max_age_hours
    return timedelta(hours=hours)


async def _health(args: argparse.Namespace, settings: Settings) -> int:
    max_age = _max_age(args, settings)
    async with build_client(settings) as client:
        session = Session(client)
        scope = await _scope(session, args.org, args.app)
        scan = HealthScan(BackupBook(session), scope, now=now, max_age=max_age,
                          on_change=_progress_printer(lambda: scan))
        rows = await scan.run()
        _end_progress()
    if scan.progress.error is not None:
        error = scan.progress.error
        if isinstance(error, ApiError):
            raise error
        raise ApiError(str(error))
    if args.json:
        _print_json(health_document(rows, scope, generated_at=now(), max_age=max_age,
                                    plan=scan.progress.plan))
    else:
        _print_health(rows)
    failed = [row for row in rows if row.verdict == Verdict.UNKNOWN or row.unreadable]
    for row in failed:
        where = f"{_place(row)}: " if row.application else ""
        print(f"divio-tui backups: {where}{safe(_error_text(row.error), settings)}",
              file=sys.stderr)
    if failed:
        return EXIT_API_ERROR
    return EXIT_OK if all(row.verdict == Verdict.OK for row in rows) else EXIT_NOT_OK


async def _scope(session: Session, org: str | None, app: str | None) -> Scope:
    organisation = await _organisation(session, org) if org else None
    if app:
        application = await _application(session, app)
        if organisation is not None and application.organisation != organisation.uuid:
            raise UsageError(f"{plain(application.slug or app)} is not an application of "
                             f"{plain(organisation.name or organisation.uuid)}")
        return Scope.application(application)
    if organisation is not None:
        return Scope.organisation(organisation)
    return Scope.account()


def _error_text(error: BaseException | None) -> str:
    if error is None:
        return "unknown error"
    return getattr(error, "message", None) or str(error) or type(error).__name__


def _place(row: HealthRow) -> str:
    organisation = row.organisation
    parts = [organisation.name or organisation.uuid] if organisation is not None else []
    if row.application is not None:
        parts.append(row.application.slug or row.application.uuid)
    parts.append(row.environment.slug or row.uuid)
    return " / ".join(plain(part) for part in parts)


def _print_health(rows: list[HealthRow]) -> None:
    clock = now()
    width = max((len(_place(row)) for row in rows), default=0)
    for row in rows:
        services = "; ".join(_service_summary(service, clock) for service in row.services)
        if not row.services:
            services = _error_text(row.error) if row.verdict == Verdict.UNKNOWN else \
                "no service, no backup"
        print(f"{row.verdict!s:<10}  {_place(row):<{width}}  {services}")


def _service_summary(service: ServiceHealth, clock: datetime) -> str:
    text = f"{_service_name(service)} {service.verdict}"
    if service.latest is not None:
        text += f" {relative_time(service.latest.when, clock)} {format_size(service.latest.sib.size)}"
    if service.problem is not None:
        text += f", newer {service.problem.outcome}"
        if service.failures > 1:
            text += f" ({service.failures} in a row)"
    return text


def _progress_printer(scan: Callable[[], HealthScan]) -> Callable[[], None]:
    """Progress on stderr, only when it is a terminal (scripts get nothing but the answer)."""
    if not sys.stderr.isatty():
        return lambda: None
    shown = [""]

    def show() -> None:
        progress = scan().progress
        if progress.total is None:
            text = progress.stage
        else:
            text = f"{progress.done:,} of {progress.total:,} environments · {progress.stage}"
        if text != shown[0]:
            shown[0] = text
            print(f"\r\x1b[K{text}", end="", file=sys.stderr, flush=True)

    return show


def _end_progress() -> None:
    if sys.stderr.isatty():
        print("\r\x1b[K", end="", file=sys.stderr, flush=True)


def _print_json(body: dict[str, Any]) -> None:
    # ensure_ascii: API text reaches the terminal only as \u escapes, never raw.
    json.dump(body, sys.stdout, indent=2)
    sys.stdout.write("\n")
