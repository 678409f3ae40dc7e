"""The replenishment plan read from a small hand-made store: POs, receipts, stock and Amazon's stored reports.

The store (one account, ACRNUS, warehouse NJ1, planned on Wednesday 2026-03-04, so in Amazon's week
from Sunday 2026-03-01):

* ``SKU-A`` (case pack 12, 100 on hand, 10 promised on an open PO): Amazon ordered 30 + 10 in the week
  of 15 Feb, and 5 more on Saturday 21 Feb at 22:00 New York time (already the 22nd in UTC: still the
  week of the 15th on the dock's calendar), 20 in the week of 22 Feb; 99 in the week of 8 Feb, which no
  sales report covers (unknown, left out). Sold 40 and 55 (a revised report replaced 50). Forecast
  mean 50, P80 60 a week; but Amazon's own weekly orders (45 and 20 in the two weeks a sales report covers)
  swing ± 12.5, so no week is planned under 50 + 0.8416 × 12.5 = 60.52: 4 weeks of lead time + review need
  242.08: 242.08 - 90 free = 152.08 → 153 → 13 cases = 156 units; cover 90 / 60.52 = 1.49 weeks, under the
  3-week lead time.
* ``B&<1>`` (a name HTML must escape): 5,000 on hand, forecast P80 10 a week: covered, nothing to do.
* ``SKU-C``: no stock row at NJ1 → set aside naming ``SKU-C@NJ1`` and ``on_hand``.
* ``SKU-E``: a forecast whose P70 is above its P80 → set aside naming ``forecast.p90``.
* ``SKU-D``: discontinued, not planned.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from acorn.config import AcornSettings, VendorAccountSettings, load_settings
from acorn.domain.replenishment_inputs import HistoryWeek
from acorn.domain.states import AlertStatus
from acorn.domain.vendor_reports import VendorReportType
from acorn.services.ports import Units
from acorn.services.replenishment_alerts import COVER_KIND, INPUT_KIND, cover_alert_key
from acorn.services.replenishment_plan import build_plan, plan_replenishment
from acorn.services.report_intake import Arrival, accept
from acorn.store.uow import in_memory_units
from schemas.tables import GoodsReceipt

US = "ACRNUS"
DAY = date(2026, 3, 4)
AT = datetime(2026, 3, 4, 13, 10, tzinfo=UTC)
ASINS = {"SKU-A": "B0000000AA", "B&<1>": "B0000000BB", "SKU-C": "B0000000CC", "SKU-D": "B0000000DD",
         "SKU-E": "B0000000EE"}
WEEKS = [date(2026, 3, 1) + timedelta(days=7 * k) for k in range(13)]


@pytest.fixture
def settings(tmp_path: Path) -> AcornSettings:
    return load_settings(home=tmp_path / ".acorn")


@pytest.fixture
def account(settings: AcornSettings) -> VendorAccountSettings:
    return settings.account(US)


def _skus(units: Units) -> None:
    with units() as uow:
        for sku, pack in (("SKU-A", 12), ("B&<1>", 6), ("SKU-C", 4), ("SKU-D", 4), ("SKU-E", 4)):
            uow.skus.upsert(vendor_sku=sku, asin=ASINS[sku], title=sku, case_pack=pack,
                            unit_weight_kg=Decimal("0.5"), unit_cost=Decimal("2.50"), currency="USD",
                            discontinued=sku == "SKU-D")
        for sku, on_hand in (("SKU-A", 100), ("B&<1>", 5000), ("SKU-D", 0), ("SKU-E", 50)):
            uow.inventory.upsert(vendor_sku=sku, warehouse="NJ1", on_hand=on_hand)
        uow.inventory.upsert(vendor_sku="SKU-C", warehouse="PA2", on_hand=70)  # another warehouse's stock
        uow.commit()


def _po(number: str, ordered_at: datetime, asin: str, ordered: int, accepted: int, *, shipped: int | None = None,
        vendor_sku: str | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    header = {"po_number": number, "state": "Acknowledged", "selling_party": US, "ship_to": "ABE8",
              "marketplace": "US", "currency": "USD", "order_date": ordered_at}
    item = {"item_sequence": "1", "asin": asin, "vendor_sku": vendor_sku, "ordered_qty": ordered,
            "accepted_qty": accepted, "shipped_qty": accepted if shipped is None else shipped}
    return header, [item]


def _orders(units: Units) -> None:
    a = ASINS["SKU-A"]
    with units() as uow:
        uow.purchase_orders.add_all(US, [
            _po("PO-OLD", datetime(2026, 2, 10, 15, tzinfo=UTC), a, 99, 99),  # no sales report that week
            _po("PO-1", datetime(2026, 2, 16, 15, tzinfo=UTC), a, 30, 24, vendor_sku="SKU-A"),
            _po("PO-2", datetime(2026, 2, 18, 15, tzinfo=UTC), a, 10, 10),
            _po("PO-3", datetime(2026, 2, 22, 3, tzinfo=UTC), a, 5, 5),  # Saturday 22:00 in New York
            _po("PO-4", datetime(2026, 2, 23, 15, tzinfo=UTC), a, 20, 18),
            _po("PO-NOW", datetime(2026, 3, 2, 15, tzinfo=UTC), a, 10, 10, shipped=0),  # promised, not history
        ])
        uow.receipts.add(GoodsReceipt(account_code=US, po_number="PO-1", item_sequence="1", receive_status="RECEIVED",
                                      received_qty=24, last_receive_date=datetime(2026, 2, 25, 18, tzinfo=UTC)))
        uow.commit()


def _money(amount: float) -> dict[str, Any]:
    return {"amount": amount, "currencyCode": "USD"}


def sales_document(start: date, shipped: dict[str, int]) -> dict[str, Any]:
    """A weekly GET_VENDOR_SALES_REPORT that fits Amazon's schema, ``shipped`` units per ASIN."""
    end = (start + timedelta(days=6)).isoformat()
    row = {"startDate": start.isoformat(), "endDate": end, "shippedCogs": _money(0.0),
           "shippedRevenue": _money(0.0)}
    return {"reportSpecification": {"reportType": VendorReportType.SALES, "reportOptions": {
                "distributorView": "MANUFACTURING", "reportPeriod": "WEEK", "sellingProgram": "RETAIL"},
                "lastUpdatedDate": end, "dataStartTime": start.isoformat(), "dataEndTime": end,
                "marketplaceIds": ["ATVPDKIKX0DER"]},
            "salesAggregate": [{**row, "shippedUnits": sum(shipped.values())}],
            "salesByAsin": [{**row, "asin": asin, "shippedUnits": units} for asin, units in shipped.items()]}


