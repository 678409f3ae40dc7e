"""A vendor's day, in the order the business runs it.

Run it just after the dock's cut-off: the ASNs of the truck that just left go out within
minutes, and tomorrow's shipments are planned from today's acknowledged orders.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from acorn import runtime
from acorn.documents import render_daily_report_md
from acorn.services.summary import lifecycle_counts
from flows._common import account_codes, announce_alerts, announces_alerts, business_time
from flows._runs import run_name
from flows.acknowledge_orders import acknowledge_orders
from flows.arrange_freight import arrange_freight
from flows.plan_shipments import plan_shipments
from flows.po_intake import po_intake
from flows.poll_receipts import poll_receipts
from flows.submit_asns import submit_asns
from flows.submit_invoices import submit_invoices
from tasks.lifecycle import check_invariants

STAGES = (po_intake, acknowledge_orders, plan_shipments, submit_asns, submit_invoices, poll_receipts)
#: an account on Amazon-arranged freight routes what it planned and learns its carriers before the ASNs
COLLECT_STAGES = (po_intake, acknowledge_orders, plan_shipments, arrange_freight, submit_asns, submit_invoices,
                  poll_receipts)


def stages_for(account_code: str) -> tuple:
    """The day's stages for one account: vendor freight never runs (nor waits for) the routing stage."""
    return COLLECT_STAGES if runtime.current().account(account_code).freight == "amazon" else STAGES


@announces_alerts
@flow(name="daily_lifecycle", flow_run_name=run_name("daily lifecycle"))
def daily_lifecycle(as_of: datetime | None = None, account: str | None = None) -> dict[str, Any]:
    """Intake → acknowledge → plan → (route with Amazon) → ASN → invoice → receipts → invariants, per account."""
    as_of = business_time(as_of)
    started = datetime.now(timezone.utc)
    log = get_run_logger()
    failed: list[str] = []
    for code in account_codes(account):
        for stage in stages_for(code):
            state = stage(account=code, as_of=as_of, return_state=True)
            if not state.is_completed():
                failed.append(f"{stage.name} {code}")
                log.error("%s for %s ended %s; the remaining stages still run", stage.name, code, state.name)
        # whatever happened above, nothing accepted stays unbilled and nothing open stays silent
        if not check_invariants(code, as_of, return_state=True).is_completed():
            failed.append(f"check invariants {code}")
    counts = publish_day(as_of, started)
    if failed:
        raise RuntimeError(f"stages failed: {', '.join(failed)}; see their runs and the open alerts")
    return counts


@task(name="publish the day", cache_policy=NO_CACHE)
def publish_day(as_of: datetime, since: datetime) -> dict[str, Any]:
    """A report artifact for the UI, and one event per alert raised during this run."""
    rt = runtime.current()
    counts = lifecycle_counts(rt.database_url)
    alerts = announce_alerts(rt.database_url, since)
    money = [{"label": f"Invoiced and accepted ({a.code})",
              "amount": lifecycle_counts(rt.database_url, a.code)["invoices"]["billed"], "currency": a.currency}
             for a in rt.settings.accounts]
    create_markdown_artifact(key="acorn-daily-report", markdown=render_daily_report_md(
        {"business_date": as_of.date(), "vendor": ", ".join(a.code for a in rt.settings.accounts),
         "stages": _stages(counts), "money": money,
         "issues": [{"record": a.subject, "field": a.code or a.kind, "problem": a.next_step} for a in alerts[:50]]}),
        description=f"Acorn day {as_of:%Y-%m-%d}")
    return counts


def _stages(c: dict[str, Any]) -> list[dict[str, Any]]:
    acks, asn, inv, rec = c["acknowledgements"], c["asns"], c["invoices"], c["receipts"]
    return [
        {"stage": "Purchase orders received", "done": c["purchase_orders"]},
        {"stage": "Acknowledgements", "done": acks["accepted"], "failed": acks["failed"], "pending": acks["open"]},
        {"stage": "Shipments planned", "done": c["shipments"],
         "note": f"{c['cartons']} cartons, {c['pallets']} pallets"},
        {"stage": "ASNs", "done": asn["on_time"] + asn["late"], "failed": asn["failed"], "pending": asn["pending"],
         "note": f"{asn['late']} late, {asn['held']} held by the quality gate"},
        {"stage": "Invoices", "done": inv["accepted"], "failed": inv["rejected"], "pending": inv["open"]},
        {"stage": "Goods receipts (items)", "done": rec["fully_received"],
         "pending": rec["items"] - rec["fully_received"]},
    ]
