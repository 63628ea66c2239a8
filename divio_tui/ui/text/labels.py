"""Resource labels: one line per resource, built from its wire-format record, one builder
per kind.

Every builder serves two readers. In the tree (a `LabelContext` with the app's clock and the
session's caches) a label says how things stand: "✔ deployed 3 d ago", a backup's size. As a
name (`plain_label`: breadcrumbs, palette hits, references) the same builder leaves out what
changes by the minute, so the text is stable: absolute UTC times, no sizes.

Labels are Rich `Text` assembled from pieces: API values go in through `visible`, so a name such
as `[bold]x[/]` or one holding escape sequences shows literally. Colours are roles (see
`roles.py`), resolved by the widget that renders them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from typing import Any

from rich.text import Text

from divio_tui.api.models import ApiModel, ServiceInstance
from divio_tui.state.live import moving, progress
from divio_tui.state.nodes import ResourceData
from divio_tui.ui.text.humanize import as_datetime, format_size, format_time, relative_time
from divio_tui.untrusted import clip, shorten, visible

MASK = "••••••"
"""What a sensitive value looks like wherever it is not revealed."""

SEP = " · "
"""Separator between the parts of a label."""

VALUE_WIDTH = 40
"""Environment variable values are cut to this many characters in labels."""

NAME_MAX_CHARS = 120
"""Names (`plain_label`) are cut here: they are user data and can be arbitrarily long."""

LABEL_VALUE_MAX = 200
"""Any one API value in a tree line is cut here (with how much is missing): a 2 MB name must
cost a line, its highlight and the filter no more than a short one (`untrusted.clip`)."""

Record = Mapping[str, Any]


@dataclass(frozen=True)
class LabelContext:
    """What labels may use besides their own record. `now` None: a name, not a tree line
    (absolute times, nothing that changes by the minute); `sibs` None: sizes not shown."""

    now: datetime | None = None
    sibs: Mapping[str, Record] | None = None
    """Service-instance backups by uuid (for backup sizes)."""
    service_instances: Mapping[str, Record] | None = None
    """Service instances by uuid (for naming a service-instance backup)."""
    newest_deployments: Mapping[str, Record] | None = None
    """Environment uuid -> its newest deployment known (is one running? did it fail?)."""


NAME = LabelContext()
"""The context of a name: no clock, no caches."""


def _text(value: object) -> str:
    """An API value as label text: made visible, cut at `LABEL_VALUE_MAX`."""
    return clip(value, LABEL_VALUE_MAX)


def _piece(value: object, role: str = "") -> tuple[str, str]:
    return (_text(value), role)


def _status_role(value: object) -> str:
    """Colour for a state/success value wherever it appears."""
    if value is True or value in {"SUCCESS", "COMPLETED", "READY", "CLONED"}:
        return "ok"
    if value is False or value in {"FAILURE", "INVALID", "FAILED", "ERROR"}:
        return "bad"
    if value in {"PARTIAL"}:
        return "warn"
    if value is None or value in {"WORKING", "QUEUED", "CLONING", "NEW", "RUNNING"}:
        return "running"
    return ""


def status_role(value: object) -> str:
    """Public alias used by the detail pane, so both panes colour a state alike."""
    return _status_role(value)


def backup_size(record: Record, sibs: Mapping[str, Record]) -> int | None:
    """Total size of a backup from its service-instance backups, once all are known."""
    uuids = record.get("service_instance_backups") or []
    total = 0
    for uuid in uuids:
        sib = sibs.get(uuid)
        if sib is None:
            return None
        size = sib.get("size")
        if isinstance(size, int) and not isinstance(size, bool):
            total += size
    return total


def service_instance_name(record: Record | None, fallback_type: object = None) -> str:
    """`DATABASE · DEFAULT` for a service instance (or just the type when it is unknown)."""
    if record is None:
        return _text(fallback_type or "service instance")
    return _text(f"{record.get('type') or '?'}{SEP}{record.get('prefix') or '?'}")


TRIGGERS = {"SCHEDULED": "scheduled", "MANUAL": "on-demand"}
"""How the API's trigger values read in the summary and the table."""


def trigger_text(trigger: object) -> str:
    """`scheduled`, `on-demand`, or the API's own word in lower case."""
    if not trigger:
        return "—"
    return TRIGGERS.get(str(trigger), _text(trigger).lower())


