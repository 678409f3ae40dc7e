"""Send the ASN of every shipment that has left, before its deadline."""

# No `from __future__ import annotations`: a served flow (flow.serve) resolves its parameter types at
# run time, and a string annotation of `datetime` would not resolve there.
from datetime import datetime

from prefect import flow

from acorn.domain.documents import DocumentKind
from flows._common import announces_alerts, submission_slot
from flows._runs import for_each_account, run_name
from tasks.lifecycle import deliver_all_rounds, queue_asns, watch_asn_deadlines


@announces_alerts
@flow(name="submit_asns", flow_run_name=run_name("submit ASNs"))
def submit_asns(account: str | None = None, as_of: datetime | None = None) -> dict:
    """Gate, queue and deliver departed shipments' ASNs exactly once, then watch the deadlines still open (no
    account: every one)."""
    return for_each_account(account, as_of, for_account)


def for_account(account: str, as_of: datetime) -> dict:
    with submission_slot(account):
        queued = queue_asns(account, as_of)
        delivered = deliver_all_rounds(account, DocumentKind.SHIPMENT_CONFIRMATION, as_of)
    watched = watch_asn_deadlines(account, as_of)
    return {**queued, "delivery": delivered, "watch": watched}
