"""The Textual UI: the only package that imports Textual (see docs/architecture.md)."""
