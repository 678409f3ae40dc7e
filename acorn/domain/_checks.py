"""Guards shared by the domain's value types: aware UTC time, Decimal money, counts.

They fail with the record and field named, so a bad row from the ERP or from Amazon is
reported where it enters the domain rather than deep inside a calculation.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

from acorn.domain.errors import InvalidRecord, NaiveDatetime

_CURRENCY = re.compile(r"^[A-Z]{3}$")


def utc(value: datetime, *, record: str | None, field: str) -> datetime:
    """``value`` converted to UTC; a naive datetime is refused, never guessed."""
    if not isinstance(value, datetime):
        raise InvalidRecord(f"expected a datetime, got {type(value).__name__}", record=record, field=field)
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetime("datetime has no time zone; pass an aware (UTC) datetime", record=record, field=field)
    return value.astimezone(UTC)


def decimal(value: Decimal, *, record: str | None, field: str, minimum: Decimal | None = Decimal(0)) -> Decimal:
    """``value`` as a finite Decimal not below ``minimum``; floats are refused (binary rounding)."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise InvalidRecord(f"expected a Decimal, got {type(value).__name__}", record=record, field=field)
    value = Decimal(value)
    if not value.is_finite():
        raise InvalidRecord(f"{value} is not a finite amount", record=record, field=field)
    if minimum is not None and value < minimum:
        raise InvalidRecord(f"{value} is below {minimum}", record=record, field=field)
    return value


def count(value: int, *, record: str | None, field: str, minimum: int = 0) -> int:
    """``value`` as a whole number of units not below ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidRecord(f"expected a whole number, got {value!r}", record=record, field=field)
    if value < minimum:
        raise InvalidRecord(f"{value} is below {minimum}", record=record, field=field)
    return value


def currency(value: str, *, record: str | None, field: str = "currency") -> str:
    """An ISO 4217 code such as ``USD``."""
    if not isinstance(value, str) or not _CURRENCY.match(value):
        raise InvalidRecord(f"{value!r} is not an ISO 4217 currency code", record=record, field=field)
    return value


def text(value: str, *, record: str | None, field: str) -> str:
    """A non-blank identifier (PO number, SKU, ...)."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidRecord("must be a non-empty string", record=record, field=field)
    return value
