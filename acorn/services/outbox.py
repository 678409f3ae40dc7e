"""Exactly-once submissions to Amazon, with nothing lost on the way.

Every acknowledgement, ASN, routing request and invoice is written here (with a deterministic idempotency
key) before it is ever posted. The states and their allowed moves live in
:mod:`acorn.domain.documents`; every move here is compare-and-set on the row's version and
happens in the same database transaction as the change to the business record it implies
(a shipment or invoice status, an alert), so a crash between "Amazon accepted it" and
"invoice it" cannot exist.

A batch costs a bounded number of statements, not a transaction per move: the lease of every
row is taken in one UPDATE, the rows are marked ``sending`` ``POSTS_PER_RECORD`` at a time
before their POSTs, their answers are recorded together after them, and each polling round
records its outcomes in one UPDATE (compare-and-set on every row's version, row by row). A
crash loses at most one chunk's answers: those rows are found in ``sending``, as below.

Posting and reading go side by side: between two POSTs the courier reads one transaction that
is due. submit* and getTransaction are separate usage plans (10/s each), so one thread keeps
both at their rate, and a batch takes about as long as its POSTs alone instead of POSTs then reads.

Concurrency: a worker claims the rows it delivers with a lease (owner + expiry). It never
touches a row under another worker's live lease; it takes over an expired one, or one whose
owner was a process on this host that has since died. A row found in ``sending`` under a
lease it took over is a crash leftover: the POST may or may not have reached Amazon.

Retries: the courier never sends a POST again by itself (``acorn/retry_policy.py``). The client
already re-sent what was safe (a 429, a connection that never opened); after that a
``ThrottledError`` leaves the row ``pending`` (Amazon applied nothing), a 5xx, a timeout or a
dropped answer makes it ``unknown``, alerted. Neither is touched again in the ``deliver_all``
that met it: the next one (the next round, when a round's time budget ran out, or the next run)
takes it up, and reads a lost answer back before the single re-post below.

Lost answers (SP-API has no idempotency keys):

* acknowledgement — Amazon's PO status tells whether it landed;
* ASN — read back with ``GetShipmentDetails`` (filter ``vendorShipmentIdentifier``) before
  any re-post; a ``Replace`` cannot be told apart from its Original, and is idempotent by
  content, so it is re-posted;
* routing request (collect freight) — read back with ``GetShipmentDetails`` like an ASN: Amazon
  lists a request it accepted under its ``vendorShipmentIdentifier``;
* invoice — Amazon offers no read-back: the identical document is posted once more. A
  ``Duplicate*`` failure on that re-post confirms the first copy landed. ASSUMPTION: the
  ``Duplicate*`` codes are the sandbox's, not documented by Amazon (its transaction
  errors are free text), so any other failure on a re-post becomes ``needs_review`` with
  an alert, never a definitive ``failed``.
"""

from __future__ import annotations

import heapq
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeAlias, TypedDict

from acorn.domain.alerts import asn_late_key
from acorn.domain.deadlines import asn_is_on_time
from acorn.domain.documents import (
    DELIVERABLE,
    FINAL,
    DocumentKind,
    DocumentState,
    check_transition,
    processing_means_applied,
)
from acorn.playbook import play_for
from acorn.services.ports import AmazonApi, Units
from acorn.services.workers import owner_is_dead, this_worker
from acorn.spapi import (
    AuthError,
    ClientRequestError,
    InvalidSubmission,
    NetworkError,
    ServerError,
    SpApiError,
    SubmissionOutcomeUnknown,
    ThrottledError,
)
from acorn.store import UnitOfWork
from schemas.tables import OutboxEntry, utcnow

log = logging.getLogger("acorn.outbox")

S: TypeAlias = DocumentState
K: TypeAlias = DocumentKind

SUBMIT_OPERATION: dict[str, str] = {
    K.ACKNOWLEDGEMENT: "submit_acknowledgement",
    K.SHIPMENT_CONFIRMATION: "submit_shipment_confirmations",
    K.INVOICE: "submit_invoices",
    K.ROUTING_REQUEST: "submit_shipments",
}
#: ASSUMPTION (sandbox codes, not Amazon's documentation): the failure that means "already applied"
DUPLICATE_CODE: dict[str, str] = {
    K.ACKNOWLEDGEMENT: "DuplicateAcknowledgement",
    K.SHIPMENT_CONFIRMATION: "DuplicateShipmentIdentifier",
    K.INVOICE: "DuplicateInvoiceNumber",
    K.ROUTING_REQUEST: "DuplicateShipmentIdentifier",
}
#: alerts about a row that its move to a final state settles (``outbox-failed`` stays: it is the outcome)
TRANSIENT_ALERTS = ("unknown", "stuck", "needs_review", "auth", "open")
DEFAULT_LEASE = timedelta(minutes=5)
#: POSTs between two records of their answers: a crash leaves at most this many rows in ``sending``
#: (each then read back, or re-posted once, as after any lost answer); a chunk costs ~5 statements
POSTS_PER_RECORD = 25
#: a transaction still Processing is read again after a wait this many times its last one (from
#: ``poll_interval_s``): reads go where answers are likely, not round after round at the rate limit
POLL_BACKOFF = 2.0
#: of a round's time budget, the share in which new POSTs start (reads go on beside them): the rest
#: reads the transactions posted last
POSTING_SHARE = 0.75
#: the audit note of a document accepted by Amazon's 15-minute rule (acorn.domain.documents)
SILENT_SUCCESS_NOTE = "Processing for 15 minutes with no Failure: applied, as Amazon documents"

