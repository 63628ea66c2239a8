"""Cold start the way a user sees it: `divio-tui --demo` until the organisations are on screen.

Each run spawns a fresh process in a real pseudo-terminal (120x40, a clean HOME: no config, no
netrc), reads what it draws, and stops the clock when the first organisation's name appears
in the text (escape sequences removed). The baseline is the smallest Textual app showing that
same line (bench/minimal_app.py) in the same harness; the two alternate, and the medians are
compared.

The figures below the table row say where the time goes. First the floor of the stack
(bench/floor_app.py: Textual, httpx and pydantic, one model read through one request into a
`Tree`, nothing of ours), timed in the same harness in the same alternation: no app on this
stack can start faster, so the target is judged against the minimal app but read against it.
Then, each a fresh `python -c` (median): importing the whole UI against importing
`textual.app` alone, the layers below the UI (settings, the API layer, the command line), and
building the demo's dataset.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

from .common import Result, median, secs, spread, times
from .minimal_app import TEXT

RUNS = 6
IMPORT_RUNS = 5
TARGET = 1.3
TIMEOUT = 20.0
ROOT = Path(__file__).resolve().parent.parent

_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


def _environment(home: str) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home,
            "TERM": "xterm-256color", "LANG": "C.UTF-8", "COLORTERM": "truecolor"}


def first_paint(argv: list[str], needle: str = TEXT) -> float:
    """Seconds from spawning `argv` in a pty until `needle` is drawn; the process is killed."""
    with tempfile.TemporaryDirectory() as home:
        started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: size the terminal before the app looks at it
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
                os.chdir(ROOT)
                os.execve(argv[0], argv, _environment(home))
            finally:
                os._exit(127)
        seen = b""
        wanted = needle.encode()
        try:
            while time.perf_counter() - started < TIMEOUT:
                ready, _, _ = select.select([fd], [], [], 0.05)
                if not ready:
                    continue
                try:
                    seen += os.read(fd, 1 << 16)
                except OSError:
                    break
                if wanted in _ESCAPES.sub(b"", seen):
                    return time.perf_counter() - started
            raise RuntimeError(f"{' '.join(argv)} never drew {needle!r}")
        finally:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(fd)


def _python(code: str) -> float:
    """Wall seconds of a fresh `python -c code` (median of IMPORT_RUNS)."""
    runs = []
    for _ in range(IMPORT_RUNS):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT,
                       env=_environment(tempfile.gettempdir()))
        runs.append(time.perf_counter() - started)
    return median(runs)


def _demo_dataset() -> float:
    """Seconds `FakeDivioAPI()` takes to build the demo dataset in a fresh process."""
    code = ("import time; from divio_tui.fake import FakeDivioAPI; t = time.perf_counter(); "
            "FakeDivioAPI(); print(time.perf_counter() - t)")
    runs = [float(subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT,
                                 capture_output=True, text=True).stdout)
            for _ in range(IMPORT_RUNS)]
    return median(runs)


def run() -> list[Result]:
    ours: list[float] = []
    minimal: list[float] = []
    floor: list[float] = []
    for _ in range(RUNS):
        minimal.append(first_paint([sys.executable, "-m", "bench.minimal_app"]))
        floor.append(first_paint([sys.executable, "-m", "bench.floor_app"]))
        ours.append(first_paint([sys.executable, "-m", "divio_tui", "--demo"]))
    ratio = median(ours) / median(minimal)
    bare = _python("pass")
    textual = _python("import textual.app")
    ui = _python("import divio_tui.ui.app")
    below = _python("import divio_tui.cli, divio_tui.api, divio_tui.settings")
    return [
        Result(f"cold start, --demo to organisations on screen, median of {RUNS} "
               f"(runs {spread(ours)} s vs {spread(minimal)} s)",
               secs(median(ours)), f"minimal Textual app {secs(median(minimal))}",
               times(ratio), f"<= {TARGET}x", ratio <= TARGET),
        Result(f"  the stack's floor: Textual + httpx + pydantic, one model from one request "
               f"into a Tree (runs {spread(floor)} s)", secs(median(floor)),
               f"minimal Textual app {secs(median(minimal))}",
               times(median(floor) / median(minimal))),
        Result("  ours against that floor", secs(median(ours)),
               f"the floor {secs(median(floor))}", times(median(ours) / median(floor))),
        Result("  import divio_tui.ui.app (the UI and every layer below it)", secs(ui),
               f"import textual.app {secs(textual)}", times(ui / textual)),
        Result("  below the UI: import divio_tui.cli, .api, .settings", secs(below),
               f"python alone {secs(bare)}", f"+{secs(below - bare)}"),
        Result("  the demo's dataset, built before the first request", secs(_demo_dataset()),
               "nothing (the minimal app has none)", ""),
    ]
