"""Amazon's vendor reports in Acorn's words: which ones, where a request stands, which week.

A request is remembered from the moment Amazon gives it a ``reportId`` until its document is
stored (or set aside): a report still processing at the end of a run is picked up by the
next run under the same id, never asked for twice.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum


class VendorReportType(StrEnum):
    SALES = "GET_VENDOR_SALES_REPORT"
    INVENTORY = "GET_VENDOR_INVENTORY_REPORT"
    FORECASTING = "GET_VENDOR_FORECASTING_REPORT"


class ReportProcessing(StrEnum):
    """Amazon's ``processingStatus`` of a report."""

    IN_QUEUE = "IN_QUEUE"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    FATAL = "FATAL"
    CANCELLED = "CANCELLED"


class ReportRequestState(StrEnum):
    """Where one of our requests stands: waiting on Amazon, or finished one way or another."""

    PENDING = "pending"
    STORED = "stored"
    QUARANTINED = "quarantined"
    FAILED = "failed"  # FATAL or CANCELLED at Amazon: alerted; FATAL is asked for again next run


#: a FATAL report is worth asking for again; a CANCELLED one had no data to give
RETRY_AFTER = frozenset({ReportProcessing.FATAL})
FINISHED = frozenset({ReportRequestState.STORED, ReportRequestState.QUARANTINED})


def last_whole_week(today: date) -> tuple[date, date]:
    """Amazon's last complete week before ``today``: Sunday to Saturday."""
    saturday = today - timedelta(days=(today.weekday() + 2) % 7 or 7)
    return saturday - timedelta(days=6), saturday


#: the reports that describe a past week; the forecast is a snapshot of today, so it is never caught up
WEEKLY_HISTORY = (VendorReportType.SALES, VendorReportType.INVENTORY)


def weeks_before(week: tuple[date, date], count: int) -> list[tuple[date, date]]:
    """The ``count`` whole weeks before ``week``, newest first: what a run catches up on after missed weeks."""
    start, end = week
    return [(start - timedelta(weeks=k), end - timedelta(weeks=k)) for k in range(1, count + 1)]


def week_start(day: date) -> date:
    """The Sunday that starts Amazon's week holding ``day``: sales and forecast weeks run Sunday to Saturday."""
    return day - timedelta(days=(day.weekday() + 1) % 7)
