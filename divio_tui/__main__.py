"""`python -m divio_tui` and the `divio-tui` console script: the command line (`cli/`), its
modules loaded with the garbage collector out of the way (`startup.py`)."""

from __future__ import annotations

import sys

from divio_tui import startup


def main() -> int:
    startup.loading()
    try:
        from divio_tui.cli import main as run_cli

        return run_cli()
    finally:
        startup.loaded()  # whatever happened before the command's modules were in


if __name__ == "__main__":
    sys.exit(main())
