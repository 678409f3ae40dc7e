"""What every flow needs: the business time and the accounts to run."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from acorn import runtime
from acorn.alert_events import announce_pending


def business_time(as_of: datetime | None) -> datetime:
    """``as_of`` as aware UTC; the wall clock only when ops did not name a time."""
    if as_of is None:
        return datetime.now(UTC)
    if as_of.tzinfo is None:
        raise ValueError(f"as_of {as_of.isoformat()} has no time zone; give e.g. 2026-03-02T23:10:00Z")
    return as_of.astimezone(UTC)


def account_codes(account: str | None) -> list[str]:
    settings = runtime.current().settings
    if account is None:
        return [a.code for a in settings.accounts]
    settings.account(account)  # a wrong code fails here, naming the configured ones
    return [account]


@contextmanager
def submission_slot(account: str) -> Iterator[None]:
    """One submitting flow per account at a time, across workers (``acorn.submission_slot``)."""
    from acorn import submission_slot as slots

    wait_s = runtime.current().settings.submission_slot_wait_minutes * 60.0
    with slots.submission_slot(account, wait_s=wait_s):
        yield


def _announce_after_run(flow: Any, flow_run: Any, state: Any) -> None:
    """Flow hook: whatever the run raised reaches ops, however the run ended."""
    try:
        announce_pending(runtime.current().database_url)
    except Exception as exc:  # noqa: BLE001 - a hook must not turn a finished run into a crash
        logging.getLogger(__name__).warning("alerts not announced after %s: %s", flow_run.name, exc)


def announces_alerts(flow: Any) -> Any:
    """Decorator over ``@flow``: whatever the run raised reaches ops when it ends, however it ends."""
    for register in (flow.on_completion, flow.on_failure, flow.on_crashed, flow.on_cancellation):
        register(_announce_after_run)
    return flow
