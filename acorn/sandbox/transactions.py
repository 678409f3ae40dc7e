"""getTransaction: the asynchronous answer to every POST, and how long Amazon takes to give it.

The outcome (applied or not) is decided when the POST is processed; what a read sees is
``Processing`` until the transaction is done, then ``Success`` or ``Failure`` with the errors.
A transaction is done once both hold:

* it has been read more than ``processing_polls`` times (the sandbox's original rule, which keeps
  the ``instant`` preset, and every test written for it, as fast as before), and
* its processing time has passed on the wall clock OR on the simulated clock.

Why either clock: an operator who advances the sandbox a day expects yesterday's transactions
to be done, as they would be in Amazon; a client that polls in real time (the simulated clock
standing still, or moving with the wall) expects them done after that many real seconds. Only
the simulated clock would leave a realtime client polling for ever; only the wall clock would
make "advance a day" leave transactions open that Amazon finished hours ago.

Processing times (``ProcessingTimes``, drawn per transaction from a stream keyed by the seed, so
a scripted run sees the same times every time): lognormal around ``median_s`` with shape
``spread``, capped at ``cap_s``; plus ``long_share`` of the APPLIED documents, which Amazon has
applied but whose transaction keeps answering ``Processing`` for ``long_s`` (hours) before
``Success``. Operations in ``silent_success`` never answer ``Success`` once applied (Amazon
documents this for submitAcknowledgement and submitInvoices: ``Processing`` that has not turned
to ``Failure`` after 15 minutes means success). A transaction picked by the
``stuck_processing_rate`` fault stays ``Processing`` for ever (its document was applied all the
same, which a client can cross-check with getPurchaseOrdersStatus).
"""

from __future__ import annotations

import math
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from acorn.sandbox.errors import RuleViolation


def submit_operations() -> set[str]:
    """The POST operations a transaction can belong to: the registry's transactional submissions."""
    from acorn import spapi  # here, not at the top: `import acorn.sandbox` (the demo ERP's catalogue) stays light

    return {op.name for op in spapi.operations() if op.answers_with_transaction}


