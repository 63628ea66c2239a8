"""Comparisons started from the explorer: what `=` compares, the pickers, the compare view.

`=` on an environment (or anything inside one) compares it with its application's other main
environment (test <-> live); on a deployment (or its children), that deployment with the one
before it. Without such a default (an application's only environment, an environment's first
deployment) the picker opens instead. "Compare environments…" in the palette always picks.
The explorer screen owns the key and the palette command and calls this; it is also the
compare view's `OtherSide`, so `p` there opens the same pickers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from textual.widget import Widget

from divio_tui.api.errors import ApiError, Unauthorised
from divio_tui.api.models import ApiModel, Deployment, Environment
from divio_tui.api.resources import KINDS
from divio_tui.state.nodes import GroupData, NodeData, ResourceData, StatusData
from divio_tui.ui.explorer.host import ExplorerHost
from divio_tui.ui.keys import keys_for
from divio_tui.ui.text.labels import error_summary
from divio_tui.untrusted import visible

if TYPE_CHECKING:
    # The comparisons, the compare view and the palette's pickers are imported when a
    # comparison starts, not with the explorer: the first screen needs none of them.
    from divio_tui.state.comparison import Comparison
    from divio_tui.ui.compare.screen import Target

log = logging.getLogger(__name__)

COMPARE_GROUP = "compare-start"
"""Worker group of the fetch that finds the default other side (one at a time)."""


def compare_scope(data: NodeData | None) -> tuple[str, ApiModel] | None:
    """What `=` compares from `data`: ("deployment", it) inside a deployment, else
    ("environment", it) inside an environment; None elsewhere."""
    resource = _resource(data)
    if resource is None:
        return None
    for kind in ("deployment", "environment"):
        found = resource.ancestor(kind)
        if found is not None and found.uuid is not None:
            return kind, found.model
    return None


def _resource(data: object) -> ResourceData | None:
    """The resource a node stands for or belongs to (a group's or a status line's owner)."""
    if isinstance(data, StatusData):
        data = data.owner
    if isinstance(data, GroupData):
        data = data.owner
    return data if isinstance(data, ResourceData) else None


class Comparer:
    """Opens comparisons for the explorer (see the module docstring).

    `owner` runs the workers and shows the toasts (the explorer screen); `reveal` says whether
    secrets are revealed there now; `show` reveals a target in the tree.
    """

    def __init__(self, owner: Widget, host: ExplorerHost, *, reveal: Callable[[], bool],
                 show: Callable[[Target | None], None]) -> None:
        self.owner = owner
        self.host = host
        self.reveal = reveal
        self.show = show

    @property
    def session(self) -> Any:
        return self.host.session

    # -- `=` -----------------------------------------------------------------------------------

    def start(self, data: NodeData | None) -> None:
        """Compare what `data` is in with its default other side (see the module docstring)."""
        scope = compare_scope(data)
        if scope is None:
            self._say("Nothing to compare here: put the cursor on an environment or a "
                      "deployment.")
            return
        kind, model = scope
        self.owner.run_worker(self._start(kind, model), group=COMPARE_GROUP, exclusive=True,
                              exit_on_error=False, description="compare")

    async def _start(self, kind: str, model: ApiModel) -> None:
        from divio_tui.state.comparison import (
            DeploymentComparison,
            EnvironmentComparison,
            default_counterpart,
            previous_deployment,
        )
        from divio_tui.ui.palette.pickers import environment_name

        try:
            if kind == "environment":
                environment = cast(Environment, model)
                other = await default_counterpart(self.session, environment)
                if other is None:
                    self._say(f"{environment_name(self.session, environment)} has no other "
                              "environment: pick one to compare with.")
                    self.pick_environment(environment.uuid)
                    return
                self.open(EnvironmentComparison(self.session, self.host.backups,
                                                environment.uuid, other.uuid))
                return
            deployment = cast(Deployment, model)
            previous = await previous_deployment(self.session, deployment)
            if previous is None:
                self._say("This is the environment's first deployment: pick another to "
                          "compare with.")
                self._pick_deployment(deployment, lambda c: self.open(c))
                return
            self.open(DeploymentComparison(self.session, previous.uuid, deployment.uuid))
        except ApiError as error:
            self._failed(error)

    def _failed(self, error: ApiError) -> None:
        if isinstance(error, Unauthorised):
            self.host.tell_refused(error)
            return
        key = keys_for(self.host, "compare")[0]
        detail = f": {visible(error.detail)}" if error.detail else ""
        self.owner.notify(f"{error_summary(error)}{detail}\n{key} tries again",
                          title="Could not find what to compare with", severity="error",
                          markup=False, timeout=8)

    def open(self, comparison: Comparison) -> None:
        from divio_tui.ui.compare.screen import CompareScreen

        self.owner.app.push_screen(
            CompareScreen(comparison, clock=self.host.now, keys=self.host, other_side=self,
                          reveal=self.reveal()),
            callback=self.show)

    # -- pickers ---------------------------------------------------------------------------------

    def pick_environments(self, data: NodeData | None) -> None:
        """"Compare environments…": the highlighted one (or a first pick) with a second pick."""
        resource = _resource(data)
        environment = resource.ancestor("environment") if resource is not None else None
        if environment is not None and environment.uuid is not None:
            self.pick_environment(environment.uuid)
            return
        from divio_tui.ui.palette.pickers import EnvironmentPick, environment_picker

        first = EnvironmentPick(self.session, self.pick_environment,
                                placeholder="Compare which environment? (an application's slug "
                                "or name, or an environment UUID)")
        self.owner.app.push_screen(environment_picker(first))

    def pick_environment(self, anchor: str) -> None:
        """Pick the environment to compare `anchor` with, then open the view."""
        from divio_tui.state.comparison import EnvironmentComparison
        from divio_tui.ui.palette.pickers import EnvironmentPick, environment_picker

        def chosen(uuid: str) -> None:
            self.open(EnvironmentComparison(self.session, self.host.backups, anchor, uuid))

        self.owner.app.push_screen(environment_picker(EnvironmentPick(self.session, chosen,
                                                                      anchor=anchor)))

    def pick_other(self, comparison: Comparison,
                   on_pick: Callable[[Comparison], None]) -> None:
        """`p` in the compare view: another B for environments, another A for deployments."""
        from divio_tui.state.comparison import EnvironmentComparison
        from divio_tui.ui.palette.pickers import EnvironmentPick, environment_picker

        if isinstance(comparison, EnvironmentComparison):
            anchor = comparison.uuids[0]

            def chosen(uuid: str) -> None:
                on_pick(EnvironmentComparison(self.session, comparison.book, anchor, uuid))

            self.owner.app.push_screen(environment_picker(EnvironmentPick(
                self.session, chosen, anchor=anchor)))
            return
        later = comparison.deployment(1) or self.session.known("deployment",
                                                              comparison.uuids[1])
        if not isinstance(later, Deployment):
            self._say("The deployment is not known yet: try again once it has loaded.")
            return
        self._pick_deployment(later, on_pick)

    def _pick_deployment(self, deployment: Deployment,
                         on_pick: Callable[[Comparison], None]) -> None:
        from divio_tui.state.comparison import DeploymentComparison
        from divio_tui.ui.palette.pickers import DeploymentPick, deployment_picker

        if not deployment.environment:
            self._say("This deployment names no environment: nothing to pick from.")
            return

        def chosen(other: Deployment) -> None:
            if other.uuid == deployment.uuid:
                self._say("That is the same deployment: pick another one.")
                return
            key = KINDS["deployment"].sort_key
            earlier, later = (other, deployment) if key(other) <= key(deployment) else (
                deployment, other)
            on_pick(DeploymentComparison(self.session, earlier.uuid, later.uuid))

        self.owner.app.push_screen(deployment_picker(DeploymentPick(
            self.session, deployment.environment, chosen, current=deployment.uuid)))

    def _say(self, message: str) -> None:
        self.owner.notify(message, markup=False, timeout=5)