def forecast_document(generated: date, weekly: dict[str, tuple[float, float, float, float]]) -> dict[str, Any]:
    """A GET_VENDOR_FORECASTING_REPORT: the same (mean, P70, P80, P90) for 13 weeks from 2026-03-01, per ASIN."""
    rows = [{"forecastGenerationDate": generated.isoformat(), "asin": asin, "startDate": week.isoformat(),
             "endDate": (week + timedelta(days=6)).isoformat(), "meanForecastUnits": mean, "p70ForecastUnits": p70,
             "p80ForecastUnits": p80, "p90ForecastUnits": p90}
            for asin, (mean, p70, p80, p90) in weekly.items() for week in WEEKS]
    return {"reportSpecification": {"reportType": VendorReportType.FORECASTING,
                                    "reportOptions": {"sellingProgram": "RETAIL"},
                                    "lastUpdatedDate": generated.isoformat(), "marketplaceIds": ["ATVPDKIKX0DER"]},
            "forecastByAsin": rows}


def store(units: Units, document: dict[str, Any], report_id: str) -> None:
    accepted = accept(units, json.dumps(document).encode(), Arrival(account_code=US, report_id=report_id,
                                                                     source=f"report {report_id}"))
    assert accepted.state == "stored", accepted  # the document fits Amazon's schema


def _reports(units: Units) -> None:
    a, b = ASINS["SKU-A"], ASINS["B&<1>"]
    store(units, sales_document(date(2026, 2, 15), {a: 40, b: 9}), "S1")
    store(units, sales_document(date(2026, 2, 22), {a: 50, b: 11, "B0UNKNOWN1": 7}), "S2")
    store(units, sales_document(date(2026, 2, 22), {a: 55, b: 11, "B0UNKNOWN1": 7}), "S2-revised")
    store(units, forecast_document(date(2026, 2, 23), {a: (1.0, 1.0, 1.0, 1.0)}), "F-old")
    store(units, forecast_document(date(2026, 3, 2), {a: (50.0, 55.0, 60.0, 70.0), b: (8.0, 9.0, 10.0, 12.0),
                                                      ASINS["SKU-E"]: (5.0, 9.0, 8.0, 10.0)}), "F-new")


