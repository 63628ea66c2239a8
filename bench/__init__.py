"""Benchmarks for divio-tui, run by `make bench` (`python -m bench`).

Each benchmark measures divio-tui's way and a baseline in the same run, on the same machine and
the same fake API, and prints the ratio. Nothing here is asserted in the test suite: timing on
a shared 2-core machine is too noisy for a pass/fail line, but a ratio measured side by side is
a fair statement of what a design choice buys.
"""
