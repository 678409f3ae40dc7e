"""The day in numbers: what the demo prints and what the daily flow publishes.

Running totals over all history, counted by the database: each record type is one aggregate
query grouped by account, so every account's counts (and their sum, the key ``None``) cost the
statements of one. Rows are read only where a domain rule judges them, and only the columns the
rule needs: applied time and deadline of accepted acknowledgements
(:func:`acorn.domain.deadlines.acknowledgement_is_on_time`) and ASNs
(:func:`acorn.domain.deadlines.asn_is_on_time`), and the open shipments, held when their
:func:`gate_alert_key` alert is open.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from acorn.domain.deadlines import acknowledgement_is_on_time, asn_is_on_time
from acorn.domain.documents import DocumentKind, DocumentState
from acorn.domain.states import AlertStatus
from acorn.services.asn_keys import gate_alert_key
from acorn.services.metrics import money_sum
from acorn.services.ports import Units
from schemas.tables import (
    Acknowledgement,
    Alert,
    Carton,
    GoodsReceipt,
    Invoice,
    OutboxEntry,
    Pallet,
    PurchaseOrder,
    PurchaseOrderItem,
    Shipment,
)

ACCEPTED, FAILED, NEEDS_REVIEW = DocumentState.ACCEPTED, DocumentState.FAILED, DocumentState.NEEDS_REVIEW
#: an ASN Amazon has answered for good, or that waits for a person: neither held nor pending
_SETTLED = [str(ACCEPTED), str(FAILED), str(NEEDS_REVIEW)]


def lifecycle_counts(units: Units, account_code: str | None = None) -> dict[str, Any]:
    """Counts across the lifecycle, for one account or all of them."""
    with units() as uow:
        counts = _Totals(uow.outbox.session, account_code or None).by_account()
    return counts.get(account_code or None) or _finished(_zero())


def lifecycle_counts_by_account(units: Units,
                                account_codes: Iterable[str] = ()) -> dict[str | None, dict[str, Any]]:
    """Every account's counts and, under ``None``, all of them, in one pass (the statements of one account).

    The accounts in ``account_codes`` are there even with nothing stored (all zero).
    """
    with units() as uow:
        counts = _Totals(uow.outbox.session, None).by_account()
    return {**{code: _finished(_zero()) for code in account_codes}, **counts}


def accepted_asns(session: Any, account_code: str | None = None) -> dict[str, dict[str, int]]:
    """The ASNs Amazon accepted, per account: ``{"on_time": n, "late": n}``.

    Judged like Amazon does: the submission it applied, against the deadline (one rule); one
    accepted without a recorded submission is late. Reads two timestamps per accepted ASN.
    """
    sh = Shipment
    q = sa.select(sh.account_code, sh.asn_submitted_at, sh.asn_deadline).where(sh.status == ACCEPTED)
    if account_code:
        q = q.where(sh.account_code == account_code)
    out: dict[str, dict[str, int]] = defaultdict(lambda: {"on_time": 0, "late": 0})
    for account, sent, deadline in session.execute(q):
        out[account]["on_time" if sent is not None and asn_is_on_time(sent, deadline) else "late"] += 1
    return dict(out)


def _zero() -> dict[str, Any]:
    """The counts' shape; ``billed`` stays a number until :func:`_finished` (0 while nothing is billed)."""
    return {"purchase_orders": 0,
            "items": dict.fromkeys(("total", "accepted", "backordered", "rejected", "cancelled"), 0),
            "units": dict.fromkeys(("ordered", "accepted", "backordered", "rejected", "shipped", "received",
                                    "invoiced"), 0),
            "acknowledgements": dict.fromkeys(("accepted", "failed", "open", "late"), 0),
            "shipments": 0, "cartons": 0, "pallets": 0,
            "asns": dict.fromkeys(("on_time", "late", "failed", "needs_review", "held", "pending"), 0),
            "invoices": {"accepted": 0, "rejected": 0, "open": 0, "billed": 0},
            "receipts": {"items": 0, "fully_received": 0},
            "alerts": {"open": 0, "total": 0, "by_kind": {}},
            "submissions": {"posts": 0, "documents": 0}}


