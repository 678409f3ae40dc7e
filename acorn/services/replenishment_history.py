"""What replenishment knows about the past and the coming weeks, read from the store for one account.

Every figure is bucketed into Amazon's weeks (Sunday to Saturday, :func:`week_start`), the weeks its
sales and forecast reports use, so they line up with the PO history without any guessing:

* **ordered, accepted**: the units of every PO line by the week of its order date (the dock's
  calendar day, ``ship_from_tz``), in eaches (the store keeps ordered and accepted units in eaches);
* **received**: Amazon's goods receipts by the week of the last receipt (a receipt carries its
  running total and its latest date only);
* **sold**: ``shippedUnits`` per ASIN from the stored ``GET_VENDOR_SALES_REPORT`` documents, weekly rows
  only (a daily or monthly report is not split or summed into weeks). A week is *known* when a stored
  report has its aggregate row; an ASIN it does not list sold nothing that week. A week no report
  covers is unknown, and the domain leaves it out rather than count it as zero, PO units included:
  Amazon's sell-through and its orders are read as a pair. When two documents cover a week, the one
  stored last wins (Amazon revises recent weeks);
* **forecast**: mean, P70, P80 and P90 per ASIN and week from the newest stored
  ``GET_VENDOR_FORECASTING_REPORT``, from the planning week on.

ASINs (and the vendor ids on PO lines) are mapped onto the ERP's SKUs with :class:`SkuResolver`; an ASIN
no SKU carries is counted, never silently planned for something else.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from acorn.config import VendorAccountSettings
from acorn.domain.replenishment_inputs import ForecastWeek, HistoryWeek
from acorn.domain.vendor_reports import VendorReportType, week_start
from acorn.services.stock import SkuResolver
from acorn.store import UnitOfWork

_WEEK = timedelta(days=7)
Key = tuple[str, date]  # (vendor SKU, week start)


@dataclass
class StoreHistory:
    """Per SKU and Amazon week: what Amazon ordered, we accepted, it received and sold; its forecast."""

    first_week: date
    planning_week: date  # the week planned from: history is before it, the forecast from it on
    known_weeks: frozenset[date] = frozenset()
    ordered: Counter[Key] = field(default_factory=Counter)
    accepted: Counter[Key] = field(default_factory=Counter)
    received: Counter[Key] = field(default_factory=Counter)
    sold: Counter[Key] = field(default_factory=Counter)
    forecast: dict[str, list[ForecastWeek]] = field(default_factory=dict)
    forecast_source: str = "no forecast report stored"
    unmatched_asins: set[str] = field(default_factory=set)

    def history(self, vendor_sku: str) -> tuple[HistoryWeek, ...]:
        """The SKU's known weeks, oldest first (the domain's input)."""
        return tuple(HistoryWeek(week, self.ordered[(vendor_sku, week)], self.accepted[(vendor_sku, week)],
                                 self.received[(vendor_sku, week)], self.sold[(vendor_sku, week)])
                     for week in sorted(self.known_weeks))


def read_history(uow: UnitOfWork, account: VendorAccountSettings, resolver: SkuResolver, *, planning_week: date,
                 history_weeks: int, horizon_weeks: int) -> StoreHistory:
    """The account's PO, receipt, sales and forecast figures around ``planning_week`` (a Sunday)."""
    found = StoreHistory(first_week=planning_week - history_weeks * _WEEK, planning_week=planning_week)
    zone = ZoneInfo(account.ship_from_tz)
    since, until = _instant(found.first_week, zone), _instant(planning_week, zone)
    for when, sku, asin, ordered, accepted in uow.purchase_orders.ordered_lines(account.code, since=since,
                                                                               until=until):
        if erp := resolver.erp_sku(sku, asin):
            key = (erp, _week_of(when, zone))
            found.ordered[key] += ordered
            found.accepted[key] += accepted
    for when, sku, asin, received in uow.receipts.received_lines(account.code, since=since, until=until):
        if erp := resolver.erp_sku(sku, asin):
            found.received[(erp, _week_of(when, zone))] += received
    _read_sales(uow, account, resolver, found)
    _read_forecast(uow, account, resolver, found, horizon_weeks)
    return found