@pytest.fixture
def units() -> Units:
    made = in_memory_units()
    _skus(made)
    _orders(made)
    _reports(made)
    return made


def test_history_weeks_are_summed_from_the_pos_by_the_docks_calendar_week(units: Units,
                                                                         account: VendorAccountSettings) -> None:
    plan = build_plan(units, account, day=DAY)
    assert plan.planning_week == date(2026, 3, 1)
    [inputs] = [i for i in plan.inputs if i.vendor_sku == "SKU-A"]
    # week of 15 Feb: 30 + 10 + 5 ordered (PO-3 is the 21st in New York), 24 + 10 + 5 accepted, sold 40;
    # week of 22 Feb: 20 ordered, 18 accepted, 24 received (PO-1's receipt, dated the 25th), sold 55 (revised)
    assert inputs.history == (HistoryWeek(date(2026, 2, 15), 45, 39, 0, 40),
                              HistoryWeek(date(2026, 2, 22), 20, 18, 24, 55))
    assert inputs.on_hand == 90  # 100 less the 10 promised on the open PO


def test_sales_and_forecast_are_read_from_the_stored_report_documents(units: Units,
                                                                     account: VendorAccountSettings) -> None:
    plan = build_plan(units, account, day=DAY)
    [inputs] = [i for i in plan.inputs if i.vendor_sku == "B&<1>"]
    assert [(w.week_start, w.sold) for w in inputs.history] == [(date(2026, 2, 15), 9), (date(2026, 2, 22), 11)]
    assert [(w.week_start, w.mean, w.p80) for w in inputs.forecast[:2]] == [(date(2026, 3, 1), 8.0, 10.0),
                                                                            (date(2026, 3, 8), 8.0, 10.0)]
    assert len(inputs.forecast) == 13
    assert "F-new" in plan.history.forecast_source and "2026-03-02" in plan.history.forecast_source
    assert plan.history.unmatched_asins == {"B0UNKNOWN1"}


def test_a_bad_row_is_set_aside_naming_sku_at_warehouse_and_the_field_and_the_others_are_planned(
        units: Units, account: VendorAccountSettings) -> None:
    plan = build_plan(units, account, day=DAY)
    aside = {s.ref: s.field for s in plan.set_aside}
    assert aside == {"SKU-C@NJ1": "on_hand", "SKU-E@NJ1": "forecast.p90"}
    assert "NJ1" in next(s.reason for s in plan.set_aside if s.ref == "SKU-C@NJ1")
    assert [i.vendor_sku for i in plan.inputs] == ["B&<1>", "SKU-A"]  # SKU-D is discontinued
    with pytest.raises(ValueError, match="SKU-C@NJ1.*on_hand"):
        plan.suggestion("SKU-C")


def test_the_suggestions_follow_the_forecast_at_the_service_level_and_the_case_pack(
        units: Units, account: VendorAccountSettings) -> None:
    plan = build_plan(units, account, day=DAY)
    a, b = plan.rows()  # below the lead time first
    assert (a["sku"], a["on_hand"], a["at_level_weekly"], a["window_demand"]) == ("SKU-A", 90, 60.52, 242.08)
    assert (a["suggested_units"], a["cases"], a["weeks_of_cover"], a["below_lead_time"]) == (156, 13, 1.49, True)
    assert a["start_by"] == DAY  # due at once: shown as the day planned, not the Sunday before
    assert a["suggested_value"] == Decimal("390.00")
    assert (b["sku"], b["suggested_units"], b["below_lead_time"]) == ("B&<1>", 0, False)
    explained = plan.suggestion("SKU-A").explain()
    assert "SKU-A@NJ1" in explained and "156 units" in explained and "BELOW LEAD TIME" in explained


def _alerts(units: Units) -> list[Any]:
    with units() as uow:
        return [a for a in uow.alerts.list(status=None) if a.kind in (COVER_KIND, INPUT_KIND)]


