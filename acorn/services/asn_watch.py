"""The ASN watch: a shipment whose ASN is not accepted is at risk before its deadline, late after it.

Runs with every ASN run (the daily run and the 10-minute safety net). Each verdict is an
alert, raised once per shipment, which becomes ``acorn.asn.at-risk`` / ``acorn.asn.late``
(``acorn.domain.alerts``). The late alert shares its key with the one the outbox raises for
an ASN Amazon accepted after its deadline, so a shipment is reported late once, whichever
saw it first. An at-risk alert is resolved once its ASN is accepted or it turned late.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from acorn.config import VendorAccountSettings
from acorn.domain.alerts import ASN_AT_RISK_BEFORE, asn_at_risk_key, asn_late_key, asn_watch_verdict
from acorn.domain.deadlines import asn_is_on_time
from acorn.domain.documents import DocumentState
from acorn.services.asn_keys import gate_alert_key
from acorn.services.ports import Units
from acorn.store import UnitOfWork
from schemas.tables import Shipment

S = DocumentState
#: an ASN in these states is Amazon's to refuse or a person's to release: their alerts say so
_NOT_AT_RISK = frozenset({str(S.FAILED), str(S.NEEDS_REVIEW)})


@dataclass
class WatchResult:
    at_risk: list[str] = field(default_factory=list)
    late: list[str] = field(default_factory=list)
    cleared: int = 0


def watch_asns(units: Units, account: VendorAccountSettings, *, now: datetime) -> WatchResult:
    """Alert each shipment of ``account`` whose ASN is at risk or late at ``now``; clear settled at-risk alerts."""
    result = WatchResult()
    with units() as uow:
        open_alerts = uow.alerts.open_keys(account.code)
        due = uow.shipments.due_for_asn(account.code, by=now + ASN_AT_RISK_BEFORE)
        # raised once per shipment, ever: one a person resolved stays resolved
        seen = uow.alerts.existing(k for s in due for k in (asn_late_key(s.shipment_identifier),
                                                             asn_at_risk_key(s.shipment_identifier)))
        for shipment in due:
            verdict = asn_watch_verdict(
                now=now, deadline=shipment.asn_deadline, accepted=shipment.status == S.ACCEPTED,
                sent_or_waiting=shipment.status not in _NOT_AT_RISK and gate_alert_key(shipment) not in open_alerts)
            if verdict == "late" and asn_late_key(shipment.shipment_identifier) not in seen:
                _raise_late(uow, shipment, now)
                result.late.append(shipment.shipment_identifier)
            elif verdict == "at-risk" and asn_at_risk_key(shipment.shipment_identifier) not in seen:
                _raise_at_risk(uow, shipment, now)
                result.at_risk.append(shipment.shipment_identifier)
        result.cleared = _clear_settled(uow, account.code, open_alerts, now)
        uow.commit()
    return result


def _raise_late(uow: UnitOfWork, shipment: Shipment, now: datetime) -> None:
    uow.alerts.raise_alert(
        dedupe_key=asn_late_key(shipment.shipment_identifier), account_code=shipment.account_code, kind="asn_late",
        subject=f"ASN {shipment.shipment_identifier} is late",
        message=f"deadline {shipment.asn_deadline:%Y-%m-%d %H:%M} UTC passed at {now:%Y-%m-%d %H:%M} UTC and Amazon "
                f"has not accepted an ASN (shipment {shipment.status})",
        next_step="Send it now (`acorn run` or the submit_asns deployment) and check `acorn po` for why it waited; "
                  "expect a chargeback.",
        severity="error", shipment_identifier=shipment.shipment_identifier)


def _raise_at_risk(uow: UnitOfWork, shipment: Shipment, now: datetime) -> None:
    minutes = max(0, int((shipment.asn_deadline - now).total_seconds() // 60))
    uow.alerts.raise_alert(
        dedupe_key=asn_at_risk_key(shipment.shipment_identifier), account_code=shipment.account_code,
        kind="asn_at_risk", subject=f"ASN {shipment.shipment_identifier} at risk: {minutes} min to its deadline",
        message=f"deadline {shipment.asn_deadline:%Y-%m-%d %H:%M} UTC; the truck left "
                f"{shipment.departure:%Y-%m-%d %H:%M} UTC and the ASN is {shipment.status}",
        next_step="Check that the submit_asns deployment runs (`acorn status`); send it by hand with `acorn run` "
                  "if it does not.",
        severity="warning", shipment_identifier=shipment.shipment_identifier)


def _clear_settled(uow: UnitOfWork, account_code: str, open_alerts: set[str], now: datetime) -> int:
    """At-risk alerts whose shipment was accepted or turned late say nothing any more."""
    watched = [key.removeprefix(asn_at_risk_key("")) for key in open_alerts if key.startswith(asn_at_risk_key(""))]
    settled = [asn_at_risk_key(s.shipment_identifier) for s in uow.shipments.by_identifiers(watched)
               if s.status == S.ACCEPTED or not asn_is_on_time(now, s.asn_deadline)]
    return uow.alerts.resolve_all(settled, at=now)
