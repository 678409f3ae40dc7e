"""Where a shipment, an invoice, an alert and a reconciliation run stand, and how they move.

Outbox rows have their own machine (:mod:`acorn.domain.documents`), claims theirs
(:mod:`acorn.domain.claims`). A shipment's and an invoice's status follow the document
that carries them to Amazon: the outcome of the outbox row (accepted, failed, needs_review)
is copied onto the record in the transaction that reaches it (``outbox.reflect``)::

    shipment   planned ──ASN queued──> queued ──document outcome──> accepted / failed / needs_review
                                         ^                              │
                                         └──transport changed (Replace)─┘ (from accepted)
    invoice    queued ──document outcome──> accepted / failed / needs_review
    both       needs_review ──ops close the document by hand──> accepted / failed
    alert      open ──resolved──> resolved ──raised again──> open
    run        running ──totals written──> done ──rerun──> running

``draft`` is the invoice column's default; Acorn writes an invoice ``queued``, in the
transaction that queues its document. The values are the strings stored, so a member
compares equal to the column (``Shipment.status == ShipmentStatus.PLANNED``).
"""

from __future__ import annotations

from enum import StrEnum

from acorn.domain.documents import DocumentState


class ShipmentStatus(StrEnum):
    PLANNED = "planned"
    QUEUED = "queued"
    ACCEPTED = DocumentState.ACCEPTED.value
    FAILED = DocumentState.FAILED.value
    NEEDS_REVIEW = DocumentState.NEEDS_REVIEW.value


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    QUEUED = "queued"
    ACCEPTED = DocumentState.ACCEPTED.value
    FAILED = DocumentState.FAILED.value
    NEEDS_REVIEW = DocumentState.NEEDS_REVIEW.value


class AlertStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class RunStatus(StrEnum):
    """A reconciliation run's."""

    RUNNING = "running"
    DONE = "done"


Sh, Inv = ShipmentStatus, InvoiceStatus

SHIPMENT_TRANSITIONS: dict[ShipmentStatus, frozenset[ShipmentStatus]] = {
    Sh.PLANNED: frozenset({Sh.QUEUED}),
    Sh.QUEUED: frozenset({Sh.ACCEPTED, Sh.FAILED, Sh.NEEDS_REVIEW}),
    # a transport change after acceptance queues a Replace under the same identifier
    Sh.ACCEPTED: frozenset({Sh.QUEUED}),
    Sh.NEEDS_REVIEW: frozenset({Sh.ACCEPTED, Sh.FAILED}),
    Sh.FAILED: frozenset(),
}

INVOICE_TRANSITIONS: dict[InvoiceStatus, frozenset[InvoiceStatus]] = {
    Inv.DRAFT: frozenset({Inv.QUEUED}),
    Inv.QUEUED: frozenset({Inv.ACCEPTED, Inv.FAILED, Inv.NEEDS_REVIEW}),
    Inv.NEEDS_REVIEW: frozenset({Inv.ACCEPTED, Inv.FAILED}),
    Inv.ACCEPTED: frozenset(),
    Inv.FAILED: frozenset(),
}

ALERT_TRANSITIONS: dict[AlertStatus, frozenset[AlertStatus]] = {
    AlertStatus.OPEN: frozenset({AlertStatus.RESOLVED}),
    AlertStatus.RESOLVED: frozenset({AlertStatus.OPEN}),
}

RUN_TRANSITIONS: dict[RunStatus, frozenset[RunStatus]] = {
    RunStatus.RUNNING: frozenset({RunStatus.DONE}),
    RunStatus.DONE: frozenset({RunStatus.RUNNING}),
}


class IllegalMove(ValueError):
    """A status change the record's machine does not allow (a bug, or a record someone else moved on)."""

    def __init__(self, record: str, current: str, wanted: str) -> None:
        self.record, self.current, self.wanted = record, current, wanted
        super().__init__(f"{record}: cannot move from {current!r} to {wanted!r}")


def check_shipment_move(shipment_identifier: str, current: str, wanted: str) -> ShipmentStatus:
    """``wanted`` as a status, if a shipment may move there from ``current``; else :class:`IllegalMove`."""
    target = ShipmentStatus(wanted)
    if target not in SHIPMENT_TRANSITIONS[ShipmentStatus(current)]:
        raise IllegalMove(shipment_identifier, current, wanted)
    return target