def service_name(instance: ServiceInstance | None, service_type: object = None) -> str:
    """`database`, `storage`, or `database MEDIA` when the prefix is not DEFAULT."""
    kind = (instance.type if instance is not None else None) or service_type or "service"
    name = _text(kind).lower()
    prefix = instance.prefix if instance is not None else None
    if prefix and prefix != "DEFAULT":
        name += f" {_text(prefix)}"
    return name


def _when(record: Record, ctx: LabelContext, *, finished: tuple[str, ...],
          started: tuple[str, ...] = ("started_at", "created_at")) -> str:
    """How long ago it ended (tree), or when it started in UTC (name)."""
    if ctx.now is None:
        return format_time(_first(record, *started, *finished))
    return relative_time(_first(record, *finished, *started), ctx.now)


def _first(record: Record, *keys: str) -> object:
    return next((record[key] for key in keys if record.get(key)), None)


def _organisation(record: Record, ctx: LabelContext) -> Text:
    return Text.assemble(_piece(record.get("name") or record.get("uuid")))


def _application(record: Record, ctx: LabelContext) -> Text:
    name, slug = record.get("name"), record.get("slug")
    if name and slug and name != slug:
        return Text.assemble(_piece(name), (" (", "muted"), _piece(slug, "muted"), (")", "muted"))
    return Text.assemble(_piece(name or slug or record.get("uuid")))


def _environment(record: Record, ctx: LabelContext) -> Text:
    label = Text.assemble(_piece(record.get("slug") or record.get("uuid"), "heading"))
    if record.get("branch"):
        label.append(SEP, "muted")
        label.append(_text(record["branch"]), "muted")
    if ctx.now is None:
        return label
    label.append("  ")
    label.append_text(deployment_state(record, ctx.newest_deployments, ctx.now))
    return label


def last_deployment(record: Record, newest: Mapping[str, Record] | None) -> Record | None:
    """What an environment's deployment state is read from: its newest deployment when that
    is running or ended after the environment's `last_finished_deployment` (the record may be
    older than what the tree has seen since), else `last_finished_deployment`."""
    last = record.get("last_finished_deployment")
    last = last if isinstance(last, Mapping) else None
    latest = (newest or {}).get(str(record.get("uuid")))
    if latest is None:
        return last
    if moving("deployment", latest) or last is None:
        return latest
    if latest.get("uuid") == last.get("uuid"):
        return latest
    ended, finished = as_datetime(latest.get("ended_at")), as_datetime(last.get("ended_at"))
    return latest if ended is not None and (finished is None or ended > finished) else last


def deployment_state(record: Record, newest: Mapping[str, Record] | None,
                     now: datetime) -> Text:
    """`deploying · 61 %`, `✔ deployed 38 d ago`, `✘ deploy failed 4 d ago`, `never deployed`."""
    deployment = last_deployment(record, newest)
    if deployment is None:
        return Text("never deployed", "muted")
    if moving("deployment", deployment):
        percent = progress("deployment", deployment)
        return Text("⟳ deploying" + (f" · {percent} %" if percent is not None else ""),
                    "running")
    success = deployment.get("success")
    when = relative_time(deployment.get("ended_at"), now)
    if success is False:
        return Text(f"✘ deploy failed {when}", "bad")
    mark = "✔" if success is True else "…"
    return Text(f"{mark} deployed {when}", _status_role(success))


def _deployment(record: Record, ctx: LabelContext) -> Text:
    success = record.get("success")
    # The outcome carries the colour; a finished status stays plain so the line is not a wall
    # of green.
    status = record.get("status") or "?"
    label = Text.assemble(_piece(status, "running" if success is None else ""))
    label.append(SEP, "muted")
    if success is None:
        label.append(f"{record.get('percent', 0)}%", "running")
        when = _first(record, "started_at", "created_at")
        if when is not None:
            label.append(SEP, "muted")
            label.append(format_time(when) if ctx.now is None
                         else f"started {relative_time(when, ctx.now)}", "muted")
        return label
    label.append("success" if success else "failed", _status_role(success))
    label.append(SEP, "muted")
    label.append(_when(record, ctx, finished=("ended_at",)), "muted")
    return label