#: test-only fault injection: the process dies at this point, as a killed worker would
CRASH_ENV = "ACORN_CRASH_AT"


def crash_point(name: str, kind: str = "") -> None:
    """Die here when ``ACORN_CRASH_AT`` names this point (``after_post`` or ``after_post:invoice``)."""
    wanted = os.environ.get(CRASH_ENV)
    if wanted and wanted in (name, f"{name}:{kind}"):
        log.error("fault injection: process killed at %s", wanted)
        os._exit(70)


def alert_key(state: str, key: str) -> str:
    return f"outbox-{state}:{key}"


@dataclass
class DeliveryReport:
    key: str
    kind: str
    business_id: str
    state: str
    transaction_id: str | None
    errors: list[dict[str, Any]] = field(default_factory=list)
    busy: bool = False  # another live worker holds it
    deferred: bool = False  # the round's time ran out before it: the next round takes it up


def enqueue(uow: UnitOfWork, *, kind: str, key: str, account_code: str, business_id: str,
            payload: dict[str, Any]) -> tuple[OutboxEntry, bool]:
    """Record a submission once; a rerun gets the existing row back untouched.

    Callers hold the stage lock (``uow.stage_lock``), so two runs never race to insert.
    """
    if kind not in SUBMIT_OPERATION:
        raise ValueError(f"unknown outbox kind {kind!r}")
    existing = uow.outbox.get(key)
    if existing is not None:
        return existing, False
    return _queue(uow, kind=kind, key=key, account_code=account_code, business_id=business_id,
                  payload=payload), True


def enqueue_many(uow: UnitOfWork, documents: list[dict[str, Any]]) -> list[str]:
    """:func:`enqueue` for a batch (each document its keyword arguments), in order, in a few statements
    whatever its size: one read of the keys already queued, one INSERT of the new rows, one of their
    audit entries. Returns the keys queued now (a rerun's documents are already there, untouched)."""
    for document in documents:
        if document["kind"] not in SUBMIT_OPERATION:
            raise ValueError(f"unknown outbox kind {document['kind']!r}")
    queued = set(uow.outbox.by_keys([d["key"] for d in documents]))
    new: dict[str, dict[str, Any]] = {}
    for document in documents:
        if document["key"] not in queued:
            new.setdefault(document["key"], document)
    uow.outbox.insert_all([_entry(**d) for d in new.values()])
    uow.audit.append_all([_queued_note(**d) for d in new.values()])
    return list(new)


def _queue(uow: UnitOfWork, *, kind: str, key: str, account_code: str, business_id: str,
           payload: dict[str, Any]) -> OutboxEntry:
    entry = uow.outbox.add(_entry(kind=kind, key=key, account_code=account_code, business_id=business_id,
                                  payload=payload))
    uow.audit.append(**_queued_note(kind=kind, key=key, business_id=business_id))
    return entry


def _entry(*, kind: str, key: str, account_code: str, business_id: str, payload: dict[str, Any]) -> OutboxEntry:
    return OutboxEntry(kind=kind, idempotency_key=key, account_code=account_code, business_id=business_id,
                       payload=payload)


def _queued_note(*, kind: str, key: str, business_id: str, **_: Any) -> dict[str, Any]:
    """The audit entry of a document queued."""
    return {"action": f"{kind}.queued", "entity": "outbox", "entity_id": key, "detail": {"business_id": business_id}}


# -- what a document's outcome changes, in the same transaction -----------------------------------------------
#: the outcomes a business record takes from its document
REFLECTED = frozenset({S.ACCEPTED, S.FAILED, S.NEEDS_REVIEW})


def business_record(uow: UnitOfWork, entry: OutboxEntry) -> Any | None:
    """The shipment or invoice whose status follows ``entry``; None for an older ASN revision or an acknowledgement."""
    if entry.kind == K.SHIPMENT_CONFIRMATION:
        return _current_revision(entry, uow.shipments.get(entry.business_id))
    if entry.kind == K.INVOICE:
        return uow.invoices.get(entry.account_code, entry.business_id)
    return None


def _current_revision(entry: OutboxEntry, shipment: Any | None) -> Any | None:
    current = shipment is not None and entry.idempotency_key.endswith(f":r{shipment.asn_revision}")
    return shipment if current else None  # an older revision: the current one decides the status


