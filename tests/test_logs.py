"""Logging: a rotated file, never stderr, and no token in clear anywhere in it."""

from __future__ import annotations

import logging
import os
import stat
import warnings
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import SimpleNamespace

import pytest
from pydantic import SecretStr

from divio_tui.logs import (
    HANDLER_NAME,
    add_secret,
    log_request_event,
    setup_logging,
)
from divio_tui.settings import AppPaths, Settings

pytestmark = pytest.mark.usefixtures("restore_logging")

TOKEN = "5ecre7t0ken5ecre7t0ken5ecre7t0ken5ecrabcd"
OTHER_TOKEN = "0ther0ther0ther0ther0ther0ther0ther0wxyz"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    paths = AppPaths(tmp_path / "config", tmp_path / "log", tmp_path / "cache")
    return Settings(token=SecretStr(TOKEN), token_source="flag", paths=paths)


def read_log(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


# --- the log file ----------------------------------------------------------------------------


def test_token_never_reaches_the_log_file(settings: Settings) -> None:
    path = setup_logging(settings)
    logger = logging.getLogger("divio_tui.test")

    logger.info(f"token in the message: {TOKEN}")
    logger.info("token in the args: %s / %r", TOKEN, {"authorization": f"Token {TOKEN}"})
    logger.info("header of another token: Authorization: Token %s", OTHER_TOKEN)

    def fails() -> None:
        raise RuntimeError(f"server said no to {TOKEN}")

    try:
        fails()
    except RuntimeError:
        logger.exception("request with %s failed", TOKEN)
    try:
        try:
            fails()
        except RuntimeError as exc:
            raise ValueError(f"wrapped: Token {TOKEN}") from exc
    except ValueError:
        logging.getLogger("httpx").error("chained", exc_info=True)

    text = read_log(path)
    assert TOKEN not in text
    assert OTHER_TOKEN not in text
    assert "token in the message: ****abcd" in text
    assert "token in the args: ****abcd" in text
    assert "RuntimeError: server said no to ****abcd" in text  # the traceback is kept, masked
    assert "ValueError: wrapped: Token ****abcd" in text
    assert "Token ****wxyz" in text


def test_a_token_added_after_login_is_redacted_too(settings: Settings) -> None:
    path = setup_logging(settings)
    add_secret(OTHER_TOKEN)
    logging.getLogger("divio_tui.test").warning("got %s", OTHER_TOKEN)  # no "Token" word to spot
    text = read_log(path)
    assert OTHER_TOKEN not in text
    assert "got ****wxyz" in text


def test_a_bad_format_string_is_still_logged_redacted(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = setup_logging(settings)
    # Only our handler: pytest's capture handler would trip over the bad format string first.
    root = logging.getLogger()
    monkeypatch.setattr(
        root, "handlers", [h for h in root.handlers if h.get_name() == HANDLER_NAME]
    )
    logging.getLogger("divio_tui.test").error("two %s %s", TOKEN)
    text = read_log(path)
    assert TOKEN not in text
    assert "****abcd" in text


def test_log_file_is_rotated_in_the_log_dir(settings: Settings, tmp_path: Path) -> None:
    path = setup_logging(settings)
    assert path == tmp_path / "log" / "divio-tui.log"
    (handler,) = [h for h in logging.getLogger().handlers if h.get_name() == HANDLER_NAME]
    assert isinstance(handler, RotatingFileHandler)
    assert (handler.maxBytes, handler.backupCount) == (1_000_000, 3)


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_log_dir_is_private(settings: Settings) -> None:
    setup_logging(settings)
    assert stat.S_IMODE(settings.log_dir.stat().st_mode) == 0o700


def test_setting_up_twice_keeps_one_handler(settings: Settings) -> None:
    setup_logging(settings)
    path = setup_logging(settings)
    logging.getLogger("divio_tui.test").info("once")
    ours = [h for h in logging.getLogger().handlers if h.get_name() == HANDLER_NAME]
    assert len(ours) == 1
    assert read_log(path).count("once") == 1


def test_nothing_goes_to_stderr(settings: Settings, capfd: pytest.CaptureFixture[str]) -> None:
    path = setup_logging(settings)
    logging.getLogger("divio_tui.test").error("boom")
    warnings.warn("deprecated thing", DeprecationWarning, stacklevel=1)
    warnings.warn("user warning", UserWarning, stacklevel=1)
    captured = capfd.readouterr()
    assert captured.err == ""
    assert "boom" in read_log(path)
    assert "user warning" in read_log(path)


# --- request events --------------------------------------------------------------------------


def event(**fields: object) -> SimpleNamespace:
    base: dict[str, object] = {
        "method": "GET",
        "url": "https://api.divio.com/apps/v3/applications/?page=2",
        "status": 200,
        "elapsed_ms": 12.4,
        "bytes": 2048,
        "attempt": 1,
        "error": None,
    }
    return SimpleNamespace(**{**base, **fields})


def test_request_events_are_logged_one_line_each(settings: Settings) -> None:
    path = setup_logging(settings)
    log_request_event(event())
    log_request_event(event(status=None, attempt=3, error="network"))
    log_request_event(event(status=401))
    lines = read_log(path).splitlines()
    assert "INFO" in lines[0]
    assert (
        "GET https://api.divio.com/apps/v3/applications/?page=2 -> 200, 12 ms, 2048 B" in lines[0]
    )
    assert "WARNING" in lines[1] and "no response" in lines[1]
    assert "attempt 3, error: network" in lines[1]
    assert "WARNING" in lines[2] and "-> 401" in lines[2]


def test_httpx_request_lines_are_left_to_log_request_event(settings: Settings) -> None:
    path = setup_logging(settings)
    logging.getLogger("httpx").info("HTTP Request: GET https://api.divio.com/apps/v3/")
    logging.getLogger("httpx").warning("something odd")
    text = read_log(path)
    assert "HTTP Request" not in text
    assert "something odd" in text


def test_request_event_with_missing_attributes_is_tolerated(settings: Settings) -> None:
    path = setup_logging(settings)
    log_request_event(SimpleNamespace(method="GET", url="https://x.example/"))
    assert "GET https://x.example/ -> no response" in read_log(path)