def _add(into: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """Adds ``other``'s counts into ``into``, key by key (a key missing in ``into`` counts from 0)."""
    for key, value in other.items():
        if isinstance(value, dict):
            _add(into.setdefault(key, {}), value)
        else:
            into[key] = into.get(key, 0) + value
    return into


def _finished(c: dict[str, Any]) -> dict[str, Any]:
    """The published form: money as the string of its Decimal sum, alert kinds in order."""
    c["invoices"]["billed"] = str(c["invoices"]["billed"])
    c["alerts"]["by_kind"] = dict(sorted(c["alerts"]["by_kind"].items()))
    return c


def _count_if(condition: Any) -> Any:
    return sa.func.count(sa.case((condition, 1)))


def _sum(column: Any) -> Any:
    return sa.func.coalesce(sa.func.sum(column), 0)


def _is_fully_received(receive_status: str) -> bool:
    """Amazon spells it ``RECEIVED``, ``Received`` or ``FULLY_RECEIVED`` by report; all mean the same."""
    return receive_status.upper().replace("_", "") == "RECEIVED"


class _Totals:
    """One aggregate query per record type, grouped by account (``account``: only that one)."""

    def __init__(self, session: Any, account_code: str | None) -> None:
        self.s, self.account = session, account_code
        self.c: dict[str, dict[str, Any]] = defaultdict(_zero)

    def _rows(self, q: Any, account_column: Any) -> list[Any]:
        """``q``'s rows for the account asked (all accounts when none was)."""
        return list(self.s.execute(q.where(account_column == self.account) if self.account else q).all())

    def _grouped(self, q: Any, account_column: Any, *by: Any) -> list[Any]:
        """``q`` (whose first column is ``account_column``) grouped by account, then ``by``."""
        return self._rows(q.group_by(account_column, *by), account_column)

    def by_account(self) -> dict[str | None, dict[str, Any]]:
        for count in (self._purchase_orders, self._items, self._outbox, self._late_acknowledgements,
                      self._shipments, self._asns_accepted, self._asns_open, self._cartons_and_pallets,
                      self._invoices, self._receipts, self._alerts):
            count()
        every = _zero()
        for counts in self.c.values():
            _add(every, counts)
        return {**{code: _finished(counts) for code, counts in self.c.items()}, None: _finished(every)}

    def _purchase_orders(self) -> None:
        po = PurchaseOrder
        for account, n in self._grouped(sa.select(po.account_code, sa.func.count(po.id)), po.account_code):
            self.c[account]["purchase_orders"] = n

    def _items(self) -> None:
        po, i = PurchaseOrder, PurchaseOrderItem
        q = sa.select(po.account_code, sa.func.count(i.id), _count_if(i.accepted_qty > 0),
                      _count_if(i.backordered_qty > 0), _count_if(i.rejected_qty > 0), _count_if(i.cancelled.is_(True)),
                      *(_sum(column) for column in (i.ordered_qty, i.accepted_qty, i.backordered_qty, i.rejected_qty,
                                                   i.shipped_qty, i.received_qty, i.invoiced_qty))
                      ).select_from(i).join(po, i.purchase_order_id == po.id)
        for account, *figures in self._grouped(q, po.account_code):
            c = self.c[account]
            c["items"] = dict(zip(c["items"], map(int, figures[:5])))
            c["units"] = dict(zip(c["units"], map(int, figures[5:])))

    def _outbox(self) -> None:
        """Acknowledgements by state, and every document's POSTs."""
        o = OutboxEntry
        q = sa.select(o.account_code, o.kind, o.state, sa.func.count(o.id), _sum(o.attempts))
        for account, kind, state, n, posts in self._grouped(q, o.account_code, o.kind, o.state):
            c = self.c[account]
            c["submissions"]["posts"] += int(posts)
            c["submissions"]["documents"] += n
            if kind == DocumentKind.ACKNOWLEDGEMENT:
                c["acknowledgements"][state if state in (ACCEPTED, FAILED) else "open"] += n

    def _late_acknowledgements(self) -> None:
        """Applied acknowledgements judged like Amazon does: the applied POST against the PO's 24 hours."""
        o, a = OutboxEntry, Acknowledgement
        q = (sa.select(o.account_code, o.applied_at, a.deadline).join(a, a.outbox_key == o.idempotency_key)
             .where(o.kind == DocumentKind.ACKNOWLEDGEMENT, o.state == ACCEPTED, o.applied_at.is_not(None),
                    a.deadline.is_not(None)))
        for account, applied_at, deadline in self._rows(q, o.account_code):
            self.c[account]["acknowledgements"]["late"] += not acknowledgement_is_on_time(applied_at, deadline)

    def _shipments(self) -> None:
        sh = Shipment
        q = sa.select(sh.account_code, sh.status, sa.func.count(sh.id))
        for account, status, n in self._grouped(q, sh.account_code, sh.status):
            self.c[account]["shipments"] += n
            if status in (FAILED, NEEDS_REVIEW):
                self.c[account]["asns"][status] += n

    def _asns_accepted(self) -> None:
        for account, judged in accepted_asns(self.s, self.account).items():
            _add(self.c[account]["asns"], judged)

    def _asns_open(self) -> None:
        """Open shipments (a day's worth): held when the quality gate stopped them and ops have the alert."""
        held = {key for (key,) in self._rows(sa.select(Alert.dedupe_key).where(Alert.status == AlertStatus.OPEN),
                                             Alert.account_code)}
        for (shipment,) in self._rows(sa.select(Shipment).where(Shipment.status.not_in(_SETTLED)),
                                      Shipment.account_code):
            self.c[shipment.account_code]["asns"]["held" if gate_alert_key(shipment) in held else "pending"] += 1

    def _cartons_and_pallets(self) -> None:
        sh = Shipment
        for name, table in (("cartons", Carton), ("pallets", Pallet)):
            q = sa.select(sh.account_code, sa.func.count(table.id)).select_from(table).join(
                sh, table.shipment_id == sh.id)
            for account, n in self._grouped(q, sh.account_code):
                self.c[account][name] = n

    def _invoices(self) -> None:
        inv = Invoice
        q = sa.select(inv.account_code, inv.status, sa.func.count(inv.id), sa.func.sum(inv.total))
        for account, status, n, total in self._grouped(q, inv.account_code, inv.status):
            invoices = self.c[account]["invoices"]
            invoices[{ACCEPTED: "accepted", FAILED: "rejected"}.get(status, "open")] += n
            if status == ACCEPTED:
                invoices["billed"] += money_sum(total)

    def _receipts(self) -> None:
        gr = GoodsReceipt
        q = sa.select(gr.account_code, gr.receive_status, sa.func.count(gr.id))
        for account, receive_status, n in self._grouped(q, gr.account_code, gr.receive_status):
            self.c[account]["receipts"]["items"] += n
            self.c[account]["receipts"]["fully_received"] += n if _is_fully_received(receive_status) else 0

    def _alerts(self) -> None:
        q = sa.select(Alert.account_code, Alert.status, Alert.kind, sa.func.count(Alert.id))
        for account, status, kind, n in self._grouped(q, Alert.account_code, Alert.status, Alert.kind):
            alerts = self.c[account]["alerts"]
            alerts["total"] += n
            if status == AlertStatus.OPEN:
                alerts["open"] += n
                alerts["by_kind"][kind] = alerts["by_kind"].get(kind, 0) + n
