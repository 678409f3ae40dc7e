"""Vendor reports in the sandbox: processing over simulated time, documents that fit Amazon's schemas,
figures that agree with the orders the sandbox issues, failures under faults, and 400s as the model says."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, date, datetime, timedelta
from statistics import correlation
from typing import Any

import httpx
import pytest

from acorn import contract
from acorn.sandbox import SandboxConfig
from acorn.sandbox.accounts import VENDOR_ACCOUNTS
from acorn.sandbox.catalogue import catalogue
from acorn.sandbox.demand import mean_daily_units
from acorn.sandbox.generator import OrderGenerator

REPORTS = "/reports/2021-06-30/reports"
DOCUMENTS = "/reports/2021-06-30/documents"
US, CA = "ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"
SALES, INVENTORY, FORECAST = "GET_VENDOR_SALES_REPORT", "GET_VENDOR_INVENTORY_REPORT", "GET_VENDOR_FORECASTING_REPORT"
RETAIL = {"distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"}


def _spec(report_type: str, start: str | None = None, end: str | None = None, *, period: str = "DAY",
          marketplace: str = US, **options: str) -> dict[str, Any]:
    body: dict[str, Any] = {"reportType": report_type, "marketplaceIds": [marketplace]}
    if report_type == FORECAST:
        body["reportOptions"] = {"sellingProgram": "RETAIL", **options}
    else:
        body["reportOptions"] = {**RETAIL, "reportPeriod": period, **options}
        body["dataStartTime"], body["dataEndTime"] = f"{start}T00:00:00Z", f"{end}T00:00:00Z"
    return body


def _create(vendor: Any, body: dict[str, Any]) -> str:
    r = vendor.http.post(REPORTS, json=body)
    assert r.status_code == 202, r.text
    return str(r.json()["reportId"])


def _report(vendor: Any, report_id: str) -> dict[str, Any]:
    r = vendor.http.get(f"{REPORTS}/{report_id}")
    assert r.status_code == 200, r.text
    return dict(r.json())


def _document(vendor: Any, report: dict[str, Any]) -> dict[str, Any]:
    r = vendor.http.get(f"{DOCUMENTS}/{report['reportDocumentId']}")
    assert r.status_code == 200, r.text
    where = r.json()
    download = httpx.get(where["url"])  # a pre-signed URL: no access token
    assert download.status_code == 200
    content = gzip.decompress(download.content) if where.get("compressionAlgorithm") == "GZIP" else download.content
    return dict(json.loads(content))


def _finished(vendor: Any, body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    report_id = _create(vendor, body)
    vendor.advance(3600)
    report = _report(vendor, report_id)
    assert report["processingStatus"] == "DONE", report
    return report, _document(vendor, report)


def test_a_report_waits_in_queue_then_is_in_progress_then_done_on_the_sandbox_clock(vendor: Any) -> None:
    report_id = _create(vendor, _spec(SALES, "2026-02-22", "2026-02-28", period="WEEK"))
    first = _report(vendor, report_id)
    assert first["processingStatus"] == "IN_QUEUE" and "reportDocumentId" not in first
    assert first["createdTime"] == vendor.now() and first["marketplaceIds"] == [US]
    seen = [first["processingStatus"]]
    for _ in range(80):
        vendor.advance(10, refresh=False)
        status = _report(vendor, report_id)["processingStatus"]
        if status != seen[-1]:
            seen.append(status)
    assert seen == ["IN_QUEUE", "IN_PROGRESS", "DONE"]
    done = _report(vendor, report_id)
    assert done["createdTime"] <= done["processingStartTime"] < done["processingEndTime"] <= vendor.now()
    assert done["reportDocumentId"].startswith("amzn1.spdoc.")


REPORT_CASES = [
    pytest.param(_spec(SALES, "2026-02-20", "2026-03-01"), id="sales-days"),
    pytest.param(_spec(SALES, "2026-02-01", "2026-02-28", period="WEEK", marketplace=CA), id="sales-weeks-ca"),
    pytest.param(_spec(SALES, "2025-10-01", "2025-12-31", period="MONTH"), id="sales-months"),
    pytest.param(_spec(SALES, "2025-01-01", "2025-12-31", period="QUARTER"), id="sales-quarters"),
    pytest.param(_spec(SALES, "2025-01-01", "2025-12-31", period="YEAR", distributorView="SOURCING"),
                 id="sales-year-sourcing"),
    pytest.param(_spec(INVENTORY, "2026-02-25", "2026-03-01"), id="inventory-days"),
    pytest.param(_spec(INVENTORY, "2026-02-15", "2026-02-28", period="WEEK", marketplace=CA), id="inventory-weeks"),
    pytest.param(_spec(INVENTORY, "2026-01-01", "2026-02-28", period="MONTH"), id="inventory-months"),
    pytest.param(_spec(FORECAST), id="forecast-us"),
    pytest.param(_spec(FORECAST, marketplace=CA), id="forecast-ca"),
]


@pytest.mark.parametrize("body", REPORT_CASES)
def test_every_document_fits_its_published_schema(vendor: Any, body: dict[str, Any]) -> None:
    _, document = _finished(vendor, body)
    assert contract.report_problems(body["reportType"], document) == []
    spec = document["reportSpecification"]
    assert spec["reportType"] == body["reportType"] and spec["marketplaceIds"] == body["marketplaceIds"]
    rows = document.get("salesByAsin") or document.get("inventoryByAsin") or document["forecastByAsin"]
    assert len({row["asin"] for row in rows}) == 40  # every catalogue item


def test_sales_periods_add_up_and_are_priced_in_the_marketplaces_currency(vendor: Any) -> None:
    _, weeks = _finished(vendor, _spec(SALES, "2026-02-01", "2026-02-28", period="WEEK", marketplace=CA))
    _, days = _finished(vendor, _spec(SALES, "2026-02-01", "2026-02-28", marketplace=CA))
    assert [a["startDate"] for a in weeks["salesAggregate"]] == ["2026-02-01", "2026-02-08", "2026-02-15",
                                                                  "2026-02-22"]
    assert sum(a["orderedUnits"] for a in weeks["salesAggregate"]) == sum(a["orderedUnits"]
                                                                          for a in days["salesAggregate"])
    for aggregate in weeks["salesAggregate"]:
        mine = [r for r in weeks["salesByAsin"] if r["startDate"] == aggregate["startDate"]]
        assert aggregate["shippedUnits"] == sum(r["shippedUnits"] for r in mine) <= aggregate["orderedUnits"]
    assert {r["shippedCogs"]["currencyCode"] for r in weeks["salesByAsin"]} == {"CAD"}
    # customers buy what the demand model expects (the mean the forecast and the POs follow), give or take
    expected = 28 * sum(mean_daily_units(item, pos_per_day=6, catalogue_size=40) for item in catalogue(7))
    assert sum(a["orderedUnits"] for a in weeks["salesAggregate"]) == pytest.approx(expected, rel=0.05)


def test_the_forecast_mean_is_the_volume_amazon_orders_over_time(vendor: Any) -> None:
    """PO volume follows the forecast: 120 days of the sandbox's own orders against the report's mean."""
    _, document = _finished(vendor, _spec(FORECAST))
    first_week = {r["asin"]: r for r in document["forecastByAsin"] if r["startDate"] == "2026-03-08"}
    items = catalogue(7)
    generator = OrderGenerator(seed=7, pos_per_day=6, items=items)
    ordered = dict.fromkeys(first_week, 0)
    days = 120
    for n in range(days):
        for po in generator.orders_for_day(date(2025, 11, 1) + timedelta(days=n), set()):
            if po.selling_party == "ACRNUS":
                for line in po.lines:
                    ordered[str(line.asin)] += line.quantity * line.factor
    forecast_per_day = {asin: row["meanForecastUnits"] / 7 for asin, row in first_week.items()}
    ordered_per_day = {asin: units / days for asin, units in ordered.items()}
    assert sum(ordered_per_day.values()) == pytest.approx(sum(forecast_per_day.values()), rel=0.05)
    asins = sorted(first_week)
    assert correlation([forecast_per_day[a] for a in asins], [ordered_per_day[a] for a in asins]) > 0.9
    for row in first_week.values():
        assert row["meanForecastUnits"] < row["p70ForecastUnits"] < row["p80ForecastUnits"] < row["p90ForecastUnits"]


def test_the_forecast_runs_26_weeks_from_sunday_and_grows_less_certain(vendor: Any) -> None:
    _, document = _finished(vendor, _spec(FORECAST))
    rows = document["forecastByAsin"]
    one = sorted((r for r in rows if r["asin"] == rows[0]["asin"]), key=lambda r: r["startDate"])
    assert len(one) == 26 and all(date.fromisoformat(r["startDate"]).weekday() == 6 for r in one)
    assert one[-1]["p90ForecastUnits"] - one[-1]["meanForecastUnits"] > one[0]["p90ForecastUnits"] - one[0][
        "meanForecastUnits"]
    assert one[0]["meanForecastUnits"] == pytest.approx(7 * mean_daily_units(
        next(i for i in catalogue(7) if i.asin == one[0]["asin"]), pos_per_day=6, catalogue_size=40), abs=0.05)


def _ordered_each(item: dict[str, Any]) -> int:
    quantity = item["orderedQuantity"]
    return int(quantity["amount"]) * (int(quantity.get("unitSize", 1)) if quantity["unitOfMeasure"] == "Cases"
                                      else 1)


def test_open_purchase_order_units_are_the_units_on_the_sandboxs_open_orders(vendor: Any) -> None:
    vendor.advance((datetime(2026, 3, 3, 0, 0, 30, tzinfo=UTC) - datetime.fromisoformat(vendor.now())).seconds)
    _, document = _finished(vendor, _spec(INVENTORY, "2026-03-02", "2026-03-02"))
    expected: dict[str, int] = {}
    for order in vendor.orders(orderingVendorCode="ACRNUS", createdAfter="2026-02-24T00:00:00Z",
                               createdBefore="2026-03-03T00:00:00Z"):
        if order["purchaseOrderState"] != "Closed":
            for item in order["orderDetails"]["items"]:
                expected[item["amazonProductIdentifier"]] = (expected.get(item["amazonProductIdentifier"], 0)
                                                             + _ordered_each(item))
    served = {r["asin"]: r["openPurchaseOrderUnits"] for r in document["inventoryByAsin"]
              if r["openPurchaseOrderUnits"]}
    assert served == {asin: units for asin, units in expected.items() if units}
    assert document["inventoryAggregate"][0]["openPurchaseOrderUnits"] == sum(expected.values())


def test_units_received_from_the_vendors_shipment_show_in_the_inventory_report(vendor: Any, us_order: Any) -> None:
    vendor.submit("/vendor/orders/v1/acknowledgements", vendor.acknowledgement(us_order))
    vendor.submit("/vendor/shipping/v1/shipmentConfirmations", vendor.shipment(us_order, "RPT-1"))
    vendor.advance(86400)
    received: dict[str, int] = {}
    for item in vendor.status(us_order["purchaseOrderNumber"])["itemStatus"]:
        received[item["buyerProductIdentifier"]] = int(item["receivingStatus"]["receivedQuantity"]["amount"])
    day = str(vendor.status(us_order["purchaseOrderNumber"])["itemStatus"][0]["receivingStatus"]["lastReceiveDate"])
    _, document = _finished(vendor, _spec(INVENTORY, day[:10], day[:10]))
    served = {r["asin"]: r["netReceivedInventoryUnits"] for r in document["inventoryByAsin"]
              if r["netReceivedInventoryUnits"]}
    assert served == {asin: units for asin, units in received.items() if units} and served


def test_the_same_seed_serves_the_same_documents(make_sandbox: Any) -> None:
    config = SandboxConfig(seed=11, rate_scale=100.0)
    documents = []
    for _ in range(2):
        _, vendor = make_sandbox(config)
        documents.append([_finished(vendor, _spec(t, "2026-02-22", "2026-02-28") if t != FORECAST
                                    else _spec(t))[1] for t in (SALES, INVENTORY, FORECAST)])
    assert documents[0] == documents[1]


@pytest.mark.parametrize(("faults", "ending"), [
    pytest.param({"report_fatal_rate": 1.0}, "FATAL", id="fatal"),
    pytest.param({"report_cancelled_rate": 1.0}, "CANCELLED", id="cancelled"),
])
def test_the_report_faults_end_reports_fatal_or_cancelled_without_a_document(
        vendor: Any, faults: dict[str, float], ending: str) -> None:
    assert vendor.http.post("/_sandbox/faults", json=faults).status_code == 200
    report_id = _create(vendor, _spec(SALES, "2026-02-22", "2026-02-28"))
    assert _report(vendor, report_id)["processingStatus"] == "IN_QUEUE"
    vendor.advance(3600)
    report = _report(vendor, report_id)
    assert report["processingStatus"] == ending and "reportDocumentId" not in report
    assert ("processingEndTime" in report) == (ending == "FATAL")


def test_a_selling_program_the_vendor_is_not_in_is_cancelled_for_want_of_data(vendor: Any) -> None:
    report_id = _create(vendor, _spec(FORECAST, sellingProgram="FRESH"))
    vendor.advance(3600)
    assert _report(vendor, report_id)["processingStatus"] == "CANCELLED"


BAD_REQUESTS = [
    pytest.param({"reportType": SALES}, "marketplaceIds", id="no-marketplace"),
    pytest.param({**_spec(FORECAST), "marketplaceIds": []}, "marketplaceIds", id="empty-marketplaces"),
    pytest.param({**_spec(FORECAST), "marketplaceIds": [US, CA]}, "marketplaceIds", id="two-marketplaces"),
    pytest.param({**_spec(FORECAST), "marketplaceIds": ["A1PA6795UKMFR9"]}, "marketplaceIds", id="not-sold-there"),
    pytest.param({**_spec(FORECAST), "reportType": "GET_MERCHANT_LISTINGS_ALL_DATA"}, "reportType", id="seller-type"),
    pytest.param(_spec(SALES, "2026-02-23", "2026-03-01", period="WEEK"), "dataStartTime", id="week-not-sunday"),
    pytest.param(_spec(SALES, "2026-02-01", "2026-02-27", period="MONTH"), "dataStartTime", id="month-not-whole"),
    pytest.param(_spec(SALES, "2026-02-20", "2026-03-02"), "dataEndTime", id="ends-today"),
    pytest.param(_spec(SALES, "2026-02-20", "2026-02-10"), "dataEndTime", id="reversed"),
    pytest.param({**_spec(SALES, "2026-02-20", "2026-02-21"), "dataEndTime": None}, "dataEndTime", id="no-end"),
    pytest.param(_spec(SALES, "2026-02-20", "2026-02-21", period="FORTNIGHT"), "reportOptions.reportPeriod",
                 id="unknown-period"),
    pytest.param({**_spec(SALES, "2026-02-20", "2026-02-21"), "reportOptions": {"sellingProgram": "RETAIL"}},
                 "reportOptions.distributorView", id="options-missing"),
]


@pytest.mark.parametrize(("body", "field"), BAD_REQUESTS)
def test_a_bad_specification_is_refused_400_naming_the_field(vendor: Any, body: dict[str, Any], field: str) -> None:
    r = vendor.http.post(REPORTS, json=body)
    assert r.status_code == 400, r.text
    error = r.json()["errors"][0]
    assert error["code"] == "InvalidInput" and field in error["details"] + error["message"]


def test_amazons_400_examples_are_answered_400_and_unknown_ids_404(vendor: Any) -> None:
    for example in contract.sandbox_examples("reports"):
        if example.status == "400" and example.operation_id in ("createReport", "getReport", "getReportDocument"):
            params = example.request["parameters"]
            if "body" in params:
                r = vendor.http.post(REPORTS, json=params["body"]["value"])
            elif "reportId" in params:
                r = vendor.http.get(f"{REPORTS}/{params['reportId']['value']}")
            else:
                r = vendor.http.get(f"{DOCUMENTS}/{params['reportDocumentId']['value']}")
            assert r.status_code == 400, (example.operation_id, r.text)
    assert vendor.http.get(f"{REPORTS}/59999999999").status_code == 404
    assert vendor.http.get(f"{DOCUMENTS}/amzn1.spdoc.1.4.na.00000000-0000-4000-8000-000000000000").status_code == 404


def test_a_document_is_not_there_before_its_report_is_done(vendor: Any, sb: Any) -> None:
    report_id = _create(vendor, _spec(FORECAST))
    with sb.state.lock:
        document_id = sb.state.reports.by_id[report_id].document_id
    assert vendor.http.get(f"{DOCUMENTS}/{document_id}").status_code == 404
    assert httpx.get(f"{sb.base_url}/_sandbox/reportDocuments/{document_id}").status_code == 404
    vendor.advance(3600)
    assert vendor.http.get(f"{DOCUMENTS}/{document_id}").status_code == 200


def test_about_half_the_documents_are_served_gzip(vendor: Any) -> None:
    compressed = []
    for _ in range(12):
        report_id = _create(vendor, _spec(FORECAST))
        vendor.advance(3600)
        where = vendor.http.get(f"{DOCUMENTS}/{_report(vendor, report_id)['reportDocumentId']}").json()
        compressed.append(where.get("compressionAlgorithm") == "GZIP")
    assert 2 <= sum(compressed) <= 10


def test_the_vendor_accounts_marketplaces_are_the_ones_served() -> None:
    assert {a.marketplace.marketplace_id for a in VENDOR_ACCOUNTS.values()} == {US, CA}
