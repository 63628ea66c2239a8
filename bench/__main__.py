"""`python -m bench`: run every benchmark and print ours vs baseline with the ratio.

A ratio above 1 means divio-tui's way is that many times better than the baseline (faster, or
fewer requests); below 1, it costs that much more.
"""

from __future__ import annotations

import sys
import time

from . import backup_question, health, memory, paging

BENCHMARKS = [paging, memory, backup_question, health]


def main() -> int:
    started = time.perf_counter()
    print("divio-tui benchmarks (fake API over loopback, large scale)")
    for bench in BENCHMARKS:
        for line in bench.run():
            print(line, flush=True)
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
