"""Acorn's one retry policy: which layer tries again, for what, and how often.

Each failure is retried by exactly one layer, the one that can fix it; the others pass it on.

==============  ==================================================  ==========================================
layer           tries again on                                      budget
==============  ==================================================  ==========================================
SP-API client   a GET: 429, 408/5xx, no answer (``acorn.spapi``     ``CLIENT_RETRIES``: 1 + 5 attempts per
                ``_sender``); a POST: 429 and a connection that     call, backoff with jitter, ``Retry-After``
                never opened (Amazon applied nothing); 401/403:     honoured
                once, with a fresh token
Prefect task    a lost database connection (SQLAlchemy flags it     ``TASK_RETRIES``: 2 more attempts, after
                ``connection_invalidated``): the one fault a        2 s and 10 s (+ up to 50% jitter)
                client call cannot fix, and a new connection can
outbox          nothing. A POST the client gave up on stays         the next delivery (next round or run)
                ``pending`` (429: not applied) or becomes
                ``unknown`` with an alert (5xx, no answer); its
                single re-post after a lost answer is decided when
                a later delivery reads it back, never in the call
                that lost it (``acorn.services.outbox``)
==============  ==================================================  ==========================================

So one GET that keeps failing costs ``1 + CLIENT_RETRIES.max_retries`` requests end to end, not
that times the task's attempts: an SP-API error reaching a task was already retried by the client,
and the task fails at once. Neither is retried:

* ``OperationalError`` that is not a disconnect: "no such table" (run ``acorn db upgrade``), a
  database file that cannot be opened, a bad password. Waiting does not fix them; the task fails
  on its first attempt and ``acorn.cli_errors`` says what to do.
* ``DeliveryIncomplete``: documents still throttled or unanswered after the client's retries and
  the stage's delivery rounds (each round takes up what the last left, reading a lost answer
  back before any re-post, while each leaves less to do). The stage fails so ops see it; the
  rows wait in the outbox, with their alerts, for the next run (the ASN safety net runs every
  10 minutes).
* A worker killed mid-task: no retry in a dead process can run. Prefect marks the run crashed,
  and the next run takes over the outbox rows whose owner died (``acorn.services.outbox``
  leases), reading back before any re-post.

Every task in ``tasks/`` carries ``**TASK_RETRIES`` in its decorator, and nothing else in it
retries (``tests/lifecycle/test_retry_policy.py`` counts the attempts).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypedDict

import sqlalchemy.exc

from acorn.spapi import RetryPolicy

if TYPE_CHECKING:  # Prefect for the types only: importing it takes seconds, and acorn.runtime reads CLIENT_RETRIES
    from prefect import Task
    from prefect.client.schemas.objects import State, TaskRun

#: the SP-API client's budget per call (``SpApiClient(retry_policy=...)``, built by ``acorn.runtime``)
CLIENT_RETRIES = RetryPolicy(max_retries=5)


class DeliveryIncomplete(RuntimeError):
    """Some submissions were throttled or lost their answer after the client's retries: the next run
    settles them (a throttled one is posted again, a lost answer is read back first). Never retried."""


def lost_connection(exc: BaseException | None) -> bool:
    """A database connection that dropped (server restart, failover, idle kill): a new one may succeed.

    SQLAlchemy asks the dialect whether a DBAPI error is a disconnect and then sets
    ``connection_invalidated``; "no such table" and every other ``OperationalError`` are not.
    The exception's causes are looked at too, for a service that wraps what the store raised.
    """
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, sqlalchemy.exc.DBAPIError) and exc.connection_invalidated:
            return True
        if isinstance(exc, sqlalchemy.exc.DisconnectionError):
            return True
        exc, seen = exc.__cause__, seen + 1
    return False


def retry_lost_connection(task: Task[..., Any], task_run: TaskRun, state: State[Any]) -> bool:
    """Prefect ``retry_condition_fn``: try the task again only after a lost database connection."""
    try:
        state.result()
    except Exception as exc:  # noqa: BLE001 - the failure is judged, not handled, here
        return lost_connection(exc)
    return False


class TaskRetries(TypedDict):
    """A task's retry options, each a keyword of ``prefect.task``: mypy checks them against its signature."""

    retries: int
    retry_delay_seconds: list[float]
    retry_jitter_factor: float
    retry_condition_fn: Callable[[Task[..., Any], TaskRun, State[Any]], bool]


#: every task's retry options, in its decorator: ``@task(..., **TASK_RETRIES)``
TASK_RETRIES: TaskRetries = {
    "retries": 2,
    "retry_delay_seconds": [2, 10],
    "retry_jitter_factor": 0.5,
    "retry_condition_fn": retry_lost_connection,
}
