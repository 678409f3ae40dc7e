"""The step of planning replenishment: one account's suggestions, its report files and its Prefect artifacts."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from acorn import runtime
from acorn.retry_policy import TASK_RETRIES
from tasks._names import per_account


def artifact_key(account_code: str) -> str:
    """``acorn-replenishment-acrnus``: Prefect keys are lower-case letters, digits and dashes."""
    return "acorn-replenishment-" + re.sub(r"[^a-z0-9-]+", "-", account_code.lower())


@task(**per_account("plan replenishment"), cache_policy=NO_CACHE, **TASK_RETRIES)
def plan_account(account_code: str, as_of: datetime, out_dir: str | None = None,
                 once_per_warehouse: bool = False) -> dict[str, Any]:
    """Suggestions per SKU from the store, alerts below lead time, the CSV and HTML report, the artifacts.

    The account's warehouse is planned for every account that ships from it, under the first of them;
    with ``once_per_warehouse`` (a run over every account) the others leave it to that one.
    """
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    from acorn.documents.replenishment_report import row_cells
    from acorn.services.replenishment_plan import plan_replenishment, sharing_warehouse
    from acorn.services.replenishment_report import summary_markdown

    rt, log = runtime.current(), get_run_logger()
    serving = sharing_warehouse(rt.settings.accounts, rt.account(account_code))
    account = serving[0]
    if once_per_warehouse and account.code != account_code:
        log.info("%s: warehouse %s is planned with %s", account_code, account.erp_warehouse, account.code)
        return {"planned_with": account.code}
    day = as_of.astimezone(ZoneInfo(account.ship_from_tz)).date()
    out = Path(out_dir) if out_dir else rt.settings.resolved_replenishment_dir
    outcome = plan_replenishment(rt.units(), account, day=day, at=as_of, out_dir=out, serving=serving)
    rows = outcome.plan.rows()
    key = artifact_key(account.code)
    served = ", ".join(a.code for a in serving)
    create_table_artifact(key=key, table=[row_cells(r) for r in rows],
                          description=f"Acorn replenishment {account.erp_warehouse} ({served}) {day}: one row per SKU")
    create_markdown_artifact(key=f"{key}-report", markdown=summary_markdown(outcome),
                             description=f"Acorn replenishment {account.code} {day}: summary and report files")
    below = [r["sku"] for r in rows if r["below_lead_time"]]
    for problem in outcome.plan.set_aside:
        log.warning("%s: set aside %s", account_code, problem)
    return {"day": day.isoformat(), "warehouse": account.erp_warehouse, "accounts": [a.code for a in serving],
            "planned": len(rows), "below_lead_time": below,
            "set_aside": [str(s) for s in outcome.plan.set_aside], "suggested_units": sum(
                r["suggested_units"] for r in rows), "alerts_opened": len(outcome.alerts.opened),
            "alerts_resolved": outcome.alerts.resolved, "csv": str(outcome.paths.csv),
            "html": str(outcome.paths.html)}
