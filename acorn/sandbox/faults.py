"""Injected trouble, set by operators through ``POST /_sandbox/faults``.

``throttle_rate``: extra random 429s; ``error_rate``: random 500 / 503; ``latency_ms``:
``[min, max]`` added to every SP-API answer; ``drop_after_commit_rate``: a POST is applied
and its answer never delivered (the connection is closed); ``stuck_processing_rate``: the
transaction stays ``Processing``; ``missing_receiving_status_rate``: an item's
``receivingStatus`` is left out of getPurchaseOrdersStatus; ``report_fatal_rate`` /
``report_cancelled_rate``: a report created ends ``FATAL`` (after processing) or ``CANCELLED``
(before it starts), as Amazon's reports sometimes do. Rates are fractions 0..1; ``{}``
clears them all. Draws come from one random stream seeded by the sandbox seed, so a
scripted session sees the same faults on every run.
"""

from __future__ import annotations

import random

from pydantic import BaseModel, ConfigDict, Field, field_validator


class FaultSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    throttle_rate: float = Field(0.0, ge=0, le=1)
    error_rate: float = Field(0.0, ge=0, le=1)
    latency_ms: tuple[int, int] = (0, 0)
    drop_after_commit_rate: float = Field(0.0, ge=0, le=1)
    stuck_processing_rate: float = Field(0.0, ge=0, le=1)
    missing_receiving_status_rate: float = Field(0.0, ge=0, le=1)
    report_fatal_rate: float = Field(0.0, ge=0, le=1)
    report_cancelled_rate: float = Field(0.0, ge=0, le=1)

    @field_validator("latency_ms")
    @classmethod
    def _ordered(cls, v: tuple[int, int]) -> tuple[int, int]:
        if v[0] < 0 or v[1] < v[0]:
            raise ValueError("latency_ms must be [min, max] with 0 <= min <= max")
        return v


class Faults:
    def __init__(self, seed: int) -> None:
        self.settings = FaultSettings()
        self._rng = random.Random(f"acorn-sandbox-faults:{seed}")

    def configure(self, settings: FaultSettings) -> None:
        self.settings = settings

    def _hit(self, rate: float) -> bool:
        return rate > 0 and self._rng.random() < rate

    def throttle(self) -> bool:
        return self._hit(self.settings.throttle_rate)

    def server_error(self) -> int | None:
        if self._hit(self.settings.error_rate):
            return self._rng.choice((500, 503))
        return None

    def latency_seconds(self) -> float:
        lo, hi = self.settings.latency_ms
        return 0.0 if hi == 0 else self._rng.uniform(lo, hi) / 1000

    def drop_after_commit(self) -> bool:
        return self._hit(self.settings.drop_after_commit_rate)

    def stuck(self) -> bool:
        return self._hit(self.settings.stuck_processing_rate)

    def omit_receiving(self) -> bool:
        return self._hit(self.settings.missing_receiving_status_rate)

    def report_failure(self) -> str | None:
        """``FATAL``, ``CANCELLED`` or None (the report will be DONE), one draw per report created."""
        if self._hit(self.settings.report_fatal_rate):
            return "FATAL"
        return "CANCELLED" if self._hit(self.settings.report_cancelled_rate) else None
