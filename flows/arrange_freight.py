"""Amazon-arranged (collect) freight: route the shipments just planned, then learn Amazon's carriers."""

# No `from __future__ import annotations`: a served flow (flow.serve) resolves its parameter types at
# run time, and a string annotation of `datetime` would not resolve there.
from datetime import datetime

from prefect import flow

from acorn.domain.documents import DocumentKind
from flows._common import announces_alerts, submission_slot
from flows._runs import for_each_account, run_name
from tasks.lifecycle import deliver_all_rounds, follow_amazon_carriers


@announces_alerts
@flow(name="arrange_freight", flow_run_name=run_name("arrange freight"))
def arrange_freight(account: str | None = None, as_of: datetime | None = None) -> dict:
    """Send each routing request exactly once, then read back the carrier, pickup, PRO and labels Amazon assigned.

    No account: every configured one.
    """
    return for_each_account(account, as_of, for_account)


def for_account(account: str, as_of: datetime) -> dict:
    with submission_slot(account):
        routed = deliver_all_rounds(account, DocumentKind.ROUTING_REQUEST, as_of)
    return {"routing": routed, **follow_amazon_carriers(account, as_of)}
