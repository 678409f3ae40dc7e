"""Vendor reports: requested once, waited for on Amazon's clock, kept once, bad ones quarantined with the field."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from acorn.domain.vendor_reports import ReportRequestState, VendorReportType, last_whole_week
from acorn.services.vendor_reports import Budget, FetchResult, fetch_vendor_reports, import_report_file
from schemas import spapi as wire

from .world import US, World


def _download(world: World) -> Any:
    """The fake Amazon has no document host: read the document's bytes from its state, as served."""
    return lambda where: world.amazon.state.report_document(where.report_document_id)[0]


def _budget(world: World, *, wait_s: float = 3600) -> Budget:
    """Waiting moves Amazon's clock instead of the test's: a minute a poll, ``wait_s`` seconds in all."""
    spent = [0.0]

    def sleep(seconds: float) -> None:
        spent[0] += seconds
        world.amazon.advance(timedelta(seconds=seconds))

    return Budget(wait_s=wait_s, poll_s=60, sleep=sleep, monotonic=lambda: spent[0])


def _fetch(world: World, *, wait_s: float = 3600) -> FetchResult:
    return fetch_vendor_reports(world.units, world.amazon, world.account, last_whole_week(world.amazon.now().date()),
                                budget=_budget(world, wait_s=wait_s), download=_download(world))


def _alerts(world: World, kind: str) -> list[Any]:
    with world.units() as uow:
        return [a for a in uow.alerts.list() if a.kind == kind]


def test_the_three_reports_of_last_week_are_stored_and_a_rerun_requests_nothing(world: World) -> None:
    first = _fetch(world)
    assert sorted(first.stored) == sorted(VendorReportType) and first.pending == first.failed == []
    before = world.amazon.requests().get("createReport", 0)
    again = _fetch(world)
    assert again.stored == [] and sorted(again.already_done) == sorted(VendorReportType)
    assert world.amazon.requests().get("createReport", 0) == before
    with world.units() as uow:
        documents = uow.vendor_reports.documents(US)
    sales = next(d for d in documents if d.report_type == VendorReportType.SALES)
    assert len(documents) == 3 and sales.report_id and sales.period_start and sales.document["salesAggregate"]


def test_a_report_still_processing_is_left_for_the_next_run_under_the_same_report_id(world: World) -> None:
    first = _fetch(world, wait_s=0)
    assert len(first.pending) == 3 and first.stored == []
    requested = world.amazon.requests().get("createReport", 0)
    world.amazon.advance(timedelta(hours=1))
    second = _fetch(world, wait_s=0)
    assert sorted(second.stored) == sorted(VendorReportType)
    assert world.amazon.requests().get("createReport", 0) == requested  # polled by reportId, not asked again
    with world.units() as uow:
        assert {d.report_id for d in uow.vendor_reports.documents(US)} == set(first.pending)


def test_a_fatal_report_is_alerted_naming_it_and_asked_for_again_next_run(world: World) -> None:
    world.amazon.faults(report_fatal_rate=1.0)
    result = _fetch(world)
    assert len(result.failed) == 3 and all(f.endswith("FATAL") for f in result.failed)
    alerts = _alerts(world, "report_failed")
    assert len(alerts) == 3 and all("FATAL" in a.subject and "report" in a.subject for a in alerts)
    world.amazon.faults()  # Amazon recovers: the FATAL reports are asked for again
    assert sorted(_fetch(world).stored) == sorted(VendorReportType)


def test_a_cancelled_report_is_alerted_once_and_not_asked_for_again(world: World) -> None:
    world.amazon.faults(report_cancelled_rate=1.0)
    assert len(_fetch(world).failed) == 3
    assert all("CANCELLED" in a.subject for a in _alerts(world, "report_failed"))
    world.amazon.faults()
    before = world.amazon.requests().get("createReport", 0)
    again = _fetch(world)
    assert sorted(again.already_done) == sorted(VendorReportType) and again.failed == []
    assert world.amazon.requests().get("createReport", 0) == before and len(_alerts(world, "report_failed")) == 3


