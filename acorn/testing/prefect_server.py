"""``prefect server start`` on a free loopback port with a home of its own, for tests.

A real server process (scheduler and all), as ops run it; not the test harness's. Start-up
is ~25 s on a new home (database migrations)::

    with prefect_server(tmp_path / "prefect") as api:   # http://127.0.0.1:PORT/api
        ...

The server's environment drops ``PREFECT_API_URL`` and quiets its logs; ``settings`` adds more.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

QUIET = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
         "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED": "false", "PREFECT_SERVER_UI_ENABLED": "false"}


@contextmanager
def prefect_server(home: Path, settings: Mapping[str, str] | None = None, *,
                   timeout_s: float = 180) -> Iterator[str]:
    """Yield the API URL of a server started for the block; stop it when the block ends."""
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(QUIET, **(settings or {}), PREFECT_HOME=str(home))
    with (home / "server.log").open("wb") as log:
        server = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                                   "--port", str(port), "--no-ui", "--analytics-off"],
                                  env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_healthy(api, server, home / "server.log", timeout_s=timeout_s)
            yield api
        finally:
            forget_server_state()
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)


def forget_server_state() -> None:
    """What this process keeps about the server it talked to, dropped when that server goes away.

    Prefect keeps one slot-acquisition service per set of limit names, bound to the client of the
    server it first used, and Acorn remembers which limits it created: a later server in the same
    process (the next test module) would otherwise be asked through a dead client, or lack a limit.
    """
    from prefect.concurrency.services import ConcurrencySlotAcquisitionService

    from acorn import prefect_limits

    ConcurrencySlotAcquisitionService.drain_all(timeout=10)
    prefect_limits.forget_all_limits()


def wait_healthy(api: str, server: subprocess.Popen[bytes], log: Path, *, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and server.poll() is None:
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
