"""The sandbox's own clock: simulated business time, standing still or flowing.

Simulated time starts at ``start_of(seed)`` = 2026-03-02T14:00:00Z plus ``seed % 7`` days (or
at a configured start), so two runs with one seed see the same purchase orders at the same
simulated moments. How it moves afterwards is the clock's *mode*:

* ``manual`` (default): it moves only when an operator (or a test) moves it;
* ``realtime``: it follows the wall clock from the start, one simulated second per real second,
  so a client polling on a schedule sees orders arrive without anyone driving the clock;
* ``speed=N``: N simulated seconds per real second (``speed=1440``: a day a minute).

In every mode an operator may still jump forward (``advance`` / ``set``): the offset jumps, then
time keeps flowing from there. The clock never goes backwards: documents already accepted were
accepted "in the past". Flowing time is counted in whole milliseconds (what Amazon's timestamps
and ``timefmt.iso`` carry), so a moment read back over HTTP is never later than the clock.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from acorn.sandbox.errors import ClockError

EPOCH = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
MAX_SPEED = 1_000_000.0  # ~11.6 simulated days per real second; far beyond any rehearsal's need


def start_of(seed: int) -> datetime:
    """Where simulated time begins for ``seed``."""
    return EPOCH + timedelta(days=seed % 7)


@dataclass(frozen=True)
class ClockMode:
    """How simulated time moves on its own: ``rate`` simulated seconds per wall second (0: not at all)."""

    name: str
    rate: float


MANUAL = ClockMode("manual", 0.0)
REALTIME = ClockMode("realtime", 1.0)


def parse_clock_mode(text: str) -> ClockMode:
    """``manual``, ``realtime`` or ``speed=N`` (N > 0) → the mode; ``ValueError`` saying what is accepted."""
    raw = text.strip().lower() if isinstance(text, str) else ""
    if raw == MANUAL.name:
        return MANUAL
    if raw == REALTIME.name:
        return REALTIME
    if raw.startswith("speed="):
        try:
            speed = float(raw.removeprefix("speed="))
        except ValueError:
            speed = math.nan
        if math.isfinite(speed) and 0 < speed <= MAX_SPEED:
            return ClockMode(f"speed={speed:g}", speed)
    raise ValueError(f"clock mode {text!r} is not one of: manual, realtime, speed=N "
                     f"(N simulated seconds per real second, 0 < N <= {MAX_SPEED:g})")


class SandboxClock:
    """A forward-only UTC clock in one mode. Not thread-safe on its own: the state's lock guards it.

    ``now = start + jumps + flowed``, where ``flowed`` is the wall time since the clock was built
    times the mode's rate. ``wall`` is injectable so tests of the arithmetic need not sleep.
    """

    def __init__(self, start: datetime, *, mode: ClockMode = MANUAL,
                 wall: Callable[[], float] = time.monotonic) -> None:
        if start.tzinfo is None:
            raise ClockError("the sandbox clock needs a timezone-aware start")
        self.start = start.astimezone(UTC)
        self.mode = mode
        self._wall = wall
        self._anchor = wall()
        self._jumped = timedelta(0)

    def now(self) -> datetime:
        return self.start + self._jumped + self._flowed()

    def _flowed(self) -> timedelta:
        if not self.mode.rate:
            return timedelta(0)
        return timedelta(milliseconds=math.floor((self._wall() - self._anchor) * self.mode.rate * 1000))

    def advance(self, seconds: float) -> datetime:
        if not math.isfinite(seconds) or seconds < 0:
            raise ClockError(f"advance_seconds must be a finite number >= 0, got {seconds}")
        self._jumped += timedelta(seconds=seconds)
        return self.now()

    def set(self, moment: datetime) -> datetime:
        moment = moment.astimezone(UTC)
        now = self.now()
        if moment < now:
            raise ClockError(f"the sandbox clock only moves forward: {moment.isoformat()} is before "
                             f"{now.isoformat()}")
        self._jumped += moment - now
        return moment
