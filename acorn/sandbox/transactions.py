"""getTransaction: the asynchronous answer to every POST.

The outcome is decided when the POST is processed; reads see ``Processing`` for the first
``processing_polls`` reads, then ``Success`` or ``Failure`` with the errors. A transaction
picked by the ``stuck_processing_rate`` fault stays ``Processing`` for ever (its document was
applied all the same, which a client can cross-check with getPurchaseOrdersStatus).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from acorn.sandbox.errors import RuleViolation


@dataclass
class Transaction:
    transaction_id: str
    operation: str
    created_at: datetime
    violations: list[RuleViolation]
    stuck: bool = False
    reads: int = 0
    business_ids: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        return "Failure" if self.violations else "Success"


class TransactionBook:
    def __init__(self, seed: int, processing_polls: int) -> None:
        self._rng = random.Random(f"acorn-sandbox-transactions:{seed}")
        self.processing_polls = processing_polls
        self.by_id: dict[str, Transaction] = {}

    def open(self, operation: str, *, now: datetime, violations: list[RuleViolation], stuck: bool,
             business_ids: list[str]) -> Transaction:
        guid = uuid.UUID(int=self._rng.getrandbits(128), version=4)
        tid = f"{now:%Y%m%d%H%M%S}-{guid}"
        txn = Transaction(tid, operation, now, violations, stuck=stuck, business_ids=business_ids)
        self.by_id[tid] = txn
        return txn

    def read(self, transaction_id: str) -> dict[str, Any] | None:
        """The ``Transaction`` wire object for one read (each read counts), or ``None`` if unknown."""
        txn = self.by_id.get(transaction_id)
        if txn is None:
            return None
        txn.reads += 1
        if txn.stuck or txn.reads <= self.processing_polls:
            return {"transactionId": txn.transaction_id, "status": "Processing"}
        out: dict[str, Any] = {"transactionId": txn.transaction_id, "status": txn.outcome}
        if txn.violations:
            out["errors"] = [v.as_error() for v in txn.violations]
        return out
