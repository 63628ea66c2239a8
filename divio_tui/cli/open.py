"""`divio-tui open TARGET`: the explorer, started with the cursor on TARGET.

TARGET is what the palette understands: an application slug (or name), ``slug/env``, or any
UUID (looked up as each kind until one answers). The explorer finds and reveals it once it
is up (`ui/explorer/start.py`); one that cannot be found is said so in a toast, and the
explorer stays at the top of the tree.
"""

from __future__ import annotations

import argparse
import sys

from divio_tui.settings import Settings

__all__ = ["add_parser", "run"]

EPILOG = """\
TARGET is looked up as the palette (ctrl+p) looks up what you type into it:
  acme-shop                      an application, by slug (or by its name)
  acme-shop/live                 an environment of an application (or <app uuid>/live)
  <uuid>                         any resource: an organisation, a backup, a service-instance
                                 backup, a deployment… (tried as each kind until one answers)

examples:
  divio-tui open acme-shop/live
  divio-tui --demo open acme-shop/live
  divio-tui open "$(divio-tui get backups -f environment=<env uuid> -n 1 | jq -r '.[0].uuid')"

A target that is not found is said so on the screen; the explorer opens at the top.
Exit status as for divio-tui itself: 0 when you quit, 1 on an unexpected failure, 2 on a
usage or settings problem.
"""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "open", help="start the explorer on an application, slug/env or any UUID",
        description="Start the explorer with the cursor on TARGET.", epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", metavar="TARGET",
                        help="an application slug or name, slug/env, or any UUID")


def run(args: argparse.Namespace, settings: Settings) -> int:
    target = args.target.strip()
    if not target:
        print("divio-tui open: error: TARGET is empty: give an application slug, slug/env or "
              "a UUID", file=sys.stderr)
        return 2
    # The package runs the explorer (logging, the client factory, the last-resort error
    # line): `open` is the explorer with somewhere to start.
    from divio_tui import cli

    return cli._run_explorer(settings, start_at=target)
