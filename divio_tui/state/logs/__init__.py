"""Logs, as the explorer holds them: a capped buffer of lines, a filter over all of it, and
the readers that fill it from the API (runtime logs page by page, a deployment's log as one
text). No Textual: the log screen, the benchmarks and the tests drive them alike.
"""

from __future__ import annotations

from .buffer import DEFAULT_LINE_CAP, LogBuffer, split_message, split_text
from .query import FilteredLog, LogQuery
from .readers import DeploymentLogReader, RuntimeLogReader

__all__ = ["DEFAULT_LINE_CAP", "DeploymentLogReader", "FilteredLog", "LogBuffer", "LogQuery",
           "RuntimeLogReader", "split_message", "split_text"]