def reflect(uow: UnitOfWork, entry: OutboxEntry) -> None:
    """The business record follows its outbox row (called inside the transaction that moved it)."""
    _show(uow, entry, business_record(uow, entry) if entry.state in REFLECTED else None)


def reflect_all(uow: UnitOfWork, entries: list[OutboxEntry]) -> None:
    """:func:`reflect` for a batch of rows, their business records read in one query per kind."""
    shown = [e for e in entries if e.state in REFLECTED]
    shipments = {s.shipment_identifier: s for s in uow.shipments.by_identifiers(
        e.business_id for e in shown if e.kind == K.SHIPMENT_CONFIRMATION)}
    invoices = {account: uow.invoices.by_numbers(account, [e.business_id for e in shown
                                                           if e.kind == K.INVOICE and e.account_code == account])
                for account in {e.account_code for e in shown if e.kind == K.INVOICE}}
    for entry in shown:
        record = (_current_revision(entry, shipments.get(entry.business_id)) if entry.kind == K.SHIPMENT_CONFIRMATION
                  else invoices[entry.account_code].get(entry.business_id) if entry.kind == K.INVOICE else None)
        _show(uow, entry, record)


def _show(uow: UnitOfWork, entry: OutboxEntry, record: Any | None) -> None:
    if record is None:
        return
    record.status = entry.state
    if entry.kind == K.SHIPMENT_CONFIRMATION and entry.state == S.ACCEPTED and record.asn_revision == 0:
        record.asn_submitted_at = entry.applied_at
        _judge_lateness(uow, entry, record)


def lease_is_live(entry: OutboxEntry, *, now: datetime) -> bool:
    """Someone holds this row now: a lease not yet expired, whose owner is not a dead process of this host."""
    return (entry.lease_owner is not None and entry.lease_expires_at is not None
            and entry.lease_expires_at > now and not owner_is_dead(entry.lease_owner))


def _judge_lateness(uow: UnitOfWork, entry: OutboxEntry, shipment: Any) -> None:
    """Amazon judges the ASN it accepted, at the time it was sent: so does Acorn (one rule, in the domain)."""
    if entry.applied_at is None or asn_is_on_time(entry.applied_at, shipment.asn_deadline):
        return
    log.warning("%s: ASN %s late: deadline %s, sent %s", shipment.account_code, shipment.shipment_identifier,
                f"{shipment.asn_deadline:%Y-%m-%d %H:%M} UTC", f"{entry.applied_at:%Y-%m-%d %H:%M} UTC")
    uow.alerts.raise_alert(
        dedupe_key=asn_late_key(shipment.shipment_identifier), account_code=shipment.account_code,
        kind="asn_late", subject=f"ASN {shipment.shipment_identifier} sent after its deadline",
        message=f"deadline {shipment.asn_deadline:%Y-%m-%d %H:%M} UTC, the submission Amazon accepted was sent "
                f"{entry.applied_at:%Y-%m-%d %H:%M} UTC",
        next_step="Expect a chargeback; run submit_asns right after the dock cut-off.",
        shipment_identifier=shipment.shipment_identifier, reopen=False)


def settle_alerts(uow: UnitOfWork, entry: OutboxEntry, *, at: datetime) -> None:
    """Alerts about a row that moved on are resolved; a failure or a review opens its own."""
    uow.alerts.resolve_all(_settled_by(entry), at=at)


def _settled_by(entry: OutboxEntry) -> list[str]:
    keep = alert_key(entry.state, entry.idempotency_key)
    return [k for n in TRANSIENT_ALERTS if (k := alert_key(n, entry.idempotency_key)) != keep]


# -- ops close the loop by hand -----------------------------------------------------------------------------
def release(uow: UnitOfWork, key: str, *, actor: str) -> OutboxEntry:
    """Ops checked Vendor Central and found nothing: a stuck document may be sent once more.

    It may have been applied after all (Amazon kept it Processing), so its re-post is judged
    like one after a lost answer: proof of the first copy means accepted, never failed.
    """
    entry = _get(uow, key)
    if entry.state != S.STUCK:
        raise ValueError(f"{key} is {entry.state!r}; only a stuck submission is released by hand")
    return _move_by_hand(uow, entry, S.PENDING, actor=actor, action="released", note=None, transaction_id=None,
                         unconfirmed_posted_at=entry.posted_at or entry.submitted_at)


