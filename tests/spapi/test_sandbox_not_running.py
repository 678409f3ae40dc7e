"""A sandbox that is not running is said at once; a refused connection later in a run is retried."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest

from acorn.sandbox import SandboxServer
from acorn.spapi import HostUnreachable, NetworkError, SpApiClient

from .conftest import RecordingTransport, fast_retries

TOKEN_PATH = "/auth/o2/token"


def _closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def test_the_first_token_request_refused_on_loopback_raises_at_once(
        make_client: Callable[..., SpApiClient], transport: RecordingTransport) -> None:
    base = _closed_port()
    client = make_client(base_url=base, retry_policy=fast_retries(max_retries=5))
    with pytest.raises(HostUnreachable) as caught:
        client.get_purchase_order("ANY00000")
    assert transport.count(TOKEN_PATH) == 1, "no retries: waiting does not start a sandbox"
    assert base.removeprefix("http://") in str(caught.value) and "acorn sandbox serve" in str(caught.value)


def test_a_refused_token_renewal_after_the_first_answer_is_retried(
        sandbox: SandboxServer, make_client: Callable[..., SpApiClient], transport: RecordingTransport) -> None:
    client = make_client(retry_policy=fast_retries(max_retries=2))
    tokens = client._sender._tokens
    first = tokens.token()
    sandbox.stop()  # the sandbox goes away mid-run: a transient fault as far as the client can tell
    tokens.invalidate(first)
    with pytest.raises(NetworkError) as caught:
        tokens.token()
    assert not isinstance(caught.value, HostUnreachable)
    assert transport.count(TOKEN_PATH) == 1 + 3


def test_the_tasks_do_not_retry_a_sandbox_that_is_not_running_nor_what_the_client_retried() -> None:
    from prefect.states import Failed

    from acorn.retry_policy import retry_lost_connection

    assert retry_lost_connection(None, None, Failed(data=HostUnreachable("nothing listens"))) is False
    assert retry_lost_connection(None, None, Failed(data=NetworkError("no answer"))) is False  # after its retries
