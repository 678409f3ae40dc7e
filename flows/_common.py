"""What every flow needs: the business time and the accounts to run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

from acorn import runtime
from acorn.prefect_limits import ensure_limit
from acorn.store import UnitOfWork


def business_time(as_of: datetime | None) -> datetime:
    """``as_of`` as aware UTC; the wall clock only when ops did not name a time."""
    if as_of is None:
        return datetime.now(timezone.utc)
    if as_of.tzinfo is None:
        raise ValueError(f"as_of {as_of.isoformat()} has no time zone; give e.g. 2026-03-02T23:10:00Z")
    return as_of.astimezone(timezone.utc)


def account_codes(account: str | None) -> list[str]:
    settings = runtime.current().settings
    if account is None:
        return [a.code for a in settings.accounts]
    settings.account(account)  # a wrong code fails here, naming the configured ones
    return [account]


def submission_limit_name(account: str) -> str:
    return f"acorn-submit-{account}"


@contextmanager
def submission_slot(account: str) -> Iterator[None]:
    """One submitting flow per account at a time, across workers (a Prefect global concurrency limit).

    The daily run, the ASN safety net and a manual rerun then queue behind each other
    instead of racing for the same documents. The outbox's leases and compare-and-set keep
    documents safe without this; the limit keeps the runs themselves orderly. The slot's
    lease is the shortest Prefect allows (60 s), so a killed run holds it at most a minute.
    """
    from prefect.concurrency.sync import concurrency

    name = submission_limit_name(account)
    ensure_limit(name)
    with concurrency(name, occupy=1, lease_duration=60, strict=False):
        yield


def announce_alerts(database_url: str, since: datetime) -> list:
    """One Prefect event per alert raised since ``since`` (automations notify ops); returns all open alerts."""
    from prefect.events import emit_event

    with UnitOfWork(database_url) as uow:
        alerts = uow.alerts.list(status="open")
    for alert in alerts:
        if alert.created_at < since:
            continue  # announced when it was raised; reports still list it
        emit_event(event=f"acorn.alert.{alert.kind}", resource={"prefect.resource.id": f"acorn.alert.{alert.id}",
                                                                 "acorn.account": alert.account_code},
                   payload={"subject": alert.subject, "message": alert.message, "next_step": alert.next_step,
                            "code": alert.code, "severity": alert.severity})
    return alerts
