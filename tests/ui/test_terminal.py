"""The app notices a hung-up terminal even when no SIGHUP reaches it (`make demo` in a killed
tmux), instead of spinning on end-of-file forever."""

from __future__ import annotations

import os
import pty
import signal
import sys
import time

import pytest

from divio_tui.ui.terminal import controlling_terminal_fd, terminal_lost

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="pty semantics checked on Linux")


def test_a_hung_up_terminal_is_noticed_without_sighup(tmp_path: os.PathLike[str]) -> None:
    report = os.path.join(tmp_path, "report")
    pid, master = pty.fork()
    if pid == 0:  # the child: a session whose controlling terminal is the pty's slave side
        try:
            signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under make: no SIGHUP arrives
            fd = controlling_terminal_fd()
            before = fd is not None and terminal_lost(fd)
            os.write(1, b"ready\n")
            after = False
            for _ in range(100):
                after = fd is not None and terminal_lost(fd)
                if after:
                    break
                time.sleep(0.05)
            with open(report, "w") as out:
                out.write(f"{fd is not None} {before} {after}")
        finally:
            os._exit(0)
    try:
        assert os.read(master, 100).strip().endswith(b"ready")
    finally:
        os.close(master)  # the terminal goes away
    os.waitpid(pid, 0)
    with open(report) as result:
        has_terminal, lost_before, lost_after = result.read().split()
    assert (has_terminal, lost_before, lost_after) == ("True", "False", "True")


def test_no_terminal_means_nothing_to_watch() -> None:
    # Under pytest stdin is not a terminal: the app must not mistake that for a hang-up.
    if sys.stdin is not None and sys.stdin.isatty():
        pytest.skip("run with a terminal on stdin")
    assert controlling_terminal_fd() is None
