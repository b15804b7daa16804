"""``ibrain serve`` as a real process for end-to-end tests: a free loopback port, start, stop."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, timeout: float = 60) -> tuple[subprocess.Popen, str]:
    """``ibrain serve --db db`` on a free port, once it answers: (process, base URL). Fails the test
    with the server's stderr when it does not start within ``timeout`` seconds."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "industrial_brain.cli.main", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(base + "/api/v1/capabilities", timeout=5) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"server did not start: {proc.communicate()[1][-2000:]}")
        time.sleep(0.2)


def stop_server(proc: subprocess.Popen) -> None:
    """Stop a server left running (SIGTERM: a clean stop; SIGKILL after 30 s)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
