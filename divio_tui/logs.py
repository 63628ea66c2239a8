"""Logging to a rotated file, with the token redacted from everything that is written.

The explorer draws on the terminal, so nothing is ever logged to stderr: :func:`setup_logging`
sends the root logger to ``<log dir>/divio-tui.log`` (1 MB x 3 backups) through a
:class:`RedactingFilter`; :func:`log_request_event` logs the API client's request events.
The redaction itself (:func:`~divio_tui.redaction.redact`) lives in :mod:`divio_tui.redaction`.

This module does not import :mod:`divio_tui.settings`: :func:`setup_logging` takes anything
with a ``log_dir`` and a ``token`` (:class:`LogSettings`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any, Protocol

from pydantic import SecretStr

from divio_tui.redaction import redact, secret_text

__all__ = [
    "HANDLER_NAME",
    "LOG_BACKUPS",
    "LOG_FILE_NAME",
    "LOG_MAX_BYTES",
    "REQUEST_LOGGER",
    "LogSettings",
    "RedactingFilter",
    "add_secret",
    "describe_request_event",
    "log_request_event",
    "redact",  # still here for the UI's imports; it lives in divio_tui.redaction
    "setup_logging",
]

LOG_FILE_NAME = "divio-tui.log"
"""Name of the log file inside the log directory."""

LOG_MAX_BYTES = 1_000_000
"""Size at which the log file is rotated."""

LOG_BACKUPS = 3
"""Rotated log files kept (``divio-tui.log.1`` … ``.3``)."""

HANDLER_NAME = "divio-tui-file"
"""Name of the handler :func:`setup_logging` installs (so a second call replaces it)."""

REQUEST_LOGGER = "divio_tui.requests"
"""Logger that :func:`log_request_event` writes to."""


class LogSettings(Protocol):
    """What :func:`setup_logging` needs of the settings (``divio_tui.settings.Settings``)."""

    @property
    def log_dir(self) -> Path: ...
    @property
    def token(self) -> SecretStr | None: ...


class RedactingFilter(logging.Filter):
    """Masks secrets in a record's message, its args and its exception and stack text.

    The message is formatted here (``record.args`` folded into ``record.msg``) and the traceback
    is rendered here into ``record.exc_text`` (``exc_info`` dropped), so no later formatter can
    put the clear token back. Attach it to a handler: handler filters see propagated records.
    """

    def __init__(self, tokens: Iterable[str | SecretStr | None] = ()) -> None:
        super().__init__()
        self._tokens: list[str] = []
        for token in tokens:
            self.add(token)

    def add(self, token: str | SecretStr | None) -> None:
        """Also redact ``token`` (e.g. one typed into the login screen)."""
        secret = secret_text(token)
        if secret and secret not in self._tokens:
            self._tokens.append(secret)

    def redact(self, text: str) -> str:
        """``text`` with every known token and any credentials pattern masked."""
        for secret in self._tokens:
            text = redact(text, secret)
        return redact(text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string: keep everything, redacted
            # Broad on purpose: besides a bad format string (TypeError, ValueError, KeyError),
            # formatting runs the arguments' own __str__, which may raise anything, and a
            # filter runs outside logging's own error handling: raising would break the call.
            message = " ".join([str(record.msg), *(repr(arg) for arg in record.args or ())])
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info:
            if not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def _installed_filter() -> RedactingFilter | None:
    for handler in logging.getLogger().handlers:
        if handler.get_name() == HANDLER_NAME:
            for flt in handler.filters:
                if isinstance(flt, RedactingFilter):
                    return flt
    return None


def add_secret(token: str | SecretStr | None) -> None:
    """Redact ``token`` in the log from now on (no-op before :func:`setup_logging`)."""
    flt = _installed_filter()
    if flt is not None:
        flt.add(token)


def setup_logging(settings: LogSettings, level: int = logging.INFO) -> Path:
    """Log the root logger to ``<settings.log_dir>/divio-tui.log``; return that path.

    The file rotates at 1 MB keeping 3 backups; the log directory is created 0700 (the log
    holds account data such as application names). Any previous divio-tui handler is replaced,
    so calling this twice is harmless. Nothing goes to stderr: the root logger gets a handler
    (so logging's last-resort stderr handler is never used) and ``warnings`` are captured into
    the log. The active token is redacted in every record. httpx's own per-request INFO lines
    are silenced: :func:`log_request_event` (the client's observer) logs each request instead.
    """
    log_dir = settings.log_dir
    log_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = log_dir / LOG_FILE_NAME

    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(old)
        old.close()

    handler = RotatingFileHandler(
        path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8", delay=True
    )
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter([settings.token]))
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request at INFO; log_request_event already does, with timing and attempt.
    logging.getLogger("httpx").setLevel(max(level, logging.WARNING))
    logging.captureWarnings(True)
    return path


def describe_request_event(event: Any) -> str:
    """One line for an API client request event (duck-typed: ``method``, ``url``, ``status``,
    ``elapsed_ms``, ``bytes``, ``attempt``, ``error``; missing attributes are tolerated)."""
    method = getattr(event, "method", "?")
    url = getattr(event, "url", "?")
    status = getattr(event, "status", None)
    error = getattr(event, "error", None)
    elapsed = getattr(event, "elapsed_ms", None)
    size = getattr(event, "bytes", None)
    attempt = getattr(event, "attempt", None)
    outcome = str(status) if status is not None else "no response"
    parts = [f"{method} {url} -> {outcome}"]
    if isinstance(elapsed, (int, float)):
        parts.append(f"{elapsed:.0f} ms")
    if isinstance(size, int):
        parts.append(f"{size} B")
    if isinstance(attempt, int) and attempt > 1:
        parts.append(f"attempt {attempt}")
    line = ", ".join(parts)
    if error is not None:
        line += f", error: {getattr(error, 'message', None) or error}"
    return line


def log_request_event(event: Any, logger: logging.Logger | None = None) -> None:
    """Log an API client observer event: INFO when it succeeded, WARNING on an error or a
    status >= 400. Usable directly as the client's ``observer``."""
    status = getattr(event, "status", None)
    failed = getattr(event, "error", None) is not None or (
        isinstance(status, int) and status >= 400
    )
    (logger or logging.getLogger(REQUEST_LOGGER)).log(
        logging.WARNING if failed else logging.INFO, "%s", describe_request_event(event)
    )
