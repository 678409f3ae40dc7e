"""How an alert reaches ops: the events it becomes and the notification that carries it.

Every alert becomes one event ``acorn.alert.<kind>``. Alerts that ops follow by topic (an
ASN at risk, late or rejected; an invoice rejected; a transaction stuck) also become a
topic event (``acorn.asn.late`` ...), which a dedicated automation notifies; the general
automation notifies the other error-severity alerts. So each problem is notified once,
by exactly one automation (``deployments/automations.yaml``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from acorn.domain.deadlines import asn_is_on_time

ALERT_EVENT_PREFIX = "acorn.alert."

#: how long before its ASN deadline a shipment without an accepted ASN is "at risk": two
#: runs of the 10-minute ASN safety net still fit
ASN_AT_RISK_BEFORE = timedelta(minutes=20)


class Topic(StrEnum):
    ASN = "asn"
    INVOICE = "invoice"
    TRANSACTION = "transaction"
    GENERAL = "general"


@dataclass(frozen=True)
class TopicEvent:
    topic: Topic
    event: str


#: alert kind → the topic event it also becomes
TOPIC_EVENTS: dict[str, TopicEvent] = {
    "asn_at_risk": TopicEvent(Topic.ASN, "acorn.asn.at-risk"),
    "asn_late": TopicEvent(Topic.ASN, "acorn.asn.late"),
    "shipment_confirmation_failed": TopicEvent(Topic.ASN, "acorn.asn.rejected"),
    "invoice_failed": TopicEvent(Topic.INVOICE, "acorn.invoice.rejected"),
    "outbox_stuck": TopicEvent(Topic.TRANSACTION, "acorn.transaction.stuck"),
}


def topic_of(kind: str) -> Topic:
    found = TOPIC_EVENTS.get(kind)
    return found.topic if found else Topic.GENERAL


def event_names(kind: str) -> list[str]:
    """The events one alert of ``kind`` becomes, the ``acorn.alert.*`` one first."""
    found = TOPIC_EVENTS.get(kind)
    return [f"{ALERT_EVENT_PREFIX}{kind}", *([found.event] if found else [])]


def event_id(event: str, dedupe_key: str, raised_at: datetime) -> UUID:
    """The same alert raised once gives the same id, so a re-sent announcement is recognised as seen.

    A problem that comes back is raised again (a new ``raised_at``), and announced again.
    """
    return uuid5(NAMESPACE_URL, f"acorn:{event}:{dedupe_key}:{raised_at.isoformat()}")


def asn_late_key(shipment_identifier: str) -> str:
    """One late-ASN alert per shipment, whether the watch saw it missing or Amazon accepted it late."""
    return f"asn-late:{shipment_identifier}"


def asn_at_risk_key(shipment_identifier: str) -> str:
    return f"asn-at-risk:{shipment_identifier}"


def asn_watch_verdict(*, now: datetime, deadline: datetime, accepted: bool, sent_or_waiting: bool
                      ) -> str | None:
    """``late``, ``at-risk`` or None for one shipment's ASN, as the ASN watch sees it at ``now``.

    Late once the deadline passed without an accepted ASN (an ASN accepted late is judged on
    its submission by ``deadlines.asn_is_on_time``). At risk in the last ``ASN_AT_RISK_BEFORE``
    while the ASN can still make it: not for one Amazon already rejected or a person holds,
    which have their own alert.
    """
    if accepted:
        return None
    if not asn_is_on_time(now, deadline):  # an ASN sent now would be late: one rule, deadlines.py
        return "late"
    if sent_or_waiting and now >= deadline - ASN_AT_RISK_BEFORE:
        return "at-risk"
    return None
