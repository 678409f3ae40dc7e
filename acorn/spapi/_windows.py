"""Cut a long date window into the 7-day pieces getPurchaseOrders accepts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

MAX_WINDOW = timedelta(days=7)


def utc(value: datetime, *, name: str) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"{name} must be timezone-aware (got naive {value.isoformat()})")
    return value.astimezone(UTC)


def wire_time(value: datetime) -> str:
    value = value.astimezone(UTC)
    spec = "milliseconds" if value.microsecond else "seconds"
    return value.isoformat(timespec=spec).replace("+00:00", "Z")


def split_window(after: datetime | None, before: datetime | None, *, span: timedelta = MAX_WINDOW,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> Iterator[tuple[datetime | None,
                                                                                        datetime | None]]:
    """Consecutive ``(after, before)`` pieces of at most ``span`` covering the window, oldest first.

    Pieces touch (one's ``before`` is the next one's ``after``), so nothing falls in a gap;
    the caller removes the rare duplicate at a boundary. An open end (``before=None``) stays
    open on the last piece, so the server's own clock decides what "now" is: that matters
    against the sandbox, whose clock is not the wall clock. Only the pieces before it use
    the local clock to know how far to cut.
    """
    if after is None:
        yield after, before
        return
    end = before if before is not None else now()
    if end <= after:
        yield after, before
        return
    start = after
    while end - start > span:
        yield start, start + span
        start = start + span
    yield start, before
