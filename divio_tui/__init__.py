"""divio-tui: a keyboard-first terminal explorer for the Divio Cloud REST API."""

__version__ = "0.1.0"
