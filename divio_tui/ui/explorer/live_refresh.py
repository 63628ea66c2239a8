"""Things still moving refresh themselves while they are on screen, until they finish.

`LiveRefresher` belongs to the explorer screen. It does two things:

- **What is deploying.** An environment's record only names its last *finished* deployment;
  whether one is running now is the newest deployment's business. When the cursor rests on
  an environment, its newest deployment is read once per session (one small request:
  `deployments?environment=…&page_size=1`, newest first, the filter checked on the answer),
  so its tree line and summary say "⟳ deploying · 61 %" or "✘ deploy failed 4 d ago" rather
  than what the environment record says. Nothing is read for environments merely listed
  (opening an application stays one request); what a Deployments group lists counts too, at
  no cost (the session keeps the newest deployment it has seen per environment).
- **What is running on screen.** Deployments, backups and service-instance backups that are
  still moving, on the tree's visible lines or under the cursor (and the running deployments
  of the environments on screen), are read again by uuid — at most `MAX_PER_LOOK` a look,
  the next look after a backoff (2 s, 3 s, … 30 s, back to 2 s when something changed) — and
  only while something moving is on screen: nothing is sent for a screen at rest. Their tree
  lines and the detail pane follow ("updated 3 s ago", a progress bar), and when one
  finishes, a toast says how it ended.

Failures are logged and retried at the next look (the line keeps its last known state);
nothing here ever raises into the app.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from textual.dom import DOMNode
from textual.timer import Timer

from divio_tui.api.errors import ApiError
from divio_tui.api.models import ApiModel
from divio_tui.api.resources import KINDS
from divio_tui.state.live import MOVING_KINDS, Backoff, failed, moving, outcome
from divio_tui.state.nodes import ResourceData
from divio_tui.state.session import Session
from divio_tui.ui.text.labels import plain_label
from divio_tui.ui.tree.messages import Node
from divio_tui.ui.tree.widget import ResourceTree

log = logging.getLogger(__name__)

__all__ = ["LiveRefresher"]

MAX_PER_LOOK = 8
"""Resources read again in one look at most (the rest wait for the next one)."""

NEWEST_AT_ONCE = 4
"""Environments whose newest deployment is read in one go."""


class LiveRefresher:
    """Keeps moving resources on screen up to date (see the module docstring)."""

    BACKOFF = (2.0, 1.5, 30.0)
    """First delay, factor, cap (seconds) between two looks at what is moving."""
    REST_SECONDS = 0.15
    """How long the cursor rests on an environment before its newest deployment is read."""

    def __init__(self, owner: DOMNode, session: Session, tree: Callable[[], ResourceTree],
                 clock: Callable[[], datetime], changed: Callable[[Node | None], None],
                 tell: Callable[[str, str, bool], None]) -> None:
        self._owner = owner
        self.session = session
        self._tree = tree
        self._clock = clock
        self._changed = changed
        """Called after a node got new data (None: the detail pane only)."""
        self._tell = tell
        """(title, message, is_bad): a toast."""
        first, factor, cap = self.BACKOFF
        self.backoff = Backoff(first, factor, cap)
        self.updated: dict[tuple[str, str], datetime] = {}
        """When each moving resource was last read again."""
        self._asked: set[str] = set()
        self._generation = session.generation
        self._timer: Timer | None = None
        self._looking = False

    # -- the newest deployment of the environment under the cursor -------------------------

    def environment_highlighted(self, data: object) -> None:
        """The cursor is on `data`: if it is an environment not asked about yet this session,
        read its newest deployment once the cursor has rested there a moment."""
        self._new_session_check()
        if not (isinstance(data, ResourceData) and data.kind == "environment" and data.uuid):
            return
        if data.uuid in self._asked:
            return
        self._owner.run_worker(self._read_newest(data.uuid), group="live-newest",
                               exclusive=True, exit_on_error=False,
                               description="newest deployment")

    async def _read_newest(self, environment: str) -> None:
        await asyncio.sleep(self.REST_SECONDS)  # cancelled if the cursor moves on
        self._asked.add(environment)
        try:
            page = await self.session.client.get_page(
                KINDS["deployment"], {"environment": environment, "page_size": 1})
        except ApiError as error:
            log.info("newest deployment of %s: %s", environment, error.message)
            self._asked.discard(environment)  # asked again when the cursor comes back
            return
        mine = [model for model in page.results
                if getattr(model, "environment", None) == environment]
        if mine:  # the filter is a hint: another environment's answer tells nothing
            self.session.remember("deployment", mine)
            self._relabel_environment(environment)
        self.wake()

    # -- looking again at what moves ------------------------------------------------------

    def wake(self) -> None:
        """Something may have come on screen: look soon (if anything moves)."""
        self._new_session_check()
        self._relabel_visible_environments()
        if self._looking:
            return
        if not self._moving_on_screen():
            self._stop()
            return
        if self._timer is None:
            self._schedule(self.backoff.next())

    def _schedule(self, delay: float) -> None:
        self._stop()
        self._timer = self._owner.set_timer(delay, self.look)

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def look(self) -> None:
        """Read again what moves on screen now (a timer calls it; tests may too)."""
        self._timer = None
        targets = self._moving_on_screen()[:MAX_PER_LOOK]
        if not targets:
            return
        self._looking = True
        self._owner.run_worker(self._refresh(targets), group="live-refresh", exclusive=True,
                               exit_on_error=False, description="refresh what is running")

    async def _refresh(self, targets: list[tuple[str, str]]) -> None:
        changed = False
        try:
            results = {}
            for kind, uuid in targets:
                try:
                    results[(kind, uuid)] = await self.session.client.get(KINDS[kind], uuid)
                except ApiError as error:
                    log.info("refreshing %s %s: %s", kind, uuid, error.message)
            now = self._clock()
            for (kind, uuid), model in results.items():
                self.updated[(kind, uuid)] = now
                changed |= self._apply(kind, model)
        finally:
            self._looking = False
        if changed:
            self.backoff.reset()
        self._changed(None)
        if self._moving_on_screen():
            self._schedule(self.backoff.next())

    def _apply(self, kind: str, model: ApiModel) -> bool:
        """Take in a resource read again; True if it changed."""
        before = self.session.known(kind, model.key)
        self.session.remember(kind, [model])
        different = before is None or before.raw != model.raw
        was_moving = before is not None and moving(kind, before.raw)
        tree = self._tree()
        for node in tree.iter_resource_nodes():
            data = node.data
            if isinstance(data, ResourceData) and data.kind == kind and data.uuid == model.key:
                data.model = model
                node.set_label(tree.loader.resource_text(data))
                self._changed(node)
        if kind == "deployment":
            environment = getattr(model, "environment", None)
            if isinstance(environment, str):
                self._relabel_environment(environment)
        if was_moving and not moving(kind, model.raw):
            self._finished(kind, model)
        return different

    def _finished(self, kind: str, model: ApiModel) -> None:
        ended = outcome(kind, model.raw)
        name = KINDS[kind].singular if kind in KINDS else kind
        where = self._where(kind, model)
        self._tell(f"{name.capitalize()} finished", f"{where}: {ended}".strip(": "),
                   failed(kind, model.raw))
        if kind == "backup":
            # Its parts have ended too: read them (sizes, the summary's answer) afresh.
            uuids = getattr(model, "service_instance_backups", []) or []
            self.session.forget("service_instance_backup", uuids)

    def _where(self, kind: str, model: ApiModel) -> str:
        environment = getattr(model, "environment", None)
        if isinstance(environment, str):
            env = self.session.known("environment", environment)
            if env is not None:
                application = self.session.known("application",
                                                 str(getattr(env, "application", "")))
                names = [plain_label("application", application)] if application else []
                return " › ".join([*names, plain_label("environment", env)])
        return plain_label(kind, model)

    def _relabel_environment(self, environment: str) -> None:
        tree = self._tree()
        for node in tree.iter_resource_nodes():
            data = node.data
            if isinstance(data, ResourceData) and data.kind == "environment" \
                    and data.uuid == environment:
                node.set_label(tree.loader.resource_text(data))
                self._changed(node)

    def _relabel_visible_environments(self) -> None:
        """Environment lines on screen say what their newest deployment known says (a
        Deployments group that just listed a running one, say)."""
        tree = self._tree()
        for node in self._visible_nodes(tree):
            data = node.data
            if isinstance(data, ResourceData) and data.kind == "environment":
                label = tree.loader.resource_text(data)
                if not isinstance(node.label, type(label)) or node.label.plain != label.plain:
                    node.set_label(label)

    @staticmethod
    def _visible_nodes(tree: ResourceTree) -> list[Node]:
        lines = tree.visible_lines()
        top = int(tree.scroll_y)
        return lines[top:top + max(1, tree.size.height)]

    def _moving_on_screen(self) -> list[tuple[str, str]]:
        """(kind, uuid) of what moves on the tree's visible lines and under the cursor."""
        tree = self._tree()
        found: dict[tuple[str, str], None] = {}
        shown = self._visible_nodes(tree)
        cursor = tree.cursor_node
        if cursor is not None:
            shown = [*shown, cursor]
        for node in shown:
            data = node.data
            if not isinstance(data, ResourceData) or data.uuid is None:
                continue
            if data.kind in MOVING_KINDS and moving(data.kind, data.raw):
                found[(data.kind, data.uuid)] = None
            elif data.kind == "environment":
                newest: Any = self.session.newest_deployment(data.uuid)
                if newest is not None and moving("deployment", newest.raw):
                    found[("deployment", newest.key)] = None
        return list(found)

    def _new_session_check(self) -> None:
        if self.session.generation != self._generation:
            self._generation = self.session.generation
            self._asked.clear()
            self.updated.clear()
            self.backoff.reset()
