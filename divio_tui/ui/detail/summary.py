"""The summary block of the detail pane: humanised fields of whatever is highlighted.

Each builder returns rows of (field name, value `Text`). Times show absolute UTC and relative
to the app's clock; sizes are decimal units; states are coloured by role. References are not
summary rows: the detail pane lists them under the summary, as doors (references.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.text import Text

from divio_tui.api.errors import ApiError
from divio_tui.api.models import ApiModel
from divio_tui.api.resources import KINDS
from divio_tui.state.backups import BackupReport
from divio_tui.state.live import moving, progress
from divio_tui.state.nodes import GroupData, ResourceData, StatusData
from divio_tui.state.session import PartialRead
from divio_tui.ui.detail.backup_rows import backup_rows
from divio_tui.ui.detail.environments import EnvironmentsOverview
from divio_tui.ui.text.humanize import (
    as_datetime,
    format_duration,
    format_size,
    time_with_relative,
)
from divio_tui.ui.text.labels import (
    MASK,
    SEP,
    backup_size,
    breadcrumb,
    error_summary,
    last_deployment,
    service_instance_name,
    status_role,
)
from divio_tui.ui.text.progress import progress_bar, updated_text
from divio_tui.untrusted import clip, visible

Row = tuple[str, Text]

VALUE_MAX = 500
"""A summary value is cut here (with how much is missing; `e` shows the record whole)."""

FIELD_MAX = 60
"""A field name (the server's key) is cut here."""

FIELDS_SHOWN = 60
"""Other fields summarised at most (a record may carry thousands)."""

ERRORS_SHOWN = 20
"""Errors of one service-instance backup listed in its summary."""

HIDDEN_FIELDS = frozenset({"uuid", "value"})
"""Fields the generic part of the summary leaves out (shown elsewhere, or secret)."""

SKIP_FIELDS: dict[str, set[str]] = {
    "deployment": {"success", "percent"},
    "service_instance_backup": {"service_type"},
}
"""Per kind, raw fields already told by the kind-specific rows in another form."""


@dataclass
class SummaryContext:
    """What summaries may use besides the node: the clock and the already-known resources."""

    now: datetime
    lookup: Callable[[str, str], ApiModel | None]
    """(kind, uuid) -> the resource if this session already has it, else None."""
    backups: BackupReport | None = None
    """An environment's backups as far as they are known (backup_rows.py renders them)."""
    reload_key: str = "r"
    """The key that reloads, named in retry hints."""
    total_key: str = "T"
    """The key that reads an environment's backup total size, named in its summary."""
    partial: Callable[[str, str, str], PartialRead | None] = lambda kind, field, parent: None
    """(kind, field, parent) -> how far a list read for a summary got when its budget stopped
    it (`Session.partial_children`), else None."""
    newest_deployments: Mapping[str, Any] | None = None
    """Environment uuid -> its newest deployment's record, when known (is one running?)."""
    updated: Callable[[str, str], datetime | None] | None = None
    """(kind, uuid) -> when a resource still moving was last read again (None: not yet)."""
    environments: EnvironmentsOverview | None = None
    """An application's environments and their backup health (environments.py renders it)."""


def _value(value: object, role: str = "") -> Text:
    if value is True or value is False:
        return Text("yes" if value else "no", role)
    return Text(clip(value, VALUE_MAX), role)


def _time(value: object, ctx: SummaryContext) -> Text:
    if as_datetime(value) is None:
        return Text("—", "muted")
    return Text(time_with_relative(value, ctx.now))


def _state(value: object) -> Text:
    if value is None:
        return Text("—", "muted")
    return _value(value, status_role(value))


def _generic_rows(raw: Mapping[str, Any], ctx: SummaryContext, skip: set[str]) -> list[Row]:
    """Every top-level scalar field not shown yet, with times humanised."""
    rows: list[Row] = []
    fields = [(key, value) for key, value in raw.items()
              if key not in skip and key not in HIDDEN_FIELDS and not isinstance(value, dict | list)]
    if len(fields) > FIELDS_SHOWN:
        rows.append(("fields", Text(f"{len(fields):,}: the first {FIELDS_SHOWN} below, every one "
                                    "in the JSON", "warn")))
    for key, value in fields[:FIELDS_SHOWN]:
        label = clip(key, FIELD_MAX).replace("_", " ")
        if key.endswith("_at"):
            rows.append((label, _time(value, ctx)))
        elif key in {"state", "success", "status", "service_status"}:
            rows.append((label, _state(value)))
        elif value is None:
            rows.append((label, Text("—", "muted")))
        else:
            rows.append((label, _value(value)))
    return rows


def _duration(start: object, end: object) -> Text | None:
    started, ended = as_datetime(start), as_datetime(end)
    if started is None or ended is None:
        return None
    return Text(format_duration(ended - started))


def _backup_rows(data: ResourceData, ctx: SummaryContext) -> list[Row]:
    raw = data.raw
    sibs: dict[str, Any] = {}
    rows: list[Row] = []
    uuids = [uuid for uuid in raw.get("service_instance_backups") or [] if isinstance(uuid, str)]
    lines = Text()
    for uuid in uuids:
        sib = ctx.lookup("service_instance_backup", uuid)
        if sib is None:
            lines.append(f"{clip(uuid, FIELD_MAX)}  …\n", "muted")
            continue
        sibs[uuid] = sib.raw
        instance = ctx.lookup("service_instance", sib.raw.get("service_instance") or "")
        lines.append(service_instance_name(instance.raw if instance else None,
                                           sib.raw.get("service_type")))
        lines.append(SEP, "muted")
        lines.append(format_size(sib.raw.get("size")))
        if sib.raw.get("errors"):
            lines.append("  ⚠ errors", "bad")
        lines.append("\n")
    size = backup_size(raw, sibs)
    rows.append(("size", Text(format_size(size)) if size is not None or not uuids
                 else Text("…", "muted")))
    if uuids:
        lines.rstrip()
        rows.append((f"contents ({len(uuids)})", lines))
    return rows


def _sib_rows(data: ResourceData, ctx: SummaryContext) -> list[Row]:
    raw = data.raw
    instance = ctx.lookup("service_instance", raw.get("service_instance") or "")
    rows: list[Row] = [
        ("service", Text(service_instance_name(instance.raw if instance else None,
                                               raw.get("service_type")), "heading")),
        ("size", Text(format_size(raw.get("size")))),
    ]
    took = _duration(raw.get("started_at"), raw.get("ended_at"))
    if took is not None:
        rows.append(("took", took))
    errors = raw.get("errors")
    if errors:
        listed = errors if isinstance(errors, list) else [errors]
        shown = [clip(error, VALUE_MAX) for error in listed[:ERRORS_SHOWN]]
        if len(listed) > ERRORS_SHOWN:
            shown.append(f"… and {len(listed) - ERRORS_SHOWN:,} more")
        rows.append(("errors", Text("\n".join(shown), "bad")))
    elif raw.get("ended_at") is None:
        rows.append(("outcome", Text("running", "running")))
    else:
        rows.append(("outcome", Text("no errors", "ok")))
    return rows


def _live_rows(kind: str, raw: Mapping[str, Any], ctx: SummaryContext) -> list[Row]:
    """A progress bar where the percent is known, and when it was last read again."""
    rows: list[Row] = []
    percent = progress(kind, raw)
    if percent is not None:
        rows.append(("progress", progress_bar(percent)))
    updated = ctx.updated(kind, str(raw.get("uuid"))) if ctx.updated is not None else None
    rows.append(("live", updated_text(updated, ctx.now)))
    return rows


def _deployment_rows(data: ResourceData, ctx: SummaryContext) -> list[Row]:
    raw = data.raw
    success = raw.get("success")
    outcome = (Text(f"running · {raw.get('percent', 0)}%", "running") if success is None
               else Text("success" if success else "failed", status_role(success)))
    rows: list[Row] = [("outcome", outcome)]
    if moving("deployment", raw):
        rows.extend(_live_rows("deployment", raw, ctx))
    took = _duration(raw.get("started_at"), raw.get("ended_at"))
    if took is not None:
        rows.append(("took", took))
    return rows


def _environment_rows(data: ResourceData, ctx: SummaryContext) -> list[Row]:
    last = last_deployment(data.raw, ctx.newest_deployments)
    rows: list[Row] = []
    if isinstance(last, Mapping) and moving("deployment", last):
        rows.append(("deploying", Text("⟳ a deployment is running", "running")))
        rows.extend(_live_rows("deployment", last, ctx))
        finished = data.raw.get("last_finished_deployment")
        last = finished if isinstance(finished, Mapping) else None
    if not isinstance(last, Mapping):
        text = Text("never deployed", "muted")
    else:
        success = last.get("success")
        text = Text.assemble(
            _value(last.get("status") or "finished", status_role(last.get("status"))),
            (SEP, "muted"),
            ("—" if success is None else "success" if success else "✘ failed",
             status_role(success)),
            (SEP, "muted"),
            time_with_relative(last.get("ended_at"), ctx.now),
        )
    rows.append(("last deployment", text))
    ssh = data.raw.get("ssh_endpoint")
    if isinstance(ssh, Mapping):
        rows.append(("ssh", _value(f"{ssh.get('user')}@{ssh.get('host')}:{ssh.get('port')}")))
    rows.extend(backup_rows(ctx.backups, ctx.now, ctx.reload_key, ctx.total_key))
    partial = ctx.partial("backup", "environment", data.uuid) if data.uuid else None
    if partial is not None:
        of = f"{partial.count:,}" if partial.count is not None else "an unknown number of"
        rows.append(("note", Text(f"only the first {partial.read:,} of {of} backups were read "
                                  f"({partial.pages:,} pages, the most one summary reads): the "
                                  "count, the oldest and the total are theirs", "warn")))
    return rows


def _variable_rows(data: ResourceData, ctx: SummaryContext) -> list[Row]:
    raw = data.raw
    if raw.get("is_sensitive"):
        return [("value", Text.assemble((MASK, "secret"), ("  sensitive (v reveals it in the JSON)",
                                                           "muted")))]
    return [("value", _value(raw.get("value") or ""))]


SPECIFIC: dict[str, Callable[[ResourceData, SummaryContext], list[Row]]] = {
    "backup": _backup_rows,
    "service_instance_backup": _sib_rows,
    "deployment": _deployment_rows,
    "environment": _environment_rows,
    "environment_variable": _variable_rows,
}
"""Extra rows for kinds where the raw fields alone do not answer the usual question."""


def resource_summary(data: ResourceData, ctx: SummaryContext) -> list[Row]:
    """Rows for one resource: identity, kind-specific facts, other fields."""
    kind = KINDS.get(data.kind)
    rows: list[Row] = [
        ("kind", Text(kind.singular if kind else data.kind, "heading")),
        ("uuid", _value(data.uuid or data.model.key, "accent")),
    ]
    chain = breadcrumb(data)[:-1]
    if chain:
        rows.append(("under", Text(" › ".join(chain))))
    specific = SPECIFIC.get(data.kind)
    if specific is not None:
        rows.extend(specific(data, ctx))
    if data.kind in {"backup", "service_instance_backup"} and moving(data.kind, data.raw):
        rows.extend(_live_rows(data.kind, data.raw, ctx))
    skip = {field.split(".")[0].removesuffix("[*]") for field in (kind.references if kind else {})}
    skip |= {name.replace(" ", "_") for name, _ in rows} | SKIP_FIELDS.get(data.kind, set())
    # References are not rows: the detail pane lists them as doors (references.py).
    rows.extend(_generic_rows(data.raw, ctx, skip))
    return rows


def group_summary(data: GroupData, children: list[ResourceData], ctx: SummaryContext) -> list[Row]:
    """Rows for a group: what it holds, how much of it is loaded, newest and oldest."""
    listing = data.listing
    kind = KINDS.get(listing.kind)
    rows: list[Row] = [("contains", Text(kind.title.lower() if kind else listing.kind, "heading"))]
    if data.owner is not None:
        rows.append(("under", Text(" › ".join(breadcrumb(data.owner)))))
    if listing.stale and listing.error is not None and not listing.loading:
        rows.append(("stale", Text(f"the reload failed ({error_summary(listing.error)}): "
                                   "what is shown is the last good load — see the ⚠ line",
                                   "warn")))
    if listing.error is not None and not listing.loading and not listing.stale:
        rows.append(("count", Text(f"failed to load ({error_summary(listing.error)}) — "
                                   "see the ⚠ line", "bad")))
    elif listing.count is None:
        state = "loading…" if listing.loading else "not loaded yet (expand to load)"
        rows.append(("count", Text(state, "muted")))
    else:
        rows.append(("count", Text(f"{listing.count:,}")))
        rows.append(("loaded", Text(f"{listing.shown:,}" + (" (loading…)" if listing.loading else ""))))
    if listing.dropped:
        rows.append(("note", Text(f"the server ignored the filter; {listing.dropped:,} items of "
                                  "other parents were left out", "warn")))
    if kind is not None and kind.newest_first and children:
        rows.extend(_time_rows(kind.sort_key, children, ctx))
    return rows


def _time_rows(sort_key: Callable[[Any], datetime], children: list[ResourceData],
               ctx: SummaryContext) -> list[Row]:
    """Newest and oldest of the loaded children and, for kinds with a `success` field, the last
    success and how many failed.

    The tree keeps a newest-first kind sorted (ui/tree/loader.py, whatever order the server
    sent), so the newest is the first child, the oldest the last and the last success the
    first successful one: a group of 20,000 backups, summarised each time the cursor lands on
    it while it streams in, reads three times, not 20,000. Counting the failures reads only
    each record's `success`.
    """
    rows: list[Row] = [("newest", _time(sort_key(children[0].model), ctx)),
                       ("oldest", _time(sort_key(children[-1].model), ctx)
                        if len(children) > 1 else Text("—", "muted"))]
    outcomes = bad = 0
    last_success: ResourceData | None = None
    for child in children:
        raw = child.raw
        if "success" not in raw:
            continue
        outcomes += 1
        success = raw["success"]
        if success is True or success == "SUCCESS":
            if last_success is None:
                last_success = child
        elif success is False or success == "FAILURE":
            bad += 1
    if outcomes:
        rows.append(("last success", _time(sort_key(last_success.model), ctx)
                     if last_success is not None else Text("none loaded", "warn")))
        rows.append(("failed", Text(f"{bad:,} of {outcomes:,}", "bad" if bad else "ok")))
    return rows


def status_summary(data: StatusData) -> list[Row]:
    """Rows for an error, a placeholder or a load-more line."""
    error = data.error
    if data.kind == "error" and error is not None:
        message = getattr(error, "message", None) or str(error) or type(error).__name__
        rows: list[Row] = [("error", Text(clip(message, VALUE_MAX), "bad"))]
        if isinstance(error, ApiError):
            rows.append(("kind", Text(visible(error.kind.value))))
            if error.status is not None:
                rows.append(("status", Text(str(error.status))))
            if error.detail:
                rows.append(("detail", Text(clip(error.detail, VALUE_MAX))))
            if error.url:
                rows.append(("url", Text(clip(error.url, VALUE_MAX))))
            if error.retry_after:
                rows.append(("retry after", Text(f"{error.retry_after:g} s")))
            if error.attempts:
                rows.append(("attempts", Text(str(error.attempts))))
        else:
            rows.append(("type", Text(visible(type(error).__name__))))
        rows.append(("retry", Text("press r (or enter) to try again", "muted")))
        return rows
    if data.kind == "invalid" and data.invalid is not None:
        return [("unreadable", Text(clip(data.invalid.error.message, VALUE_MAX), "warn")),
                ("note", Text("the record is shown as the server sent it", "muted"))]
    return [("", Text(clip(data.message, VALUE_MAX), "muted"))]
