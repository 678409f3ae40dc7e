"""A real ``prefect server start`` on a free loopback port, with its own home, for tests that need its services
(scheduler, late runs, triggers and actions for automations), which the ephemeral test server never runs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


@contextmanager
def prefect_server(home: Path, settings: dict[str, str], *, late_runs: bool = True) -> Iterator[str]:
    """Start the server with ``settings`` in its environment; yields the API URL, stops it after."""
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(settings, PREFECT_HOME=str(home))
    log = (home / "server.log").open("wb")
    args = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port),
            "--no-ui", "--analytics-off", *([] if late_runs else ["--no-late-runs"])]
    server = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_healthy(api, server, home / "server.log", timeout_s=180)
        yield api
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.close()


def wait_healthy(api: str, server: subprocess.Popen[bytes], log: Path, *, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    tail = log.read_text(errors="replace")[-2000:]
    raise RuntimeError(f"the Prefect server did not come up on {api} (exit {server.poll()}):\n{tail}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
