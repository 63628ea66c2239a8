"""The cold start's floor: the least any app on our stack does to show the organisations.

Textual, httpx and pydantic (the stack DESIGN.md prescribes), one pydantic model validated
from one JSON response read through an in-process httpx transport, its name added to a
Textual `Tree`. No settings, no fake, no screens of ours: what is left of the cold start when
everything that is divio-tui's own is taken away. `python -m bench.floor_app` shows the
first organisation's name, so bench/cold_start.py waits for the same text as for the others.
"""

import json

import httpx
from pydantic import BaseModel, TypeAdapter
from textual.app import App, ComposeResult
from textual.widgets import Tree

from .minimal_app import TEXT


class Organisation(BaseModel):
    uuid: str
    name: str


PAGE = TypeAdapter(list[Organisation])
BODY = json.dumps([{"uuid": "n0rthw1nd", "name": TEXT}]).encode()


class Floor(App[None]):
    def compose(self) -> ComposeResult:
        yield Tree("Organisations")

    def on_mount(self) -> None:
        self.run_worker(self.load())

    async def load(self) -> None:
        transport = httpx.MockTransport(lambda request: httpx.Response(200, content=BODY))
        async with httpx.AsyncClient(transport=transport) as client:
            response = await client.get("http://demo.invalid/iam/v3/organisations/")
        tree: Tree[None] = self.query_one(Tree)
        for organisation in PAGE.validate_json(response.content):
            tree.root.add(organisation.name)
        tree.root.expand()


if __name__ == "__main__":
    Floor().run()
