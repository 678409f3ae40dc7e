"""Vendor reports from Amazon: ask for each report of a period, wait for it, download it, keep it.

Amazon builds a vendor report in minutes, sometimes much longer. Each request is remembered by its
``reportId`` from the moment Amazon answers (``report_request``): a report still processing when the
run's time budget ends is polled by the next run, never asked for twice. A report that ends FATAL or
CANCELLED raises an alert naming it (a FATAL one is asked for again next run); a document that does
not fit its schema is quarantined (``acorn.services.report_intake``), the field named.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as clock_time
from typing import Any

from acorn.config import VendorAccountSettings
from acorn.domain.calendar import marketplace
from acorn.domain.vendor_reports import (
    FINISHED,
    RETRY_AFTER,
    WEEKLY_HISTORY,
    ReportProcessing,
    ReportRequestState,
    VendorReportType,
    weeks_before,
)
from acorn.services.ports import AmazonApi, Units
from acorn.services.report_intake import Accepted, Arrival, accept, import_report_file
from acorn.spapi import ClientRequestError
from acorn.store import UnitOfWork
from schemas import spapi as wire
from schemas.tables import ReportRequest, utcnow

__all__ = ["FetchResult", "fetch_vendor_reports", "import_report_file", "specification"]

log = logging.getLogger("acorn.vendor_reports")

Download = Callable[[wire.ReportDocument], bytes]
Period = tuple[date, date]


@dataclass
class FetchResult:
    stored: list[str] = field(default_factory=list)  # report types stored this run
    already_done: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)  # reportIds left for the next run
    failed: list[str] = field(default_factory=list)  # "<type> <reportId> FATAL"
    quarantined: list[str] = field(default_factory=list)  # "<type>: <field>"
    asked_again: list[str] = field(default_factory=list)  # "<old reportId> -> <new reportId>": Amazon forgot the old


@dataclass(frozen=True)
class Budget:
    """How long a run waits on Amazon, and how it waits (a test's ``sleep`` moves the sandbox clock)."""

    wait_s: float = 600
    poll_s: float = 15
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic


def specification(account: VendorAccountSettings, report_type: str, period: Period) -> dict[str, Any]:
    """createReport's body: weekly figures for sales and inventory, the current forecast."""
    spec: dict[str, Any] = {"reportType": report_type,
                            "marketplaceIds": [marketplace(account.marketplace).marketplace_id],
                            "reportOptions": {"sellingProgram": "RETAIL"}}
    if report_type != VendorReportType.FORECASTING:
        spec["dataStartTime"] = datetime.combine(period[0], clock_time(0), tzinfo=UTC).isoformat()
        spec["dataEndTime"] = datetime.combine(period[1], clock_time(0), tzinfo=UTC).isoformat()
        spec["reportOptions"] |= {"reportPeriod": "WEEK", "distributorView": "MANUFACTURING"}
    return spec


def fetch_vendor_reports(units: Units, client: AmazonApi, account: VendorAccountSettings, period: Period, *,
                         budget: Budget | None = None, download: Download | None = None,
                         catch_up_weeks: int = 0) -> FetchResult:
    """The three vendor reports of ``period`` for one account: requested once, waited for, kept or alerted.

    ``catch_up_weeks``: also the sales and inventory reports of that many weeks before ``period``
    not kept yet (a missed weekly run, a new install's first history); kept ones cost no call.
    """
    budget = budget or Budget()
    download = download or client.download_report_document
    result, deadline = FetchResult(), budget.monotonic() + budget.wait_s
    asks = [(t, period) for t in VendorReportType] + [
        (t, week) for week in weeks_before(period, catch_up_weeks) for t in WEEKLY_HISTORY]
    waiting = [r for t, week in asks if (r := _requested(units, client, account, t, week, result))]
    while waiting:
        waiting = [left for r in waiting if (left := _poll(units, client, account, r, download, result))]
        if not waiting or budget.monotonic() >= deadline:
            break
        budget.sleep(budget.poll_s)
    result.pending = waiting
    for report_id in waiting:
        log.info("%s: report %s still processing; the next run picks it up", account.code, report_id)
    return result


def _requested(units: Units, client: AmazonApi, account: VendorAccountSettings, report_type: str, period: Period,
               result: FetchResult) -> str | None:
    """The reportId to wait for: the one asked for before, or a new request; None when already kept."""
    with units() as uow:
        found = uow.vendor_reports.request_for(account.code, report_type, *period)
        if found is not None and (found.state in FINISHED or _final_without_retry(found)):
            result.already_done.append(report_type)
            return None
        if found is not None and found.state == ReportRequestState.PENDING:
            return found.report_id
        report_id = client.create_report(specification(account, report_type, period))
        _remember(uow, found, account, report_type, period, report_id)
        uow.commit()
    log.info("%s: %s for %s..%s requested as %s", account.code, report_type, *period, report_id)
    return report_id


def _final_without_retry(request: ReportRequest) -> bool:
    return request.state == ReportRequestState.FAILED and request.processing_status not in RETRY_AFTER


def _remember(uow: UnitOfWork, found: ReportRequest | None, account: VendorAccountSettings, report_type: str,
              period: Period, report_id: str) -> None:
    if found is None:
        uow.vendor_reports.add(ReportRequest(account_code=account.code, report_type=report_type,
                                             period_start=period[0], period_end=period[1], report_id=report_id))
        return
    found.report_id, found.state, found.processing_status = report_id, ReportRequestState.PENDING.value, ""
    found.requested_at, found.finished_at = utcnow(), None


def _poll(units: Units, client: AmazonApi, account: VendorAccountSettings, report_id: str, download: Download,
          result: FetchResult) -> str | None:
    """The reportId still to wait for after one poll: None once settled, a new one if Amazon forgot it."""
    try:
        return None if _settled(units, client, account, report_id, download, result) else report_id
    except ClientRequestError as exc:
        if exc.status_code != 404:
            raise
        return _ask_again(units, client, account, report_id, result)


def _ask_again(units: Units, client: AmazonApi, account: VendorAccountSettings, report_id: str,
               result: FetchResult) -> str | None:
    """Amazon no longer knows a report we remembered (its reports expire): request it anew, and say so."""
    with units() as uow:
        request = uow.vendor_reports.by_report_id(report_id)
        if request is None:
            return None
        period = (request.period_start, request.period_end)
        new_id = client.create_report(specification(account, request.report_type, period))
        _remember(uow, request, account, request.report_type, period, new_id)
        uow.alerts.raise_alert(
            dedupe_key=f"report-forgotten:{account.code}:{report_id}", account_code=account.code,
            kind="report_failed", subject=f"{request.report_type} report {report_id} unknown to Amazon",
            message=f"Amazon answered 404 for report {report_id} ({request.report_type}, {period[0]}..{period[1]}); "
                    f"it was requested again as {new_id}.",
            next_step="Nothing, unless the new request fails too: then download the report from Vendor Central "
                      "and run `acorn reports import FILE --account CODE`.", code="report_not_found")
        uow.commit()
    result.asked_again.append(f"{report_id} -> {new_id}")
    log.warning("%s: report %s unknown to Amazon; requested again as %s", account.code, report_id, new_id)
    return new_id


def _settled(units: Units, client: AmazonApi, account: VendorAccountSettings, report_id: str, download: Download,
             result: FetchResult) -> bool:
    """One poll of one report: True once it is kept, quarantined or failed."""
    report = client.get_report(report_id)
    status = report.processing_status
    if status == ReportProcessing.DONE and report.report_document_id:
        raw = download(client.get_report_document(report.report_document_id))
        with units() as uow:
            request = uow.vendor_reports.by_report_id(report_id)
            period = (request.period_start, request.period_end) if request else None
        accepted = accept(units, raw, Arrival(account_code=account.code, report_type=report.report_type,
                                              report_id=report_id, source=f"report {report_id}", period=period))
        _finish(units, report_id, accepted.state, status)
        _count(result, accepted)
        return True
    if status in (ReportProcessing.FATAL, ReportProcessing.CANCELLED):
        _failed(units, account, report, result)
        return True
    return False


def _count(result: FetchResult, accepted: Accepted) -> None:
    if accepted.state == ReportRequestState.STORED:
        result.stored.append(accepted.report_type)
    else:
        result.quarantined.append(f"{accepted.report_type}: {accepted.field}")


def _finish(units: Units, report_id: str, state: ReportRequestState, status: str) -> None:
    with units() as uow:
        request = uow.vendor_reports.by_report_id(report_id)
        if request is not None:
            request.state, request.processing_status, request.finished_at = state.value, status, utcnow()
        uow.commit()


def _failed(units: Units, account: VendorAccountSettings, report: wire.Report, result: FetchResult) -> None:
    """FATAL or CANCELLED: an alert naming the report, never a silent gap."""
    status = report.processing_status
    again = "It is asked for again on the next run." if status in RETRY_AFTER else "Amazon had no data for it."
    with units() as uow:
        uow.alerts.raise_alert(
            dedupe_key=f"report-failed:{account.code}:{report.report_id}", account_code=account.code,
            kind="report_failed", subject=f"{report.report_type} report {report.report_id} ended {status}",
            message=f"Amazon ended report {report.report_id} ({report.report_type}) {status}. {again}",
            next_step="If it keeps failing, download the report from Vendor Central and run "
                      "`acorn reports import FILE --account CODE`.", code=f"report_{status.lower()}")
        uow.commit()
    _finish(units, report.report_id, ReportRequestState.FAILED, status)
    result.failed.append(f"{report.report_type} {report.report_id} {status}")
    log.warning("%s: report %s (%s) ended %s", account.code, report.report_id, report.report_type, status)
