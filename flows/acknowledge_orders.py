"""Acknowledge new purchase orders from ERP stock."""

# No `from __future__ import annotations`: a served flow (flow.serve) resolves its parameter types at
# run time, and a string annotation of `datetime` would not resolve there.
from datetime import datetime

from prefect import flow

from flows._common import announces_alerts, business_time, submission_slot
from tasks.lifecycle import decide_acknowledgements, deliver_outbox


@announces_alerts
@flow(name="acknowledge_orders", flow_run_name="acknowledge {account} {as_of}")
def acknowledge_orders(account: str, as_of: datetime | None = None) -> dict:
    """Decide accept / backorder / reject per line, then submit one acknowledgement per PO."""
    as_of = business_time(as_of)
    with submission_slot(account):
        decided = decide_acknowledgements(account, as_of)
        delivered = deliver_outbox(account, "acknowledgement", as_of)
    return {**decided, "delivery": delivered}
