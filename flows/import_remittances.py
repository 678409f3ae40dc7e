"""Watch the remittance folder: load what Amazon paid as soon as finance drops the file."""

# No `from __future__ import annotations`: a served flow (flow.serve) resolves its parameter types at
# run time, and a string annotation of `datetime` would not resolve there.

from datetime import datetime
from typing import Any

from prefect import flow

from flows._common import account_codes, announces_alerts, business_time
from flows._runs import run_name
from tasks.money import import_remittance_files, refresh_claims


@announces_alerts
@flow(name="import_remittances", flow_run_name=run_name("import remittances"))
def import_remittances(folder: str | None = None, as_of: datetime | None = None) -> dict[str, Any]:
    """Import new remittance files, then bring every account's claims and dispute deadlines up to date."""
    as_of = business_time(as_of)
    imported = import_remittance_files(folder)
    claims = {code: refresh_claims(code, as_of) for code in account_codes(None)}
    return {"remittances": imported, "claims": claims}
