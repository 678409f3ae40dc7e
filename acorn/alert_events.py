"""Alerts become Prefect events, once each, whichever flow or command raised them.

Services only write alerts to the store (``announced_at`` empty). Whoever can reach a Prefect
server next (every flow run when it ends, and CLI commands when ``PREFECT_API_URL`` is set)
posts the waiting ones to ``/api/events`` in one batch and then marks them announced. A crash
between the two re-posts the same events with the same ids (``acorn.domain.alerts.event_id``),
which Prefect's triggers recognise as seen: each alert is notified once. Automations in
``deployments/automations.yaml`` turn the events into notifications.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from acorn.domain.alerts import event_id, event_names, topic_of
from acorn.store import UnitOfWork
from schemas.tables import Alert, utcnow

log = logging.getLogger(__name__)


def announce_pending(database_url: str, *, limit: int = 500) -> int:
    """Post the events of every open alert not yet announced; returns how many alerts went out.

    Leaves them waiting (and says so) when no Prefect server is reachable from here.
    """
    if not prefect_reachable():
        return 0
    with UnitOfWork(database_url) as uow:
        alerts = uow.alerts.unannounced(limit=limit)
        if not alerts:
            return 0
        events = _events_for(uow, alerts)
    try:
        _post(events)
    except Exception as exc:  # noqa: BLE001 - an unreachable server must not fail the business run
        log.warning("%d alert(s) not announced to Prefect (%s); the next run sends them", len(alerts), exc)
        return 0
    with UnitOfWork(database_url) as uow:
        done = uow.alerts.mark_announced([(a.id, a.created_at) for a in alerts], at=utcnow())
        uow.commit()
    return done


def prefect_reachable() -> bool:
    """Inside a flow or task run, or with a Prefect server configured."""
    if prefect_api_url():
        return True
    from prefect.context import FlowRunContext, TaskRunContext

    return FlowRunContext.get() is not None or TaskRunContext.get() is not None


def prefect_api_url() -> str | None:
    """The Prefect server this process talks to: ``PREFECT_API_URL`` from the environment or the Prefect
    profile (`prefect config set PREFECT_API_URL=...`, as the README's deploy steps do); None without one."""
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    from prefect.settings import get_current_settings

    return get_current_settings().api.url or None


def _events_for(uow: UnitOfWork, alerts: list[Alert]) -> list[Any]:
    from prefect.events import Event

    shipment_of = {a.id: a.shipment_identifier or _shipment_of_invoice(uow, a) for a in alerts}
    pos_of = uow.shipments.po_numbers(s for s in shipment_of.values() if s)
    events = []
    for alert in alerts:
        pos = sorted({*([alert.po_number] if alert.po_number else []), *pos_of.get(shipment_of[alert.id], [])})
        for name in event_names(alert.kind):
            events.append(Event(id=event_id(name, alert.dedupe_key, alert.created_at), event=name,
                                occurred=alert.created_at, resource=_resource(alert, pos),
                                related=_related(alert, pos), payload=_payload(alert, pos)))
    return events


def _shipment_of_invoice(uow: UnitOfWork, alert: Alert) -> str | None:
    if not alert.invoice_number:
        return None
    invoice = uow.invoices.get(alert.account_code, alert.invoice_number)
    return invoice.shipment_identifier if invoice else None


def _resource(alert: Alert, pos: list[str]) -> dict[str, str]:
    labels = {"prefect.resource.id": f"acorn.alert.{alert.id}", "prefect.resource.name": alert.subject[:200],
              "acorn.account": alert.account_code, "acorn.kind": alert.kind, "acorn.severity": alert.severity,
              "acorn.topic": str(topic_of(alert.kind)), "acorn.po": ", ".join(pos),
              "acorn.shipment": alert.shipment_identifier or "", "acorn.invoice": alert.invoice_number or ""}
    return {k: v for k, v in labels.items() if v}


def _related(alert: Alert, pos: Iterable[str]) -> list[dict[str, str]]:
    related = [_about("account", alert.account_code)]
    related += [_about("purchase-order", po) for po in pos]
    if alert.shipment_identifier:
        related.append(_about("shipment", alert.shipment_identifier))
    if alert.invoice_number:
        related.append(_about("invoice", alert.invoice_number))
    return related


def _about(role: str, name: str) -> dict[str, str]:
    return {"prefect.resource.id": f"acorn.{role}.{name}", "prefect.resource.role": role,
            "prefect.resource.name": name}


def _payload(alert: Alert, pos: list[str]) -> dict[str, Any]:
    return {"subject": alert.subject, "message": alert.message, "next_step": alert.next_step, "code": alert.code,
            "severity": alert.severity, "kind": alert.kind, "account": alert.account_code, "po_numbers": pos,
            "shipment": alert.shipment_identifier, "invoice": alert.invoice_number,
            "raised_at": _iso(alert.created_at), "alert_id": alert.id}


def _iso(at: datetime) -> str:
    return at.isoformat()


def _post(events: list[Any]) -> None:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        for start in range(0, len(events), 200):
            batch = [e.model_dump(mode="json") for e in events[start:start + 200]]
            client.request("POST", "/events", json=batch).raise_for_status()
