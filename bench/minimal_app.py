"""The cold start's baseline: the smallest Textual app that shows one line of text.

`python -m bench.minimal_app` shows the first organisation's name, as the explorer does, so
the same harness (bench/cold_start.py) waits for the same text.
"""

from textual.app import App, ComposeResult
from textual.widgets import Static

TEXT = "Northwind Digital"


class Minimal(App[None]):
    def compose(self) -> ComposeResult:
        yield Static(TEXT)


if __name__ == "__main__":
    Minimal().run()
