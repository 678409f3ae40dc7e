"""The steps of closing a month: remittances in, deductions to claims, the four-way match, paper out."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypedDict

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from acorn import runtime
from acorn.retry_policy import TASK_RETRIES
from tasks._names import per_account


class ImportedRemittances(TypedDict):
    inbox: str
    files: int
    loaded: int
    rejected_rows: int


class MonthReport(TypedDict):
    report: str


@task(name="import remittances", cache_policy=NO_CACHE, **TASK_RETRIES)
def import_remittance_files(folder: str | None = None) -> ImportedRemittances:
    """Load every remittance file in the inbox not loaded before; bad rows are named, the rest load."""
    from acorn.services.remittances import import_inbox

    rt, log = runtime.current(), get_run_logger()
    inbox = Path(folder) if folder else rt.settings.resolved_remittance_inbox
    results = import_inbox(rt.units(), inbox, list(rt.settings.accounts))
    for r in results:
        if r.already_imported:
            continue
        log.info("%s: %d rows, %d loaded, %d already known, %d rejected", r.file, r.rows, r.loaded, r.duplicates,
                 len(r.errors))
        for line, field, problem in r.errors[:20]:
            log.warning("%s line %s, %s: %s", r.file, line, field, problem)
    fresh = [r for r in results if not r.already_imported]
    return {"inbox": str(inbox), "files": len(fresh), "loaded": sum(r.loaded for r in fresh),
            "rejected_rows": sum(len(r.errors) for r in fresh)}


@task(**per_account("refresh claims"), cache_policy=NO_CACHE, **TASK_RETRIES)
def refresh_claims(account_code: str, as_of: datetime) -> dict[str, Any]:
    """Turn deductions into claims with their dispute deadline; alert those about to close."""
    from acorn.services import disputes

    rt = runtime.current()
    result = disputes.refresh_claims(rt.units(), rt.account(account_code), rt.settings.disputes, as_of=as_of)
    get_run_logger().info("%s: %s", account_code, result)
    return asdict(result)


@task(name="reconcile the month", task_run_name="reconcile {month} · {account_code}", cache_policy=NO_CACHE,
      **TASK_RETRIES)
def reconcile(account_code: str, month: str, as_of: datetime) -> dict[str, Any]:
    """PO × ASN × receipt × invoice × remittance for every PO line ordered in the month; replaces a rerun."""
    from acorn.services.reconcile import reconcile_month

    rt = runtime.current()
    run = reconcile_month(rt.units(), rt.account(account_code), month, as_of=as_of,
                          receipt_window_days=rt.settings.receipt_alert_days)
    cats = run.totals.get("categories", {})
    get_run_logger().info("%s %s: %s", account_code, month, ", ".join(
        f"{c} {v['lines']} lines / {v['amount']}" for c, v in cats.items() if v.get("lines")))
    return run.totals


@task(**per_account("write dispute packages"), cache_policy=NO_CACHE, **TASK_RETRIES)
def write_dispute_packages(account_code: str, out_dir: str, as_of: datetime) -> int:
    """One HTML + CSV per open claim, with the evidence an ops person files in Vendor Central."""
    from acorn.services import disputes

    rt = runtime.current()
    written = disputes.write_dispute_packages(rt.units(), rt.account(account_code), Path(out_dir), as_of=as_of)
    return len(written)


@task(name="write the month's report", task_run_name="write the report for {month}", cache_policy=NO_CACHE,
      **TASK_RETRIES)
def write_month_report(month: str, out_dir: str, as_of: datetime) -> MonthReport:
    """The monthly reconciliation report (HTML + CSV) and its Prefect artifacts."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    from acorn.documents.reconciliation_report import build_report, report_artifacts, write_report

    rt = runtime.current()
    report = build_report(rt.units(), month, accounts=list(rt.settings.accounts), as_of=as_of)
    path = write_report(report, Path(out_dir))
    rows, markdown = report_artifacts(report)
    key = f"acorn-reconciliation-{month}"
    create_table_artifact(key=key, table=rows, description=f"Acorn reconciliation {month}")
    create_markdown_artifact(key=f"{key}-summary", markdown=markdown, description=f"Acorn money {month}")
    return {"report": str(path)}


def previous_month(as_of: datetime) -> str:
    first = as_of.date().replace(day=1)
    return f"{first - timedelta(days=1):%Y-%m}"
