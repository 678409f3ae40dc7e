"""Fixtures: the real sandbox on loopback, and the client pointed at it.

Nothing here replaces the network: ``RecordingTransport`` is httpx's own HTTP transport
that also writes down what went out, so tests can count requests and read the headers
and query strings the client really sent.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from acorn.sandbox import DEFAULT_CREDENTIALS, SandboxConfig, SandboxServer
from acorn.spapi import Backoff, LwaCredentials, RetryPolicy, SpApiClient


def fast_retries(max_retries: int = 5) -> RetryPolicy:
    """Real backoff shapes with shorter steps, so the suite stays at seconds."""
    return RetryPolicy(max_retries=max_retries, throttle=Backoff(base=0.01, cap=0.1),
                       server=Backoff(base=0.01, cap=0.1))


FAST_RETRIES = fast_retries()


@dataclass
class Sent:
    method: str
    path: str
    params: dict[str, str]
    access_token: str | None


class RecordingTransport(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__()
        self.sent: list[Sent] = []
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.sent.append(Sent(request.method, request.url.path, dict(request.url.params),
                                  request.headers.get("x-amz-access-token")))
        return super().handle_request(request)

    def count(self, path: str) -> int:
        return sum(1 for s in self.sent if s.path == path)

    def to(self, path_prefix: str) -> list[Sent]:
        return [s for s in self.sent if s.path.startswith(path_prefix)]


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(seed=7, rate_scale=1.0, pos_per_day=6, history_days=3)


@pytest.fixture
def sandbox(sandbox_config: SandboxConfig) -> Iterator[SandboxServer]:
    with SandboxServer(sandbox_config, host="127.0.0.1", port=0) as sb:
        yield sb


@pytest.fixture
def credentials() -> LwaCredentials:
    return LwaCredentials(**DEFAULT_CREDENTIALS)  # type: ignore[arg-type]


@pytest.fixture
def transport() -> RecordingTransport:
    return RecordingTransport()


@pytest.fixture
def make_client(sandbox: SandboxServer, credentials: LwaCredentials,
                transport: RecordingTransport) -> Iterator[Callable[..., SpApiClient]]:
    made: list[SpApiClient] = []

    def make(**options: Any) -> SpApiClient:
        options.setdefault("credentials", credentials)
        options.setdefault("transport", transport)
        options.setdefault("retry_policy", FAST_RETRIES)
        client = SpApiClient(options.pop("base_url", sandbox.base_url), **options)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., SpApiClient]) -> SpApiClient:
    return make_client()


def set_faults(sandbox: SandboxServer, **settings: Any) -> None:
    httpx.post(f"{sandbox.base_url}/_sandbox/faults", json=settings).raise_for_status()


def ledger(sandbox: SandboxServer) -> dict[str, list[dict[str, Any]]]:
    return httpx.get(f"{sandbox.base_url}/_sandbox/ledger").json()


def advance_clock(sandbox: SandboxServer, seconds: float) -> None:
    httpx.post(f"{sandbox.base_url}/_sandbox/clock", json={"advance_seconds": seconds}).raise_for_status()
