"""`python -m divio_tui` runs the same entry point as the `divio-tui` console script."""

from divio_tui.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
