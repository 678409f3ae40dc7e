"""The documents of the vendor reports, built from the sandbox's demand model and its orders.

* sales (``GET_VENDOR_SALES_REPORT``): per period and ASIN, what customers ordered (units, revenue
  at Amazon's retail price), what was shipped to them (units, revenue, cost at the vendor's net
  cost) and returned: the demand model's days (``demand.py``), summed;
* inventory (``GET_VENDOR_INVENTORY_REPORT``): per period and ASIN, the units Amazon received from
  the vendor's shipments in the period, its open purchase order units at the period's end (the
  sandbox's own POs, less what was received against them), and sellable stock on hand (a few
  weeks of demand, plus what was received);
* forecasting (``GET_VENDOR_FORECASTING_REPORT``): per ASIN, the next 26 weeks (Sunday to
  Saturday) of mean, P70, P80 and P90 units: the same mean the generator orders to.

Dates are calendar days (UTC); money is Decimal until it becomes a JSON number here.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from acorn.sandbox.accounts import VendorAccount
from acorn.sandbox.catalogue import CatalogueItem
from acorn.sandbox.demand import day_sales, mean_daily_units, retail_price, weekly_forecast

if TYPE_CHECKING:
    from acorn.sandbox.reports import SandboxReport
    from acorn.sandbox.state import SandboxState

FORECAST_WEEKS = 26
Period = tuple[date, date]


def next_period_start(day: date, period: str) -> date:
    """The first day of the period after the one starting on ``day``."""
    if period == "DAY":
        return day + timedelta(days=1)
    if period == "WEEK":
        return day + timedelta(days=7)
    months = {"MONTH": 1, "QUARTER": 3, "YEAR": 12}[period]
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_starts_on(day: date, period: str) -> bool:
    """Amazon's periods: weeks run Sunday to Saturday, months, quarters and years from their first day."""
    if period == "WEEK":
        return day.weekday() == 6
    if period in ("MONTH", "QUARTER", "YEAR"):
        first_months = {"MONTH": range(1, 13), "QUARTER": (1, 4, 7, 10), "YEAR": (1,)}[period]
        return day.day == 1 and day.month in first_months
    return True


def periods(start: date, end: date, period: str) -> list[Period]:
    """Whole periods from ``start`` to ``end``; ValueError if the range does not cut into them."""
    if not period_starts_on(start, period):
        raise ValueError(f"dataStartTime {start} does not start a {period}")
    found = []
    while start <= end:
        last = next_period_start(start, period) - timedelta(days=1)
        if last > end:
            raise ValueError(f"dataEndTime {end} does not end a {period}")
        found.append((start, last))
        start = last + timedelta(days=1)
    return found


def _days(span: Period) -> Iterator[date]:
    day = span[0]
    while day <= span[1]:
        yield day
        day += timedelta(days=1)


def _money(amount: Decimal, currency: str) -> dict[str, Any]:
    return {"amount": float(amount), "currencyCode": currency}


def _specification(report: SandboxReport, *, dated: bool) -> dict[str, Any]:
    spec: dict[str, Any] = {"reportType": report.report_type, "reportOptions": dict(report.options),
                            "lastUpdatedDate": report.created.date().isoformat()}
    if dated and report.data_start and report.data_end:
        spec["dataStartTime"] = report.data_start.isoformat()
        spec["dataEndTime"] = report.data_end.isoformat()
    spec["marketplaceIds"] = [report.account.marketplace.marketplace_id]
    return spec


def _mean(state: SandboxState, item: CatalogueItem) -> float:
    return mean_daily_units(item, pos_per_day=state.config.pos_per_day, catalogue_size=len(state.catalogue))


def _sales_row(state: SandboxState, account: VendorAccount, item: CatalogueItem, span: Period) -> dict[str, Any]:
    cost, currency = item.cost_for(account.marketplace.country)
    mean = _mean(state, item)
    days = [day_sales(state.config.seed, account, item, day, mean) for day in _days(span)]
    ordered, shipped = sum(d.ordered for d in days), sum(d.shipped for d in days)
    price = retail_price(cost)
    return {"startDate": span[0].isoformat(), "endDate": span[1].isoformat(), "asin": item.asin,
            "customerReturns": sum(d.returned for d in days), "orderedRevenue": _money(price * ordered, currency),
            "orderedUnits": ordered, "shippedCogs": _money(cost * shipped, currency),
            "shippedRevenue": _money(price * shipped, currency), "shippedUnits": shipped}


def _aggregate(mine: list[dict[str, Any]], span: Period, counts: tuple[str, ...],
               amounts: tuple[str, ...]) -> dict[str, Any]:
    """The rows of one period summed: units as integers, money per field (one currency per report)."""
    total: dict[str, Any] = {"startDate": span[0].isoformat(), "endDate": span[1].isoformat()}
    for name in counts:
        total[name] = sum(r[name] for r in mine)
    for name in amounts:
        currency = mine[0][name]["currencyCode"] if mine else "USD"
        summed = sum((Decimal(str(r[name]["amount"])) for r in mine), Decimal(0))
        total[name] = _money(summed, currency)
    return total


