"""The weekly replenishment plan as Prefect runs it, after the weekly report intake, against the sandbox.

POs come in from the sandbox, `fetch_vendor_reports` waits for last week's reports (they take an
hour of the sandbox's clock), then `plan_replenishment` plans every SKU from them: the report files,
the table and markdown artifacts of its run, one alert per SKU below its lead time, none twice.
"""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from acorn.domain.vendor_reports import VendorReportType
from lifecycle_world import US, World

CA = "ACRNCA"


def _completed(state: Any) -> Any:
    assert state.is_completed(), state.message
    return state.result()


def _fetch_reports(world: World) -> None:
    """Both accounts' reports (they ship from one warehouse, NJ1): last week's three and the sales and inventory
    of the three weeks before (the flow's catch-up on a first run)."""
    from flows.fetch_vendor_reports import fetch_vendor_reports

    first = _completed(fetch_vendor_reports(as_of=world.clock(), wait_seconds=0, poll_seconds=1, return_state=True))
    assert {code: len(r["pending"]) for code, r in first.items()} == {US: 9, CA: 9}  # Amazon takes its time
    world.set_clock(world.clock() + timedelta(hours=1))
    done = _completed(fetch_vendor_reports(as_of=world.clock(), wait_seconds=0, poll_seconds=1, return_state=True))
    weekly = [VendorReportType.SALES, VendorReportType.INVENTORY]
    assert all(sorted(r["stored"]) == sorted([*VendorReportType, *weekly * 3]) for r in done.values())


def _artifacts(flow_run_id: Any) -> dict[str, Any]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])))
    return {a.key: a for a in found}


@pytest.mark.flows
def test_the_weekly_plan_runs_after_the_report_intake_and_publishes_its_suggestions(
        prefect_server: None, world: World, tmp_path: Path) -> None:
    from acorn.services import intake
    from flows.plan_replenishment import plan_replenishment

    intake.intake_purchase_orders(world.units, world.client, world.settings.account(US), as_of=world.clock())
    _fetch_reports(world)
    state = plan_replenishment(account=US, as_of=world.clock(), out_dir=str(tmp_path / "plans"), return_state=True)
    result = _completed(state)

    assert (result["warehouse"], result["accounts"]) == ("NJ1", [US, CA])  # one warehouse, both accounts' demand
    rows = list(csv.DictReader(Path(result["csv"]).open(encoding="utf-8")))
    assert len(rows) == result["planned"] >= 30 and result["set_aside"] == []  # the demo's bad rows never loaded
    assert Path(result["html"]).parent == tmp_path / "plans" and "<svg" in Path(result["html"]).read_text()
    below = sorted(r["sku"] for r in rows if r["below_lead_time"] == "yes")
    assert below and sorted(result["below_lead_time"]) == below
    assert any(float(r["expected_weekly"]) > 0 for r in rows)  # Amazon's sales and forecast were read
    with world.units() as uow:
        alerts = sorted(a.subject.split(":")[0] for a in uow.alerts.list(account_code=US,
                                                                         kind="cover_below_lead_time"))
    assert alerts == [f"{sku}@NJ1" for sku in below]

    artifacts = _artifacts(state.state_details.flow_run_id)
    table, summary = artifacts["acorn-replenishment-acrnus"], artifacts["acorn-replenishment-acrnus-report"]
    assert table.type == "table" and summary.type == "markdown"
    shown = json.loads(table.data) if isinstance(table.data, str) else table.data
    assert [r["sku"] for r in shown] == [r["sku"] for r in rows]
    assert Path(result["html"]).resolve().as_uri() in summary.data and f"{len(below)} below" in summary.data

    again = _completed(plan_replenishment(account=US, as_of=world.clock(), out_dir=str(tmp_path / "plans"),
                                          return_state=True))
    assert again["alerts_opened"] == 0 and again["below_lead_time"] == result["below_lead_time"]
