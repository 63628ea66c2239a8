"""Property tests: every record the models accept gets a label and a detail view that render,
and whatever the server sent (model or not) never reaches the terminal raw."""

from __future__ import annotations

import io
import json
import math
from typing import Any

from hypothesis import given, settings
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from divio_tui.api import BadResponse
from divio_tui.api.models import parse_model
from divio_tui.api.resources import KINDS
from divio_tui.fake.dataset import FIXED_NOW
from divio_tui.state.nodes import ResourceData
from divio_tui.ui.detail.json_view import json_view
from divio_tui.ui.detail.pane import build_view
from divio_tui.ui.detail.summary import SummaryContext
from divio_tui.ui.explorer.copying import copyable_json
from divio_tui.ui.screens.full_value import full_lines
from divio_tui.ui.text.labels import LabelContext, plain_label, resource_label
from tests.hostile_json import JSON, KIND_AND_RECORD

BOUNDED = settings(max_examples=80, derandomize=True, deadline=None)
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u200b", "\r")
"""Characters that must never reach the screen as they are."""


def rendered(*parts: Any) -> str:
    out = io.StringIO()
    console = Console(width=50, file=out, color_system=None, force_terminal=True,
                      legacy_windows=False)
    console.print(*parts)
    return out.getvalue()


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(item) for item in value.values())
    if isinstance(value, list):
        return all(_finite(item) for item in value)
    return True


@BOUNDED
@given(KIND_AND_RECORD)
def test_every_readable_record_labels_and_renders_its_detail(item: tuple[str, Any]) -> None:
    kind, record = item
    try:
        model = parse_model(KINDS[kind].model, record, url="https://x.test/apps/v3/")
    except BadResponse:
        return
    data = ResourceData(kind, model)
    tree_line = resource_label(kind, model.raw, LabelContext(now=FIXED_NOW, sibs={},
                                                             service_instances={}))
    name = plain_label(kind, model)
    assert isinstance(tree_line, Text) and len(tree_line.plain) < 3000 and len(name) <= 120
    ctx = SummaryContext(now=FIXED_NOW, lookup=lambda kind, uuid: None)
    view = build_view(data, ctx, label=tree_line)
    table = Table.grid()
    table.add_column()
    table.add_column()
    for field, value in view.rows:
        table.add_row(field, value)
    shown = json_view(view.json)
    output = rendered(Group(view.title, table, shown.text))
    for char in RAW:
        assert char not in Text.from_ansi(output).plain
    copy = copyable_json(data, reveal=True)
    if copy is not None:
        text, _masked = copy
        assert not any(char in text for char in RAW)
        if _finite(model.raw):
            assert json.loads(text) == json.loads(json.dumps(model.raw))


@BOUNDED
@given(JSON)
def test_any_json_renders_within_bounds_and_whole_on_demand(value: Any) -> None:
    shown = json_view(value)
    output = Text.from_ansi(rendered(shown.text)).plain
    assert not any(char in output for char in RAW)
    lines = list(full_lines(value))
    assert all(len(line) <= 102 and not any(char in line for char in RAW) for line in lines)
