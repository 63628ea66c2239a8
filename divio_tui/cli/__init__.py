"""The ``divio-tui`` command line.

::

    divio-tui [--demo [--demo-latency-ms MS] [--demo-faults SPEC]] [--api-url URL] [--token T]
              [--zone Z] [--version]
    divio-tui config path        print the config file path
    divio-tui config show        print the effective settings (the token masked)
    divio-tui fake-api ...       the fake Divio API over HTTP on loopback (see its --help)
    divio-tui backups latest APP/ENV [--json]
                                 the latest good backup of each service of one environment
    divio-tui backups health [--org ORG] [--app APP] [--max-age-hours N] [--json]
                                 every environment's backup verdict, worst first (exit 3: not ok)

Exit status: 0 on success, 1 on a runtime failure, 2 on a usage or settings problem (the
message goes to stderr, without a traceback), 130 on Ctrl-C. The token is never printed.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Protocol

from divio_tui import __version__
from divio_tui.cli import backups, config_cmd
from divio_tui.cli.clients import build_client
from divio_tui.cli.common import non_negative_int, safe
from divio_tui.logs import setup_logging
from divio_tui.settings import Settings, SettingsError, config_path, load_settings

__all__ = ["build_client", "build_parser", "main"]

logger = logging.getLogger(__name__)

class Command(Protocol):
    """A subcommand: its parser, and what it does with the parsed arguments and settings."""

    def add_parser(self, commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        ...

    def run(self, args: argparse.Namespace, settings: Settings) -> int: ...


COMMANDS: dict[str, Command] = {"config": config_cmd, "backups": backups}
"""Subcommands by name (each a module of this package); no command runs the explorer."""

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
        type=non_negative_int,
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
    for command in COMMANDS.values():
        command.add_parser(commands)
    commands.add_parser(
        FAKE_API_COMMAND,
        add_help=False,
        help="serve the fake Divio API on loopback (--help for options)",
    )
    return parser


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
        command = COMMANDS.get(args.command or "")
        if command is not None:
            return command.run(args, settings)
        return _run_explorer(settings)
    except SettingsError as exc:
        print(f"divio-tui: {safe(str(exc), settings, args.token)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


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
        message = safe(f"{type(exc).__name__}: {exc}", settings)
        print(f"divio-tui: unexpected error: {message} (details in {log_file})", file=sys.stderr)
        return 1
