"""PO intake: new and changed purchase orders since the last watermark."""

# No `from __future__ import annotations`: a served flow (flow.serve) resolves its parameter types at
# run time, and a string annotation of `datetime` would not resolve there.
from datetime import datetime

from prefect import flow

from flows._common import announces_alerts, business_time
from tasks.lifecycle import fetch_and_record_purchase_orders


@announces_alerts
@flow(name="po_intake", flow_run_name="po intake {account} {as_of}", log_prints=True)
def po_intake(account: str, as_of: datetime | None = None) -> dict:
    """Fetch new and changed POs from Vendor Central and upsert them, raw payload kept."""
    return fetch_and_record_purchase_orders(account, business_time(as_of))
