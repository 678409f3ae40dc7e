"""Retry policy shared by the tasks: retry what time can fix, never what it cannot."""

from __future__ import annotations

from typing import Any

import httpx
from prefect.tasks import exponential_backoff
from sqlalchemy.exc import OperationalError

from acorn.spapi import (
    AuthError,
    ClientRequestError,
    HostUnreachable,
    InvalidSubmission,
    NetworkError,
    ServerError,
    ThrottledError,
)

TRANSIENT = (ServerError, ThrottledError, NetworkError, httpx.TransportError, OperationalError, TimeoutError)
#: checked first: HostUnreachable is a NetworkError that waiting cannot fix (the sandbox is not running)
PERMANENT = (ClientRequestError, AuthError, InvalidSubmission, HostUnreachable)

#: 2 s, 4 s, 8 s (+ up to 50% jitter) between attempts
BACKOFF = exponential_backoff(backoff_factor=2)
JITTER = 0.5


class DeliveryIncomplete(RuntimeError):
    """Some submissions were throttled or lost their answer; another attempt will settle them."""


def retry_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect ``retry_condition_fn``: retry transient failures only."""
    try:
        state.result()
    except PERMANENT:
        return False
    except (*TRANSIENT, DeliveryIncomplete):
        return True
    except Exception:  # noqa: BLE001 - a bug is not fixed by waiting
        return False
    return False
