"""Plan the shipments that leave on the dock's next truck."""

# No `from __future__ import annotations`: a served flow (flow.serve) resolves its parameter types at
# run time, and a string annotation of `datetime` would not resolve there.
from datetime import datetime

from prefect import flow

from flows._common import announces_alerts, business_time
from tasks.lifecycle import plan_shipments as plan


@announces_alerts
@flow(name="plan_shipments", flow_run_name="plan shipments {account} {as_of}")
def plan_shipments(account: str, as_of: datetime | None = None) -> dict:
    """Allocate stock, cartonize, palletize, assign SSCCs, book carrier, dates and ASN deadline."""
    return plan(account, business_time(as_of))