def _backup(record: Record, ctx: LabelContext) -> Text:
    label = Text(format_time(_first(record, "created_at", "started_at", "queued_at",
                                    "ended_at")))
    label.append(SEP, "muted")
    success = record.get("success")
    if success is None:
        label.append(_text(record.get("state") or "WORKING"), "running")
    else:
        label.append(_text(success), _status_role(success))
    if ctx.sibs is not None:
        label.append(SEP, "muted")
        uuids = record.get("service_instance_backups") or []
        size = backup_size(record, ctx.sibs)
        if not uuids:
            label.append("no data", "muted")
        elif size is None:
            label.append("…", "muted")
        else:
            label.append(format_size(size))
    if record.get("trigger"):
        label.append(SEP, "muted")
        label.append(trigger_text(record["trigger"]), "muted")
    return label


def _service_instance_backup(record: Record, ctx: LabelContext) -> Text:
    instances = ctx.service_instances or {}
    instance = instances.get(record.get("service_instance") or "")
    label = Text()
    label.append(service_instance_name(instance, record.get("service_type")), "heading")
    label.append(SEP, "muted")
    when = format_time(record.get("taken_at") or record.get("queued_at"))
    errors = record.get("errors")
    if ctx.sibs is None:
        # A name: when, and how it ended.
        label.append(when, "muted")
        label.append(SEP, "muted")
        if record.get("ended_at") is None:
            label.append("running", "running")
        else:
            label.append("failed" if errors else "done", "bad" if errors else "ok")
        return label
    if record.get("ended_at") is None:
        label.append("running", "running")
    else:
        label.append(format_size(record.get("size")))
    label.append(SEP, "muted")
    label.append(when, "muted")
    if errors:
        count = len(errors) if isinstance(errors, list) else 1
        label.append(f"  ⚠ {count} error{'s' if count != 1 else ''}", "bad")
    return label


def _service_instance(record: Record, ctx: LabelContext) -> Text:
    label = Text()
    label.append(service_instance_name(record), "heading")
    if record.get("service_status"):
        label.append(SEP, "muted")
        label.append(_text(record["service_status"]), _status_role(record["service_status"]))
    return label


def _environment_variable(record: Record, ctx: LabelContext) -> Text:
    label = Text.assemble(_piece(record.get("name") or record.get("uuid"), "heading"))
    if ctx.now is None:
        # A name never carries the value: it may be a secret, and names travel (breadcrumbs).
        if record.get("is_sensitive"):
            label.append(SEP, "muted")
            label.append("sensitive", "muted")
        return label
    label.append(" = ", "muted")
    if record.get("is_sensitive"):
        label.append(MASK, "secret")
        label.append("  sensitive", "muted")
    else:
        label.append(shorten(_text(record.get("value") or ""), VALUE_WIDTH))
    return label


def _domain(record: Record, ctx: LabelContext) -> Text:
    label = Text.assemble(_piece(record.get("domain") or record.get("uuid")))
    if record.get("is_primary"):
        label.append(SEP, "muted")
        label.append("primary", "ok")
    return label


def _repository(record: Record, ctx: LabelContext) -> Text:
    dsn = _piece(record.get("dsn") or record.get("uuid"))
    if ctx.now is None:  # a name: the git URL and the branch say which repository
        label = Text.assemble(dsn)
        if record.get("branch"):
            label.append(SEP, "muted")
            label.append(_text(record["branch"]))
    else:  # a tree line, inline under its application: say what it is
        label = Text.assemble(("repository ", "muted"), dsn)
    if record.get("state"):
        label.append(SEP, "muted")
        label.append(_text(record["state"]), _status_role(record["state"]))
    return label


def _service(record: Record, ctx: LabelContext) -> Text:
    label = Text.assemble(_piece(record.get("identifier") or record.get("uuid")))
    if record.get("name") and record.get("name") != record.get("identifier"):
        label.append(SEP, "muted")
        label.append(_text(record["name"]), "muted")
    return label


def _region(record: Record, ctx: LabelContext) -> Text:
    return Text.assemble(_piece(record.get("name") or record.get("uuid")))


def _build(record: Record, ctx: LabelContext) -> Text:
    success = record.get("success")
    label = Text(format_time(record.get("started_at")))
    label.append(SEP, "muted")
    label.append("running" if success is None else "success" if success else "failed",
                 _status_role(success))
    return label


