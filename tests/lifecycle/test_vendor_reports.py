"""The weekly report intake as Prefect runs it, against the sandbox over loopback: reports that take time,
a FATAL one alerted, documents stored once however often it runs, a bad file quarantined naming the field."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from acorn.domain.vendor_reports import ReportRequestState, VendorReportType
from acorn.sandbox import DEFAULT_CREDENTIALS
from lifecycle_world import US, World

CA = "ACRNCA"


def _run(world: World, account: str | None = None) -> Any:
    from flows.fetch_vendor_reports import fetch_vendor_reports

    state = fetch_vendor_reports(account=account, as_of=world.clock(), wait_seconds=0, poll_seconds=1,
                                 catch_up_weeks=0, return_state=True)  # the catch-up: tests/services
    assert state.is_completed(), state.message
    return state.result()


def _later(world: World, hours: float) -> None:
    world.set_clock(world.clock() + timedelta(hours=hours))


def _report_alerts(world: World, kind: str) -> list[Any]:
    with world.units() as uow:
        return [a for a in uow.alerts.list() if a.kind == kind]


@pytest.mark.flows
def test_weekly_reports_are_stored_once_a_fatal_one_alerted_and_a_bad_file_quarantined(
        prefect_server: None, world: World, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    world.faults(report_fatal_rate=1.0)
    assert len(_run(world, CA)["pending"]) == 3  # asked for; Amazon has not started them
    world.faults()
    first = _run(world)
    assert len(first[US]["pending"]) == 3 and sorted(first[CA]["pending"]) == sorted(_run(world, CA)["pending"])
    assert world.requests()["createReport"] == 6  # CA's three were not asked for again
    _later(world, 1)
    done = _run(world)
    assert sorted(done[US]["stored"]) == sorted(VendorReportType) and len(done[CA]["failed"]) == 3
    fatal = _report_alerts(world, "report_failed")
    assert len(fatal) == 3 and all("FATAL" in a.subject and a.account_code == CA for a in fatal)

    again = _run(world)  # US is done; CA's FATAL reports are asked for once more
    assert sorted(again[US]["already_done"]) == sorted(VendorReportType) and len(again[CA]["pending"]) == 3
    assert world.requests()["createReport"] == 9
    _later(world, 1)
    assert sorted(_run(world)[CA]["stored"]) == sorted(VendorReportType)
    _run(world)
    with world.units() as uow:
        assert {code: len(uow.vendor_reports.documents(code)) for code in (US, CA)} == {US: 3, CA: 3}
        sales = uow.vendor_reports.documents(US, VendorReportType.SALES)[0].document

    sales["salesAggregate"][0]["orderedUnits"] = "many"
    bad = tmp_path / "sales-by-hand.json"
    bad.write_text(json.dumps(sales))
    _import(world, bad, expect_exit=2, shows="salesAggregate/0/orderedUnits")
    with world.units() as uow:
        [kept] = uow.vendor_reports.quarantined(US)
    assert kept.field == "salesAggregate/0/orderedUnits" and kept.report_type == VendorReportType.SALES
    [alert] = _report_alerts(world, "report_quarantined")
    assert "salesAggregate/0/orderedUnits" in alert.subject and VendorReportType.SALES in alert.subject
    _list_shows_kept_and_quarantined(world)

    for secret in (DEFAULT_CREDENTIALS["client_secret"], DEFAULT_CREDENTIALS["refresh_token"]):
        assert secret not in caplog.text


def _import(world: World, path: Path, *, expect_exit: int, shows: str) -> None:
    """``acorn reports import`` in this process, on the world's store and accounts."""
    from typer.testing import CliRunner

    from acorn import cli

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli, "_settings", lambda: world.settings)
        result = CliRunner().invoke(cli.app, ["reports", "import", str(path), "--account", US])
    assert result.exit_code == expect_exit, result.output
    assert shows in result.output
    assert ReportRequestState.QUARANTINED in result.output



def _list_shows_kept_and_quarantined(world: World) -> None:
    """``acorn reports list``: every kept report per account, the quarantined one with its field; exit 1 for it."""
    from typer.testing import CliRunner

    from acorn import cli

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli, "_settings", lambda: world.settings)
        patch.setattr(cli.console, "width", 200)  # a wide terminal: no value folds onto a second line
        runner = CliRunner()
        canada = runner.invoke(cli.app, ["reports", "list", "--account", CA])
        every = runner.invoke(cli.app, ["reports", "list"])
        wrong = runner.invoke(cli.app, ["reports", "list", "--account", "NOPE"])
    assert canada.exit_code == 0, canada.output
    assert "no quarantined vendor reports" in canada.output
    assert all(canada.output.count(t.removeprefix("GET_VENDOR_").removesuffix("_REPORT")) == 1
               for t in VendorReportType) and US not in canada.output
    assert every.exit_code == 1 and "salesAggregate/0/orderedUnits" in every.output
    assert "sales-by-hand.json" in every.output
    assert wrong.exit_code == 2 and "NOPE" in wrong.output
