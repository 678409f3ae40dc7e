"""What every flow needs: the business time and the accounts to run."""

from __future__ import annotations

from datetime import datetime, timezone

from acorn import runtime


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
