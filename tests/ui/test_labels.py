"""Names of resources (`plain_label`): stable plain text, one builder per kind."""

from __future__ import annotations

from divio_tui.api import (
    KINDS,
    ApiModel,
    Application,
    Backup,
    Deployment,
    Environment,
    EnvironmentVariable,
    Organisation,
)
from divio_tui.api.models import parse_model
from divio_tui.fake import dataset
from divio_tui.ui.text.labels import plain_label

APP = Application.model_validate(
    {"uuid": "a1", "name": "Shop", "slug": "shop", "organisation": "o1", "repository": "r1"}
)
ENV = Environment.model_validate(
    {"uuid": "e1", "application": "a1", "slug": "live", "branch": "main",
     "last_finished_deployment": {"uuid": "d1"}}
)
BACKUP = Backup.model_validate(
    {"uuid": "b1", "environment": "e1", "state": "COMPLETED", "success": "SUCCESS",
     "trigger": "SCHEDULED", "created_at": "2026-11-25T02:36:59.5Z",
     "service_instance_backups": ["s1", "s2"]}
)
ROUTE_OF_KIND = {kind.name: kind.route.rstrip("/") for kind in KINDS.values()}


def test_labels_are_plain_stable_and_absolute() -> None:
    assert plain_label("application", APP) == "Shop (shop)"
    assert plain_label("environment", ENV) == "live · main"
    assert plain_label("backup", BACKUP) == "2026-11-25 02:36 UTC · SUCCESS · scheduled"
    deployment = Deployment.model_validate(
        {"uuid": "d", "status": "COMPLETED", "success": True,
         "started_at": "2026-11-25T02:36:00Z", "ended_at": "2026-11-25T02:40:00Z"})
    assert plain_label("deployment", deployment) == "COMPLETED · success · 2026-11-25 02:36 UTC"
    running = Deployment.model_validate({"uuid": "d", "status": "WORKING", "percent": 31})
    assert plain_label("deployment", running) == "WORKING · 31%"


def test_labels_never_show_a_variable_value_or_control_characters() -> None:
    var = EnvironmentVariable.model_validate(
        {"environment": "e", "name": "KEY\x1b[2J\nX", "value": "hunter2", "is_sensitive": True})
    label = plain_label("environment_variable", var)
    assert "hunter2" not in label and "\x1b" not in label and "\n" not in label


def test_a_record_with_nothing_but_a_uuid_is_labelled_by_its_uuid() -> None:
    assert plain_label("organisation", Organisation(uuid="o9")) == "o9"


def test_every_fake_record_has_a_name_other_than_its_uuid() -> None:
    data = dataset.generate("tiny", now=dataset.FIXED_NOW)
    for name, kind in KINDS.items():
        for record in data.collections[ROUTE_OF_KIND[name]]:
            model: ApiModel = parse_model(kind.model, record, url="http://x/")
            label = plain_label(name, model)
            assert label and label != model.key, (name, record)


def test_a_manual_backup_is_on_demand_in_the_tree_as_in_the_table() -> None:
    from datetime import UTC, datetime

    from divio_tui.ui.text.labels import LabelContext, resource_label

    manual = {**BACKUP.raw, "trigger": "MANUAL"}
    tree_line = resource_label("backup", manual, LabelContext(now=datetime.now(UTC), sibs={}))
    assert tree_line.plain.endswith("on-demand")
    assert plain_label("backup", manual).endswith("on-demand")


def test_a_repository_title_does_not_say_repository_twice() -> None:
    from datetime import UTC, datetime

    from rich.text import Text

    from divio_tui.api import Repository
    from divio_tui.state.nodes import ResourceData
    from divio_tui.ui.detail.pane import build_view
    from divio_tui.ui.detail.summary import SummaryContext

    repo = Repository.model_validate({"uuid": "r1", "dsn": "git@github.com:x/y.git",
                                      "state": "CLONED"})
    label = Text("repository git@github.com:x/y.git · CLONED")
    view = build_view(ResourceData("repository", repo),
                      SummaryContext(now=datetime.now(UTC), lookup=lambda k, u: None),
                      label=label)
    assert view.title.plain == "Repository  git@github.com:x/y.git · CLONED"
