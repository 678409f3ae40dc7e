"""The sandbox's own clock: it moves only when an operator (or a test) moves it.

Simulated time starts at ``start_of(seed)`` = 2026-03-02T14:00:00Z plus ``seed % 7`` days, so
two runs with one seed see the same purchase orders at the same simulated moments. The
clock never goes backwards: documents already accepted were accepted "in the past".
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from acorn.sandbox.errors import ClockError

EPOCH = datetime(2026, 3, 2, 14, 0, tzinfo=timezone.utc)


def start_of(seed: int) -> datetime:
    """Where simulated time begins for ``seed``."""
    return EPOCH + timedelta(days=seed % 7)


class SandboxClock:
    """A settable, forward-only UTC clock. Not thread-safe on its own: the state's lock guards it."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ClockError("the sandbox clock needs a timezone-aware start")
        self.start = start.astimezone(timezone.utc)
        self._now = self.start

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ClockError(f"advance_seconds must be >= 0, got {seconds}")
        self._now = self._now + timedelta(seconds=seconds)
        return self._now

    def set(self, moment: datetime) -> datetime:
        moment = moment.astimezone(timezone.utc)
        if moment < self._now:
            raise ClockError(f"the sandbox clock only moves forward: {moment.isoformat()} is before "
                             f"{self._now.isoformat()}")
        self._now = moment
        return self._now
