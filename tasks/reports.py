"""The steps of report intake: Amazon's vendor reports of last week, and files saved by hand."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from acorn import runtime
from acorn.retry_policy import TASK_RETRIES
from tasks._names import per_account


@task(**per_account("fetch vendor reports"), cache_policy=NO_CACHE, **TASK_RETRIES)
def fetch_reports(account_code: str, as_of: datetime, wait_seconds: float, poll_seconds: float,
                  catch_up_weeks: int = 0) -> dict[str, Any]:
    """Request, wait for and keep last week's sales, inventory and forecast reports, and the sales and
    inventory of ``catch_up_weeks`` weeks before not kept yet; bad ones quarantined."""
    from acorn.domain.vendor_reports import last_whole_week
    from acorn.services.vendor_reports import Budget, fetch_vendor_reports

    rt, log = runtime.current(), get_run_logger()
    account = rt.account(account_code)
    period = last_whole_week(as_of.date())
    result = fetch_vendor_reports(rt.units(), rt.client(account), account, period,
                                  budget=Budget(wait_s=wait_seconds, poll_s=poll_seconds),
                                  catch_up_weeks=catch_up_weeks)
    log.info("%s: week %s..%s: %d stored, %d already kept, %d still processing, %d failed, %d quarantined",
             account_code, *period, len(result.stored), len(result.already_done), len(result.pending),
             len(result.failed), len(result.quarantined))
    for problem in result.failed + result.quarantined:
        log.warning("%s: %s", account_code, problem)
    return {"period": [d.isoformat() for d in period], **asdict(result)}
