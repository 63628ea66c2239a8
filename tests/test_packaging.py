"""The package imports and reports its version."""

import divio_tui


def test_version_is_set() -> None:
    assert divio_tui.__version__
