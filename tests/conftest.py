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
