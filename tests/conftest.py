"""Shared test fixtures.

Fake Divio API fixtures:
- `demo_dataset` (session): the demo dataset at FIXED_NOW, generated once. Shared: do not
  mutate it; call `divio_tui.fake.generate(...)` for a private copy to change.
- `fake_api`: a fresh FakeDivioAPI over `demo_dataset` (default knobs: no latency, no faults,
  any token accepted), so knob changes never leak between tests.
- `loopback_api`: `(api, base_url)` with `fake_api` served over real HTTP on 127.0.0.1;
  base_url is `http://127.0.0.1:<port>/apps/v3/`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from divio_tui.fake import FIXED_NOW, Dataset, FakeDivioAPI, generate, serve_in_thread


@pytest.fixture(scope="session")
def demo_dataset() -> Dataset:
    return generate("demo", seed=0, now=FIXED_NOW)


@pytest.fixture
def fake_api(demo_dataset: Dataset) -> FakeDivioAPI:
    return FakeDivioAPI(demo_dataset)


@pytest.fixture
def loopback_api(fake_api: FakeDivioAPI) -> Iterator[tuple[FakeDivioAPI, str]]:
    with serve_in_thread(fake_api) as base_url:
        yield fake_api, base_url


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Put the root logger back after a test that ran `setup_logging` (or the CLI, which does)."""
    root, httpx_logger = logging.getLogger(), logging.getLogger("httpx")
    handlers, level, httpx_level = list(root.handlers), root.level, httpx_logger.level
    yield
    httpx_logger.setLevel(httpx_level)
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    logging.captureWarnings(False)
