"""Invoice what Amazon confirmed was shipped."""

# No `from __future__ import annotations`: a served flow (flow.serve) resolves its parameter types at
# run time, and a string annotation of `datetime` would not resolve there.
from datetime import datetime

from prefect import flow

from acorn.domain.documents import DocumentKind
from flows._common import announces_alerts, submission_slot
from flows._runs import for_each_account, run_name
from tasks.lifecycle import deliver_all_rounds, queue_invoices


@announces_alerts
@flow(name="submit_invoices", flow_run_name=run_name("submit invoices"))
def submit_invoices(account: str | None = None, as_of: datetime | None = None) -> dict:
    """Bill shipped quantities at the PO's net cost, gate, and deliver each invoice once (no account: every one)."""
    return for_each_account(account, as_of, for_account)


def for_account(account: str, as_of: datetime) -> dict:
    with submission_slot(account):
        queued = queue_invoices(account, as_of)
        delivered = deliver_all_rounds(account, DocumentKind.INVOICE, as_of)
    return {**queued, "delivery": delivered}
