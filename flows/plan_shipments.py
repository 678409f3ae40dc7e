"""Plan the shipments that leave on the dock's next truck."""

# No `from __future__ import annotations`: a served flow (flow.serve) resolves its parameter types at
# run time, and a string annotation of `datetime` would not resolve there.
from datetime import datetime

from prefect import flow

from flows._common import announces_alerts
from flows._runs import for_each_account, run_name
from tasks.lifecycle import plan_shipments as plan


@announces_alerts
@flow(name="plan_shipments", flow_run_name=run_name("plan shipments"))
def plan_shipments(account: str | None = None, as_of: datetime | None = None) -> dict:
    """Allocate stock, cartonize, palletize, assign SSCCs, book carrier, dates and ASN deadline (no account: every one)."""  # noqa: E501 - the UI's one-line description
    return for_each_account(account, as_of, for_account)


def for_account(account: str, as_of: datetime) -> dict:
    """This stage for one account, as a step of whichever flow runs it."""
    return plan(account, as_of)