def _instant(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _week_of(when: datetime, zone: ZoneInfo) -> date:
    return week_start(when.astimezone(zone).date())


def _weekly(rows: Iterable[dict[str, Any]]) -> Iterable[tuple[date, dict[str, Any]]]:
    """The rows that are one of Amazon's weeks (Sunday to Saturday), with their week."""
    for row in rows:
        start, end = date.fromisoformat(row["startDate"][:10]), date.fromisoformat(row["endDate"][:10])
        if week_start(start) == start and end - start == timedelta(days=6):
            yield start, row


def _read_sales(uow: UnitOfWork, account: VendorAccountSettings, resolver: SkuResolver, found: StoreHistory) -> None:
    """Units shipped to customers per SKU and week; a later document replaces an earlier one's week."""
    weeks: dict[date, Counter[str]] = {}
    for document in uow.vendor_reports.documents_since(account.code, VendorReportType.SALES, found.first_week):
        body = document.document
        covered = {week: Counter[str]() for week, _ in _weekly(body.get("salesAggregate", []))
                   if found.first_week <= week < found.planning_week}
        for week, row in _weekly(body.get("salesByAsin", [])):
            if week not in covered:
                continue
            erp = resolver.erp_sku(None, row["asin"])
            if erp is None:
                found.unmatched_asins.add(row["asin"])
                continue
            covered[week][erp] += row["shippedUnits"]
        weeks.update(covered)
    found.known_weeks = frozenset(weeks)
    for week, by_sku in weeks.items():
        for sku, units in by_sku.items():
            found.sold[(sku, week)] = units


def _read_forecast(uow: UnitOfWork, account: VendorAccountSettings, resolver: SkuResolver, found: StoreHistory,
                   horizon_weeks: int) -> None:
    """Amazon's newest forecast per SKU for the planned weeks (the domain checks each figure)."""
    document = uow.vendor_reports.newest_document(account.code, VendorReportType.FORECASTING)
    if document is None:
        return
    rows = document.document.get("forecastByAsin", [])
    generated = max((str(r["forecastGenerationDate"])[:10] for r in rows), default="?")
    found.forecast_source = f"forecast generated {generated} ({document.report_id or document.source})"
    last = found.planning_week + horizon_weeks * _WEEK
    for row in rows:
        start = date.fromisoformat(row["startDate"][:10])
        if not found.planning_week <= start < last:
            continue
        erp = resolver.erp_sku(None, row["asin"])
        if erp is None:
            found.unmatched_asins.add(row["asin"])
            continue
        found.forecast.setdefault(erp, []).append(ForecastWeek(
            start, row["meanForecastUnits"], row["p70ForecastUnits"], row["p80ForecastUnits"],
            row["p90ForecastUnits"]))


def combined(histories: Sequence[StoreHistory]) -> StoreHistory:
    """One warehouse's history from the accounts it ships for: their units added week by week.

    A week is known when every account that has sales reports at all covers it (a week one of
    them has not reported would read as a drop in demand; an account with no report yet, new or
    not fetched, leaves only its PO units). Amazon's forecasts add up week by week over the
    accounts that forecast the SKU: the sum of percentiles is a little above the percentile of
    the sum, the cautious side for a supplier.
    """
    if len(histories) == 1:
        return histories[0]
    first = histories[0]
    reporting = [h.known_weeks for h in histories if h.known_weeks]
    found = StoreHistory(first_week=first.first_week, planning_week=first.planning_week,
                         known_weeks=frozenset.intersection(*reporting) if reporting else frozenset(),
                         forecast_source="; ".join(h.forecast_source for h in histories),
                         unmatched_asins=set().union(*(h.unmatched_asins for h in histories)))
    for h in histories:
        found.ordered.update(h.ordered)
        found.accepted.update(h.accepted)
        found.received.update(h.received)
        found.sold.update(h.sold)
    for sku in set().union(*(h.forecast for h in histories)):
        found.forecast[sku] = _summed_forecast([w for h in histories for w in h.forecast.get(sku, [])])
    return found


def _summed_forecast(weeks: Iterable[ForecastWeek]) -> list[ForecastWeek]:
    """The accounts' forecast weeks of one SKU added up per week, in week order."""
    by_week: dict[date, list[ForecastWeek]] = {}
    for week in weeks:
        by_week.setdefault(week.week_start, []).append(week)
    return [ForecastWeek(start, *(sum(getattr(w, name) for w in same) for name in ("mean", "p70", "p80", "p90")))
            for start, same in sorted(by_week.items())]
