"""The picture of the day (`acorn status`): what is open, what is due, what is late.

A read model: a few set-based queries in one unit of work, nothing written. Lateness and
deadlines come from the rules that already decide them elsewhere, never re-derived here:

* acknowledgement deadline — the one stored with the decision, else
  :func:`acorn.domain.deadlines.acknowledgement_deadline` of the order date (Amazon's 24 h);
* ASN on time or late — :func:`acorn.domain.deadlines.asn_is_on_time` on the submission
  Amazon applied, exactly as :mod:`acorn.services.summary` counts it;
* ASN overdue — past ``asn_deadline`` with no ASN sent, as the invariant sweep alerts it;
* held by the gate — an open :func:`acorn.services.asn_keys.gate_alert_key` alert;
* waiting for the truck — not yet departed, or collect freight awaiting Amazon's carrier
  (:func:`acorn.services.asn_keys.awaiting_carrier`).

Shipments listed are the ones ops act on: not yet accepted by Amazon, or with an open alert. An
accepted shipment with nothing open is history: counted (on time or late, every day's), not listed,
so the list is a day's worth however long Acorn has run.

``as_of`` is the clock the deadlines are measured against; the records are as stored now.
A pending transaction's age is wall-clock time since its row was written (``created_at`` is
stamped by the wall clock), so a rehearsal on business time still shows how long it waited.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col, select

from acorn.domain.deadlines import acknowledgement_deadline, asn_is_on_time
from acorn.domain.documents import FINAL, DocumentState
from acorn.domain.states import AlertStatus, ShipmentStatus
from acorn.services.asn_keys import awaiting_carrier, gate_alert_key
from acorn.services.ports import Units
from acorn.services.summary import accepted_asns
from schemas.tables import Acknowledgement, Alert, OutboxEntry, PurchaseOrder, PurchaseOrderItem, Shipment, utcnow

S = DocumentState
#: a query narrowed to one account or not, whatever it selects
_Query = TypeVar("_Query", bound=sa.Select[*tuple[Any, ...]])

#: an acknowledgement due within this long is "due soon": the day's first thing to send
DUE_SOON = timedelta(hours=4)
ACK_BUCKETS = ("overdue", "due_soon", "later")
#: where a shipment's ASN stands, in the order ops read them. ``late`` is either an ASN Amazon
#: accepted after its deadline, or no ASN sent by the deadline (the row's ``status`` tells which)
ASN_BUCKETS = ("waiting_for_truck", "due", "in_flight", "accepted", "late", "failed", "needs_review", "held")
#: the ASN has left Acorn and Amazon has not answered for good yet
_IN_FLIGHT = frozenset({ShipmentStatus.QUEUED,
                        *(str(s) for s in (S.PENDING, S.SENDING, S.SUBMITTED, S.UNKNOWN, S.STUCK))})


@dataclass(frozen=True)
class OpenPurchaseOrder:
    """A PO Amazon has not yet had an accepted acknowledgement for."""

    account_code: str
    po_number: str
    order_date: datetime
    deadline: datetime
    time_left: timedelta
    bucket: str  # ACK_BUCKETS
    acknowledgement: str  # "not decided" or the outbox state of the acknowledgement sent


@dataclass(frozen=True)
class ShipmentAsn:
    account_code: str
    shipment_identifier: str
    bucket: str  # ASN_BUCKETS
    status: str  # the shipment's own status (planned, queued, ..., accepted)
    departure: datetime
    asn_deadline: datetime
    asn_submitted_at: datetime | None
    time_left: timedelta | None  # to the deadline; None once Amazon has answered for good


@dataclass(frozen=True)
class PendingTransaction:
    account_code: str
    key: str
    kind: str
    business_id: str
    state: str
    attempts: int
    transaction_id: str | None
    age: timedelta  # wall clock since the row was written
    last_error: str


@dataclass
class DayStatus:
    as_of: datetime
    account_code: str | None
    purchase_orders: list[OpenPurchaseOrder] = field(default_factory=list)
    #: the open shipments: not accepted by Amazon yet, or with an open alert
    shipments: list[ShipmentAsn] = field(default_factory=list)
    #: every accepted ASN of all time, judged: {"on_time": n, "late": n}
    accepted: dict[str, int] = field(default_factory=lambda: {"on_time": 0, "late": 0})
    transactions: list[PendingTransaction] = field(default_factory=list)
    #: open alerts: {severity: {kind: count}}
    alerts: dict[str, dict[str, int]] = field(default_factory=dict)

    def acknowledgement_counts(self) -> dict[str, int]:
        return _counted(self.purchase_orders, ACK_BUCKETS)

    def asn_counts(self) -> dict[str, int]:
        """Every shipment of all time by ASN state: the unaccepted ones as listed, the accepted ones as counted."""
        counts = _counted([r for r in self.shipments if r.status != S.ACCEPTED], ASN_BUCKETS)
        counts["accepted"] += self.accepted["on_time"]
        counts["late"] += self.accepted["late"]
        return counts

    def alert_counts(self) -> dict[str, int]:
        return {severity: sum(kinds.values()) for severity, kinds in self.alerts.items()}


def _counted(rows: list[Any], buckets: tuple[str, ...]) -> dict[str, int]:
    found = Counter(r.bucket for r in rows)
    return {b: found.get(b, 0) for b in buckets}


def day_status(units: Units, *, as_of: datetime, account_code: str | None = None,
               wall_clock: datetime | None = None) -> DayStatus:
    """Open POs, shipments by ASN state, pending transactions and open alerts, at ``as_of``."""
    with units() as uow:
        reader = _Reader(uow.outbox.session, account_code, as_of, wall_clock or utcnow())
        return DayStatus(as_of=as_of, account_code=account_code, purchase_orders=reader.open_purchase_orders(),
                         shipments=reader.shipments(), accepted=reader.accepted(),
                         transactions=reader.pending_transactions(), alerts=reader.open_alerts())


def acknowledgement_bucket(time_left: timedelta) -> str:
    if time_left < timedelta(0):
        return "overdue"
    return "due_soon" if time_left < DUE_SOON else "later"


def asn_bucket(shipment: Shipment, *, as_of: datetime, held: bool) -> str:
    """Where one shipment's ASN stands at ``as_of`` (``held``: its gate alert is open)."""
    if shipment.status == S.ACCEPTED:
        on_time = shipment.asn_submitted_at is not None and asn_is_on_time(shipment.asn_submitted_at,
                                                                           shipment.asn_deadline)
        return "accepted" if on_time else "late"
    if shipment.status in (S.FAILED, S.NEEDS_REVIEW):
        return str(shipment.status)
    if held:
        return "held"
    if shipment.status in _IN_FLIGHT:
        return "in_flight"
    if shipment.departure > as_of or awaiting_carrier(shipment):
        return "waiting_for_truck"
    return "late" if shipment.asn_deadline < as_of else "due"


