"""Close a month: what Amazon paid, what it kept, and what is worth disputing.

Run on the 3rd of each month (the vendor's time zone) for the month before; a rerun of
the same month replaces that month's result and changes nothing else.
"""

# No `from __future__ import annotations`: a served flow (flow.serve) resolves its parameter types at
# run time, and a string annotation of `datetime` would not resolve there.

from datetime import datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger

from acorn import runtime
from acorn.domain.reconciliation import parse_month
from flows._common import account_codes, announces_alerts, business_time
from flows._runs import run_name
from tasks.money import (
    import_remittance_files,
    previous_month,
    reconcile,
    refresh_claims,
    write_dispute_packages,
    write_month_report,
)


@announces_alerts
@flow(name="monthly_reconcile", flow_run_name=run_name("reconcile", detail="month"))
def monthly_reconcile(month: str | None = None, account: str | None = None, as_of: datetime | None = None,
                      out_dir: str | None = None) -> dict[str, Any]:
    """Remittances in → claims → four-way match per account → dispute packages → the month's report."""
    as_of = business_time(as_of)
    month = month or previous_month(as_of)
    parse_month(month)  # a bad month fails here, naming it
    out = Path(out_dir) if out_dir else runtime.current().settings.resolved_documents_dir / "reconciliation"
    imported = import_remittance_files()
    results: dict[str, Any] = {"month": month, "remittances": imported, "accounts": {}}
    for code in account_codes(account):
        claims = refresh_claims(code, as_of)
        totals = reconcile(code, month, as_of)
        packages = write_dispute_packages(code, str(out / "disputes" / code), as_of)
        results["accounts"][code] = {"totals": totals, "claims": claims, "dispute_packages": packages}
    results["report"] = write_month_report(month, str(out), as_of)["report"]
    get_run_logger().info("reconciliation %s written to %s", month, results["report"])
    return results
