"""`LogScreen`: one screen for both kinds of log — runtime logs and a deployment's log.

Opened with `L` (explorer/screen.py) on a `LogTarget`. Reading (state/logs):

- runtime logs open on the newest window, newest line at the bottom. Following is on: the
  screen reads the cursor's `next` page, again at once while pages bring lines and after
  `POLL_SECONDS` when one is empty (as `divio app logs --tail` does). Moving up pauses the
  view (lines still arrive, counted in the status line, and the lines on screen stay put);
  `End` follows again. Scrolling to the top reads the page before (one page per time it is
  reached), until the start of the log or the line cap.
- a deployment's log is read whole; while the deployment runs it is read again every
  `DEPLOY_POLL_SECONDS` (with the deployment, for its percent), growing at the end, until it
  has finished.

Every read runs in a worker; the next is scheduled with a timer, so nothing sleeps and a
closed screen stops reading. A failure is a line in words with a retry: the first read is
tried again after a backoff (2 s, 4 s, … 30 s: "retrying in 4 s"), following reconnects the
same way, `r` tries now. The line cap (settings `log_line_cap`) bounds memory; the status
line says when the oldest lines were dropped.

The filter (`/`) reads every line of the buffer, not only the screen: plain text, `~regex`,
`!inverted`; `m` shows only the matches or every line with matches marked, `n` / `N` jump
between them, `S` picks one service after the other. `c` copies the cursor's line, `y` what
is shown, `s` saves what is shown to a file.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static

from divio_tui.api.errors import ApiError, Unauthorised
from divio_tui.api.models import Deployment
from divio_tui.saving import write_lines
from divio_tui.state.live import Backoff, moving, outcome, progress
from divio_tui.state.logs import (
    DeploymentLogReader,
    FilteredLog,
    LogBuffer,
    LogQuery,
    RuntimeLogReader,
)
from divio_tui.state.logs.export import clip_text, export_line, export_lines
from divio_tui.state.logs.readers import LogChange
from divio_tui.ui.keys import LOGS_BINDINGS, keys_for
from divio_tui.ui.logs.target import LogHost, LogTarget, last_deployment_target
from divio_tui.ui.logs.view import (
    KNOWN_SERVICES,
    TIME_MODES,
    LogView,
    resolve_roles,
    service_role,
)
from divio_tui.ui.text.humanize import format_duration, format_time
from divio_tui.ui.text.labels import SEP, error_summary
from divio_tui.ui.widgets.filter_bar import FilterBar
from divio_tui.ui.widgets.save_prompt import SavePrompt
from divio_tui.untrusted import visible

log = logging.getLogger(__name__)

__all__ = ["LogScreen"]


class LogScreen(Screen[None]):
    """A runtime log or a deployment log (see the module docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = list(LOGS_BINDINGS)

    POLL_SECONDS = 1.0
    """Wait after an empty page before asking again (divio-cli's `--tail` waits 1 s)."""
    NEXT_PAGE_SECONDS = 0.05
    """Wait after a page that brought lines (the server may have more)."""
    DEPLOY_POLL_SECONDS = 2.0
    """Between two reads of a running deployment's log."""
    RETRY = (2.0, 2.0, 30.0)
    """Backoff after a failure: first delay, factor, cap (seconds)."""
    FILL_PAGES = 5
    """Older pages read at most, one after the other, to fill a screen that is not full."""

    def __init__(self, host: LogHost, target: LogTarget) -> None:
        super().__init__()
        self.host = host
        self.target = target
        self.buffer = LogBuffer(cap=host.settings.log_line_cap)
        self.filtered = FilteredLog(self.buffer)
        self.runtime = target.kind == "runtime"
        self.reader: RuntimeLogReader | DeploymentLogReader = (
            RuntimeLogReader(host.client, target.uuid, self.buffer) if self.runtime
            else DeploymentLogReader(host.client, target.uuid, self.buffer))
        self.deployment: Deployment | None = target.deployment
        self.following = True
        """Keep the view at the newest line (off once the user moves up)."""
        self.opened = False
        self.error: BaseException | None = None
        """The last read's failure (cleared by the next success)."""
        self.older_error: BaseException | None = None
        self.reading_older = False
        self.new_below = 0
        """Lines that arrived while the view was paused."""
        first, factor, cap = self.RETRY
        self.backoff = Backoff(first, factor, cap)
        self._retry_at: float | None = None
        self._timer: Timer | None = None
        self._query_error: str | None = None

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="logs-header"):
            yield Static(id="logs-title")
            yield Static(id="logs-position")
        yield LogView(self.filtered, numbered=not self.runtime, id="logs-view")
        yield FilterBar(id="logs-filter")
        yield Static(id="logs-status")
        yield Footer(compact=True)

    @property
    def view(self) -> LogView:
        return self.query_one(LogView)

    def on_mount(self) -> None:
        title = Text("Runtime logs" if self.runtime else "Deployment log", "bold")
        title.append("  " + " › ".join(visible(crumb) for crumb in self.target.crumbs))
        self.query_one("#logs-title", Static).update(title)
        bar = self.query_one(FilterBar)
        bar.placeholder = "filter every line…  ~regex  !inverted  (enter: keep, esc: clear)"
        self.view.empty_text = Text("reading the log…", "placeholder")
        self.view.focus()
        self.set_interval(1.0, self.update_status)
        self.start_reading()

    # -- reading ----------------------------------------------------------------------------

    def start_reading(self) -> None:
        """Read the log from the start (the first time, `r`, a retry)."""
        self._cancel_timer()
        self.run_worker(self._open(), group="logs-read", exclusive=True, exit_on_error=False,
                        description="open the log")

    async def _open(self) -> None:
        try:
            if isinstance(self.reader, RuntimeLogReader):
                self.reader = RuntimeLogReader(self.host.client, self.target.uuid, self.buffer)
                change = await self.reader.open()
            else:
                if self.deployment is None or moving("deployment", self.deployment.raw):
                    self.deployment = await self.reader.status()
                change = await self.reader.read()
        except ApiError as error:
            self._failed(error, then=self.start_reading)
            return
        except Exception as error:  # a bug: say so on screen, never close the app
            log.exception("reading a log")
            self._failed(error, then=None)
            return
        self.opened = True
        self._succeeded()
        self._apply(change)
        if not len(self.buffer):
            self.view.empty_text = Text(self._empty_message(), "placeholder")
        self._schedule_next(lines=True)
        self._fill_screen()

    def _empty_message(self) -> str:
        if not self.runtime:
            return "this deployment's log is empty"
        env = self.target.environment
        if env is not None and env.last_finished_deployment is None:
            return "no log lines: this environment has never been deployed"
        return "no log lines yet (new ones appear here while following)"

    def _schedule_next(self, *, lines: bool) -> None:
        if isinstance(self.reader, RuntimeLogReader):
            if self.reader.cursor.newer_closed:
                return  # the server gave no `next`: nothing to follow
            self._schedule(self.NEXT_PAGE_SECONDS if lines else self.POLL_SECONDS, self._poll)
        elif self.deployment is not None and moving("deployment", self.deployment.raw):
            self._schedule(self.DEPLOY_POLL_SECONDS, self._poll)

    def poll_now(self) -> None:
        """Read what is new now (the timers call it; so do tests, instead of waiting)."""
        self._cancel_timer()
        self._poll()

    def _poll(self) -> None:
        self.run_worker(self._read_newer(), group="logs-poll", exclusive=True,
                        exit_on_error=False, description="read new log lines")

    async def _read_newer(self) -> None:
        try:
            if isinstance(self.reader, RuntimeLogReader):
                change = await self.reader.newer()
            else:
                before = self.deployment
                self.deployment = await self.reader.status()
                change = await self.reader.read()
                self._tell_if_finished(before, self.deployment)
        except ApiError as error:
            self._failed(error, then=self._poll)
            return
        except Exception as error:
            log.exception("following a log")
            self._failed(error, then=None)
            return
        self._succeeded()
        self._apply(change)
        self._schedule_next(lines=change.added > 0)

    def _tell_if_finished(self, before: Deployment | None, after: Deployment) -> None:
        if before is not None and moving("deployment", before.raw) and not moving(
                "deployment", after.raw):
            ended = outcome("deployment", after.raw)
            self.notify(f"The deployment finished: {ended}", title="Deployment",
                        severity="error" if ended == "failed" else "information", markup=False)

    def read_older(self) -> None:
        """The page before the oldest line (when the view reaches the top)."""
        reader = self.reader
        if (not isinstance(reader, RuntimeLogReader) or self.reading_older
                or not reader.can_read_older):
            return
        self.reading_older = True
        self.update_status()
        self.run_worker(self._read_older(), group="logs-older", exclusive=True,
                        exit_on_error=False, description="read older log lines")

    async def _read_older(self, pages: int = 1) -> None:
        reader = self.reader
        assert isinstance(reader, RuntimeLogReader)
        try:
            for _ in range(pages):
                change = await reader.older()
                self.older_error = None
                self._apply(change)
                if not self._wants_more_lines():
                    break
        except ApiError as error:
            self.older_error = error
            if isinstance(error, Unauthorised):
                self.host.tell_refused(error)
        finally:
            self.reading_older = False
            self.update_status()

    def _wants_more_lines(self) -> bool:
        reader = self.reader
        return (isinstance(reader, RuntimeLogReader) and reader.can_read_older
                and self.view.row_count < self.view.scrollable_content_region.height)

    def _fill_screen(self) -> None:
        """A first page shorter than the screen: read older pages until it is full."""
        if self._wants_more_lines() and not self.reading_older:
            self.reading_older = True
            self.run_worker(self._read_older(self.FILL_PAGES), group="logs-older",
                            exclusive=True, exit_on_error=False, description="fill the screen")

    def _apply(self, change: LogChange) -> None:
        if not change.added and not change.dropped and not change.replaced:
            return
        if not self.following and not change.replaced:
            self.new_below += change.added
        self.view.refresh_log(follow=self.following)
        self.update_status()

    def _succeeded(self) -> None:
        self.error = None
        self._retry_at = None
        self.backoff.reset()

    def _failed(self, error: BaseException, *, then: Callable[[], None] | None) -> None:
        first = self.error is None
        self.error = error
        if isinstance(error, Unauthorised):
            self.host.tell_refused(error)
            then = None
        if then is not None:
            delay = self.backoff.next()
            self._retry_at = time.monotonic() + delay
            self._schedule(delay, then)
        else:
            self._retry_at = None
        if not self.opened:
            self.view.empty_text = Text(f"⚠ {self._error_words(error)}", "error")
            self.view.refresh()
        if first and not isinstance(error, Unauthorised):
            self.notify(self._error_words(error), title="Could not read the log",
                        severity="error", markup=False, timeout=6)
        self.update_status()

    def _error_words(self, error: BaseException) -> str:
        detail = getattr(error, "detail", None)
        words = error_summary(error) + (f": {visible(detail)}" if detail else "")
        return f"could not read the log ({words})"

    def _schedule(self, delay: float, then: Callable[[], None]) -> None:
        self._cancel_timer()
        self._timer = self.set_timer(delay, then)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    # -- the view ---------------------------------------------------------------------------

    @on(LogView.Moved)
    def _moved(self, message: LogView.Moved) -> None:
        view = self.view
        last = view.cursor_seq is None or view.cursor_index >= view.row_count - 1
        if message.at_end and last:
            self._follow(True)
        elif self.following:
            self._follow(False)
        if message.at_top:
            self.read_older()
        self.update_status()

    def _follow(self, on: bool) -> None:
        if on == self.following:
            return
        self.following = on
        if on:
            self.new_below = 0
            self.view.move_to(None)
        self.update_status()

    def action_follow(self) -> None:
        self._follow(not self.following)
        if self.following and self.error is not None and self._retry_at is not None:
            self._retry_now()

    # -- the filter -------------------------------------------------------------------------

    def action_filter(self) -> None:
        bar = self.query_one(FilterBar)
        bar.display = True
        bar.focus()

    @on(FilterBar.Changed, "#logs-filter")
    def _filter_changed(self, event: FilterBar.Changed) -> None:
        query = LogQuery.parse(event.value)
        self._query_error = query.error if query is not None else None
        self._refilter(query=query)

    @on(FilterBar.Done)
    def _filter_done(self, event: FilterBar.Done) -> None:
        if event.cleared:
            self.clear_filter()
        self.view.focus()

    def clear_filter(self) -> None:
        bar = self.query_one(FilterBar)
        bar.value = ""
        bar.display = False
        self._query_error = None
        self._refilter(query=None)

    def _refilter(self, **changes: object) -> None:
        view = self.view
        keep = view.cursor_line
        self.filtered.set(**changes)  # type: ignore[arg-type]
        if len(self.buffer):
            view.empty_text = Text(f"no line of the {len(self.buffer):,} read matches "
                                   "(older lines load as you scroll up)", "placeholder")
        view.refresh_log(follow=self.following)
        if not self.following and keep is not None:
            view.move_to(keep, center=True)
        self._fill_screen()
        self.update_status()

    def action_next_match(self) -> None:
        self._jump(forward=True)

    def action_previous_match(self) -> None:
        self._jump(forward=False)

    def _jump(self, *, forward: bool) -> None:
        if self.filtered.query is None:
            self.notify(f"No filter: {keys_for(self.host, 'logs-filter')[0]} sets one.",
                        markup=False, timeout=3)
            return
        current = self.view.cursor_line
        target = self.filtered.next_match(current if current is not None else -1,
                                          forward=forward)
        if target is None:
            self.notify("No line matches the filter.", markup=False, timeout=3)
            return
        self._follow(False)
        self.view.move_to(target, center=True)
        self.update_status()

    def action_only_matches(self) -> None:
        self._refilter(only_matches=not self.filtered.only_matches)

    def services(self) -> list[str]:
        """The services in the buffer: divio-cli's four first, then the others by name."""
        present = {name for name, count in self.buffer.service_counts.items() if count > 0 and name}
        return ([name for name in KNOWN_SERVICES if name in present]
                + sorted(present - set(KNOWN_SERVICES)))

    def action_next_service(self) -> None:
        if not self.runtime:
            self.notify("A deployment log has no services.", markup=False, timeout=3)
            return
        services = self.services()
        current = self.filtered.service
        index = services.index(current) + 1 if current in services else 0
        self._refilter(service=services[index] if index < len(services) else None)

    def action_wrap(self) -> None:
        self.view.wrap = not self.view.wrap
        self.update_status()

    def action_time_mode(self) -> None:
        if not self.runtime:
            self.notify("A deployment log has no times.", markup=False, timeout=3)
            return
        view = self.view
        view.time_mode = TIME_MODES[(TIME_MODES.index(view.time_mode) + 1) % len(TIME_MODES)]
        self.update_status()

    # -- copy and save ------------------------------------------------------------------------

    def action_copy_line(self) -> None:
        seq = self.view.cursor_line
        if seq is None:
            return
        text = export_line(self.buffer, seq, timed=self.runtime)
        self.app.copy_to_clipboard(text)
        self.notify(f"Copied line {self._position(seq)} ({len(text):,} characters)",
                    markup=False, timeout=3)

    def action_copy_shown(self) -> None:
        rows = self.filtered.rows
        if not len(rows):
            return
        clip = clip_text(self.buffer, rows, timed=self.runtime)
        self.app.copy_to_clipboard(clip.text)
        note = (f" (the newest {clip.lines:,}; {clip.left_out:,} left out — "
                f"{keys_for(self.host, 'logs-save')[0]} saves them all)" if clip.left_out else "")
        what = "the lines the filter shows" if self.filtered.active else "every line"
        self.notify(f"Copied {what}: {clip.lines:,} line{'s' if clip.lines != 1 else ''}{note}",
                    markup=False, timeout=5)

    def action_save(self) -> None:
        if not len(self.filtered.rows):
            self.notify("Nothing to save yet.", markup=False, timeout=3)
            return
        stamp = self.host.now().strftime("%Y%m%d-%H%M%S")
        default = f"{self.target.file_stem}-{stamp}.log"
        count = len(self.filtered.rows)
        what = (f"the {count:,} lines the filter shows" if self.filtered.active
                else f"{count:,} lines")
        written = 0

        def write(path: Path, overwrite: bool) -> None:
            # The lines shown when enter is pressed (following may have added some), streamed
            # to the file from the buffer.
            nonlocal written
            lines = export_lines(self.buffer, list(self.filtered.rows), timed=self.runtime)
            written = write_lines(path, lines, overwrite=overwrite)

        def saved(path: Path | None) -> None:
            if path is not None:
                self.notify(f"Saved {written:,} lines to {visible(path)}", markup=False,
                            timeout=5)

        self.app.push_screen(SavePrompt(what, default, write), saved)

    # -- other actions ----------------------------------------------------------------------

    def action_deployment_log(self) -> None:
        if not self.runtime:
            self.notify("This is a deployment's log already.", markup=False, timeout=3)
            return
        target = last_deployment_target(self.target, self.host.session)
        if target is None:
            self.notify("This environment has not been deployed yet.", markup=False, timeout=4)
            return
        self.app.push_screen(LogScreen(self.host, target))

    def action_reload(self) -> None:
        if self.error is not None and self._retry_at is not None and self.opened:
            self._retry_now()
            return
        self.following = True
        self.new_below = 0
        if not self.runtime:
            self.deployment = None
        self.start_reading()

    def _retry_now(self) -> None:
        self._cancel_timer()
        self._retry_at = None
        self._poll()

    def action_close(self) -> None:
        if self.filtered.active or self.query_one(FilterBar).display:
            self.clear_filter()
            if self.filtered.service is not None:
                self._refilter(service=None)
            return
        self.dismiss(None)

    # -- what the screen says ---------------------------------------------------------------

    def _position(self, seq: int) -> str:
        if self.runtime:
            return f"{self.filtered.index_of(seq) + 1:,}"
        return f"{seq + 1:,}"

    def update_status(self) -> None:
        """The status line and the position (every second: "3 s ago" moves)."""
        if not self.is_mounted:
            return
        lookup = self.view.role_style
        self.query_one("#logs-status", Static).update(resolve_roles(self.status_text(), lookup))
        self.query_one("#logs-position", Static).update(resolve_roles(self.position_text(), lookup))

    def position_text(self) -> Text:
        view = self.view
        rows = self.filtered.rows
        seq = view.cursor_line
        if seq is None:
            return Text("")
        text = Text(f"line {view.cursor_index + 1:,}/{len(rows):,}", "muted")
        moment = self.buffer.entry_time(seq) if self.runtime else None
        if moment is not None:
            text.append(SEP)
            text.append(_full_time(moment, view.time_mode))
        return text

    def status_text(self) -> Text:
        text = Text()
        now = self.host.now()
        retry = self._retry_text()
        if self.error is not None:
            text.append(f"⚠ {self._error_words(self.error)}", "error")
            text.append(f"{SEP}{retry}" if retry else "")
            text.append(f"{SEP}{keys_for(self.host, 'logs-reload')[0]} tries now")
        elif not self.opened:
            text.append("reading the log…")
        elif self.runtime:
            self._runtime_state(text, now)
        else:
            self._deployment_state(text)
        if self.opened:
            text.append(f"{SEP}{len(self.buffer):,} lines")
        self._filter_state(text)
        if self.buffer.dropped:
            text.append(f"{SEP}{self.buffer.dropped:,} oldest dropped (line cap "
                        f"{self.buffer.cap:,})", "warn")
        elif self.buffer.refused or (self.buffer.full and self.runtime):
            text.append(f"{SEP}line cap {self.buffer.cap:,} reached: older lines not read",
                        "warn")
        if self.reading_older:
            text.append(f"{SEP}reading older lines…", "running")
        elif self.older_error is not None:
            text.append(f"{SEP}⚠ older lines: {error_summary(self.older_error)} — scroll up "
                        "to retry", "error")
        if self.view.wrap:
            text.append(f"{SEP}wrapped", "muted")
        if self.runtime and self.view.time_mode != "utc":
            text.append(f"{SEP}{'local times' if self.view.time_mode == 'local' else 'no times'}",
                        "muted")
        return text

    def _retry_text(self) -> str:
        if self._retry_at is None:
            return ""
        seconds = max(0, round(self._retry_at - time.monotonic()))
        return f"{'reconnecting' if self.opened else 'retrying'} in {seconds} s"

    def _runtime_state(self, text: Text, now: datetime) -> None:
        reader = self.reader
        closed = isinstance(reader, RuntimeLogReader) and reader.cursor.newer_closed
        if closed:
            text.append("the server gives no next page: not following", "warn")
        elif self.following:
            text.append("following", "running")
            newest = self.buffer.newest_time
            if newest is not None:
                text.append(f" · last line {format_duration(now - newest)} ago")
        else:
            end = keys_for(self.host, "logs-bottom")[-1]
            text.append("paused", "warn")
            if self.new_below:
                text.append(f" · {self.new_below:,} new line{'s' if self.new_below != 1 else ''}")
            text.append(f" · {end} follows", "muted")

    def _deployment_state(self, text: Text) -> None:
        deployment = self.deployment
        if deployment is None:
            return
        raw = deployment.raw
        if moving("deployment", raw):
            percent = progress("deployment", raw)
            text.append("deployment running" + (f" · {percent} %" if percent is not None else ""),
                        "running")
            text.append(" · following" if self.following else " · paused")
        else:
            ended = outcome("deployment", raw)
            text.append(f"deployment {ended}", "bad" if ended == "failed" else "ok")
            if deployment.ended_at is not None:
                text.append(f" · {format_time(deployment.ended_at)}", "muted")

    def _filter_state(self, text: Text) -> None:
        filtered = self.filtered
        if self._query_error:
            text.append(f"{SEP}not a regular expression: {visible(self._query_error)}", "error")
        query = filtered.query
        if query is not None:
            count = filtered.match_count
            text.append(f"{SEP}filter {visible(query.describe())}: ")
            text.append(f"{count:,} match{'es' if count != 1 else ''}", "accent")
            if not filtered.only_matches:
                text.append(" (every line shown)", "muted")
        if filtered.service is not None:
            text.append(f"{SEP}service ")
            text.append(visible(filtered.service), service_role(filtered.service))


def _full_time(moment: datetime, mode: str) -> str:
    if mode == "local":
        local = moment.astimezone()
        return local.strftime("%Y-%m-%d %H:%M:%S.") + f"{local.microsecond // 1000:03d} " + (
            local.tzname() or "local")
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d} UTC"
