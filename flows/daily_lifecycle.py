"""A vendor's day, in the order the business runs it.

Run it just after the dock's cut-off: the ASNs of the truck that just left go out within
minutes, and tomorrow's shipments are planned from today's acknowledged orders.
"""

# No `from __future__ import annotations`: a served flow (flow.serve) resolves its parameter types at
# run time, and a string annotation of `datetime` would not resolve there.

from datetime import datetime
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from acorn import runtime
from acorn.documents import render_daily_report_md
from acorn.services.daily_report import day_report, write_dashboard
from flows import (
    acknowledge_orders,
    arrange_freight,
    plan_shipments,
    po_intake,
    poll_receipts,
    submit_asns,
    submit_invoices,
)
from flows._common import account_codes, announces_alerts, business_time
from flows._runs import run_name
from tasks.lifecycle import check_invariants

#: each stage's steps run as task runs of this one flow run: the UI still shows every step by name and
#: account, with its retries and logs, without a flow run per stage and account (measured in `acorn bench`)
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
    log = get_run_logger()
    failed: list[str] = []
    for code in account_codes(account):
        for stage in stages_for(code):
            try:
                stage.for_account(code, as_of)
            except Exception as exc:  # noqa: BLE001 - the remaining stages still run; the run fails below, naming this one
                failed.append(f"{_stage_name(stage)} {code}")
                log.error("%s for %s failed (%s: %s); the remaining stages still run", _stage_name(stage), code,
                          type(exc).__name__, exc)
        # whatever happened above, nothing accepted stays unbilled and nothing open stays silent
        if not check_invariants(code, as_of, return_state=True).is_completed():
            failed.append(f"check invariants {code}")
    counts = publish_day(as_of)
    if failed:
        raise RuntimeError(f"stages failed: {', '.join(failed)}; see their runs and the open alerts")
    return counts


def _stage_name(stage: Any) -> str:
    return stage.__name__.rsplit(".", 1)[-1]


@task(name="publish the day", cache_policy=NO_CACHE)
def publish_day(as_of: datetime) -> dict[str, Any]:
    """The day's report artifact and dashboard (figures of the day beside the totals); the flow's hook announces alerts."""  # noqa: E501 - the UI's one-line description
    rt = runtime.current()
    report = day_report(rt.units(), rt.settings, as_of)
    dashboard = write_dashboard(rt.units(), rt.settings, as_of, report).resolve().as_uri()
    create_markdown_artifact(key="acorn-daily-report", markdown=render_daily_report_md(report.summary(
        dashboard=dashboard)), description=f"Acorn day {report.business_date}")
    create_link_artifact(key="acorn-dashboard", link=dashboard, link_text=f"Acorn dashboard {report.business_date}",
                         description="Charts per day: ASN on-time %, fill rate, shortages, money invoiced")
    return report.totals
