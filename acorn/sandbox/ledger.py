"""Everything the simulated Amazon was sent, by business id: the proof of "no duplicates, nothing lost".

One entry per purchase order number (acknowledgements), ``shipmentIdentifier`` (shipment
confirmations) and invoice id: ``submissions`` counts every transaction that carried it
(202 answers; gateway 400s never became transactions), ``accepted`` those that were applied
(an ASN's ``Replace`` is one more accepted submission of the same entry). ``status`` is
``Accepted`` once any submission was applied, else ``Rejected``.

What an applied submission adds (``extra``, built in ``acorn.sandbox.submissions``): an
acknowledgement its ``acknowledgementDeadline`` (the PO's creation + ``ack_deadline_hours``)
and ``late`` (applied after it, by the sandbox clock); an ASN ``late`` and its dates; an invoice
its type, date, total and reference. Lateness is recorded, never refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from acorn.sandbox.timefmt import iso

#: ``shipments``: SubmitShipments routing requests by ``vendorShipmentIdentifier`` (a Cancel or an update
#: is one more accepted submission of the same entry)
KINDS = ("acknowledgements", "shipmentConfirmations", "invoices", "shipments")


@dataclass
class LedgerEntry:
    id: str
    submissions: int = 0
    accepted: int = 0
    transaction_ids: list[str] = field(default_factory=list)
    last_submitted_at: datetime | None = None
    last_error_codes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return "Accepted" if self.accepted else "Rejected"

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "submissions": self.submissions, "accepted": self.accepted,
                               "status": self.status, "transactionIds": list(self.transaction_ids),
                               "lastSubmittedAt": iso(self.last_submitted_at) if self.last_submitted_at else None,
                               "lastErrorCodes": list(self.last_error_codes)}
        out.update(self.extra)
        return out


class Ledger:
    def __init__(self) -> None:
        self.entries: dict[str, dict[str, LedgerEntry]] = {kind: {} for kind in KINDS}

    def record(self, kind: str, business_id: str, *, transaction_id: str, at: datetime, accepted: bool,
               error_codes: list[str], extra: dict[str, Any] | None = None) -> LedgerEntry:
        entry = self.entries[kind].setdefault(business_id, LedgerEntry(business_id))
        entry.submissions += 1
        entry.transaction_ids.append(transaction_id)
        entry.last_submitted_at = at
        entry.last_error_codes = list(error_codes)
        if accepted:
            entry.accepted += 1
            if extra:
                entry.extra.update(extra)
        return entry

    def snapshot(self) -> dict[str, list[dict[str, Any]]]:
        return {kind: [e.as_json() for e in self.entries[kind].values()] for kind in KINDS}
