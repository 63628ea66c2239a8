"""The ``divio-tui`` command line.

::

    divio-tui [--demo [--demo-latency-ms MS] [--demo-faults SPEC]] [--api-url URL] [--token T]
              [--zone Z] [--profile NAME] [--version]
    divio-tui config path        print the config file path
    divio-tui config show        print the effective settings (the token masked)
    divio-tui get KIND [UUID]    print resources as JSON, JSON lines, CSV or a table
    divio-tui open TARGET        the explorer, started on an application, slug/env or UUID
    divio-tui completion SHELL   the bash, zsh or fish completion script
    divio-tui fake-api ...       the fake Divio API over HTTP on loopback (see its --help)
    divio-tui diff A [B] ...     compare two environments or deployments (exit 0 same,
                                 1 different, 2 trouble; see diff.py)
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

from divio_tui import __version__, startup
from divio_tui.cli import backups, completion, config_cmd, diff, get
from divio_tui.cli import open as open_cmd
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
"""Subcommands by name (each a module of this package); with none, the explorer runs (`open`
runs it too, on a target)."""
COMMANDS["get"] = get
COMMANDS["open"] = open_cmd
COMMANDS["completion"] = completion
COMMANDS["diff"] = diff

FAKE_API_COMMAND = "fake-api"
"""Subcommand whose remaining arguments go, untouched, to ``divio_tui.fake.cli.run_fake_api``."""


HELP_EPILOG = """\
With no COMMAND, the explorer starts: a lazy tree of organisations, applications,
environments, backups, deployments… beside the detail of what is highlighted (? lists every
key once it runs). Global options go before the COMMAND; each COMMAND has its own --help.

examples:
  divio-tui --demo                        the explorer on the built-in demo API
  divio-tui                               the explorer on your account
  divio-tui open acme-shop/live           the explorer, the cursor on that environment
  divio-tui get applications              every application, as a table or JSON
  divio-tui get backups -f environment=<uuid> -n 1 | jq -r '.[0].uuid'
  divio-tui --zone example.org get regions
  divio-tui completion bash > ~/.local/share/bash-completion/completions/divio-tui
  divio-tui fake-api --port 8765          the fake Divio API on loopback, for trying things

the token, first found wins (never printed or logged; written only to the config file, when
the sign-in screen is asked to remember it):
  --token TOKEN        on the command line (shows up in `ps` and the shell history)
  DIVIO_TOKEN          in the environment
  the config file      `token = "…"` in the file `divio-tui config path` prints (chmod 600)
  the netrc            the entry `divio login` writes (machine control.<zone>; $NETRC_PATH
                       or ~/.netrc), read only for the API of that zone
Make a token at https://control.divio.com/account/access-tokens/; with none, the explorer
opens its sign-in screen, which checks one and can remember it.

environment:
  DIVIO_TOKEN, DIVIO_API_URL, DIVIO_ZONE          as --token, --api-url, --zone
  NETRC_PATH                                      the netrc to read instead of ~/.netrc
  DIVIO_TUI_CONFIG_DIR, _LOG_DIR, _CACHE_DIR      where divio-tui keeps its config file, its
                                                  log (every request, the token redacted)
                                                  and its cache: `divio-tui config show`

exit status: 0 success, 1 the API failed or an unexpected failure (the reason on stderr),
2 a usage or settings problem (no token for a command, a bad option, a config file readable
by others), 130 interrupted (Ctrl-C).
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (``fake-api`` is listed for ``--help`` but dispatched before parsing)."""
    parser = argparse.ArgumentParser(
        prog="divio-tui",
        usage="%(prog)s [options] [COMMAND [ARGS ...]]",
        description="A keyboard-first terminal explorer for the Divio Cloud REST API.",
        epilog=HELP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
    parser.add_argument(
        "--profile",
        metavar="NAME",
        help="the account of [profiles.NAME] in the config file (its API and token source)",
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
        startup.loaded()
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

    if args.command == "completion":
        return completion.run(args)  # needs no settings either: it is generated from the parser
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
            profile=args.profile,
        )
        command = COMMANDS.get(args.command or "")
        if command is not None:
            startup.loaded()
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


def _run_explorer(settings: Settings, start_at: str | None = None) -> int:
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
    startup.loaded()  # the UI is loaded: the collector on again before the app starts
    try:
        # The UI may not import fake/, so the CLI builds the clients (demo or real) for it:
        # the first one, and those for a token typed into the sign-in screen or the demo.
        return run_app(settings, client_factory=build_client, start_at=start_at)
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
