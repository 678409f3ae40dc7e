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
from sqlalchemy.orm import Mapped, Session
from sqlmodel import col

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
#: an aggregate query before it is narrowed to one account and grouped (:class:`_Totals`)
_Query = sa.Select[*tuple[Any, ...]]
_Rows = list[sa.Row[*tuple[Any, ...]]]


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


def accepted_asns(session: Session, account_code: str | None = None) -> dict[str, dict[str, int]]:
    """The ASNs Amazon accepted, per account: ``{"on_time": n, "late": n}``.

    Judged like Amazon does: the submission it applied, against the deadline (one rule); one
    accepted without a recorded submission is late. Reads two timestamps per accepted ASN.
    """
    sh = Shipment
    q = (sa.select(col(sh.account_code), col(sh.asn_submitted_at), col(sh.asn_deadline))
         .where(col(sh.status) == ACCEPTED))
    if account_code:
        q = q.where(col(sh.account_code) == account_code)
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


def _count_if(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.count(sa.case((condition, 1)))


def _sum(column: Mapped[int]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(column), 0)


def _is_fully_received(receive_status: str) -> bool:
    """Amazon spells it ``RECEIVED``, ``Received`` or ``FULLY_RECEIVED`` by report; all mean the same."""
    return receive_status.upper().replace("_", "") == "RECEIVED"


class _Totals:
    """One aggregate query per record type, grouped by account (``account``: only that one)."""

    def __init__(self, session: Session, account_code: str | None) -> None:
        self.s, self.account = session, account_code
        self.c: dict[str, dict[str, Any]] = defaultdict(_zero)

    def _rows(self, q: _Query, account_column: Mapped[str | None]) -> _Rows:
        """``q``'s rows for the account asked (all accounts when none was)."""
        return list(self.s.execute(q.where(account_column == self.account) if self.account else q).all())

    def _grouped(self, q: _Query, account_column: Mapped[str | None], *by: Mapped[Any]) -> _Rows:
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
        q = sa.select(col(po.account_code), sa.func.count(col(po.id)))
        for account, n in self._grouped(q, col(po.account_code)):
            self.c[account]["purchase_orders"] = n

    def _items(self) -> None:
        po, i = PurchaseOrder, PurchaseOrderItem
        q = sa.select(col(po.account_code), sa.func.count(col(i.id)), _count_if(col(i.accepted_qty) > 0),
                      _count_if(col(i.backordered_qty) > 0), _count_if(col(i.rejected_qty) > 0),
                      _count_if(col(i.cancelled).is_(True)),
                      *(_sum(col(column)) for column in (i.ordered_qty, i.accepted_qty, i.backordered_qty,
                                                        i.rejected_qty, i.shipped_qty, i.received_qty, i.invoiced_qty))
                      ).select_from(i).join(po, col(i.purchase_order_id) == col(po.id))
        for account, *figures in self._grouped(q, col(po.account_code)):
            c = self.c[account]
            c["items"] = dict(zip(c["items"], map(int, figures[:5])))
            c["units"] = dict(zip(c["units"], map(int, figures[5:])))

    def _outbox(self) -> None:
        """Acknowledgements by state, and every document's POSTs."""
        o = OutboxEntry
        q = sa.select(col(o.account_code), col(o.kind), col(o.state), sa.func.count(col(o.id)), _sum(col(o.attempts)))
        for account, kind, state, n, posts in self._grouped(q, col(o.account_code), col(o.kind), col(o.state)):
            c = self.c[account]
            c["submissions"]["posts"] += int(posts)
            c["submissions"]["documents"] += n
            if kind == DocumentKind.ACKNOWLEDGEMENT:
                c["acknowledgements"][state if state in (ACCEPTED, FAILED) else "open"] += n

    def _late_acknowledgements(self) -> None:
        """Applied acknowledgements judged like Amazon does: the applied POST against the PO's 24 hours."""
        o, a = OutboxEntry, Acknowledgement
        q = (sa.select(col(o.account_code), col(o.applied_at), col(a.deadline))
             .join(a, col(a.outbox_key) == col(o.idempotency_key))
             .where(col(o.kind) == DocumentKind.ACKNOWLEDGEMENT, col(o.state) == ACCEPTED,
                    col(o.applied_at).is_not(None), col(a.deadline).is_not(None)))
        for account, applied_at, deadline in self._rows(q, col(o.account_code)):
            self.c[account]["acknowledgements"]["late"] += not acknowledgement_is_on_time(applied_at, deadline)

    def _shipments(self) -> None:
        sh = Shipment
        q = sa.select(col(sh.account_code), col(sh.status), sa.func.count(col(sh.id)))
        for account, status, n in self._grouped(q, col(sh.account_code), col(sh.status)):
            self.c[account]["shipments"] += n
            if status in (FAILED, NEEDS_REVIEW):
                self.c[account]["asns"][status] += n

    def _asns_accepted(self) -> None:
        for account, judged in accepted_asns(self.s, self.account).items():
            _add(self.c[account]["asns"], judged)

    def _asns_open(self) -> None:
        """Open shipments (a day's worth): held when the quality gate stopped them and ops have the alert."""
        open_alerts = sa.select(col(Alert.dedupe_key)).where(col(Alert.status) == AlertStatus.OPEN)
        held = {key for (key,) in self._rows(open_alerts, col(Alert.account_code))}
        for (shipment,) in self._rows(sa.select(Shipment).where(col(Shipment.status).not_in(_SETTLED)),
                                      col(Shipment.account_code)):
            self.c[shipment.account_code]["asns"]["held" if gate_alert_key(shipment) in held else "pending"] += 1

    def _cartons_and_pallets(self) -> None:
        sh = Shipment
        for name, table in (("cartons", Carton), ("pallets", Pallet)):
            q = sa.select(col(sh.account_code), sa.func.count(col(table.id))).select_from(table).join(
                sh, col(table.shipment_id) == col(sh.id))
            for account, n in self._grouped(q, col(sh.account_code)):
                self.c[account][name] = n

    def _invoices(self) -> None:
        inv = Invoice
        q = sa.select(col(inv.account_code), col(inv.status), sa.func.count(col(inv.id)), sa.func.sum(col(inv.total)))
        for account, status, n, total in self._grouped(q, col(inv.account_code), col(inv.status)):
            invoices = self.c[account]["invoices"]
            invoices[{ACCEPTED: "accepted", FAILED: "rejected"}.get(status, "open")] += n
            if status == ACCEPTED:
                invoices["billed"] += money_sum(total)

    def _receipts(self) -> None:
        gr = GoodsReceipt
        q = sa.select(col(gr.account_code), col(gr.receive_status), sa.func.count(col(gr.id)))
        for account, receive_status, n in self._grouped(q, col(gr.account_code), col(gr.receive_status)):
            self.c[account]["receipts"]["items"] += n
            self.c[account]["receipts"]["fully_received"] += n if _is_fully_received(receive_status) else 0

    def _alerts(self) -> None:
        q = sa.select(col(Alert.account_code), col(Alert.status), col(Alert.kind), sa.func.count(col(Alert.id)))
        for account, status, kind, n in self._grouped(q, col(Alert.account_code), col(Alert.status),
                                                     col(Alert.kind)):
            alerts = self.c[account]["alerts"]
            alerts["total"] += n
            if status == AlertStatus.OPEN:
                alerts["open"] += n
                alerts["by_kind"][kind] = alerts["by_kind"].get(kind, 0) + n