def test_cover_below_lead_time_is_alerted_once_and_resolved_when_covered_again(
        units: Units, account: VendorAccountSettings, tmp_path: Path) -> None:
    first = plan_replenishment(units, account, day=DAY, at=AT, out_dir=tmp_path)
    assert sorted(first.alerts.opened) == sorted([cover_alert_key(US, "SKU-A@NJ1"),
                                                  f"replenish-input:{US}:SKU-C@NJ1",
                                                  f"replenish-input:{US}:SKU-E@NJ1"])
    [cover] = [a for a in _alerts(units) if a.kind == COVER_KIND]
    assert "SKU-A@NJ1" in cover.subject and "156 units" in cover.message and "--sku SKU-A" in cover.next_step

    again = plan_replenishment(units, account, day=DAY, at=AT, out_dir=tmp_path)
    assert again.alerts.opened == [] and again.alerts.resolved == 0
    assert len(_alerts(units)) == 3

    with units() as uow:  # stock arrives for SKU-A, and SKU-C gets its row at NJ1
        uow.inventory.upsert(vendor_sku="SKU-A", warehouse="NJ1", on_hand=1000)
        uow.inventory.upsert(vendor_sku="SKU-C", warehouse="NJ1", on_hand=0)
        uow.commit()
    covered = plan_replenishment(units, account, day=DAY + timedelta(days=7), at=AT + timedelta(days=7),
                                 out_dir=tmp_path)
    assert covered.alerts.opened == [] and covered.alerts.resolved == 2
    status = {a.dedupe_key: a.status for a in _alerts(units)}
    assert status == {cover_alert_key(US, "SKU-A@NJ1"): AlertStatus.RESOLVED,
                      f"replenish-input:{US}:SKU-C@NJ1": AlertStatus.RESOLVED,
                      f"replenish-input:{US}:SKU-E@NJ1": AlertStatus.OPEN}


def test_the_csv_has_one_row_per_sku_with_the_suggestion(units: Units, account: VendorAccountSettings,
                                                         tmp_path: Path) -> None:
    outcome = plan_replenishment(units, account, day=DAY, at=AT, out_dir=tmp_path / "out")
    assert outcome.paths.csv == tmp_path / "out" / "replenishment-ACRNUS-2026-03-04.csv"
    rows = list(csv.DictReader(outcome.paths.csv.open(encoding="utf-8")))
    assert [r["sku"] for r in rows] == ["SKU-A", "B&<1>"]
    assert rows[0] == {"sku": "SKU-A", "asin": "B0000000AA", "warehouse": "NJ1", "on_hand": "90",
                       "expected_weekly": "50.00", "at_level_weekly": "60.52", "window_demand": "242.08",
                       "weeks_of_cover": "1.49", "suggested_units": "156", "cases": "13", "case_pack": "12",
                       "start_by": "2026-03-04", "below_lead_time": "yes", "suggested_value": "390.00",
                       "currency": "USD"}
    assert rows[1]["below_lead_time"] == "no" and rows[1]["suggested_units"] == "0"
    plan_replenishment(units, account, day=DAY, at=AT, out_dir=tmp_path / "out")  # a rerun replaces the files
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["replenishment-ACRNUS-2026-03-04.csv",
                                                                   "replenishment-ACRNUS-2026-03-04.html"]


def test_the_html_report_carries_the_svg_charts_escaped_and_without_script(
        units: Units, account: VendorAccountSettings, tmp_path: Path) -> None:
    html = plan_replenishment(units, account, day=DAY, at=AT, out_dir=tmp_path).paths.html.read_text()
    assert html.count("<svg") == 3  # cover, and one history-vs-plan chart per planned SKU
    assert 'id="cover-bar-SKU-A"' in html and 'id="cover-bar-B__1_"' in html
    assert 'id="demand-SKU-A-sold-2026-02-15"' in html and 'id="demand-SKU-A-expected-2026-03-01"' in html
    assert "B&amp;&lt;1&gt;" in html and "B&<1>" not in html
    assert "SKU-C@NJ1: on_hand" in html and "forecast generated 2026-03-02" in html
    assert "<script" not in html.lower()


