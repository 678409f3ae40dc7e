"""Invoice what Amazon confirmed was shipped."""

# No `from __future__ import annotations`: a served flow (flow.serve) resolves its parameter types at
# run time, and a string annotation of `datetime` would not resolve there.
from datetime import datetime

from prefect import flow

from flows._common import announces_alerts, business_time, submission_slot
from tasks.lifecycle import deliver_outbox, queue_invoices


@announces_alerts
@flow(name="submit_invoices", flow_run_name="submit invoices {account} {as_of}")
def submit_invoices(account: str, as_of: datetime | None = None) -> dict:
    """Bill shipped quantities at the PO's net cost, gate, and deliver each invoice once."""
    as_of = business_time(as_of)
    with submission_slot(account):
        queued = queue_invoices(account, as_of)
        delivered = deliver_outbox(account, "invoice", as_of)
    return {**queued, "delivery": delivered}