def sales_document(state: SandboxState, report: SandboxReport) -> dict[str, Any]:
    spans = report.periods()
    by_period = [[_sales_row(state, report.account, item, span) for item in state.catalogue] for span in spans]
    counts, amounts = ("customerReturns", "orderedUnits", "shippedUnits"), ("orderedRevenue", "shippedCogs",
                                                                              "shippedRevenue")
    aggregate = [_aggregate(rows, span, counts, amounts) for span, rows in zip(spans, by_period, strict=True)]
    return {"reportSpecification": _specification(report, dated=True), "salesAggregate": aggregate,
            "salesByAsin": [row for rows in by_period for row in rows]}


def forecasting_document(state: SandboxState, report: SandboxReport) -> dict[str, Any]:
    generated = report.created.date()
    first_sunday = generated + timedelta(days=(6 - generated.weekday()) or 7)
    rows = []
    for item in state.catalogue:
        mean = _mean(state, item)
        for week in range(FORECAST_WEEKS):
            start = first_sunday + timedelta(days=7 * week)
            units = weekly_forecast(mean, week + 1)
            rows.append({"forecastGenerationDate": generated.isoformat(), "asin": item.asin,
                         "startDate": start.isoformat(), "endDate": (start + timedelta(days=6)).isoformat(),
                         "meanForecastUnits": units["mean"], "p70ForecastUnits": units["p70"],
                         "p80ForecastUnits": units["p80"], "p90ForecastUnits": units["p90"]})
    return {"reportSpecification": _specification(report, dated=False), "forecastByAsin": rows}


def end_of(day: date) -> datetime:
    """The last moment of a calendar day (UTC): what a period's figures are "at the end" of."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC) - timedelta(microseconds=1)


def _po_units(state: SandboxState, account: VendorAccount, span: Period) -> dict[str, tuple[int, int, int]]:
    """ASIN -> (received in the period, received by its end, open PO units at its end) of the account's POs."""
    start, at = datetime.combine(span[0], time(0), tzinfo=UTC), end_of(span[1])
    found: dict[str, tuple[int, int, int]] = {}
    for po in state.book.orders:
        if po.created > at or po.selling_party != account.selling_party or not po.lines:
            continue
        is_open = po.state(at)[0] != "Closed"
        for line in po.lines:
            if not isinstance(line.asin, str):
                continue
            delivered = po.receipts(line, at)
            received = sum(s.received for s in delivered)
            in_period = sum(s.received for s in delivered if s.delivered_at >= start)
            still_open = max(po.owed_each(line, at) - received, 0) if is_open else 0
            was = found.get(line.asin, (0, 0, 0))
            found[line.asin] = (was[0] + in_period, was[1] + received, was[2] + still_open)
    return found


def _inventory_row(state: SandboxState, report: SandboxReport, item: CatalogueItem, span: Period,
                   units: tuple[int, int, int]) -> dict[str, Any]:
    account = report.account
    cost, currency = item.cost_for(account.marketplace.country)
    rng = random.Random(f"acorn-sandbox-stock:{state.config.seed}:{account.selling_party}:{item.asin}:{span[1]}")
    cover_days = rng.uniform(14, 35)   # what Amazon keeps on hand between the vendor's deliveries
    on_hand = round(_mean(state, item) * cover_days) + units[1]
    shipped = sum(day_sales(state.config.seed, account, item, d, _mean(state, item)).shipped for d in _days(span))
    return {"startDate": span[0].isoformat(), "endDate": span[1].isoformat(), "asin": item.asin,
            "netReceivedInventoryCost": _money(cost * units[0], currency), "netReceivedInventoryUnits": units[0],
            "openPurchaseOrderUnits": units[2], "sellThroughRate": round(shipped / max(shipped + on_hand, 1), 4),
            "sellableOnHandInventoryCost": _money(cost * on_hand, currency),
            "sellableOnHandInventoryUnits": on_hand}


def inventory_document(state: SandboxState, report: SandboxReport) -> dict[str, Any]:
    spans = report.periods()
    by_period = []
    for span in spans:
        units = _po_units(state, report.account, span)
        by_period.append([_inventory_row(state, report, item, span, units.get(item.asin, (0, 0, 0)))
                          for item in state.catalogue])
    counts = ("netReceivedInventoryUnits", "openPurchaseOrderUnits", "sellableOnHandInventoryUnits")
    aggregate = [_aggregate(rows, span, counts, ("netReceivedInventoryCost", "sellableOnHandInventoryCost"))
                 for span, rows in zip(spans, by_period, strict=True)]
    return {"reportSpecification": _specification(report, dated=True), "inventoryAggregate": aggregate,
            "inventoryByAsin": [row for rows in by_period for row in rows]}
