"""`python -m bench [NAME...] [--markdown]`: run the benchmarks (all, or those named) and print
one table: per figure, ours, the baseline or bound it is measured against in the same run, the
ratio, the target and `met` / `missed`.

Ratios written `2.8x` are ours over the baseline (lower is better); `x120` says how many times
better ours is. A benchmark may also return plain lines, printed as they come.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from datetime import date
from types import ModuleType

from . import backup_question, big_tree, cold_start, glance, health, hostile, logs, memory, paging
from .common import Result

BENCHMARKS: list[ModuleType] = [cold_start, paging, memory, backup_question, health, hostile,
                                logs, glance, big_tree]


def _machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{date.today().isoformat()}, load average {load:.1f} at the start")


def _table(results: list[Result], *, markdown: bool) -> str:
    head = ("what", "ours", "baseline / bound", "ratio", "target", "")
    rows = [head, *((r.what, r.ours, r.baseline, r.ratio, r.target, r.verdict) for r in results)]
    if markdown:
        # A figure given for context under the one before it: indented, which Markdown drops.
        rows = [(f"↳ {row[0].lstrip()}" if row[0].startswith("  ") else row[0], *row[1:])
                for row in rows]
        lines = ["| " + " | ".join(row) + " |" for row in rows]
        lines.insert(1, "|" + "---|" * len(head))
        return "\n".join(lines)
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
                     .rstrip() for row in rows)


def main(argv: list[str]) -> int:
    markdown = "--markdown" in argv
    names = [arg for arg in argv if not arg.startswith("--")]
    chosen = [bench for bench in BENCHMARKS
              if not names or bench.__name__.rsplit(".", 1)[-1] in names]
    started = time.perf_counter()
    print(f"divio-tui benchmarks ({_machine()})", flush=True)
    results: list[Result] = []
    for bench in chosen:
        began = time.perf_counter()
        for item in bench.run():
            if isinstance(item, Result):
                results.append(item)
                print(f"  {item.what}: {item.ours} vs {item.baseline} ({item.ratio}) "
                      f"{item.verdict}", flush=True)
            else:
                print(item, flush=True)
        print(f"  [{bench.__name__} {time.perf_counter() - began:.0f} s]", flush=True)
    if results:
        print()
        print(_table(results, markdown=markdown))
    print(f"\ndone in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
