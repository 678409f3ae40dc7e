"""The real processes a chaos run needs: one Prefect server, one sandbox per database.

Each is started in its own session (process group) with its output in a log file, waited
for on a health URL, and stopped by its process group (SIGTERM, then SIGKILL), never by
name. ``ChildProcesses`` remembers every group the harness started so an interrupted
benchmark leaves nothing running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

from acorn import prefect_env
from acorn.testing.postgres import free_port

BIN = Path(sys.executable).parent


def executable(name: str) -> str:
    """``acorn`` / ``prefect`` from the running interpreter's environment (the venv)."""
    path = BIN / name
    return str(path) if path.exists() else name


class StartError(RuntimeError):
    """A server did not come up; the message names it and its log file."""


class ChildProcesses:
    """Every process group started by the harness, so all can be ended on the way out."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._live: set[subprocess.Popen[bytes]] = set()
        self._closed = False

    def start(self, args: list[str], *, env: Mapping[str, str], log: Path, cwd: Path) -> subprocess.Popen[bytes]:
        log.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(log, "ab") as out:
            if self._closed:
                raise RuntimeError("the benchmark is shutting down; no new process")
            proc = subprocess.Popen(args, env=dict(env), cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
            self._live.add(proc)
        return proc

    def forget(self, proc: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._live.discard(proc)

    @staticmethod
    def kill_group(proc: subprocess.Popen[bytes]) -> None:
        """SIGKILL the whole group (the run and anything it started)."""
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def stop(self, proc: subprocess.Popen[bytes], *, grace: float = 10.0) -> None:
        """SIGTERM the group, SIGKILL it if it is still there after ``grace`` seconds."""
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.kill_group(proc)
            proc.wait()
        # children of a stopped server (if any) share its group
        self.kill_group(proc)
        self.forget(proc)

    def kill_all(self) -> None:
        with self._lock:
            self._closed = True
            live = list(self._live)
        for proc in live:
            self.kill_group(proc)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            self.forget(proc)


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], *, what: str, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise StartError(f"{what} exited with code {proc.returncode} before it was ready; see {log}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise StartError(f"{what} was not ready after {timeout:.0f} s; see {log}")


def base_env() -> dict[str, str]:
    """The harness's environment without any ACORN_ or PREFECT_ setting of the developer's."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("ACORN_", "PREFECT_"))}


def prefect_server_env(home: Path) -> dict[str, str]:
    """Settings from STACK-NOTES: analytics and UI off, quiet, batched recorder and persister."""
    env = base_env()
    env.update(prefect_env.DEFAULTS)
    env["PREFECT_HOME"] = str(home)
    return env


class PrefectServer:
    """A started ``prefect server``; :meth:`ready` waits (once) until it answers its health URL."""

    def __init__(self, proc: subprocess.Popen[bytes], api: str, log: Path, startup_timeout: float) -> None:
        self.proc, self.api, self.log, self.startup_timeout = proc, api, log, startup_timeout
        self.started = time.monotonic()
        self.ready_after: float | None = None
        self._lock = threading.Lock()

    def ready(self) -> str:
        with self._lock:
            if self.ready_after is None:
                _wait_healthy(f"{self.api}/health", self.proc, what="prefect server", log=self.log,
                              timeout=self.startup_timeout)
                self.ready_after = time.monotonic() - self.started
        return self.api


@contextmanager
def prefect_server(children: ChildProcesses, workdir: Path, *, startup_timeout: float = 180.0
                   ) -> Iterator[PrefectServer]:
    """``prefect server start`` in the background with a temporary PREFECT_HOME.

    Yields at once, so the sandbox and the ERP load can start while Prefect migrates its
    database (~10-25 s here); call ``.ready()`` before the first flow run.
    """
    home = workdir / "prefect-server-home"
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = workdir / "logs" / "prefect-server.log"
    proc = children.start([executable("prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                          env=prefect_server_env(home), log=log, cwd=workdir)
    try:
        yield PrefectServer(proc, f"http://127.0.0.1:{port}/api", log, startup_timeout)
    finally:
        children.stop(proc)


@contextmanager
def sandbox_server(children: ChildProcesses, workdir: Path, *, name: str, seed: int, rate_scale: float,
                   pos_per_day: int | None = None, history_days: int | None = None,
                   startup_timeout: float = 60.0) -> Iterator[str]:
    """``acorn sandbox serve`` as its own process; yields its base URL. ``pos_per_day`` and
    ``history_days``: the sandbox's defaults unless given."""
    port = free_port()
    log = workdir / "logs" / f"sandbox-{name}.log"
    volume = ["--pos-per-day", str(pos_per_day)] if pos_per_day is not None else []
    volume += ["--history-days", str(history_days)] if history_days is not None else []
    proc = children.start([executable("acorn"), "sandbox", "serve", "--host", "127.0.0.1", "--port", str(port),
                           "--seed", str(seed), "--rate-scale", f"{rate_scale:g}", *volume],
                          env=base_env(), log=log, cwd=workdir)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(f"{url}/_sandbox/clock", proc, what=f"sandbox ({name})", log=log, timeout=startup_timeout)
        yield url
    finally:
        children.stop(proc)