def test_without_stored_reports_no_week_is_known_and_the_report_says_so(account: VendorAccountSettings,
                                                                        tmp_path: Path) -> None:
    """PO units alone are not a week's demand: Amazon's sell-through and its orders are read as a pair."""
    units = in_memory_units()
    _skus(units)
    _orders(units)
    outcome = plan_replenishment(units, account, day=DAY, at=AT, out_dir=tmp_path)
    plan = outcome.plan
    assert plan.history.known_weeks == frozenset() and plan.history.forecast_source == "no forecast report stored"
    a = next(r for r in plan.rows() if r["sku"] == "SKU-A")
    assert (a["expected_weekly"], a["suggested_units"], a["below_lead_time"]) == (0.0, 0, False)
    assert "no sales report covers the last 8 weeks" in outcome.paths.html.read_text()


def test_the_erps_next_arrival_is_on_its_way_and_units_already_promised_from_it_are_not(
        units: Units, account: VendorAccountSettings) -> None:
    with units() as uow:
        row = uow.inventory.get("SKU-A", "NJ1")
        assert row is not None
        row.restock_date, row.restock_units = date(2026, 3, 14), 130
        stale = uow.inventory.get("B&<1>", "NJ1")
        assert stale is not None
        stale.restock_date, stale.restock_units = date(2026, 3, 3), 500  # due yesterday: not on its way any more
        po = uow.purchase_orders.get(US, "PO-NOW")
        assert po is not None
        for item in uow.purchase_orders.items(po):  # 10 units Amazon was promised from the arrival
            item.arriving_qty, item.scheduled_ship_date = 10, date(2026, 3, 14)
        uow.commit()
    plan = build_plan(units, account, day=DAY)
    [a] = [i for i in plan.inputs if i.vendor_sku == "SKU-A"]
    [b] = [i for i in plan.inputs if i.vendor_sku == "B&<1>"]
    assert [(x.arrives, x.units) for x in a.inbound] == [(date(2026, 3, 14), 120)] and b.inbound == ()
    assert a.on_hand == 100  # the PO's 10 units come from the arrival now, not the shelf
    # window 28 d from 1 March: 242.08 at the level; 100 + 120 arriving on the 14th = 220 → 23 → 2 cases = 24
    suggestion = plan.suggestion("SKU-A")
    assert (suggestion.inbound_in_window, suggestion.position, suggestion.suggested_units) == (120, 220, 24)


def test_a_warehouse_shared_by_two_accounts_is_planned_for_their_demand_together() -> None:
    from collections import Counter

    from acorn.domain.replenishment_inputs import ForecastWeek
    from acorn.services.replenishment_history import StoreHistory, combined

    w1, w2, w3 = date(2026, 2, 15), date(2026, 2, 22), date(2026, 3, 1)
    us = StoreHistory(first_week=w1, planning_week=w3, known_weeks=frozenset({w1, w2}),
                      ordered=Counter({("SKU-A", w1): 40, ("SKU-A", w2): 20}), sold=Counter({("SKU-A", w1): 30}),
                      forecast={"SKU-A": [ForecastWeek(w3, 50.0, 55.0, 60.0, 70.0)]})
    ca = StoreHistory(first_week=w1, planning_week=w3, known_weeks=frozenset({w2}),  # CA's report of w1 missing
                      ordered=Counter({("SKU-A", w1): 12, ("SKU-A", w2): 6}), sold=Counter({("SKU-A", w2): 5}),
                      forecast={"SKU-A": [ForecastWeek(w3, 10.0, 11.0, 12.0, 14.0)],
                                "SKU-B": [ForecastWeek(w3, 3.0, 3.0, 4.0, 5.0)]})
    new = StoreHistory(first_week=w1, planning_week=w3, ordered=Counter({("SKU-A", w2): 1}))  # no report yet
    both = combined([us, ca, new])
    assert both.known_weeks == {w2}  # only the week every reporting account covers
    assert both.history("SKU-A") == (HistoryWeek(w2, 27, 0, 0, 5),)
    assert both.forecast["SKU-A"] == [ForecastWeek(w3, 60.0, 66.0, 72.0, 84.0)]
    assert both.forecast["SKU-B"] == [ForecastWeek(w3, 3.0, 3.0, 4.0, 5.0)]  # only CA forecasts it
    assert combined([us]) is us
