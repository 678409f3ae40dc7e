"""Running the sandbox: uvicorn in a background thread, for tests, the demo and the CLI.

``with SandboxServer(cfg, host="127.0.0.1", port=0) as sb:`` binds the socket first (port 0
picks a free one, known at once as ``sb.base_url``), serves on a daemon thread and, on exit,
stops uvicorn and frees the port. Start takes a fraction of a second.
"""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

import uvicorn

from acorn.sandbox.app import build_app
from acorn.sandbox.config import SandboxConfig
from acorn.sandbox.state import SandboxState


class SandboxStartError(RuntimeError):
    """The server did not come up (port in use, or uvicorn failed): the message says which."""


class SandboxServer:
    def __init__(self, config: SandboxConfig | None = None, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.config = config or SandboxConfig()
        self.host = host
        self.port = port
        self.state = SandboxState(self.config)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    def __repr__(self) -> str:
        return f"SandboxServer(base_url={self.base_url!r}, seed={self.config.seed})"

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, *, timeout: float = 10.0) -> SandboxServer:
        if self._thread is not None:
            return self
        # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on accepted sockets whose protocol says TCP,
        # and without it every small answer waits ~40 ms for a delayed ACK.
        sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET, socket.SOCK_STREAM,
                             socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError as exc:
            sock.close()
            raise SandboxStartError(f"cannot listen on {self.host}:{self.port}: {exc}") from None
        self.port = sock.getsockname()[1]
        self._socket = sock
        config = uvicorn.Config(build_app(self.state), log_level="warning", access_log=False, lifespan="off",
                                http="h11", loop="asyncio", timeout_graceful_shutdown=1, timeout_keep_alive=5)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name=f"acorn-sandbox-{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise SandboxStartError(f"the sandbox did not start on {self.base_url} within {timeout} s")
            time.sleep(0.005)
        return self

    def request_stop(self) -> None:
        """Ask uvicorn to shut down without waiting (stop several servers at once, then ``stop()`` each)."""
        if self._server is not None:
            self._server.should_exit = True

    def stop(self) -> None:
        """Shut down, wait for the thread and free the port (about 0.2 s: uvicorn's graceful shutdown)."""
        self.request_stop()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