class ProcessingTimes(BaseModel):
    """How long transactions answer ``Processing``; a preset name (``PRESETS``) is accepted too.

    ``median_s`` / ``spread`` / ``cap_s``: every transaction's time is ``median_s * exp(spread * z)``,
    ``z`` standard normal, at most ``cap_s`` (a median of 0 means no waiting at all).
    ``long_share``: the share of applied documents that answer ``Processing`` for a time drawn
    uniformly from ``long_s`` instead (Amazon applied them; the status lags for hours).
    ``silent_success``: operations whose applied transactions never answer ``Success``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    median_s: float = Field(0.0, ge=0)
    spread: float = Field(0.0, ge=0, le=5)
    cap_s: float = Field(0.0, ge=0)
    long_share: float = Field(0.0, ge=0, le=1)
    long_s: tuple[float, float] = (0.0, 0.0)
    silent_success: frozenset[str] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _preset(cls, value: Any) -> Any:
        if isinstance(value, str):
            if value not in PRESETS:
                raise ValueError(f"unknown processing preset {value!r}; one of {', '.join(PRESETS)}")
            return PRESETS[value].model_dump()
        return value

    @model_validator(mode="after")
    def _coherent(self) -> ProcessingTimes:
        lo, hi = self.long_s
        if lo < 0 or hi < lo:
            raise ValueError("long_s must be [min, max] with 0 <= min <= max")
        if self.median_s > self.cap_s:
            raise ValueError("cap_s must be at least median_s")
        unknown = self.silent_success - submit_operations() if self.silent_success else set()
        if unknown:
            raise ValueError(f"silent_success names unknown operations: {', '.join(sorted(unknown))}")
        return self

    def draw(self, rng: random.Random, *, applied: bool) -> float:
        """Seconds this transaction answers ``Processing``.

        Always three draws, whatever the settings and the outcome, so the n-th transaction of a
        run gets the same time whichever documents came before it succeeded or failed.
        """
        z, long_pick, long_at = rng.gauss(0.0, 1.0), rng.random(), rng.random()
        if applied and long_pick < self.long_share:
            lo, hi = self.long_s
            return lo + (hi - lo) * long_at
        if self.median_s == 0:
            return 0.0
        return min(self.cap_s, self.median_s * math.exp(self.spread * z))


_REALISTIC: dict[str, Any] = {"median_s": 20.0, "spread": 1.5, "cap_s": 900.0, "long_share": 0.01,
                              "long_s": (3600.0, 6 * 3600.0)}
#: ``instant``: done once ``processing_polls`` reads have answered Processing (the default; tests and the
#: demo stay fast). ``realistic``: most transactions take seconds to minutes, failures always come within
#: 15 minutes, ~1% of applied documents answer Processing for 1-6 hours. ``documented``: ``realistic``,
#: and applied acknowledgements and invoices never answer Success, as Amazon's docs say.
PRESETS: dict[str, ProcessingTimes] = {
    "instant": ProcessingTimes(),
    "realistic": ProcessingTimes(**_REALISTIC),
    "documented": ProcessingTimes(**_REALISTIC, silent_success=frozenset({"submitAcknowledgement",
                                                                          "submitInvoices"})),
}


@dataclass
class Transaction:
    transaction_id: str
    operation: str
    created_at: datetime
    violations: list[RuleViolation]
    stuck: bool = False
    reads: int = 0
    business_ids: list[str] = field(default_factory=list)
    processing_s: float = 0.0  # how long it answers Processing (math.inf: never finishes)
    opened_wall: float = 0.0  # the wall clock (monotonic) when it was opened

    @property
    def outcome(self) -> str:
        return "Failure" if self.violations else "Success"


class TransactionBook:
    """Every transaction of the run; ``sim_now`` reads the sandbox clock, ``wall`` a monotonic clock."""

    def __init__(self, seed: int, processing_polls: int, times: ProcessingTimes | None = None, *,
                 sim_now: Callable[[], datetime] | None = None, wall: Callable[[], float] = time.monotonic) -> None:
        self._rng = random.Random(f"acorn-sandbox-transactions:{seed}")
        # a stream of its own: transaction ids stay what they were before processing times existed
        self._times_rng = random.Random(f"acorn-sandbox-transaction-times:{seed}")
        self.processing_polls = processing_polls
        self.times = times or ProcessingTimes()
        self._sim_now = sim_now
        self._wall = wall
        self.by_id: dict[str, Transaction] = {}

    def open(self, operation: str, *, now: datetime, violations: list[RuleViolation], stuck: bool,
             business_ids: list[str]) -> Transaction:
        guid = uuid.UUID(int=self._rng.getrandbits(128), version=4)
        tid = f"{now:%Y%m%d%H%M%S}-{guid}"
        applied = not violations
        seconds = self.times.draw(self._times_rng, applied=applied)
        if applied and operation in self.times.silent_success:
            seconds = math.inf
        txn = Transaction(tid, operation, now, violations, stuck=stuck, business_ids=business_ids,
                          processing_s=seconds, opened_wall=self._wall())
        self.by_id[tid] = txn
        return txn

    def done(self, txn: Transaction, *, now: datetime | None = None) -> bool:
        """Its processing time has passed on the wall clock or on the simulated clock (reads aside)."""
        if txn.stuck or math.isinf(txn.processing_s):
            return False
        if txn.processing_s <= 0 or self._wall() - txn.opened_wall >= txn.processing_s:
            return True
        sim = now or (self._sim_now() if self._sim_now else None)
        return sim is not None and (sim - txn.created_at).total_seconds() >= txn.processing_s

    def read(self, transaction_id: str) -> dict[str, Any] | None:
        """The ``Transaction`` wire object for one read (each read counts), or ``None`` if unknown."""
        txn = self.by_id.get(transaction_id)
        if txn is None:
            return None
        txn.reads += 1
        if txn.reads <= self.processing_polls or not self.done(txn):
            return {"transactionId": txn.transaction_id, "status": "Processing"}
        out: dict[str, Any] = {"transactionId": txn.transaction_id, "status": txn.outcome}
        if txn.violations:
            out["errors"] = [v.as_error() for v in txn.violations]
        return out
