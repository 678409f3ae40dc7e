"""Plan replenishment every week: what to make or send to the dock, how much and by when, every account.

Runs on Monday morning, after ``fetch_vendor_reports`` has stored last week's sales and Amazon's new
forecast. Per SKU and ship-from warehouse: demand from Amazon's forecast at the chosen service level
(own PO and sales history where the forecast is silent), weeks of cover at free stock, the suggested
quantity in whole case packs and the day to start. SKUs whose cover is shorter than the lead time are
alerted (once; resolved when covered again); the suggestions become a Prefect table artifact and a
CSV and HTML report with charts (``<reports>/replenishment/``). A warehouse that ships for several
accounts is planned once, for their demand together, under the first of them.
"""

# No `from __future__ import annotations`: a served flow (flow.serve) resolves its parameter types at
# run time, and a string annotation of `datetime` would not resolve there.
from datetime import datetime

from prefect import flow

from flows._common import announces_alerts
from flows._runs import for_each_account, run_name
from tasks.replenishment import plan_account


@announces_alerts
@flow(name="plan_replenishment", flow_run_name=run_name("plan replenishment"))
def plan_replenishment(account: str | None = None, as_of: datetime | None = None,
                       out_dir: str | None = None) -> dict:
    """The week's replenishment suggestions per SKU, alerts below lead time, report and artifacts (every account)."""
    return for_each_account(account, as_of, lambda code, when: plan_account(code, when, out_dir,
                                                                           once_per_warehouse=account is None))
