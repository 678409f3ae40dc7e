"""Watch goods receipts for what was shipped."""

# No `from __future__ import annotations`: a served flow (flow.serve) resolves its parameter types at
# run time, and a string annotation of `datetime` would not resolve there.
from datetime import datetime

from prefect import flow

from flows._common import announces_alerts
from flows._runs import for_each_account, run_name
from tasks.lifecycle import poll_goods_receipts


@announces_alerts
@flow(name="poll_receipts", flow_run_name=run_name("poll receipts"))
def poll_receipts(account: str | None = None, as_of: datetime | None = None) -> dict:
    """Record received quantities; alert when a delivery is not received within N days (no account: every one)."""
    return for_each_account(account, as_of, for_account)


def for_account(account: str, as_of: datetime) -> dict:
    """This stage for one account, as a step of whichever flow runs it."""
    return poll_goods_receipts(account, as_of)
