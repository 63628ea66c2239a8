"""The ``divio-tui`` command line.

::

    divio-tui [--demo [--demo-latency-ms MS] [--demo-faults SPEC]] [--api-url URL] [--token T]
              [--zone Z] [--version]
    divio-tui config path        print the config file path
    divio-tui config show        print the effective settings (the token masked)
    divio-tui fake-api ...       the fake Divio API over HTTP on loopback (see its --help)

Exit status: 0 on success, 1 on a runtime failure, 2 on a usage or settings problem (the
message goes to stderr, without a traceback), 130 on Ctrl-C. The token is never printed.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from divio_tui import __version__
from divio_tui.logs import log_request_event, setup_logging
from divio_tui.redaction import redact
from divio_tui.settings import Settings, SettingsError, config_path, load_settings

if TYPE_CHECKING:
    from divio_tui.api.client import DivioClient

logger = logging.getLogger(__name__)

FAKE_API_COMMAND = "fake-api"
"""Subcommand whose remaining arguments go, untouched, to ``divio_tui.fake.cli.run_fake_api``."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (``fake-api`` is listed for ``--help`` but dispatched before parsing)."""
    parser = argparse.ArgumentParser(
        prog="divio-tui",
        description="A keyboard-first terminal explorer for the Divio Cloud REST API.",
        epilog=(
            "Token sources, first found wins: --token, DIVIO_TOKEN, the config file "
            "(`divio-tui config path`, must be chmod 600), the netrc entry `divio login` writes."
        ),
    )
    parser.add_argument("--version", action="version", version=f"divio-tui {__version__}")
    parser.add_argument(
        "--demo", action="store_true", help="explore the built-in demo API (no account, no network)"
    )
    parser.add_argument(
        "--demo-latency-ms",
        type=_non_negative_int,
        default=0,
        metavar="MS",
        help="with --demo: delay each demo response by MS milliseconds",
    )
    parser.add_argument(
        "--demo-faults",
        metavar="SPEC",
        help="with --demo: inject failures into the demo API (same SPEC as fake-api --faults)",
    )
    parser.add_argument(
        "--api-url",
        metavar="URL",
        help="API base (env DIVIO_API_URL), e.g. https://api.divio.com/apps/v3/",
    )
    parser.add_argument(
        "--token",
        metavar="TOKEN",
        help="access token (env DIVIO_TOKEN; prefer it: a flag shows up in `ps` and shell history)",
    )
    parser.add_argument(
        "--zone",
        metavar="ZONE",
        help="Divio zone, default divio.com (env DIVIO_ZONE), like divio-cli",
    )

    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    config = commands.add_parser("config", help="show where the configuration lives")
    config_commands = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    config_commands.add_parser("path", help="print the config file path")
    config_commands.add_parser("show", help="print the effective settings (the token masked)")
    commands.add_parser(
        FAKE_API_COMMAND,
        add_help=False,
        help="serve the fake Divio API on loopback (--help for options)",
    )
    return parser


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {value}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit status (see the module docstring)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == [FAKE_API_COMMAND]:
        return _run_fake_api(args_list[1:])

    parser = build_parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exit_:  # --help, --version, usage errors (already printed)
        return exit_.code if isinstance(exit_.code, int) else 2
    if (args.demo_latency_ms or args.demo_faults) and not args.demo:
        parser.print_usage(sys.stderr)
        print("divio-tui: error: --demo-latency-ms and --demo-faults need --demo", file=sys.stderr)
        return 2

    if args.command == "config" and args.config_command == "path":
        # Needs no settings: it must work even when the config file is what is broken.
        print(config_path())
        return 0

    settings: Settings | None = None
    try:
        settings = load_settings(
            api_url=args.api_url,
            token=args.token,
            zone=args.zone,
            demo=args.demo,
            demo_latency_ms=args.demo_latency_ms,
            demo_faults=args.demo_faults,
        )
        if args.command == "config":
            return _show_config(settings)
        return _run_explorer(settings)
    except SettingsError as exc:
        print(f"divio-tui: {_safe(str(exc), settings, args.token)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _safe(text: str, settings: Settings | None, *tokens: str | None) -> str:
    """``text`` with every token we know of masked (the settings may not exist yet)."""
    for token in (settings.token if settings else None, *tokens):
        text = redact(text, token)
    return text


def _show_config(settings: Settings) -> int:
    token = f"{settings.token_hint} (from {settings.token_source})" if settings.token else "none"
    rows = [
        ("api_url", settings.api_url),
        ("zone", settings.zone),
        ("token", token),
        ("config file", str(settings.config_file)),
        ("log dir", str(settings.log_dir)),
        ("cache dir", str(settings.cache_dir)),
        ("concurrency", str(settings.concurrency)),
        ("page_size", str(settings.page_size)),
        ("theme", settings.theme),
        *((f"keys.{binding}", keys) for binding, keys in sorted(settings.keys.items())),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {_plain(value)}")
    return 0


def _run_fake_api(argv: list[str]) -> int:
    try:
        from divio_tui.fake.cli import run_fake_api
    except ImportError as exc:
        print(f"divio-tui: the fake API is not available: {exc}", file=sys.stderr)
        return 1
    try:
        return int(run_fake_api(argv) or 0)
    except KeyboardInterrupt:
        return 130


def build_client(
    settings: Settings, *, observer: Callable[[Any], None] | None = log_request_event
) -> DivioClient:
    """A :class:`DivioClient` for ``settings``: the demo API in-process when ``settings.demo``,
    else the real API (or whatever ``api_url`` points at). The UI gets it through
    ``run_app(settings, client_factory=...)`` because ``ui/`` may not import ``fake/``.
    ``observer`` defaults to logging every request.
    """
    from divio_tui.api.client import DivioClient

    transport = None
    if settings.demo:
        from divio_tui.fake import FakeDivioAPI, FakeTransport

        try:
            fake = FakeDivioAPI(latency_ms=settings.demo_latency_ms, faults=settings.demo_faults)
        except ValueError as exc:  # a bad --demo-faults SPEC
            raise SettingsError(f"--demo-faults: {exc}") from None
        transport = FakeTransport(fake)
    return DivioClient(
        settings.api_url,
        settings.token_value,
        transport=transport,
        concurrency=settings.concurrency,
        page_size=settings.page_size,
        observer=observer,
    )


def _load_run_app() -> Callable[..., int]:
    """The Textual app's entry point, imported only when the explorer runs, so ``--version``,
    ``config`` and ``fake-api`` stay quick (tests replace this function)."""
    from divio_tui.ui.app import run_app

    return run_app


def _run_explorer(settings: Settings) -> int:
    try:
        log_file = setup_logging(settings)
    except OSError as exc:
        print(f"divio-tui: cannot open the log in {settings.log_dir}: {exc}", file=sys.stderr)
        return 1
    logger.info(
        "divio-tui %s: api %s, token from %s",
        __version__,
        settings.api_url,
        settings.token_source or "nowhere (no token)",
    )
    run_app = _load_run_app()
    try:
        # The UI may not import fake/, so the CLI builds the clients (demo or real) for it:
        # the first one, and those for a token typed into the sign-in screen or the demo.
        return run_app(settings, client_factory=build_client)
    except SettingsError:
        raise
    except Exception as exc:
        # Broad on purpose: the last stop before the terminal. Whatever escaped the app is a
        # bug; log its traceback (redacted) and print one token-free line instead of a
        # traceback that could quote the token.
        logger.exception("divio-tui stopped on an unexpected error")
        message = _safe(f"{type(exc).__name__}: {exc}", settings)
        print(f"divio-tui: unexpected error: {message} (details in {log_file})", file=sys.stderr)
        return 1


def _plain(text: object) -> str:
    """``text`` with control and bidi characters shown as escapes (API text is untrusted)."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(text))
