"""Acknowledge new purchase orders from ERP stock."""

# No `from __future__ import annotations`: a served flow (flow.serve) resolves its parameter types at
# run time, and a string annotation of `datetime` would not resolve there.
from datetime import datetime

from prefect import flow

from acorn.domain.documents import DocumentKind
from flows._common import announces_alerts, submission_slot
from flows._runs import for_each_account, run_name
from tasks.lifecycle import decide_acknowledgements, deliver_all_rounds


@announces_alerts
@flow(name="acknowledge_orders", flow_run_name=run_name("acknowledge"))
def acknowledge_orders(account: str | None = None, as_of: datetime | None = None) -> dict:
    """Decide accept / backorder / reject per line, then submit one acknowledgement per PO (no account: every one)."""
    return for_each_account(account, as_of, for_account)


def for_account(account: str, as_of: datetime) -> dict:
    with submission_slot(account):
        decided = decide_acknowledgements(account, as_of)
        delivered = deliver_all_rounds(account, DocumentKind.ACKNOWLEDGEMENT, as_of)
    return {**decided, "delivery": delivered}