class _Reader:
    def __init__(self, session: Session, account_code: str | None, as_of: datetime, wall_clock: datetime) -> None:
        self.s, self.account, self.as_of, self.wall_clock = session, account_code, as_of, wall_clock

    def _where(self, q: _Query, column: Mapped[str | None]) -> _Query:
        return q.where(column == self.account) if self.account else q

    def open_purchase_orders(self) -> list[OpenPurchaseOrder]:
        live = (select(PurchaseOrderItem.purchase_order_id)
                .where(col(PurchaseOrderItem.cancelled).is_(False)).distinct())
        q = (select(PurchaseOrder, Acknowledgement.deadline, OutboxEntry.state)
             .outerjoin(Acknowledgement, (col(Acknowledgement.account_code) == col(PurchaseOrder.account_code))
                        & (col(Acknowledgement.po_number) == col(PurchaseOrder.po_number)))
             .outerjoin(OutboxEntry, col(OutboxEntry.idempotency_key) == col(Acknowledgement.outbox_key))
             .where(col(PurchaseOrder.id).in_(live), col(PurchaseOrder.state) != "Closed",
                    # decided: open until Amazon accepted it; undecided: open while Amazon says New
                    sa.or_(sa.and_(col(Acknowledgement.id).is_not(None),
                                   sa.func.coalesce(OutboxEntry.state, "") != str(S.ACCEPTED)),
                           sa.and_(col(Acknowledgement.id).is_(None), col(PurchaseOrder.state) == "New"))))
        rows = []
        for po, stored_deadline, state in self.s.exec(self._where(q, col(PurchaseOrder.account_code))).all():
            deadline = stored_deadline or acknowledgement_deadline(po.order_date)
            left = deadline - self.as_of
            rows.append(OpenPurchaseOrder(po.account_code, po.po_number, po.order_date, deadline, left,
                                          acknowledgement_bucket(left), state or "not decided"))
        return sorted(rows, key=lambda r: (r.deadline, r.account_code, r.po_number))

    def shipments(self) -> list[ShipmentAsn]:
        """The shipments ops act on: not accepted by Amazon yet, or with an open alert."""
        held = set(self.s.exec(self._where(select(Alert.dedupe_key).where(col(Alert.status) == AlertStatus.OPEN),
                                           col(Alert.account_code))).all())
        alerted = select(Alert.shipment_identifier).where(col(Alert.status) == AlertStatus.OPEN,
                                                          col(Alert.shipment_identifier).is_not(None))
        q = select(Shipment).where(sa.or_(col(Shipment.status) != S.ACCEPTED,
                                          col(Shipment.shipment_identifier).in_(alerted)))
        rows = []
        for sh in self.s.exec(self._where(q, col(Shipment.account_code))).all():
            bucket = asn_bucket(sh, as_of=self.as_of, held=gate_alert_key(sh) in held)
            settled = sh.status in FINAL or sh.status == S.NEEDS_REVIEW
            rows.append(ShipmentAsn(sh.account_code, sh.shipment_identifier, bucket, sh.status, sh.departure,
                                    sh.asn_deadline, sh.asn_submitted_at,
                                    None if settled else sh.asn_deadline - self.as_of))
        return sorted(rows, key=lambda r: (ASN_BUCKETS.index(r.bucket), r.asn_deadline, r.shipment_identifier))

    def accepted(self) -> dict[str, int]:
        judged = {"on_time": 0, "late": 0}
        for counts in accepted_asns(self.s, self.account).values():
            judged = {k: judged[k] + counts[k] for k in judged}
        return judged

    def pending_transactions(self) -> list[PendingTransaction]:
        q = select(OutboxEntry).where(col(OutboxEntry.state).not_in([str(s) for s in FINAL]))
        rows = []
        for e in self.s.exec(self._where(q, col(OutboxEntry.account_code)).order_by(col(OutboxEntry.created_at))).all():
            last = (e.errors or [{}])[-1]
            rows.append(PendingTransaction(e.account_code, e.idempotency_key, e.kind, e.business_id, e.state,
                                           e.attempts, e.transaction_id, self.wall_clock - e.created_at,
                                           f"{last.get('code', '')} {last.get('message', '')}".strip()))
        return rows

    def open_alerts(self) -> dict[str, dict[str, int]]:
        q = (select(Alert.severity, Alert.kind, sa.func.count()).where(col(Alert.status) == AlertStatus.OPEN)
             .group_by(col(Alert.severity), col(Alert.kind)))
        out: dict[str, dict[str, int]] = {}
        for severity, kind, n in self.s.exec(self._where(q, col(Alert.account_code))).all():
            out.setdefault(severity, {})[kind] = int(n)
        order = {"critical": 0, "error": 1, "warning": 2, "info": 3}
        return {k: dict(sorted(out[k].items())) for k in sorted(out, key=lambda k: (order.get(k, 9), k))}