def resolve_by_hand(uow: UnitOfWork, key: str, *, accepted: bool, actor: str, note: str,
                    at: datetime) -> OutboxEntry:
    """Record what ops saw in Vendor Central for an open document: accepted, or rejected with a reason."""
    entry = _get(uow, key)
    if entry.state == S.SENDING or lease_is_live(entry, now=utcnow()):
        raise ValueError(f"{key} is being delivered by {entry.lease_owner or 'a worker'} right now; try again "
                         "when that run ends")
    wanted = S.ACCEPTED if accepted else S.FAILED
    check_transition(key, entry.state, wanted, manual=True)
    values: dict[str, Any] = {"completed_at": at}
    if accepted:
        values["applied_at"] = entry.applied_at or entry.unconfirmed_posted_at or entry.posted_at or at
    else:
        values["errors"] = [*entry.errors, {"code": "RejectedPerVendorCentral", "message": note, "by": actor,
                                            "at": at.isoformat()}]
    moved = _move_by_hand(uow, entry, wanted, actor=actor, action="resolved_by_hand", note=note, **values)
    reflect(uow, moved)
    settle_alerts(uow, moved, at=at)
    return moved


def _get(uow: UnitOfWork, key: str) -> OutboxEntry:
    entry = uow.outbox.get(key)
    if entry is None:
        raise KeyError(f"no outbox entry {key!r}; `acorn outbox` lists them")
    return entry


def _move_by_hand(uow: UnitOfWork, entry: OutboxEntry, wanted: S, *, actor: str, action: str, note: str | None,
                  **values: Any) -> OutboxEntry:
    check_transition(entry.idempotency_key, entry.state, wanted, manual=action == "resolved_by_hand")
    moved = uow.outbox.compare_and_set(entry, state=str(wanted), owner=None, lease_until=None, **values)
    if moved is None:
        raise ValueError(f"{entry.idempotency_key} changed while you looked (it was {entry.state!r}); "
                         "check `acorn outbox` and try again")
    uow.audit.append(action=f"{entry.kind}.{action}", entity="outbox", entity_id=entry.idempotency_key,
                     actor=actor, detail={"from": entry.state, "to": str(wanted), "note": note})
    return moved


#: a read-back: True applied, False not applied, None "this document cannot be read back"
Confirmer = Callable[[OutboxEntry], bool | None]
APPLIED, ABSENT, NO_READBACK, UNREACHABLE = "applied", "absent", "no read-back", "unreachable"


