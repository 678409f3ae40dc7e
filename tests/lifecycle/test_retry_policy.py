"""One retry policy (acorn/retry_policy.py), counted end to end through real Prefect task runs.

The client retries a failing GET; the task does not retry it again. A missing table is reported
on the first attempt; a dropped database connection is the one thing a task tries again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from acorn import runtime
from acorn.config import load_settings
from acorn.retry_policy import CLIENT_RETRIES, TASK_RETRIES, DeliveryIncomplete, retry_lost_connection
from acorn.spapi import Backoff, ServerError
from lifecycle_world import US, World

#: the client's budget as it is, with millisecond waits so the test takes seconds
FAST_CLIENT = dataclasses.replace(CLIENT_RETRIES, throttle=Backoff(base=0.01, cap=0.1),
                                  server=Backoff(base=0.01, cap=0.1))


@pytest.fixture
def database_errors() -> Iterator[list[sa.engine.ExceptionContext]]:
    """Every error any engine meets while the test runs (SQLAlchemy's own hook, nothing replaced)."""
    seen: list[sa.engine.ExceptionContext] = []

    def record(context: sa.engine.ExceptionContext) -> None:
        seen.append(context)

    sa.event.listen(sa.engine.Engine, "handle_error", record)
    try:
        yield seen
    finally:
        sa.event.remove(sa.engine.Engine, "handle_error", record)


@pytest.fixture
def store_runtime(tmp_path: Path) -> Iterator[Any]:
    """Install a runtime on a given store URL (no sandbox needed: these tasks only use the store)."""
    previous: list[Any] = []

    def install(database_url: str) -> None:
        settings = load_settings(database_url=database_url, home=tmp_path / ".acorn")
        previous.append(runtime.install(runtime.Runtime(settings)))

    yield install
    if previous:
        runtime.current().close()
        runtime.install(previous[0])


def test_every_task_shows_the_one_retry_policy_in_its_decorator() -> None:
    from prefect import Task

    from tasks import lifecycle, money

    tasks = [t for m in (lifecycle, money) for t in vars(m).values() if isinstance(t, Task)]
    assert len(tasks) >= 14
    for t in tasks:
        assert (t.retries, t.retry_condition_fn) == (TASK_RETRIES["retries"], retry_lost_connection), t.name


def test_what_the_client_already_retried_is_not_retried_by_the_task() -> None:
    from prefect.states import Failed

    for exc in (ServerError("500", operation="getPurchaseOrders"), DeliveryIncomplete("2 throttled"),
                sa.exc.OperationalError("SELECT 1", {}, Exception("no such table: outbox"))):
        assert retry_lost_connection(None, None, Failed(data=exc)) is False, exc
    dropped = sa.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection"),
                                      connection_invalidated=True)
    assert retry_lost_connection(None, None, Failed(data=dropped)) is True


@pytest.mark.flows
def test_one_failing_get_costs_the_clients_budget_end_to_end(prefect_server: None, world: World) -> None:
    from tasks.lifecycle import fetch_and_record_purchase_orders

    rt = runtime.current()
    rt.close()  # no client built yet with the default waits
    rt.client_retries = FAST_CLIENT
    world.faults(error_rate=1.0)  # getPurchaseOrders answers 500 or 503, every time

    state = fetch_and_record_purchase_orders(US, world.clock(), return_state=True)

    assert state.is_failed()
    with pytest.raises(ServerError):
        state.result()
    # 1 + max_retries requests, from the sandbox's own count: not multiplied by task attempts (was 24)
    assert world.requests() == {"getPurchaseOrders": 1 + CLIENT_RETRIES.max_retries}


@pytest.mark.flows
def test_a_missing_table_is_reported_on_the_first_attempt(prefect_server: None, store_runtime: Any,
                                                          database_errors: list[Any], tmp_path: Path) -> None:
    from acorn.cli_errors import explain
    from tasks.lifecycle import check_invariants

    store_runtime(f"sqlite:///{tmp_path / 'never-migrated.db'}")

    state = check_invariants(US, datetime.now(UTC), return_state=True)

    assert state.is_failed()
    with pytest.raises(sa.exc.OperationalError, match="no such table") as failed:
        state.result()
    assert len(database_errors) == 1  # one attempt: waiting does not create a table
    failure = explain(failed.value)
    assert failure is not None and "acorn db upgrade" in failure.paragraph


@pytest.mark.flows
@pytest.mark.postgres
def test_a_dropped_database_connection_is_retried_by_the_task(prefect_server: None, store_runtime: Any,
                                                              database_errors: list[Any], postgres_url: str) -> None:
    import psycopg

    from acorn.store import upgrade
    from tasks.lifecycle import check_invariants

    upgrade(postgres_url)
    store_runtime(postgres_url)
    admin_url = postgres_url.replace("postgresql+psycopg", "postgresql")
    killed: list[int] = []

    def drop_the_first_connection(conn: Any, cursor: Any, *_: Any) -> None:
        if not killed:  # the server ends this session, as a restart or failover would
            killed.append(cursor.connection.info.backend_pid)
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", [killed[0]])

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", drop_the_first_connection)
    try:
        state = check_invariants.with_options(retry_delay_seconds=0)(US, datetime.now(UTC), return_state=True)
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", drop_the_first_connection)

    assert killed and state.is_completed(), state.message
    assert [e.is_disconnect for e in database_errors] == [True]  # the first attempt lost it; the second ran
