"""Watch the remittance folder: load what Amazon paid as soon as finance drops the file."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from prefect import flow

from acorn import runtime
from flows._common import account_codes, announce_alerts, announces_alerts, business_time
from flows._runs import run_name
from tasks.money import import_remittance_files, refresh_claims


@announces_alerts
@flow(name="import_remittances", flow_run_name=run_name("import remittances"))
def import_remittances(folder: str | None = None, as_of: datetime | None = None) -> dict[str, Any]:
    """Import new remittance files, then bring every account's claims and dispute deadlines up to date."""
    as_of = business_time(as_of)
    started = datetime.now(timezone.utc)
    imported = import_remittance_files(folder)
    claims = {code: refresh_claims(code, as_of) for code in account_codes(None)}
    announce_alerts(runtime.current().database_url, started)
    return {"remittances": imported, "claims": claims}
