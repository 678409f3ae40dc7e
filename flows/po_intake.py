"""PO intake: new and changed purchase orders since the last watermark."""

# No `from __future__ import annotations`: a served flow (flow.serve) resolves its parameter types at
# run time, and a string annotation of `datetime` would not resolve there.
from datetime import datetime

from prefect import flow

from flows._common import announces_alerts
from flows._runs import for_each_account, run_name
from tasks.lifecycle import fetch_and_record_purchase_orders


@announces_alerts
@flow(name="po_intake", flow_run_name=run_name("po intake"), log_prints=True)
def po_intake(account: str | None = None, as_of: datetime | None = None) -> dict:
    """Fetch new and changed POs from Vendor Central and upsert them, raw payload kept (no account: every one)."""
    return for_each_account(account, as_of, for_account)


def for_account(account: str, as_of: datetime) -> dict:
    """This stage for one account, as a step of whichever flow runs it."""
    return fetch_and_record_purchase_orders(account, as_of)
