"""`divio-tui fake-api` (run_fake_api): argument handling, loopback guard, serving until Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

import httpx
import pytest

from divio_tui.fake.cli import run_fake_api


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "example.com"])
def test_refuses_non_loopback_hosts(host: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_fake_api(["--port", "0", "--host", host]) == 2
    err = capsys.readouterr().err
    assert "not a loopback address" in err and "--allow-non-loopback" in err


@pytest.mark.parametrize("argv", [[], ["--port", "x"], ["--port", "0", "--scale", "enormous"],
                                  ["--port", "70000"], ["--port", "0", "--faults", "418:0.5"],
                                  ["--port", "0", "--nope"]])
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert run_fake_api(argv) == 2
    assert "error" in capsys.readouterr().err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_fake_api(["--help"]) == 0
    out = capsys.readouterr().out
    for option in ("--port", "--host", "--scale", "--latency-ms", "--ignore-filters", "--faults",
                   "--seed", "--token", "--allow-non-loopback"):
        assert option in out


def test_port_in_use_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert run_fake_api(["--port", str(port), "--scale", "tiny"]) == 1
    assert "cannot listen" in capsys.readouterr().err


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_serves_until_ctrl_c() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "divio_tui.fake.cli", "--port", "0", "--scale", "tiny", "--token", "s3cret",
         "--latency-ms", "1", "--faults", "500:0", "--ignore-filters", "--seed", "3"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        # A runner started in the background by a script ignores SIGINT, and the child would
        # inherit that (Python then installs no KeyboardInterrupt handler): give it Ctrl-C back.
        preexec_fn=_default_sigint)
    try:
        assert proc.stdout is not None
        banner = proc.stdout.readline()
        hint = proc.stdout.readline()
        base = banner.rsplit(" at ", 1)[1].strip()
        assert base.startswith("http://127.0.0.1:") and base.endswith("/apps/v3/")
        assert base in hint and "s3cret" not in banner + hint  # the token is never echoed
        assert httpx.get(base).status_code == 200
        assert httpx.get(base + "applications/", headers={"Authorization": "Token s3cret"}).json()["count"] == 2
        assert httpx.get(base + "applications/", headers={"Authorization": "Token other"}).status_code == 401
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Stopped." in out and err == ""
