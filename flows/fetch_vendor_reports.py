"""Bring in Amazon's vendor reports: sales, inventory and forecast, every week, every account.

Each report of last week (Sunday to Saturday) is requested once and remembered by its reportId (and the
sales and inventory of the weeks before that a missed run left out, or a new install has not seen);
one still processing when the wait ends is picked up by the next run. Documents that do not fit
their schema are quarantined, the field named; reports Amazon ends FATAL or CANCELLED are alerted.
"""

# No `from __future__ import annotations`: a served flow (flow.serve) resolves its parameter types at
# run time, and a string annotation of `datetime` would not resolve there.
from datetime import datetime

from prefect import flow

from flows._common import announces_alerts
from flows._runs import for_each_account, run_name
from tasks.reports import fetch_reports


@announces_alerts
@flow(name="fetch_vendor_reports", flow_run_name=run_name("fetch vendor reports"))
def fetch_vendor_reports(account: str | None = None, as_of: datetime | None = None, wait_seconds: float = 900,
                         poll_seconds: float = 30, catch_up_weeks: int = 3) -> dict:
    """Last week's vendor reports requested, waited for, checked and stored (no account: every one), and the
    sales and inventory reports of the ``catch_up_weeks`` weeks before that are not kept yet."""
    return for_each_account(account, as_of,
                            lambda code, when: fetch_reports(code, when, wait_seconds, poll_seconds, catch_up_weeks))