def test_a_document_that_breaks_its_schema_is_quarantined_naming_the_field(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from acorn.sandbox import reports

    original = reports.BUILDERS[VendorReportType.SALES]

    def broken(state: Any, report: Any) -> dict[str, Any]:
        document = original(state, report)
        document["salesAggregate"][0]["orderedUnits"] = "many"
        return document

    monkeypatch.setitem(reports.BUILDERS, VendorReportType.SALES, broken)
    result = _fetch(world)
    assert result.quarantined == [f"{VendorReportType.SALES}: salesAggregate/0/orderedUnits"]
    with world.units() as uow:
        [kept] = uow.vendor_reports.quarantined(US)
        assert {d.report_type for d in uow.vendor_reports.documents(US)} == {VendorReportType.INVENTORY,
                                                                             VendorReportType.FORECASTING}
        request = uow.vendor_reports.request_for(US, VendorReportType.SALES, *last_whole_week(
            world.amazon.now().date()))
    assert kept.field == "salesAggregate/0/orderedUnits" and "many" in kept.reason and kept.raw.startswith("{")
    assert request is not None
    assert request.state == ReportRequestState.QUARANTINED
    [alert] = _alerts(world, "report_quarantined")
    assert VendorReportType.SALES in alert.subject and "salesAggregate/0/orderedUnits" in alert.subject


def _a_document(world: World, report_type: str) -> dict[str, Any]:
    report_id = world.amazon.create_report({"reportType": report_type, "marketplaceIds": ["ATVPDKIKX0DER"],
                                            "reportOptions": {"sellingProgram": "RETAIL"}})
    world.amazon.advance(timedelta(hours=1))
    done = world.amazon.get_report(report_id)
    assert done.report_document_id
    return dict(json.loads(gzip.decompress(raw) if (raw := world.amazon.state.report_document(
        done.report_document_id)[0])[:2] == b"\x1f\x8b" else raw))


def test_a_file_downloaded_by_hand_is_imported_once_gzip_or_not(world: World, tmp_path: Path) -> None:
    document = _a_document(world, wire.VENDOR_FORECASTING_REPORT)
    plain, packed = tmp_path / "forecast.json", tmp_path / "forecast.json.gz"
    plain.write_text(json.dumps(document))
    packed.write_bytes(gzip.compress(json.dumps(document, indent=2).encode()))
    first = import_report_file(world.units, world.account, plain)
    second = import_report_file(world.units, world.account, packed)
    assert (first.state, first.new, second.state, second.new) == (ReportRequestState.STORED, True,
                                                                 ReportRequestState.STORED, False)
    with world.units() as uow:
        [stored] = uow.vendor_reports.documents(US)
    assert stored.report_type == VendorReportType.FORECASTING and stored.report_id is None
    assert stored.source == str(plain)


@pytest.mark.parametrize(("content", "field"), [
    pytest.param(b"{not json", "(document)", id="not-json"),
    pytest.param(b'{"reportSpecification": {"reportType": "GET_MERCHANT_LISTINGS_ALL_DATA"}}',
                 "reportSpecification/reportType", id="not-a-vendor-report"),
    pytest.param(b'{"reportSpecification": {"reportType": "GET_VENDOR_FORECASTING_REPORT"}}', "forecastByAsin",
                 id="missing-fields"),
])
def test_a_bad_file_is_quarantined_raw_with_an_alert_naming_the_field(world: World, tmp_path: Path, content: bytes,
                                                                      field: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    result = import_report_file(world.units, world.account, path)
    assert result.state == ReportRequestState.QUARANTINED and result.field is not None
    assert result.field.startswith(field)
    with world.units() as uow:
        [kept] = uow.vendor_reports.quarantined(US)
        assert uow.vendor_reports.documents(US) == []
    assert kept.raw == content.decode() and kept.field == result.field
    [alert] = _alerts(world, "report_quarantined")
    assert result.field in alert.subject and str(path) in alert.subject
    assert import_report_file(world.units, world.account, path).new is False  # the same file: one alert, one row


def test_a_remembered_report_amazon_no_longer_knows_is_requested_again_with_an_alert(world: World) -> None:
    first = _fetch(world, wait_s=0)
    assert first.pending
    with world.units() as uow:  # Amazon's reports expire: make one of ours name a report it never had
        request = uow.vendor_reports.by_report_id(first.pending[0])
        assert request is not None
        request.report_id, report_type = "99999999999", request.report_type
        uow.commit()
    again = _fetch(world)
    (asked,) = again.asked_again
    old, new = asked.split(" -> ")
    assert old == "99999999999" and new != old
    assert report_type in again.stored and again.failed == []
    (alert,) = _alerts(world, "report_failed")
    assert "99999999999" in alert.subject and new in alert.message
    with world.units() as uow:
        assert uow.vendor_reports.by_report_id(new) is not None
        assert uow.vendor_reports.by_report_id(old) is None


def test_missed_weeks_sales_and_inventory_are_caught_up_once_and_the_forecast_only_for_last_week(world: World) -> None:
    week = last_whole_week(world.amazon.now().date())
    first = fetch_vendor_reports(world.units, world.amazon, world.account, week, budget=_budget(world),
                                 download=_download(world), catch_up_weeks=2)
    history = [VendorReportType.SALES, VendorReportType.INVENTORY]
    assert sorted(first.stored) == sorted([*VendorReportType, *history * 2])
    with world.units() as uow:
        kept = {(d.report_type, d.period_start) for d in uow.vendor_reports.documents(US)}
    starts = [week[0] - timedelta(weeks=k) for k in range(3)]
    assert kept == {(t, s) for t in (VendorReportType.SALES, VendorReportType.INVENTORY) for s in starts} | {
        (VendorReportType.FORECASTING, week[0])}
    asked = world.amazon.requests()["createReport"]
    again = fetch_vendor_reports(world.units, world.amazon, world.account, week, budget=_budget(world),
                                 download=_download(world), catch_up_weeks=2)
    assert again.stored == [] and world.amazon.requests()["createReport"] == asked  # kept weeks cost no call
