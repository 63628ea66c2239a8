"""Which environments `H` opens the backup health of, from the tree node under the cursor."""

from __future__ import annotations

from typing import Any

from divio_tui.api.models import Application, Organisation
from divio_tui.state.health_targets import Scope
from divio_tui.state.nodes import GroupData, ResourceData, StatusData


def health_scope(data: Any) -> tuple[Scope, str | None]:
    """The scope `H` opens from a tree node, and the environment to start on: an
    organisation or an application is its own scope; anything under an application (an
    environment, a backup…) opens that application, on that environment; the Organisations
    group, and what belongs to no application, open every organisation."""
    if isinstance(data, StatusData):
        data = data.owner
    if isinstance(data, GroupData):
        data = data.owner
    if not isinstance(data, ResourceData):
        return Scope.account(), None
    environment = data.ancestor("environment")
    application = data.ancestor("application")
    if application is not None and isinstance(application.model, Application):
        return (Scope.application(application.model),
                environment.uuid if environment is not None else None)
    organisation = data.ancestor("organisation")
    if organisation is not None and isinstance(organisation.model, Organisation):
        return Scope.organisation(organisation.model), None
    return Scope.account(), None
