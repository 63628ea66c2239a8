"""`divio-tui config path|show`: where the configuration lives, and what is in effect."""

from __future__ import annotations

import argparse

from divio_tui.cli.common import plain
from divio_tui.settings import Settings


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    config = commands.add_parser("config", help="show where the configuration lives")
    actions = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    actions.add_parser("path", help="print the config file path")
    actions.add_parser("show", help="print the effective settings (the token masked)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """`config show` (`config path` needs no settings: `main` answers it first)."""
    token = f"{settings.token_hint} (from {settings.token_source})" if settings.token else "none"
    rows = [
        *((("profile", settings.profile),) if settings.profile else ()),
        ("api_url", settings.api_url),
        ("zone", settings.zone),
        ("token", token),
        ("config file", str(settings.config_file)),
        ("log dir", str(settings.log_dir)),
        ("cache dir", str(settings.cache_dir)),
        ("concurrency", str(settings.concurrency)),
        ("page_size", str(settings.page_size)),
        ("request_deadline", f"{settings.request_deadline:g} s"),
        ("max_body_mb", f"{settings.max_body_mb:g} MB"),
        ("max_pages", str(settings.max_pages)),
        ("theme", settings.theme),
        ("request_log_size", str(settings.request_log_size)),
        ("log_line_cap", str(settings.log_line_cap)),
        ("auto_refresh_seconds", str(settings.auto_refresh_seconds or "off")),
        ("backups.max_age_hours", f"{settings.backup_max_age_hours:g}"),
        *((f"keys.{binding}", keys) for binding, keys in sorted(settings.keys.items())),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {plain(value)}")
    return 0
