"""Watch goods receipts for what was shipped."""

# No `from __future__ import annotations`: a served flow (flow.serve) resolves its parameter types at
# run time, and a string annotation of `datetime` would not resolve there.
from datetime import datetime

from prefect import flow

from flows._common import announces_alerts, business_time
from tasks.lifecycle import poll_goods_receipts


@announces_alerts
@flow(name="poll_receipts", flow_run_name="poll receipts {account} {as_of}")
def poll_receipts(account: str, as_of: datetime | None = None) -> dict:
    """Record received quantities; alert when a delivery is not received within N days."""
    return poll_goods_receipts(account, business_time(as_of))
