"""The backup book's reads end with the session they belong to."""

from __future__ import annotations

import asyncio

from divio_tui.fake import FIXED_NOW, FakeDivioAPI
from divio_tui.state.backups import BackupBook
from divio_tui.state.session import Session
from tests.ui.helpers import make_client


async def test_a_total_size_read_stops_when_everything_is_reloaded() -> None:
    api = FakeDivioAPI(now=FIXED_NOW, latency_ms=5)
    client = make_client(api)
    try:
        session = Session(client)
        book = BackupBook(session)
        live = api.dataset.environment("acme-shop", "live")
        assert live is not None
        sibs = sum(len(backup["service_instance_backups"])
                   for backup in api.dataset.where("backups", "environment", live["uuid"]))
        reading = asyncio.create_task(book.complete(live["uuid"]))
        while not any("/service-instance-backups/" in path for _, path, _ in api.requests):
            await asyncio.sleep(0.005)
        session.clear()  # what `R` does: everything read so far is forgotten
        asked_when_cleared = len(api.requests)
        await asyncio.wait_for(reading, 10)
        details = [path for _, path, _ in api.requests[asked_when_cleared:]
                   if "/service-instance-backups/" in path]
        assert len(details) < 10 < sibs  # the batch under way at most, not every SIB
    finally:
        await client.aclose()
