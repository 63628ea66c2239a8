"""What a small terminal keeps: the end of the breadcrumb; and what the header tells."""

from __future__ import annotations

from divio_tui.ui.widgets.header import Breadcrumb, fit_crumbs
from tests.ui.helpers import goto, make_app, open_path, press, resource, settle

CRUMBS = ["Northwind Digital", "ACME Shop (acme-shop)", "live · main", "2026-11-24 02:52 UTC"]


def test_a_breadcrumb_too_long_loses_its_start_not_its_end() -> None:
    assert fit_crumbs(CRUMBS, 200) == " › ".join(CRUMBS)
    assert fit_crumbs(CRUMBS, 50) == "… › live · main › 2026-11-24 02:52 UTC"
    assert fit_crumbs(CRUMBS, 12) == "2026-11-24 …"
    assert fit_crumbs([], 10) == ""


async def test_at_80_columns_the_header_keeps_the_highlighted_node() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        env = await open_path(pilot, resource("organisation", name="Northwind Digital"),
                              resource("application", slug="acme-shop"),
                              resource("environment", slug="live"))
        await goto(pilot, env)
        crumbs = str(app.screen.query_one(Breadcrumb).render())
        assert crumbs.strip().endswith("live · main") and len(crumbs) <= 80


async def test_the_header_says_while_sensitive_values_are_shown() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        warning = app.screen.query_one("#header-secrets")
        assert not warning.display
        await press(pilot, "v")
        assert warning.display
        await press(pilot, "v")
        assert not warning.display
