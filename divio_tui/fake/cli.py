"""`divio-tui fake-api`: serve the fake Divio API over HTTP on loopback until Ctrl-C.

`run_fake_api(argv) -> int` is the whole command (the top-level CLI forwards to it):

    --port N [--host 127.0.0.1] [--scale demo|large|tiny|huge] [--latency-ms MS]
    [--ignore-filters] [--faults SPEC] [--seed N] [--token T] [--allow-non-loopback]
    [--timeout-sleep S] [--access-log] [--stock-drf] [--hostile [--trickle-s S]]
    [--frozen-time]

`--hostile` serves every case of the hardening matrix under its own prefix
(``/hostile/<case>/apps/v3/``, listed by ``--help`` and by ``GET /``); `--stock-drf` makes the
fake behave as a stock DRF server where it otherwise does not (stock_drf.py).

Exit codes: 0 after Ctrl-C (or --help), 2 for a usage error (bad option, bad fault spec, a
non-loopback --host without --allow-non-loopback), 1 when the address cannot be bound.
Time moves (live.py): running deployments and backups finish within minutes and runtime logs
gain lines as the wall clock goes on; --frozen-time keeps the account as generated.
On start it prints the base URL and a one-line hint on stdout. Any token is accepted unless
--token is given; the token itself is never echoed.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from divio_tui.hosts import is_loopback

from .dataset import SCALES, generate
from .faults import FAULT_KINDS, FaultSpec
from .hostile import CASES, PREFIX, HostileAPI
from .loopback import LoopbackCore, serve_forever
from .server import FakeDivioAPI

PROG = "divio-tui fake-api"


def _cases_help() -> str:
    width = max(map(len, CASES))
    lines = [f"  {name:<{width}}  {case.what}" for name, case in CASES.items()]
    return (f"hostile cases (--hostile), each at {PREFIX}<case>/apps/v3/:\n" + "\n".join(lines)
            + "\n  (connection refused: point --api-url at a port where nothing listens)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Serve the embedded fake Divio API (read-only, invented data) on loopback.",
        epilog=_cases_help(), formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True, help="TCP port (0 = any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--scale", choices=SCALES, default="demo",
                        help="dataset size (default demo; large has >= 1,000 applications; huge: an organisation "
                             "of 5,000, an environment with 20,000 backups, a 100,000-line log)")
    parser.add_argument("--latency-ms", type=float, default=0.0, metavar="MS",
                        help="added latency per request")
    parser.add_argument("--ignore-filters", action="store_true",
                        help="ignore the backups / service-instance-backups filters, like the real API may")
    parser.add_argument("--faults", metavar="SPEC",
                        help=f"random faults, e.g. 500:0.1,429:0.05,timeout:0.02 (kinds: {', '.join(FAULT_KINDS)})")
    parser.add_argument("--seed", type=int, default=0, help="dataset and fault seed (default 0)")
    parser.add_argument("--token", help="require this token (default: accept any token)")
    parser.add_argument("--allow-non-loopback", action="store_true",
                        help="allow binding an address reachable from other machines")
    parser.add_argument("--timeout-sleep", type=float, default=15.0, metavar="S",
                        help="how long a 'timeout' fault stalls before answering (default 15)")
    parser.add_argument("--access-log", action="store_true", help="log each request to stderr")
    parser.add_argument("--stock-drf", action="store_true",
                        help="behave as stock DRF: a 301 without the trailing slash, HTML 404s, "
                             "'No Application matches the given query.', a 400 for a filter naming an "
                             "unknown parent, OPTIONS")
    parser.add_argument("--hostile", action="store_true",
                        help="serve every hostile case below under its own path prefix")
    parser.add_argument("--trickle-s", type=float, default=1.0, metavar="S",
                        help="with --hostile: seconds between two bytes of the 'trickle' case (default 1)")
    parser.add_argument("--frozen-time", action="store_true",
                        help="time stands still: nothing running finishes, runtime logs do not grow")
    return parser


def _wall_clock() -> datetime:
    return datetime.now(UTC)


def run_fake_api(argv: list[str]) -> int:
    """Parse `argv`, serve until Ctrl-C, return the exit code (see module docstring)."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help (0) and on usage errors (2)
        return exc.code if isinstance(exc.code, int) else 2
    if not 0 <= args.port <= 65535:
        print(f"{PROG}: error: --port must be within 0..65535", file=sys.stderr)
        return 2
    if not args.allow_non_loopback and not is_loopback(args.host):
        print(f"{PROG}: error: refusing to bind {args.host!r}: it is not a loopback address and the "
              f"fake API accepts any token. Use 127.0.0.1 (default) or pass --allow-non-loopback.",
              file=sys.stderr)
        return 2
    try:
        faults = FaultSpec.parse(args.faults) if args.faults else None
    except ValueError as exc:
        print(f"{PROG}: error: --faults: {exc}", file=sys.stderr)
        return 2

    clock = None if args.frozen_time else _wall_clock
    now = None if clock is None else _wall_clock().replace(microsecond=0)
    api = FakeDivioAPI(generate(args.scale, args.seed, now), seed=args.seed, latency_ms=args.latency_ms,
                       ignore_filters=args.ignore_filters, faults=faults, token=args.token,
                       timeout_sleep_s=args.timeout_sleep, access_log=args.access_log,
                       stock_drf=args.stock_drf, clock=clock)
    core: LoopbackCore = api
    if args.hostile:
        core = HostileAPI(api, trickle_s=args.trickle_s, timeout_sleep_s=args.timeout_sleep,
                          access_log=args.access_log)
    token_hint = "<the --token value>" if args.token else "anything"

    def ready(base_url: str) -> None:
        counts = api.dataset.counts()
        print(f"Fake Divio API ({args.scale}: {counts['applications']} applications, "
              f"{counts['backups']} backups) at {base_url}", flush=True)
        if args.hostile:
            root = base_url.removesuffix("apps/v3/")
            base_url = f"{root}{PREFIX.lstrip('/')}503/apps/v3/"
            print(f"Hostile: {len(CASES)} cases at {root}{PREFIX.lstrip('/')}<case>/apps/v3/ "
                  f"(GET {root} lists them; --help too), e.g. {base_url}", flush=True)
        print(f"Try: divio-tui --api-url {base_url} --token {token_hint}   "
              f"(or curl -H 'Authorization: Token {token_hint}' {base_url}applications/); Ctrl-C stops.",
              flush=True)

    try:
        serve_forever(core, args.host, args.port, args.allow_non_loopback, on_ready=ready)
    except KeyboardInterrupt:
        print("Stopped.", flush=True)
        return 0
    except OSError as exc:
        print(f"{PROG}: error: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # python -m divio_tui.fake.cli --port 8765
    raise SystemExit(run_fake_api(sys.argv[1:]))
