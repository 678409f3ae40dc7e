"""Where a document sent to Amazon stands, and the only moves it can make.

Every acknowledgement, ASN and invoice lives in the outbox in one of these states::

    pending ──claim──> sending ──202──> submitted ──Success──> accepted
       ^                  │                 │ └──Failure──> failed (or needs_review after a lost answer)
       │ throttled / auth │                 ├──Processing 15 min, no Failure (acks, invoices)──> accepted
       │                  │                 └──Processing too long──> stuck
       └──────────────────┤
                          └──answer lost / worker died──> unknown ──read back──> accepted
                                                             └──not found──> pending (posted once more)

``accepted`` and ``failed`` are final. ``needs_review`` waits for a person (an alert says
why): a re-post after a lost answer that Amazon refused for a reason that does not prove
the first copy landed. Ops close any open document by hand after checking Vendor Central
(``MANUAL``). Storage moves a row only compare-and-set, from the state it read, so a
worker that lost a race re-reads instead of overwriting.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum


class DocumentKind(StrEnum):
    """What an outbox row carries to Amazon (``OutboxEntry.kind``)."""

    ACKNOWLEDGEMENT = "acknowledgement"
    SHIPMENT_CONFIRMATION = "shipment_confirmation"  # the ASN
    INVOICE = "invoice"
    ROUTING_REQUEST = "routing_request"  # collect freight: Amazon's carrier requested


class DocumentState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SUBMITTED = "submitted"
    UNKNOWN = "unknown"
    STUCK = "stuck"
    NEEDS_REVIEW = "needs_review"
    ACCEPTED = "accepted"
    FAILED = "failed"


S = DocumentState

FINAL: frozenset[DocumentState] = frozenset({S.ACCEPTED, S.FAILED})
OPEN: frozenset[DocumentState] = frozenset(set(S) - FINAL)
#: states a delivery run works on (``needs_review`` waits for a person)
DELIVERABLE: frozenset[DocumentState] = frozenset({S.PENDING, S.SENDING, S.SUBMITTED, S.UNKNOWN, S.STUCK})

TRANSITIONS: dict[DocumentState, frozenset[DocumentState]] = {
    S.PENDING: frozenset({S.SENDING}),
    # refused before processing (throttled, authorisation) goes back to pending; refused as sent fails,
    # unless it was a re-post after a lost answer: then the earlier copy may be proved (accepted) or not
    S.SENDING: frozenset({S.SUBMITTED, S.PENDING, S.UNKNOWN, S.FAILED, S.ACCEPTED, S.NEEDS_REVIEW}),
    S.SUBMITTED: frozenset({S.ACCEPTED, S.FAILED, S.NEEDS_REVIEW, S.STUCK}),
    # confirmed by a read-back, or cleared for exactly one more POST
    S.UNKNOWN: frozenset({S.ACCEPTED, S.PENDING}),
    # a late answer, a read-back, or released by ops after checking Vendor Central
    S.STUCK: frozenset({S.ACCEPTED, S.FAILED, S.NEEDS_REVIEW, S.PENDING}),
    S.NEEDS_REVIEW: frozenset(),
    S.ACCEPTED: frozenset(),
    S.FAILED: frozenset(),
}

#: a person who checked Vendor Central may close any open document that no worker is sending
MANUAL: frozenset[DocumentState] = frozenset({S.PENDING, S.SUBMITTED, S.UNKNOWN, S.STUCK, S.NEEDS_REVIEW})


class IllegalTransition(ValueError):
    """A move the state machine does not allow (a bug, or a row someone else moved on)."""

    def __init__(self, key: str, current: str, wanted: str) -> None:
        self.key, self.current, self.wanted = key, current, wanted
        super().__init__(f"{key}: cannot move from {current!r} to {wanted!r}")


def check_transition(key: str, current: str, wanted: str, *, manual: bool = False) -> None:
    """Raise :class:`IllegalTransition` unless ``current → wanted`` is allowed."""
    now, then = DocumentState(current), DocumentState(wanted)
    allowed = (now in MANUAL and then in FINAL) if manual else then in TRANSITIONS[now]
    if not allowed:
        raise IllegalTransition(key, now, then)


def is_final(state: str) -> bool:
    return DocumentState(state) in FINAL


#: Amazon, "Get transaction status": "If transaction status is Processing, and not updated to Failure
#: after 15 minutes, that indicates the transaction has successfully processed"; and Success "is not
#: supported for the submitAcknowledgement and submitInvoices operations". So for those two kinds a
#: transaction still Processing this long after its POST is Amazon's success answer.
SILENT_SUCCESS_AFTER = timedelta(minutes=15)
SILENT_SUCCESS_KINDS: frozenset[str] = frozenset({DocumentKind.ACKNOWLEDGEMENT, DocumentKind.INVOICE})


def processing_means_applied(kind: str, *, submitted_at: datetime | None, now: datetime) -> bool:
    """Whether a transaction of ``kind`` still answering Processing at ``now`` counts as applied.

    Shipment confirmations are not included: Amazon answers them Success (North America and
    Europe), so a long Processing is an anomaly there, settled by reading the ASN back.
    """
    return kind in SILENT_SUCCESS_KINDS and submitted_at is not None and now - submitted_at >= SILENT_SUCCESS_AFTER
