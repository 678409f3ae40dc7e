"""The promises Acorn keeps, checked every run: nothing accepted is left unbilled, nothing open is silent.

Checks (each finding names the record):

* ``status_follows_document`` — a shipment's or invoice's status is its outbox row's
  outcome (they move in one transaction; rows from older versions are repaired here);
* ``accepted_asn_not_invoiced`` — every ASN Amazon accepted has its invoice queued, or an
  open quality-gate alert saying why not;
* ``open_document_without_alert`` — every outbox row that is not final has an open alert
  (rows a live worker is delivering right now are left to it);
* ``asn_overdue`` — no shipment is past its ASN deadline without an ASN (unless the
  quality gate holds it, which has its own alert); it raises the ASN watch's late alert
  (``acorn.services.asn_watch``) when the watch has not;
* ``alert_of_settled_document`` — alerts about a row that has since moved on are resolved.

What can be repaired is repaired and audited; the rest is alerted. ``acorn doctor`` prints
the same findings without changing anything.

Each check is a set-based query over what is still open, never a walk through history, so a
sweep costs the same on day 300 as on day 2. That still catches drift because of where drift
can live: a record and its outbox row move together in one transaction (``outbox.reflect``),
and a row that reached ``accepted`` or ``failed`` never moves again, so a record that lags its
row is a record still in an open status (planned, queued, in flight) beside a row that has an
outcome — exactly what ``lagging_documents`` selects, whatever the age of the row. The other
checks start from the open side by definition: accepted shipments without an invoice (an
anti-join), outbox rows not final, planned shipments past their deadline, and open alerts
(``alert_of_settled_document`` reads the open alerts and then only the rows they name).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from acorn.config import VendorAccountSettings
from acorn.domain.alerts import asn_late_key
from acorn.domain.documents import FINAL, DocumentState
from acorn.domain.invoice import invoice_number_for
from acorn.domain.states import ShipmentStatus
from acorn.services.asn_keys import gate_alert_key
from acorn.services.outbox import REFLECTED, TRANSIENT_ALERTS, alert_key, lease_is_live, reflect
from acorn.services.ports import Units
from acorn.store import UnitOfWork
from acorn.store.ids import stored_id
from schemas.tables import Invoice, OutboxEntry, Shipment, utcnow

S = DocumentState


@dataclass(frozen=True)
class Finding:
    check: str
    record: str
    problem: str
    action: str  # "repaired", "alerted", "already alerted", or "none" (read-only)


def sweep(units: Units, account: VendorAccountSettings, *, as_of: datetime, repair: bool = True
          ) -> list[Finding]:
    """Check every invariant for one account; with ``repair``, fix or alert what is wrong."""
    with units() as uow:
        sweeper = _Sweep(uow, account, as_of=as_of, repair=repair)
        sweeper.statuses_follow_documents()
        sweeper.accepted_asns_are_invoiced()
        sweeper.open_documents_are_alerted()
        sweeper.shipments_have_asns_by_their_deadline()
        sweeper.settled_documents_have_no_alerts()
        if repair:
            uow.commit()
    return sweeper.findings


#: a shipment or invoice status that can still lag its document: anything but an outcome
_OPEN_RECORD = frozenset({ShipmentStatus.PLANNED, ShipmentStatus.QUEUED, *(str(state) for state in set(S) - FINAL)})


class _Sweep:
    def __init__(self, uow: UnitOfWork, account: VendorAccountSettings, *, as_of: datetime, repair: bool) -> None:
        self.uow, self.account, self.as_of, self.repair = uow, account, as_of, repair
        self.findings: list[Finding] = []
        self.open_alerts = uow.alerts.open_keys(account.code)

    def _found(self, check: str, record: str, problem: str, action: str) -> None:
        self.findings.append(Finding(check, record, problem, action if self.repair else "none"))

    def _alert(self, dedupe_key: str, *, kind: str, subject: str, message: str, next_step: str,
               shipment_identifier: str | None = None, reopen: bool = True) -> str:
        if dedupe_key in self.open_alerts:
            return "already alerted"
        if self.repair:
            self.uow.alerts.raise_alert(dedupe_key=dedupe_key, account_code=self.account.code, kind=kind,
                                        subject=subject, message=message, next_step=next_step, severity="error",
                                        shipment_identifier=shipment_identifier, reopen=reopen)
            self.open_alerts.add(dedupe_key)
        return "alerted"

    def statuses_follow_documents(self) -> None:
        """Records still open beside a row that has an outcome (see the module doc: where drift can live)."""
        code, outcomes = self.account.code, [str(state) for state in REFLECTED]
        lagging: list[tuple[OutboxEntry, Shipment | Invoice]] = [
            *self.uow.shipments.lagging_documents(code, statuses=_OPEN_RECORD, outcomes=outcomes),
            *self.uow.invoices.lagging_documents(code, statuses=_OPEN_RECORD, outcomes=outcomes)]
        for entry, record in sorted(lagging, key=lambda pair: stored_id(pair[0])):
            self._found("status_follows_document", entry.business_id,
                        f"{entry.kind.replace('_', ' ')} is {entry.state} but the record says {record.status}",
                        "repaired")
            if self.repair:
                was = record.status
                reflect(self.uow, entry)
                self.uow.audit.append(action="invariant.repaired", entity="outbox", entity_id=entry.idempotency_key,
                                      detail={"check": "status_follows_document", "was": was})

    def accepted_asns_are_invoiced(self) -> None:
        for shipment in self.uow.shipments.awaiting_invoice(self.account.code):
            number = invoice_number_for(prefix=self.account.invoice_prefix, shipment_id=shipment.shipment_identifier)
            if f"invoice-gate:{self.account.code}:{number}" in self.open_alerts:
                continue  # the quality gate holds it, and its alert says why
            action = self._alert(
                f"invoice-missing:{shipment.shipment_identifier}", kind="invoice_missing",
                subject=f"Shipment {shipment.shipment_identifier}: ASN accepted, no invoice",
                message="Amazon accepted the ASN but no invoice was queued for it.",
                next_step="Run submit_invoices for the account; if it stays, check the shipment's lines and the "
                          "PO costs.")
            self._found("accepted_asn_not_invoiced", shipment.shipment_identifier, "ASN accepted, no invoice", action)

    def open_documents_are_alerted(self) -> None:
        now = utcnow()
        for entry in self.uow.outbox.list(account_code=self.account.code, states=[str(s) for s in set(S) - FINAL]):
            if lease_is_live(entry, now=now):
                continue
            if any(alert_key(name, entry.idempotency_key) in self.open_alerts
                   for name in (*TRANSIENT_ALERTS, "failed")):
                continue
            action = self._alert(
                alert_key("open", entry.idempotency_key), kind="outbox_open",
                subject=f"{entry.kind.replace('_', ' ')} {entry.business_id}: still {entry.state}",
                message=f"{entry.idempotency_key} is {entry.state} after {entry.attempts} attempt(s); "
                        f"last error: {(entry.errors or [{}])[-1].get('message', 'none')}",
                next_step="The next run delivers it; if this stays open, check `acorn outbox` and Vendor Central, "
                          "then `acorn outbox resolve` it.")
            self._found("open_document_without_alert", entry.idempotency_key, f"{entry.state} without an alert",
                        action)

    def shipments_have_asns_by_their_deadline(self) -> None:
        overdue = [s for s in self.uow.shipments.list(self.account.code, statuses=[ShipmentStatus.PLANNED])
                   if s.asn_deadline < self.as_of and gate_alert_key(s) not in self.open_alerts]
        # the ASN watch's late alert (one per shipment, ever): the sweep only backs it up
        raised = self.uow.alerts.existing(asn_late_key(s.shipment_identifier) for s in overdue)
        for shipment in overdue:
            late = asn_late_key(shipment.shipment_identifier)
            action = "already alerted" if late in raised else self._alert(
                late, kind="asn_late",
                subject=f"ASN {shipment.shipment_identifier} is late",
                message=f"deadline {shipment.asn_deadline:%Y-%m-%d %H:%M} UTC passed with no ASN queued",
                next_step="Run submit_asns for the account now; expect a chargeback.",
                shipment_identifier=shipment.shipment_identifier, reopen=False)
            self._found("asn_overdue", shipment.shipment_identifier, "past its ASN deadline without an ASN", action)

    def settled_documents_have_no_alerts(self) -> None:
        """From the open alerts about a document to the rows they name: only those rows are read."""
        named: dict[str, list[str]] = {}  # idempotency key -> its open outbox alerts
        for dedupe in self.open_alerts:
            name, _, key = dedupe.removeprefix("outbox-").partition(":")
            if dedupe.startswith("outbox-") and key and name in (*TRANSIENT_ALERTS, "failed"):
                named.setdefault(key, []).append(dedupe)
        rows = self.uow.outbox.by_keys(named)
        settled = (e for e in rows.values() if e.account_code == self.account.code and e.state in FINAL)
        for entry in sorted(settled, key=stored_id):
            stale = [alert_key(n, entry.idempotency_key) for n in TRANSIENT_ALERTS]
            if entry.state == S.ACCEPTED:
                stale.append(alert_key("failed", entry.idempotency_key))  # resolved by hand as accepted
            for dedupe in stale:
                if dedupe in self.open_alerts:
                    self._found("alert_of_settled_document", entry.idempotency_key,
                                f"alert {dedupe} still open though the document is {entry.state}", "repaired")
                    if self.repair:
                        self.uow.alerts.resolve(dedupe, at=self.as_of)
        watched = [k.removeprefix("asn-overdue:") for k in self.open_alerts if k.startswith("asn-overdue:")]
        accepted = [s for s in self.uow.shipments.by_identifiers(watched)
                    if s.account_code == self.account.code and s.status == S.ACCEPTED]
        for shipment in sorted(accepted, key=lambda s: (s.departure, s.shipment_identifier)):
            self._found("alert_of_settled_document", shipment.shipment_identifier,
                        "overdue alert open though the ASN was accepted", "repaired")
            if self.repair:
                self.uow.alerts.resolve(f"asn-overdue:{shipment.shipment_identifier}", at=self.as_of)