class OutboxCourier:
    """Moves outbox rows through their states, compare-and-set; the common moves a batch at a time."""

    def __init__(self, units: Units, client: AmazonApi, *, now: datetime, stuck_after: timedelta,
                 confirmers: dict[str, Confirmer] | None = None, wait_s: float = 5.0,
                 poll_interval_s: float = 0.25, cross_check: Callable[[OutboxEntry], str] | None = None,
                 lease: timedelta = DEFAULT_LEASE, worker: str | None = None,
                 confirm_early: frozenset[str] = frozenset(), budget_s: float | None = None) -> None:
        self.units = units
        self.client = client
        self.now = now
        self.stuck_after = stuck_after
        self.confirmers = confirmers or {}
        #: kinds whose rows still Processing when a run stops waiting are read back at once, not only
        #: past ``stuck_after``: proof that Amazon applied one settles it today (nothing else does)
        self.confirm_early = confirm_early
        self.wait_s = wait_s
        self.poll_interval_s = poll_interval_s
        self.cross_check = cross_check
        self.lease = lease
        self.worker = worker or this_worker()
        #: seconds one ``deliver_all`` may take (None: no limit); what is left stays in the outbox,
        #: unposted or unread, for the next round, so a round fits in its task's timeout at any volume
        self.budget_s = budget_s
        self._started = 0.0
        self._deferred: set[str] = set()
        #: the claimed rows as this worker last wrote or read them (it holds their leases)
        self._rows: dict[str, OutboxEntry] = {}
        #: POSTs answered (row in ``sending``, transaction id), recorded together by ``_record_answers``
        self._answers: list[tuple[OutboxEntry, str]] = []
        #: rows found applied (row, applied at, note), recorded together by ``_record_accepted``
        self._accepting: list[tuple[OutboxEntry, datetime, str | None]] = []
        #: open transactions by when each is next read (monotonic time), and its next wait after that
        self._due: list[tuple[float, str]] = []
        self._gap: dict[str, float] = {}

    # -- public -------------------------------------------------------------------------
    def deliver(self, key: str) -> DeliveryReport:
        """Advance one row as far as it can go now; safe to call any number of times."""
        return self.deliver_all([key])[0]

    def deliver_all(self, keys: list[str]) -> list[DeliveryReport]:
        """Claim the rows, post what needs it, then read their transactions in rounds.

        Polling in rounds (one getTransaction per open row that is due, then a pause until the
        next is due) keeps a batch of N submissions at about N reads per round instead of N
        sequential waits.
        """
        self._rows, self._answers, self._accepting = {}, [], []
        self._started, self._deferred, self._due, self._gap = time.monotonic(), set(), [], {}
        claimed = self._claim(keys)
        try:
            self._read_soon([k for k in claimed if self._rows[k].state in (S.SUBMITTED, S.STUCK)])
            self._send_all(claimed)
            waiting = self._poll_while_waiting(claimed)
            for n, key in enumerate(waiting):  # still Processing when time ran out: judge how long it has been
                if self._out_of_time():
                    self._deferred.update(waiting[n:])
                    break
                self._poll(key, final_round=True)
        finally:  # what Amazon answered is written down even when the run stops on an error
            self._record_answers()
            self._record_accepted()
            with self.units() as uow:
                uow.outbox.release_leases(claimed, owner=self.worker)
                uow.commit()
        return self._reports(keys, claimed=set(claimed))

    def _poll_while_waiting(self, keys: list[str]) -> list[str]:
        """Read the open transactions until they end or ``wait_s`` runs out; returns the keys still open, in order.

        A transaction still Processing waits ``POLL_BACKOFF`` times longer before its next read,
        so a slow one costs a few reads, not one per ``poll_interval_s``; each round's
        outcomes are recorded together.
        """
        deadline = time.monotonic() + self.wait_s
        while self._due:
            while not self._out_of_time() and self._read_next_due():
                pass
            self._record_accepted()
            if not self._due or time.monotonic() >= deadline or self._out_of_time():
                break
            time.sleep(max(0.0, min(self._due[0][0], deadline) - time.monotonic()))
        still_open = {key for _, key in self._due}
        return [k for k in keys if k in still_open]

    def _read_soon(self, keys: list[str]) -> None:
        """These transactions are read from now on, the first time at once."""
        now = time.monotonic()
        for key in keys:
            heapq.heappush(self._due, (now, key))
            self._gap[key] = self.poll_interval_s

    def _read_next_due(self) -> bool:
        """Read the transaction due first, if its time has come; False when none is due yet."""
        if not self._due or self._due[0][0] > time.monotonic():
            return False
        _, key = heapq.heappop(self._due)
        if self._poll(key, final_round=False) in (S.SUBMITTED, S.STUCK):
            heapq.heappush(self._due, (time.monotonic() + self._gap[key], key))
            self._gap[key] *= POLL_BACKOFF
        return True

    # -- leases -------------------------------------------------------------------------
    def _claim(self, keys: list[str]) -> list[str]:
        if not keys:
            return []
        with self.units() as uow:
            rows = uow.outbox.claim(keys, owner=self.worker, until=utcnow() + self.lease,
                                    states=[str(s) for s in DELIVERABLE], may_take=self._may_take)
            uow.commit()
        self._rows.update((row.idempotency_key, row) for row in rows)
        claimed = [row.idempotency_key for row in rows]
        skipped = sorted(set(keys) - set(claimed))
        if skipped:
            log.info("%d rows are being delivered by another live worker; left to it: %s", len(skipped),
                     ", ".join(skipped[:5]))
        return claimed

    def _out_of_time(self, share: float = 1.0) -> bool:
        """``share`` of the round's budget is spent: start nothing more of that kind."""
        return self.budget_s is not None and time.monotonic() - self._started >= self.budget_s * share

    def _may_take(self, entry: OutboxEntry) -> bool:
        """Free, ours, expired, or held by a process on this host that no longer exists."""
        return entry.lease_owner == self.worker or not lease_is_live(entry, now=utcnow())

    # -- steps --------------------------------------------------------------------------
    def _send_all(self, keys: list[str]) -> None:
        """Settle the rows a dead run left behind, then post the pending ones a chunk at a time."""
        for key in keys:
            entry = self._rows[key]
            if entry.state == S.SENDING:  # we took it over: its last worker died between marking and recording
                entry = self._lost(entry, "the worker sending it ended mid-submission") or self._reload(key)
            if entry.state == S.UNKNOWN:
                self._resolve_unknown(entry) or self._reload(key)
        pending = [k for k in keys if self._rows[k].state == S.PENDING]
        for start in range(0, len(pending), POSTS_PER_RECORD):
            if start and self._out_of_time(POSTING_SHARE):  # the first chunk always goes: every round progresses
                self._deferred.update(pending[start:])
                break
            for sending in self._mark_sending(pending[start:start + POSTS_PER_RECORD]):
                self._post(sending)
                self._read_next_due()  # on getTransaction's own usage plan, while submit*'s refills
            self._record_answers()
            self._record_accepted()

    def _mark_sending(self, keys: list[str]) -> list[OutboxEntry]:
        """Write down, before any of them is posted, that these rows may reach Amazon (one transaction)."""
        rows = [self._rows[k] for k in keys]
        return self._move_many([(e, {"attempts": e.attempts + 1, "posted_at": self.now}, {}) for e in rows],
                               S.SENDING)

    def _post(self, sending: OutboxEntry) -> str:
        """POST a row marked ``sending``; its answer waits in ``_answers`` to be recorded with its chunk's."""
        kind = sending.kind
        crash_point("before_post", kind)
        try:
            transaction_id = getattr(self.client, SUBMIT_OPERATION[kind])(sending.payload)
        except ThrottledError as exc:  # refused before processing: safe to send later
            return self._to(sending, S.PENDING, error=_error_of(exc))
        except AuthError as exc:  # refused before processing, and a person must fix the credentials
            return self._to(sending, S.PENDING, error=_error_of(exc), alert=("auth", "Unauthorized"))
        except (ClientRequestError, InvalidSubmission) as exc:  # refused as sent
            if sending.unconfirmed_posted_at is not None:
                return self._judge_refused_repost(sending, [_error_of(exc)])
            return self._fail(sending, [_error_of(exc)])
        except (SubmissionOutcomeUnknown, ServerError, NetworkError) as exc:
            self._lost(sending, _error_of(exc)["message"])
            return S.UNKNOWN
        except BaseException:  # a bug or an interrupt mid-POST: the outcome is unknown, say so before dying
            self._lost(sending, "the run stopped on an unexpected error while posting")
            raise
        crash_point("after_post", kind)
        self._answers.append((sending, transaction_id))
        return S.SUBMITTED

    def _record_answers(self) -> None:
        """The POSTs Amazon answered become ``submitted``, all in one transaction."""
        answers, self._answers = self._answers, []
        moved = self._move_many([(e, {"transaction_id": tid, "submitted_at": self.now},
                                  {"transaction_id": tid, "attempt": e.attempts}) for e, tid in answers], S.SUBMITTED)
        for entry in moved:
            log.info("%s %s submitted, transaction %s", entry.kind, entry.business_id, entry.transaction_id)
        self._read_soon([e.idempotency_key for e in moved])

    def _lost(self, entry: OutboxEntry, why: str) -> OutboxEntry | None:
        return self._move(entry, S.UNKNOWN, unconfirmed_posted_at=entry.posted_at or self.now,
                          error={"code": "OutcomeUnknown", "message": why}, alert=("unknown", "OutcomeUnknown"))

    def _resolve_unknown(self, entry: OutboxEntry) -> OutboxEntry | None:
        found = self._confirm(entry)
        if found == APPLIED:
            return self._accept(entry, applied_at=entry.unconfirmed_posted_at,
                                note="Amazon shows it applied after a lost answer")
        if found == UNREACHABLE:
            return None  # Amazon could not be asked now: stay unknown (alerted), never re-post blind
        log.warning("%s %s: %s; posting the identical document once", entry.kind, entry.business_id,
                    "Amazon shows it was not applied" if found == ABSENT else "Amazon offers no read-back")
        return self._move(entry, S.PENDING)

    def _poll(self, key: str, *, final_round: bool) -> str:
        entry = self._rows[key]
        if entry.state not in (S.SUBMITTED, S.STUCK) or entry.lease_owner != self.worker:
            return entry.state
        # a submitted or stuck row got its transaction id with that state (the client refuses an empty one)
        assert entry.transaction_id is not None, f"{key} is {entry.state} without a transaction id"
        try:
            status = self.client.get_transaction(entry.transaction_id)
        except SpApiError as exc:  # the row stays submitted; the next round or run reads it again
            log.warning("%s: getTransaction %s failed (%s); will read it again", key, entry.transaction_id, exc)
            return S.SUBMITTED if not final_round else entry.state
        if status.status == "Processing":
            return self._still_processing(entry, final_round=final_round)
        if status.status == "Success":
            return self._accept_state(entry, applied_at=entry.posted_at)
        errors = [_plain(e) for e in (status.errors or [])]
        if entry.unconfirmed_posted_at is not None:
            return self._judge_refused_repost(entry, errors)
        return self._fail(entry, errors)

    def _still_processing(self, entry: OutboxEntry, *, final_round: bool) -> str:
        """Processing: wait; at the end of a run, a read-back may prove it applied; past the limit it is stuck.

        Only a read-back that finds the document settles it early; one that does not find it proves
        nothing while Amazon is still processing, so the row waits for the next run, never re-posted.
        """
        if processing_means_applied(entry.kind, submitted_at=entry.submitted_at, now=self.now):
            return self._accept_state(entry, applied_at=entry.posted_at,
                                      note=SILENT_SUCCESS_NOTE)
        overdue = entry.submitted_at is not None and self.now - entry.submitted_at >= self.stuck_after
        if not (final_round and (overdue or entry.kind in self.confirm_early)):
            return entry.state
        if self._confirm(entry) == APPLIED:  # Amazon applied it but has not finished the transaction
            note = ("transaction stuck in Processing; Amazon shows it applied" if overdue
                    else "transaction still Processing; Amazon shows it applied")
            return self._accept_state(entry, applied_at=entry.posted_at, note=note)
        if entry.state == S.STUCK or not overdue:
            return entry.state
        note = self.cross_check(entry) if self.cross_check else ""
        return self._to(entry, S.STUCK, alert=("stuck", "TransactionStuck"), error={
            "code": "TransactionStuck",
            "message": f"transaction {entry.transaction_id} still Processing since "
                       f"{entry.submitted_at:%Y-%m-%d %H:%M}Z; {note}".rstrip("; ")})

    def _judge_refused_repost(self, entry: OutboxEntry, errors: list[dict[str, Any]]) -> str:
        """Amazon refused a re-post made after a lost answer: did the first copy land?"""
        found = self._confirm(entry)
        if found == APPLIED:
            return self._accept_state(entry, applied_at=entry.unconfirmed_posted_at,
                                      note="re-post refused; Amazon shows the earlier copy applied")
        if found == ABSENT:  # Amazon says the first copy never landed: the re-post is judged on its own
            return self._fail(entry, errors)
        if found == NO_READBACK and errors and all(e.get("code") == DUPLICATE_CODE[entry.kind] for e in errors):
            return self._accept_state(entry, applied_at=entry.unconfirmed_posted_at,
                                      note="re-post answered duplicate: the earlier copy was applied")
        return self._to(entry, S.NEEDS_REVIEW, error={"code": "NeedsReview", "message": _joined(errors)},
                        alert=("needs_review", "NeedsReview"), completed_at=self.now)

    def _confirm(self, entry: OutboxEntry) -> str:
        """Ask Amazon whether the document was applied: APPLIED, ABSENT, NO_READBACK or UNREACHABLE."""
        confirm = self.confirmers.get(entry.kind)
        if confirm is None:
            return NO_READBACK
        try:
            answer = confirm(entry)
        except SpApiError as exc:
            log.warning("%s: could not ask Amazon whether it was applied (%s)", entry.idempotency_key, exc)
            return UNREACHABLE
        return NO_READBACK if answer is None else APPLIED if answer else ABSENT

    # -- moves --------------------------------------------------------------------------
    def _accept_state(self, entry: OutboxEntry, *, applied_at: datetime | None, note: str | None = None) -> str:
        """Accept ``entry`` with the others found applied in this round (``_record_accepted``)."""
        self._accepting.append((entry, applied_at or self.now, note))
        return S.ACCEPTED

    def _record_accepted(self) -> None:
        accepting, self._accepting = self._accepting, []
        moved = self._move_many([(e, {"completed_at": self.now, "applied_at": applied_at},
                                  {"transaction_id": e.transaction_id, "note": note})
                                 for e, applied_at, note in accepting], S.ACCEPTED)
        for entry in moved:
            crash_point("after_accept", entry.kind)

    def _accept(self, entry: OutboxEntry, *, applied_at: datetime | None, note: str | None = None
                ) -> OutboxEntry | None:
        moved = self._move(entry, S.ACCEPTED, completed_at=self.now, applied_at=applied_at or self.now,
                           audit={"transaction_id": entry.transaction_id, "note": note})
        if moved is not None:
            crash_point("after_accept", entry.kind)
        return moved

    def _fail(self, entry: OutboxEntry, errors: list[dict[str, Any]]) -> str:
        first = errors[0] if errors else {"code": None, "message": "failed without details"}
        moved = self._move(entry, S.FAILED, completed_at=self.now, errors_add=errors,
                           alert=("failed", first.get("code")), audit={"errors": errors})
        if moved is not None:
            log.error("%s %s rejected: %s", entry.kind, entry.business_id, errors)
        return moved.state if moved else self._state(entry.idempotency_key)

    def _to(self, entry: OutboxEntry, wanted: S, **values: Any) -> str:
        moved = self._move(entry, wanted, **values)
        return moved.state if moved else self._state(entry.idempotency_key)

    def _move(self, entry: OutboxEntry, wanted: S, *, error: dict[str, Any] | None = None,
              errors_add: list[dict[str, Any]] | None = None, alert: tuple[str, str | None] | None = None,
              audit: dict[str, Any] | None = None, **values: Any) -> OutboxEntry | None:
        """Compare-and-set ``entry`` (as read) to ``wanted``; None when someone else moved it first."""
        check_transition(entry.idempotency_key, entry.state, wanted)
        added = [*(errors_add or []), *([{**error, "at": self.now.isoformat()}] if error else [])]
        if added:
            values["errors"] = [*entry.errors, *added]
        with self.units() as uow:
            moved = uow.outbox.compare_and_set(entry, state=str(wanted), owner=self.worker,
                                               lease_until=utcnow() + self.lease, **values)
            if moved is None:
                log.warning("%s moved on elsewhere (was %s); re-reading instead of overwriting",
                            entry.idempotency_key, entry.state)
                return None
            settle_alerts(uow, moved, at=self.now)
            if alert is not None:
                self._raise(uow, moved, alert[0], alert[1], added)
            reflect(uow, moved)
            uow.audit.append(action=f"{moved.kind}.{wanted}", entity="outbox", entity_id=moved.idempotency_key,
                             detail={"from": entry.state, **(audit or {})}, at=utcnow())
            uow.commit()
        self._rows[moved.idempotency_key] = moved
        return moved

    def _move_many(self, moves: list[tuple[OutboxEntry, dict[str, Any], dict[str, Any]]],
                   wanted: S) -> list[OutboxEntry]:
        """``_move`` for many rows (row as read, values, audit detail) in one transaction; returns those moved.

        One UPDATE moves them all, compare-and-set row by row; a row someone else moved
        first is re-read instead of overwritten. Moves that raise an alert go through ``_move``.
        """
        if not moves:
            return []
        for entry, _, _ in moves:
            check_transition(entry.idempotency_key, entry.state, wanted)
        with self.units() as uow:
            moved = {m.id: m for m in uow.outbox.compare_and_set_many(
                [(e, values) for e, values, _ in moves], state=str(wanted), owner=self.worker,
                lease_until=utcnow() + self.lease)}
            uow.alerts.resolve_all([k for m in moved.values() for k in _settled_by(m)], at=self.now)
            reflect_all(uow, list(moved.values()))
            at = utcnow()
            uow.audit.append_all([{"action": f"{e.kind}.{wanted}", "entity": "outbox", "entity_id": e.idempotency_key,
                                   "detail": {"from": e.state, **audit}, "at": at}
                                  for e, _, audit in moves if e.id in moved])
            uow.commit()
        for entry, _, _ in moves:
            if entry.id in moved:
                self._rows[entry.idempotency_key] = moved[entry.id]
            else:
                log.warning("%s moved on elsewhere (was %s); re-reading instead of overwriting",
                            entry.idempotency_key, entry.state)
                self._reload(entry.idempotency_key)
        return [moved[e.id] for e, _, _ in moves if e.id in moved]

    @staticmethod
    def _raise(uow: UnitOfWork, entry: OutboxEntry, name: str, code: str | None,
               errors: list[dict[str, Any]]) -> None:
        play = play_for(code)
        subject = (f"{entry.kind.replace('_', ' ')} {entry.business_id} was rejected by Amazon" if name == "failed"
                   else f"{entry.kind.replace('_', ' ')} {entry.business_id}: {name.replace('_', ' ')}")
        uow.alerts.raise_alert(
            dedupe_key=alert_key(name, entry.idempotency_key), account_code=entry.account_code,
            kind=f"{entry.kind}_failed" if name == "failed" else f"outbox_{name}",
            subject=subject, message=_joined(errors) or name, next_step=play.next_step, severity=play.severity,
            code=code, **_about(entry))

    # -- reads --------------------------------------------------------------------------
    def _reports(self, keys: list[str], *, claimed: set[str]) -> list[DeliveryReport]:
        """Every row as stored now (one query): ours as we left them, the others as their worker has."""
        with self.units() as uow:
            rows = uow.outbox.by_keys(keys)
        missing = [k for k in keys if k not in rows]
        if missing:
            raise KeyError(f"no outbox entry {missing[0]!r}")
        return [DeliveryReport(rows[k].idempotency_key, rows[k].kind, rows[k].business_id, rows[k].state,
                               rows[k].transaction_id, list(rows[k].errors),
                               busy=k not in claimed and rows[k].state not in FINAL,
                               deferred=k in self._deferred and rows[k].state not in FINAL) for k in keys]

    def _state(self, key: str) -> str:
        return self._reload(key).state

    def _reload(self, key: str) -> OutboxEntry:
        """Read a row again (someone else moved it, or a step wants it as stored now)."""
        with self.units() as uow:
            entry = uow.outbox.get(key)
        if entry is None:
            raise KeyError(f"no outbox entry {key!r}")
        self._rows[key] = entry
        return entry