LABELLERS: dict[str, Callable[[Record, LabelContext], Text]] = {
    "organisation": _organisation,
    "application": _application,
    "environment": _environment,
    "deployment": _deployment,
    "backup": _backup,
    "service_instance_backup": _service_instance_backup,
    "service_instance": _service_instance,
    "environment_variable": _environment_variable,
    "domain": _domain,
    "repository": _repository,
    "service": _service,
    "region": _region,
    "build": _build,
}
"""Kind name -> label builder: every kind of the resource table has one."""


def resource_label(kind: str, record: Record, ctx: LabelContext = NAME) -> Text:
    """The label of one resource: a tree line with the app's context, else its name."""
    labeller = LABELLERS.get(kind)
    try:
        if labeller is not None:
            return labeller(record, ctx)
    except Exception:  # noqa: BLE001 — any odd record gets a plain label, never a crash
        # A record of an unexpected shape (a number where a name should be) must not take
        # the tree down; show what we can.
        pass
    return Text(_text(record.get("name") or record.get("uuid") or kind))


def plain_label(kind: str, model: ApiModel | Record) -> str:
    """The name of a resource, as plain one-line text (safe to show, cut to a bounded length):
    breadcrumbs, palette hits, references, toasts."""
    record = model.raw if isinstance(model, ApiModel) else model
    name = resource_label(kind, record).plain
    if not name:
        name = _text(record.get("uuid") if isinstance(record, Mapping) else kind)
    return shorten(" ".join(name.split()), NAME_MAX_CHARS)


def breadcrumb(data: ResourceData | None) -> list[str]:
    """Names from the organisation down to `data`, for the header and the summary."""
    if data is None:
        return []
    return [plain_label(node.kind, node.model) for node in [*data.ancestors, data]]


def group_label(title: str, count: int | None, loaded: int, loading: bool,
                stale: bool = False) -> Text:
    """`Backups (412)`, or `Backups (412) loading 200/412…` while pages stream in, `Backups
    (412) stale` when a reload failed and the previous load is still shown."""
    label = Text()
    label.append(title, "heading")
    label.append_text(count_label(count, loaded, loading, stale))
    return label


def count_label(count: int | None, loaded: int, loading: bool, stale: bool = False) -> Text:
    """` (412)`, ` (412)  loading 200/412…`: how many a list holds, put after its owner's
    label (a group's title, or an organisation listing its applications)."""
    label = Text()
    if count is not None:
        label.append(f" ({count:,})", "muted")
    if stale and not loading:
        label.append("  stale", "warn")
    if loading and count:
        label.append(f"  loading {loaded:,}/{count:,}…", "running")
    elif loading:
        label.append("  loading…", "running")
    return label


def placeholder_label(message: str) -> Text:
    """`loading…`, `no backups` and the like."""
    return Text(message, "placeholder")


def load_more_label(remaining: int, batch: int) -> Text:
    """`load more (4,512 left)`."""
    return Text(f"▸ load {min(remaining, batch):,} more ({remaining:,} left)", "accent")


def error_summary(error: BaseException) -> str:
    """`503 Service Unavailable`, `network error`… the short form used in labels; an error
    whose status alone would mislead says what was wrong instead (`ApiError.summary`: "the
    server sent an HTML page instead of JSON", not "200 OK")."""
    summary = getattr(error, "summary", None)
    if isinstance(summary, str) and summary:
        return clip(summary, LABEL_VALUE_MAX)
    status = getattr(error, "status", None)
    if isinstance(status, int):
        try:
            return f"{status} {HTTPStatus(status).phrase}"
        except ValueError:
            return f"HTTP {status}"
    kind = getattr(error, "kind", None)
    if kind is not None:
        return visible(str(kind).replace("_", " ")) + " error"
    return visible(type(error).__name__)


def error_label(error: BaseException, key: str = "r", *, stale: bool = False) -> Text:
    """`⚠ 503 Service Unavailable — press r to retry`; after a failed reload, `⚠ reload
    failed (503 Service Unavailable): showing the last good load — press r to retry`."""
    if stale:
        return Text(f"⚠ reload failed ({error_summary(error)}): showing the last good load "
                    f"— press {key} to retry", "error")
    return Text(f"⚠ {error_summary(error)} — press {key} to retry", "error")
