"""What a chaos run is judged on, from the sandbox's ledger and Acorn's own store.

Pure functions over plain data (the ledger JSON, outbox rows, open alert keys), so the
judgement itself is tested without any process; :func:`read_store` is the one place that
reads Acorn's database, with plain SQL through :class:`acorn.store.UnitOfWork`.

- **accepted twice**: a business id the ledger shows applied more than once. For an
  acknowledgement or an invoice, ``accepted > 1``; for an ASN, ``accepted > 1 + r`` where
  ``r`` is the number of ``Replace`` confirmations Acorn queued for that shipment (a
  Replace is a legitimate second acceptance of the same identifier).
- **posted more than once**: ledger ``submissions > 1``. Not a failure by itself: a lost
  answer is resolved by posting the identical document once more, which Amazon refuses
  as a duplicate. Shown so the cost of the faults is visible.
- **accepted but never invoiced**: an ASN the ledger shows accepted with no accepted
  invoice in the ledger whose ``referenceNumber`` (Acorn sets it to the shipment
  identifier) names it. Those that at least carry an open alert are counted apart too,
  for the reader; the check counts them all.
- **non-final without alert**: an outbox row whose state is neither ``accepted`` nor
  ``failed`` and for which no open alert has a ``dedupe_key`` ending in ``:<its
  idempotency key>``: a document that stopped moving and nobody was told.
- **late**: Acorn's count (``lifecycle_counts(db)["asns"]["late"]``) against the ledger's
  (accepted shipment confirmations with ``late`` true). They must agree.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from acorn.domain.documents import FINAL, DocumentKind
from acorn.domain.states import AlertStatus

#: outbox kind → ledger kind
LEDGER_KIND = {DocumentKind.ACKNOWLEDGEMENT: "acknowledgements",
               DocumentKind.SHIPMENT_CONFIRMATION: "shipmentConfirmations", DocumentKind.INVOICE: "invoices"}
LABEL = {"acknowledgement": "acknowledgements", "shipment_confirmation": "ASNs", "invoice": "invoices"}


@dataclass(frozen=True)
class OutboxRow:
    kind: str
    key: str
    business_id: str
    state: str
    payload: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass
class StoreFigures:
    documents: dict[str, dict[str, int]]         # kind → {"total", state: n}
    accepted_twice: dict[str, list[str]]          # ledger kind → ids
    posted_more_than_once: dict[str, int]         # ledger kind → n
    never_invoiced: list[str]                     # shipment ids
    never_invoiced_alerted: list[str]
    non_final_without_alert: list[str]            # outbox keys (with state)
    late_acorn: int
    late_ledger: int
    ledger_documents: dict[str, int] = field(default_factory=dict)
    ledger_accepted: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "ledger_documents": self.ledger_documents,
            "ledger_accepted": self.ledger_accepted,
            "accepted_twice": {k: len(v) for k, v in self.accepted_twice.items()},
            "accepted_twice_ids": self.accepted_twice,
            "posted_more_than_once": self.posted_more_than_once,
            "accepted_but_never_invoiced": len(self.never_invoiced),
            "accepted_but_never_invoiced_ids": self.never_invoiced,
            "accepted_but_never_invoiced_alerted": len(self.never_invoiced_alerted),
            "non_final_without_alert": len(self.non_final_without_alert),
            "non_final_without_alert_keys": self.non_final_without_alert,
            "late_by_acorn": self.late_acorn,
            "late_by_ledger": self.late_ledger,
        }


def replace_counts(rows: list[OutboxRow]) -> Counter[str]:
    """Replace confirmations Acorn queued, per shipment identifier."""
    counts: Counter[str] = Counter()
    for row in rows:
        if row.kind != DocumentKind.SHIPMENT_CONFIRMATION:
            continue
        for doc in (row.payload or {}).get("shipmentConfirmations") or []:
            if isinstance(doc, dict) and doc.get("shipmentConfirmationType") == "Replace":
                counts[str(doc.get("shipmentIdentifier") or row.business_id)] += 1
    return counts


def accepted_twice(ledger: dict[str, list[dict[str, Any]]], replaces: Counter[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for kind, entries in ledger.items():
        allowed = (lambda e: 1 + replaces.get(e["id"], 0)) if kind == "shipmentConfirmations" else (lambda e: 1)
        out[kind] = sorted(e["id"] for e in entries if e.get("accepted", 0) > allowed(e))
    return out


def never_invoiced(ledger: dict[str, list[dict[str, Any]]]) -> list[str]:
    """ASNs the ledger shows accepted without an accepted invoice referencing them."""
    invoiced = {str(e.get("referenceNumber")) for e in ledger.get("invoices", [])
                if e.get("accepted", 0) >= 1 and e.get("invoiceType", "Invoice") == "Invoice"
                and e.get("referenceNumber")}
    return sorted(e["id"] for e in ledger.get("shipmentConfirmations", [])
                  if e.get("accepted", 0) >= 1 and e["id"] not in invoiced)


def non_final_without_alert(rows: list[OutboxRow], open_alert_keys: list[str]) -> list[str]:
    alerted = set()
    for dedupe_key in open_alert_keys:
        # "outbox-stuck:asn:X:r0" ends with ":" + "asn:X:r0"; index every ":"-suffix once
        for i, ch in enumerate(dedupe_key):
            if ch == ":":
                alerted.add(dedupe_key[i + 1:])
    return sorted(f"{r.key} ({r.state})" for r in rows if r.state not in FINAL and r.key not in alerted)


def alerted_shipments(rows: list[OutboxRow], open_alert_keys: list[str]) -> set[str]:
    """Shipment identifiers with an open alert on any of their outbox rows or by name."""
    keys_by_shipment: dict[str, set[str]] = {}
    for r in rows:
        if r.kind == DocumentKind.SHIPMENT_CONFIRMATION:
            keys_by_shipment.setdefault(r.business_id, set()).add(r.key)
    out = set()
    for sid, keys in keys_by_shipment.items():
        if any(k.endswith(f":{key}") for k in open_alert_keys for key in keys) or any(
                k.endswith(f":{sid}") for k in open_alert_keys):
            out.add(sid)
    return out


def judge(ledger: dict[str, list[dict[str, Any]]], rows: list[OutboxRow], open_alert_keys: list[str], *,
          late_acorn: int) -> StoreFigures:
    documents: dict[str, dict[str, int]] = {}
    for row in rows:
        d = documents.setdefault(row.kind, {"total": 0})
        d["total"] += 1
        d[row.state] = d.get(row.state, 0) + 1
    missing = never_invoiced(ledger)
    alerted = alerted_shipments(rows, open_alert_keys)
    return StoreFigures(
        documents=documents,
        accepted_twice=accepted_twice(ledger, replace_counts(rows)),
        posted_more_than_once={kind: sum(e.get("submissions", 0) > 1 for e in entries)
                               for kind, entries in ledger.items()},
        never_invoiced=missing,
        never_invoiced_alerted=[sid for sid in missing if sid in alerted],
        non_final_without_alert=non_final_without_alert(rows, open_alert_keys),
        late_acorn=late_acorn,
        late_ledger=sum(bool(e.get("late")) for e in ledger.get("shipmentConfirmations", [])
                        if e.get("accepted", 0) >= 1),
        ledger_documents={kind: len(entries) for kind, entries in ledger.items()},
        ledger_accepted={kind: sum(e.get("accepted", 0) >= 1 for e in entries) for kind, entries in ledger.items()},
    )


def read_store(database_url: str) -> tuple[list[OutboxRow], list[str], int]:
    """Outbox rows, open alert dedupe keys and Acorn's late-ASN count, read from the store."""
    import sqlalchemy as sa

    from acorn.services.summary import lifecycle_counts
    from acorn.store import UnitOfWork
    from acorn.store.uow import units

    with UnitOfWork(database_url) as uow:
        s = uow.outbox.session
        rows = [OutboxRow(kind=kind, key=key, business_id=bid, state=state, payload=_json(payload))
                for kind, key, bid, state, payload in s.execute(sa.text(
                    "SELECT kind, idempotency_key, business_id, state, payload FROM outbox ORDER BY id"))]
        alerts = [key for (key,) in s.execute(sa.text("SELECT dedupe_key FROM alert WHERE status = :open"),
                                               {"open": AlertStatus.OPEN.value})]
    late = int(lifecycle_counts(units(database_url))["asns"]["late"])
    return rows, alerts, late


def _json(value: Any) -> dict[str, Any]:
    if isinstance(value, (bytes, str)):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}
