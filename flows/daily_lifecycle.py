"""A vendor's day, in the order the business runs it.

Run it just after the dock's cut-off: the ASNs of the truck that just left go out within
minutes, and tomorrow's shipments are planned from today's acknowledged orders.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event

from acorn import runtime
from acorn.services.summary import lifecycle_counts
from acorn.store import UnitOfWork
from flows._common import account_codes, business_time
from flows.acknowledge_orders import acknowledge_orders
from flows.plan_shipments import plan_shipments
from flows.po_intake import po_intake
from flows.poll_receipts import poll_receipts
from flows.submit_asns import submit_asns
from flows.submit_invoices import submit_invoices

STAGES = (po_intake, acknowledge_orders, plan_shipments, submit_asns, submit_invoices, poll_receipts)


@flow(name="daily_lifecycle", flow_run_name="daily lifecycle {as_of}")
def daily_lifecycle(as_of: datetime | None = None, account: str | None = None) -> dict[str, Any]:
    """Intake → acknowledge → plan → ASN → invoice → receipts, for every vendor account."""
    as_of = business_time(as_of)
    log = get_run_logger()
    failed: list[str] = []
    for code in account_codes(account):
        for stage in STAGES:
            state = stage(account=code, as_of=as_of, return_state=True)
            if not state.is_completed():
                failed.append(f"{stage.name} {code}")
                log.error("%s for %s ended %s; the remaining stages still run", stage.name, code, state.name)
    counts = publish_day(as_of)
    if failed:
        raise RuntimeError(f"stages failed: {', '.join(failed)}; see their runs and the open alerts")
    return counts


@task(name="publish the day", cache_policy=NO_CACHE)
def publish_day(as_of: datetime) -> dict[str, Any]:
    """A summary artifact for the UI and one event per new alert, for automations to route."""
    rt = runtime.current()
    counts = lifecycle_counts(rt.database_url)
    with UnitOfWork(rt.database_url) as uow:
        alerts = uow.alerts.list(status="open")
    for alert in alerts:
        emit_event(event=f"acorn.alert.{alert.kind}", resource={"prefect.resource.id": f"acorn.alert.{alert.id}",
                                                                 "acorn.account": alert.account_code},
                   payload={"subject": alert.subject, "message": alert.message, "next_step": alert.next_step,
                            "code": alert.code, "severity": alert.severity})
    create_markdown_artifact(key="acorn-daily-summary", markdown=_markdown(as_of, counts, alerts),
                             description=f"Acorn day {as_of:%Y-%m-%d}")
    return counts


def _markdown(as_of: datetime, counts: dict[str, Any], alerts: list[Any]) -> str:
    asn = counts["asns"]
    rows = [("Purchase orders", counts["purchase_orders"]),
            ("Items accepted / backordered / rejected",
             f"{counts['items']['accepted']} / {counts['items']['backordered']} / {counts['items']['rejected']}"),
            ("Shipments / cartons / pallets", f"{counts['shipments']} / {counts['cartons']} / {counts['pallets']}"),
            ("ASNs on time / late / failed", f"{asn['on_time']} / {asn['late']} / {asn['failed']}"),
            ("Invoices accepted / rejected", f"{counts['invoices']['accepted']} / {counts['invoices']['rejected']}"),
            ("Receipts (items)", counts["receipts"]["items"]), ("Open alerts", counts["alerts"]["open"])]
    text = [f"# Acorn — {as_of:%Y-%m-%d %H:%M} UTC", "", "| | |", "|---|---|"]
    text += [f"| {k} | {v} |" for k, v in rows]
    if alerts:
        text += ["", "## Open alerts", "", "| kind | subject | next step |", "|---|---|---|"]
        text += [f"| {a.kind} | {a.subject} | {a.next_step} |".replace("\n", " ") for a in alerts[:50]]
    return "\n".join(text)