#: what each kind of document is about, for the alert's related resources
_ABOUT: dict[str, str] = {K.ACKNOWLEDGEMENT: "po_number", K.SHIPMENT_CONFIRMATION: "shipment_identifier",
          K.ROUTING_REQUEST: "shipment_identifier", K.INVOICE: "invoice_number"}


class _About(TypedDict):
    """``raise_alert``'s keywords naming what an outbox alert is about: the one its document's kind names."""

    po_number: str | None
    shipment_identifier: str | None
    invoice_number: str | None


def _about(entry: OutboxEntry) -> _About:
    field, number = _ABOUT.get(entry.kind), entry.business_id
    return _About(po_number=number if field == "po_number" else None,
                  shipment_identifier=number if field == "shipment_identifier" else None,
                  invoice_number=number if field == "invoice_number" else None)


def _joined(errors: list[dict[str, Any]]) -> str:
    return "; ".join(f"{e.get('code')}: {e.get('message')}" for e in errors)


def _error_of(exc: Exception) -> dict[str, Any]:
    return {"code": getattr(exc, "code", None) or type(exc).__name__,
            "message": getattr(exc, "message", None) or str(exc),
            "status": getattr(exc, "status_code", None), "request_id": getattr(exc, "request_id", None)}


def _plain(error: Any) -> dict[str, Any]:
    if isinstance(error, dict):
        return {"code": error.get("code"), "message": error.get("message"), "details": error.get("details")}
    return {"code": getattr(error, "code", None), "message": getattr(error, "message", None),
            "details": getattr(error, "details", None)}
