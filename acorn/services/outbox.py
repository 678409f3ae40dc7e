"""Exactly-once submissions to Amazon.

Every acknowledgement, ASN and invoice is written here (with a deterministic idempotency
key) before it is ever posted, and every step of its delivery is committed before the
next one starts::

    pending ──POST──> sending ──202──> submitted ──getTransaction──> accepted | failed
                         │                  └── Processing too long ──> stuck (alert, never re-posted)
                         └── answer lost / crash ──> unknown ──confirm──> accepted | (re-post once) submitted

SP-API has no idempotency keys and no way to read back ASNs or invoices, so when the
answer to a POST is lost we first ask Amazon whatever it can tell (PO status for an
acknowledgement). Only when nothing can tell do we post the identical document again:
Amazon rejects a second copy of an applied document by its business id (shipment
identifier, invoice number), so the ledger ends with exactly one accepted copy and the
duplicate answer itself proves the first was applied.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from acorn.playbook import play_for
from acorn.spapi import (ClientRequestError, InvalidSubmission, NetworkError, ServerError, SubmissionOutcomeUnknown,
                         ThrottledError)
from acorn.store import UnitOfWork
from schemas.tables import OutboxEntry, utcnow

log = logging.getLogger("acorn.outbox")

SUBMIT_OPERATION = {
    "acknowledgement": "submit_acknowledgement",
    "shipment_confirmation": "submit_shipment_confirmations",
    "invoice": "submit_invoices",
}
#: the Failure code that means "you already sent this one and it was applied"
DUPLICATE_CODE = {
    "acknowledgement": "DuplicateAcknowledgement",
    "shipment_confirmation": "DuplicateShipmentIdentifier",
    "invoice": "DuplicateInvoiceNumber",
}
FINAL_STATES = frozenset({"accepted", "failed"})
OPEN_STATES = frozenset({"pending", "sending", "submitted", "unknown", "stuck"})

#: test-only fault injection: the process dies at this point, as a killed worker would
CRASH_ENV = "ACORN_CRASH_AT"


def _crash_point(name: str) -> None:
    if os.environ.get(CRASH_ENV) == name:
        log.error("fault injection: process killed at %s", name)
        os._exit(70)


@dataclass
class DeliveryReport:
    key: str
    kind: str
    business_id: str
    state: str
    transaction_id: str | None
    errors: list[dict[str, Any]] = field(default_factory=list)


def enqueue(uow: UnitOfWork, *, kind: str, key: str, account_code: str, business_id: str,
            payload: dict[str, Any]) -> tuple[OutboxEntry, bool]:
    """Record a submission once; a rerun gets the existing row back untouched."""
    if kind not in SUBMIT_OPERATION:
        raise ValueError(f"unknown outbox kind {kind!r}")
    existing = uow.outbox.get(key)
    if existing is not None:
        return existing, False
    entry = uow.outbox.add(OutboxEntry(kind=kind, idempotency_key=key, account_code=account_code,
                                       business_id=business_id, payload=payload))
    uow.audit.append(action=f"{kind}.queued", entity="outbox", entity_id=key, detail={"business_id": business_id})
    return entry, True


def release(uow: UnitOfWork, key: str, *, actor: str) -> OutboxEntry:
    """Ops checked Vendor Central: a stuck document never arrived, so it may be sent again."""
    entry = uow.outbox.get(key)
    if entry is None:
        raise KeyError(f"no outbox entry {key!r}")
    if entry.state != "stuck":
        raise ValueError(f"{key} is {entry.state!r}; only a stuck submission is released by hand")
    entry.state, entry.updated_at = "pending", utcnow()
    uow.audit.append(action=f"{entry.kind}.released", entity="outbox", entity_id=key, actor=actor,
                     detail={"previous_transaction_id": entry.transaction_id})
    entry.transaction_id = None
    return entry


Confirmer = Callable[[OutboxEntry], bool | None]


class OutboxCourier:
    """Moves outbox rows through their states, committing after every step."""

    def __init__(self, database_url: str, client: Any, *, now: datetime, stuck_after: timedelta,
                 confirmers: dict[str, Confirmer] | None = None, wait_s: float = 5.0,
                 poll_interval_s: float = 0.25, cross_check: Callable[[OutboxEntry], str] | None = None) -> None:
        self.database_url = database_url
        self.client = client
        self.now = now
        self.stuck_after = stuck_after
        self.confirmers = confirmers or {}
        self.wait_s = wait_s
        self.poll_interval_s = poll_interval_s
        self.cross_check = cross_check

    # -- public -------------------------------------------------------------------------
    def deliver(self, key: str) -> DeliveryReport:
        """Advance one row as far as it can go now; safe to call any number of times."""
        return self.deliver_all([key])[0]

    def deliver_all(self, keys: list[str]) -> list[DeliveryReport]:
        """Post every row that needs it, then read their transactions in rounds.

        Polling in rounds (one getTransaction per open row, then a short pause) keeps a
        batch of N submissions at about N reads per round instead of N sequential waits.
        """
        for key in keys:
            self._send(key)
        waiting = [k for k in keys if self._load(k).state in ("submitted", "stuck")]
        deadline = time.monotonic() + self.wait_s
        while waiting:
            waiting = [k for k in waiting if self._poll(k, final_round=False) in ("submitted", "stuck")]
            if not waiting or time.monotonic() >= deadline:
                break
            time.sleep(self.poll_interval_s)
        for key in waiting:  # still Processing when time ran out: judge how long it has been
            self._poll(key, final_round=True)
        return [self._report(k) for k in keys]

    def _send(self, key: str) -> str:
        state = self._load(key).state
        if state == "sending":  # a previous run died between marking and recording
            self._set(key, "unknown", error={"code": "OutcomeUnknown", "message": "run ended mid-submission"})
            state = "unknown"
        if state == "unknown":
            state = self._resolve_unknown(key)
        if state == "pending":
            state = self._post(key)
        return state

    def _report(self, key: str) -> DeliveryReport:
        entry = self._load(key)
        return DeliveryReport(entry.idempotency_key, entry.kind, entry.business_id, entry.state,
                              entry.transaction_id, list(entry.errors))

    # -- steps --------------------------------------------------------------------------
    def _post(self, key: str) -> str:
        with UnitOfWork(self.database_url) as uow:
            entry = uow.outbox.lock(key)
            if entry.state not in ("pending", "unknown"):
                return entry.state
            entry.state, entry.attempts, entry.updated_at = "sending", entry.attempts + 1, utcnow()
            kind, payload = entry.kind, entry.payload
            uow.commit()
        _crash_point("before_post")
        submit = getattr(self.client, SUBMIT_OPERATION[kind])
        try:
            transaction_id = submit(payload)
        except ThrottledError as exc:  # refused before processing: safe to send later
            return self._set(key, "pending", error=_error_of(exc))
        except (ClientRequestError, InvalidSubmission) as exc:  # refused as sent: sending again cannot help
            return self._fail(key, _error_of(exc))
        except (SubmissionOutcomeUnknown, ServerError, NetworkError) as exc:
            return self._set(key, "unknown", error={**_error_of(exc), "code": "OutcomeUnknown"})
        _crash_point("after_post")
        with UnitOfWork(self.database_url) as uow:
            entry = uow.outbox.lock(key)
            entry.state, entry.transaction_id = "submitted", transaction_id
            entry.submitted_at, entry.updated_at = self.now, utcnow()
            uow.audit.append(action=f"{entry.kind}.submitted", entity="outbox", entity_id=key,
                             detail={"transaction_id": transaction_id, "attempt": entry.attempts}, at=utcnow())
            uow.commit()
        log.info("%s %s submitted, transaction %s", entry.kind, entry.business_id, transaction_id)
        return "submitted"

    def _resolve_unknown(self, key: str) -> str:
        entry = self._load(key)
        confirm = self.confirmers.get(entry.kind)
        applied = confirm(entry) if confirm else None
        if applied:
            return self._accept(key, note="confirmed applied by Amazon's PO status after a lost answer")
        log.warning("%s %s: outcome unknown; posting the identical document once to learn it",
                    entry.kind, entry.business_id)
        return "pending"

    def _poll(self, key: str, *, final_round: bool) -> str:
        entry = self._load(key)
        status = self.client.get_transaction(entry.transaction_id)
        if status.status == "Processing":
            overdue = entry.submitted_at and self.now - entry.submitted_at >= self.stuck_after
            if final_round and overdue and entry.state != "stuck":
                note = self.cross_check(entry) if self.cross_check else ""
                return self._set(key, "stuck", error={
                    "code": "TransactionStuck",
                    "message": f"transaction {entry.transaction_id} still Processing since "
                               f"{entry.submitted_at:%Y-%m-%d %H:%M}Z; {note}".rstrip("; ")})
            return entry.state
        if status.status == "Success":
            return self._accept(key)
        errors = [_plain(e) for e in (status.errors or [])]
        if self._lost_answer_before(entry) and errors and all(e["code"] == DUPLICATE_CODE[entry.kind] for e in errors):
            return self._accept(key, note="a lost earlier submission was applied (Amazon answered duplicate)")
        return self._fail(key, *errors)

    # -- state changes ------------------------------------------------------------------
    def _accept(self, key: str, note: str | None = None) -> str:
        with UnitOfWork(self.database_url) as uow:
            entry = uow.outbox.lock(key)
            entry.state, entry.completed_at, entry.updated_at = "accepted", self.now, utcnow()
            uow.audit.append(action=f"{entry.kind}.accepted", entity="outbox", entity_id=key,
                             detail={"transaction_id": entry.transaction_id, "note": note}, at=utcnow())
            for suffix in ("unknown", "stuck"):
                uow.alerts.resolve(f"outbox-{suffix}:{key}", at=self.now)
            uow.commit()
        return "accepted"

    def _fail(self, key: str, *errors: dict[str, Any]) -> str:
        with UnitOfWork(self.database_url) as uow:
            entry = uow.outbox.lock(key)
            entry.state, entry.completed_at, entry.updated_at = "failed", self.now, utcnow()
            entry.errors = [*entry.errors, *errors]
            first = errors[0] if errors else {"code": None, "message": "failed without details"}
            play = play_for(first.get("code"))
            uow.alerts.raise_alert(
                dedupe_key=f"outbox-failed:{key}", account_code=entry.account_code, kind=f"{entry.kind}_failed",
                subject=f"{entry.kind.replace('_', ' ')} {entry.business_id} was rejected by Amazon",
                message="; ".join(f"{e.get('code')}: {e.get('message')}" for e in errors) or "no details",
                next_step=play.next_step, severity=play.severity, code=first.get("code"))
            uow.audit.append(action=f"{entry.kind}.failed", entity="outbox", entity_id=key,
                             detail={"errors": list(errors)}, at=utcnow())
            uow.commit()
        log.error("%s %s rejected: %s", entry.kind, entry.business_id, errors)
        return "failed"

    def _set(self, key: str, state: str, *, error: dict[str, Any] | None = None) -> str:
        with UnitOfWork(self.database_url) as uow:
            entry = uow.outbox.lock(key)
            entry.state, entry.updated_at = state, utcnow()
            if error:
                entry.errors = [*entry.errors, {**error, "at": self.now.isoformat()}]
            if state in ("unknown", "stuck"):
                code = "OutcomeUnknown" if state == "unknown" else "TransactionStuck"
                play = play_for(code)
                uow.alerts.raise_alert(
                    dedupe_key=f"outbox-{state}:{key}", account_code=entry.account_code, kind=f"outbox_{state}",
                    subject=f"{entry.kind.replace('_', ' ')} {entry.business_id}: {state}",
                    message=(error or {}).get("message", state), next_step=play.next_step,
                    severity=play.severity, code=code)
            uow.commit()
        return state

    def _load(self, key: str) -> OutboxEntry:
        with UnitOfWork(self.database_url) as uow:
            entry = uow.outbox.get(key)
        if entry is None:
            raise KeyError(f"no outbox entry {key!r}")
        return entry

    @staticmethod
    def _lost_answer_before(entry: OutboxEntry) -> bool:
        return any(e.get("code") == "OutcomeUnknown" for e in entry.errors)


def _error_of(exc: Exception) -> dict[str, Any]:
    return {"code": getattr(exc, "code", None) or type(exc).__name__, "message": getattr(exc, "message", None) or str(exc),
            "status": getattr(exc, "status_code", None), "request_id": getattr(exc, "request_id", None)}


def _plain(error: Any) -> dict[str, Any]:
    if isinstance(error, dict):
        return {"code": error.get("code"), "message": error.get("message"), "details": error.get("details")}
    return {"code": getattr(error, "code", None), "message": getattr(error, "message", None),
            "details": getattr(error, "details", None)}
