"""Amazon's timestamps: ISO-8601 in UTC with a ``Z``; naive inputs are read as UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def iso(moment: datetime) -> str:
    """``2026-03-02T14:00:00Z`` (milliseconds only when there are some)."""
    moment = moment.astimezone(UTC)
    if moment.microsecond:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    """Parse an ISO-8601 timestamp; raise ``ValueError`` naming the text when it is not one."""
    if not isinstance(text, str) or "T" not in text:
        raise ValueError(f"{text!r} is not an ISO-8601 date-time")
    try:
        moment = datetime.fromisoformat(text.strip().replace("z", "Z"))
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO-8601 date-time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
