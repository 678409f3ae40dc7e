"""Deliver what the outbox holds, with the read-backs Amazon offers for each kind of document.

The business records (shipment, invoice status) follow their outbox rows inside the
courier's own transactions (``outbox.reflect``): nothing here writes after the fact.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from acorn.domain.documents import DELIVERABLE
from acorn.services.acknowledge import confirm_acknowledged
from acorn.services.outbox import DEFAULT_LEASE, Confirmer, DeliveryReport, OutboxCourier
from acorn.services.routing import routing_read_back
from acorn.store import UnitOfWork

log = logging.getLogger("acorn.delivery")

#: Amazon never answers Success for an acknowledgement (its docs: Processing that has not turned to
#: Failure after 15 minutes means success), and shipments are planned only on accepted
#: acknowledgements: so an acknowledgement still Processing when a run stops waiting is read back
#: from the PO status at once, instead of a day later past the stuck limit.
CONFIRM_EARLY = frozenset({"acknowledgement"})


@dataclass
class DeliveryResult:
    reports: list[DeliveryReport] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(r.state == state for r in self.reports)

    @property
    def retryable(self) -> list[str]:
        """Rows of ours left throttled or with their answer lost, after the client's retries: the next round's."""
        return [r.key for r in self.reports if r.state in ("pending", "unknown") and not (r.busy or r.deferred)]

    @property
    def deferred(self) -> list[str]:
        """Rows the round's time budget did not reach (unposted, or posted and not yet read): the next round's."""
        return [r.key for r in self.reports if r.deferred]

    @property
    def work_left(self) -> int:
        """Calls to Amazon the rows left for a next round still need: a POST and a read unposted, a read
        otherwise (a posted row's transaction, or a lost answer's read-back).

        Left: the rows the budget did not reach, and those throttled or unanswered after the client's
        retries. The measure of a round's progress: a round that posts what the last one left but has
        no time to read it leaves as many rows, and still less to do.
        """
        left = set(self.deferred) | set(self.retryable)
        return sum(2 if r.state == "pending" else 1 for r in self.reports if r.key in left)

    @property
    def busy(self) -> list[str]:
        """Rows another live worker is delivering right now."""
        return [r.key for r in self.reports if r.busy]


def deliver(database_url: str, client: Any, *, account_code: str, kind: str, as_of: datetime,
            stuck_after: timedelta, wait_s: float = 5.0, lease: timedelta = DEFAULT_LEASE,
            budget_s: float | None = None) -> DeliveryResult:
    """One round: post what is pending and read the transactions, for at most ``budget_s`` seconds.

    At Amazon's rates a round posts and reads about 10 documents a second per kind; what the
    budget does not reach is reported ``deferred`` and stays in the outbox for the next round
    (the delivery task runs rounds until none is left), so no round outlives its task's timeout.
    """
    courier = OutboxCourier(database_url, client, now=as_of, stuck_after=stuck_after, wait_s=wait_s, lease=lease,
                            budget_s=budget_s,
                            confirmers={"acknowledgement": confirm_acknowledged(client),
                                        "shipment_confirmation": asn_read_back(client),
                                        "routing_request": routing_read_back(client)},
                            cross_check=po_status_note(client), confirm_early=CONFIRM_EARLY)
    with UnitOfWork(database_url) as uow:
        keys = uow.outbox.open_keys(kind=kind, states=DELIVERABLE, account_code=account_code)
    return DeliveryResult(reports=courier.deliver_all(keys))


Round = TypeVar("Round")


def in_rounds(deliver_round: Callable[[], Round], work_left: Callable[[Round], int]) -> Iterator[Round]:
    """Run delivery rounds (:func:`deliver` with a budget) until no work is left for a next one; yields each.

    ``work_left`` measures a round (:attr:`DeliveryResult.work_left`, or its count in the task's result).

    A round that moved nothing forward ends it too: what remains is another worker's, or waits
    for Amazon, and the next run takes it up.
    """
    latest = deliver_round()
    yield latest
    while work_left(latest):
        following = deliver_round()
        yield following
        if work_left(following) >= work_left(latest):
            return
        latest = following


def asn_read_back(client: Any) -> Confirmer:
    """Outbox confirmer: GetShipmentDetails tells whether Amazon holds an ASN we sent.

    Only an ``Original`` can be proved this way: a ``Replace`` keeps the identifier Amazon
    already holds, so its presence proves nothing (and re-posting a Replace is harmless).
    """

    def confirm(entry: Any) -> bool | None:
        confirmations = entry.payload.get("shipmentConfirmations") or [{}]
        if confirmations[0].get("shipmentConfirmationType") != "Original":
            return None
        return bool(client.get_shipment_details(vendor_shipment_identifier=entry.business_id))

    return confirm


def purchase_orders_of(payload: dict[str, Any]) -> list[str]:
    """The PO numbers a queued document is about (acknowledgement, ASN or invoice)."""
    found: set[str] = set()
    for ack in payload.get("acknowledgements", []):
        found.add(ack["purchaseOrderNumber"])
    for confirmation in payload.get("shipmentConfirmations", []):
        found.update(i.get("itemDetails", {}).get("purchaseOrderNumber", "") for i in confirmation["shippedItems"])
    for request in payload.get("shipments", []):  # routing requests
        found.update(po.get("purchaseOrderNumber", "") for po in request.get("purchaseOrders", []))
    for invoice in payload.get("invoices", []):
        found.update(i.get("purchaseOrderNumber", "") for i in invoice.get("items", []))
    return sorted(found - {""})


def po_status_note(client: Any) -> Callable[[Any], str]:
    """For a stuck transaction: what Amazon's PO status says, so ops can judge without guessing."""

    def note(entry: Any) -> str:
        parts = []
        for po in purchase_orders_of(entry.payload):
            for status in client.get_purchase_orders_status(purchase_order_number=po):
                confirmations = sorted({(i.acknowledgement_status.confirmation_status
                                         if i.acknowledgement_status else None) or "?" for i in status.item_status})
                receipts = sorted({(i.receiving_status.receive_status if i.receiving_status else None) or "?"
                                   for i in status.item_status})
                parts.append(f"PO {po}: {status.purchase_order_status or '?'}, acknowledgement "
                             f"{'/'.join(confirmations)}, receiving {'/'.join(receipts)}")
        return "cross-check: " + "; ".join(parts) if parts else "cross-check: PO status unavailable"

    return note
