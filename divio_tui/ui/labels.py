"""Tree labels: one informative line per node, built from the wire-format record.

Labels are Rich `Text` assembled from pieces: API values go in through `untrusted.clean`, so a
name such as `[bold]x[/]` or one holding escape sequences shows literally. Colours are roles
(see `roles.py`), resolved by the tree when it renders.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from http import HTTPStatus
from typing import Any

from rich.text import Text

from divio_tui.ui.humanize import format_size, format_time, relative_time
from divio_tui.ui.untrusted import clean, shorten

MASK = "••••••"
"""What a sensitive value looks like wherever it is not revealed."""

SEP = " · "
"""Separator between the parts of a label."""

VALUE_WIDTH = 40
"""Environment variable values are cut to this many characters in labels."""

Record = Mapping[str, Any]


@dataclass
class LabelContext:
    """What labels may need besides their own record: the clock and the session caches."""

    now: datetime
    sibs: Mapping[str, Record] = field(default_factory=dict)
    """Service-instance backups by uuid (for backup sizes)."""
    service_instances: Mapping[str, Record] = field(default_factory=dict)
    """Service instances by uuid (for naming a service-instance backup)."""


def _piece(value: object, role: str = "") -> tuple[str, str]:
    return (clean(value), role)


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
        return clean(fallback_type or "service instance")
    return clean(f"{record.get('type') or '?'}{SEP}{record.get('prefix') or '?'}")


def _organisation(record: Record, ctx: LabelContext) -> Text:
    return Text.assemble(_piece(record.get("name") or record.get("uuid")))


def _application(record: Record, ctx: LabelContext) -> Text:
    return Text.assemble(
        _piece(record.get("name") or "(unnamed)"), (" (", "muted"),
        _piece(record.get("slug"), "muted"), (")", "muted"),
    )


def _environment(record: Record, ctx: LabelContext) -> Text:
    label = Text.assemble(_piece(record.get("slug"), "heading"))
    if record.get("branch"):
        label.append(SEP, "muted")
        label.append(clean(record["branch"]), "muted")
    last = record.get("last_finished_deployment")
    if isinstance(last, Mapping):
        success = last.get("success")
        mark = "✔" if success is True else "✘" if success is False else "…"
        label.append("  ")
        label.append(f"{mark} deployed {relative_time(last.get('ended_at'), ctx.now)}",
                     _status_role(success))
    else:
        label.append("  never deployed", "muted")
    return label


def _deployment(record: Record, ctx: LabelContext) -> Text:
    success = record.get("success")
    # The outcome carries the colour; a finished status stays plain so the line is not a wall
    # of green.
    status = record.get("status") or "?"
    label = Text.assemble(_piece(status, "running" if success is None else ""))
    label.append(SEP, "muted")
    if success is None:
        label.append(f"{record.get('percent', 0)}%", "running")
        when = record.get("started_at") or record.get("created_at")
        label.append(SEP, "muted")
        label.append(f"started {relative_time(when, ctx.now)}", "muted")
        return label
    label.append("success" if success else "failed", _status_role(success))
    label.append(SEP, "muted")
    when = record.get("ended_at") or record.get("started_at") or record.get("created_at")
    label.append(relative_time(when, ctx.now), "muted")
    return label


def _backup(record: Record, ctx: LabelContext) -> Text:
    label = Text(format_time(record.get("created_at")))
    label.append(SEP, "muted")
    success = record.get("success")
    if success is None:
        label.append(clean(record.get("state") or "WORKING"), "running")
    else:
        label.append(clean(success), _status_role(success))
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
        label.append(clean(str(record["trigger"]).lower()), "muted")
    return label


def _service_instance_backup(record: Record, ctx: LabelContext) -> Text:
    instance = ctx.service_instances.get(record.get("service_instance") or "")
    label = Text()
    label.append(service_instance_name(instance, record.get("service_type")), "heading")
    label.append(SEP, "muted")
    if record.get("ended_at") is None:
        label.append("running", "running")
    else:
        label.append(format_size(record.get("size")))
    label.append(SEP, "muted")
    label.append(format_time(record.get("taken_at") or record.get("queued_at")), "muted")
    errors = record.get("errors")
    if errors:
        count = len(errors) if isinstance(errors, list) else 1
        label.append(f"  ⚠ {count} error{'s' if count != 1 else ''}", "bad")
    return label


def _service_instance(record: Record, ctx: LabelContext) -> Text:
    label = Text()
    label.append(service_instance_name(record), "heading")
    if record.get("service_status"):
        label.append(SEP, "muted")
        label.append(clean(record["service_status"]), _status_role(record["service_status"]))
    return label


def _environment_variable(record: Record, ctx: LabelContext) -> Text:
    label = Text.assemble(_piece(record.get("name"), "heading"), (" = ", "muted"))
    if record.get("is_sensitive"):
        label.append(MASK, "secret")
        label.append("  sensitive", "muted")
    else:
        label.append(shorten(clean(record.get("value") or ""), VALUE_WIDTH))
    return label


def _domain(record: Record, ctx: LabelContext) -> Text:
    label = Text.assemble(_piece(record.get("domain")))
    if record.get("is_primary"):
        label.append(SEP, "muted")
        label.append("primary", "ok")
    return label


def _repository(record: Record, ctx: LabelContext) -> Text:
    label = Text.assemble(("repository ", "muted"), _piece(record.get("dsn")))
    if record.get("state"):
        label.append(SEP, "muted")
        label.append(clean(record["state"]), _status_role(record["state"]))
    return label


def _service(record: Record, ctx: LabelContext) -> Text:
    label = Text.assemble(_piece(record.get("identifier") or record.get("uuid")))
    if record.get("name") and record.get("name") != record.get("identifier"):
        label.append(SEP, "muted")
        label.append(clean(record["name"]), "muted")
    return label


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
    "build": _build,
}
"""Kind name -> label builder. Kinds not listed fall back to the resource table's plain label."""


def resource_label(kind: str, record: Record, ctx: LabelContext, fallback: str = "") -> Text:
    """The tree label of one resource."""
    labeller = LABELLERS.get(kind)
    if labeller is None:
        return Text(clean(fallback or record.get("name") or record.get("uuid") or kind))
    try:
        return labeller(record, ctx)
    except Exception:  # noqa: BLE001 — any odd record gets a plain label, never a crash
        # A record of an unexpected shape must not take the tree down; show what we can.
        return Text(clean(fallback or record.get("uuid") or kind))


def group_label(title: str, count: int | None, loaded: int, loading: bool) -> Text:
    """`Backups (412)`, or `Backups (412) loading 200/412…` while pages stream in."""
    label = Text()
    label.append(title, "heading")
    if count is not None:
        label.append(f" ({count:,})", "muted")
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
    """`503 Service Unavailable`, `network error`… the short form used in labels."""
    status = getattr(error, "status", None)
    if isinstance(status, int):
        try:
            return f"{status} {HTTPStatus(status).phrase}"
        except ValueError:
            return f"HTTP {status}"
    kind = getattr(error, "kind", None)
    if kind is not None:
        return clean(str(kind).replace("_", " ")) + " error"
    return clean(type(error).__name__)


def error_label(error: BaseException, key: str = "r") -> Text:
    """`⚠ 503 Service Unavailable — press r to retry`."""
    return Text(f"⚠ {error_summary(error)} — press {key} to retry", "error")
