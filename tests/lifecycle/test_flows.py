"""The lifecycle as real Prefect flow runs on a test server."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
import yaml

from acorn.services.summary import lifecycle_counts
from lifecycle_world import US, World

REPO = Path(__file__).resolve().parents[2]


def test_every_deployment_entrypoint_loads_as_a_flow() -> None:
    from prefect import Flow
    from prefect.flows import load_flow_from_entrypoint

    deployments = yaml.safe_load((REPO / "prefect.yaml").read_text())["deployments"]
    assert deployments
    for d in deployments:
        flow = load_flow_from_entrypoint(str(REPO / d["entrypoint"]))
        assert isinstance(flow, Flow), d["entrypoint"]


@pytest.mark.flows
def test_daily_lifecycle_runs_as_prefect_flows_and_a_rerun_changes_nothing(prefect_server: None,
                                                                          world: World) -> None:
    from flows.daily_lifecycle import daily_lifecycle

    days = world.run_times(3)
    for as_of in days:
        world.set_clock(as_of)
        state = daily_lifecycle(as_of=as_of, return_state=True)
        assert state.is_completed(), state.message
    counts = lifecycle_counts(world.units)
    assert counts["purchase_orders"] > 0 and counts["shipments"] > 0
    assert counts["asns"]["on_time"] > 0 and counts["asns"]["late"] == 0
    ledger = world.ledger()
    state = daily_lifecycle(as_of=days[-1], return_state=True)
    assert state.is_completed()
    assert lifecycle_counts(world.units) == counts
    assert world.ledger() == ledger


@pytest.mark.flows
def test_a_stage_flow_with_an_unknown_account_fails_naming_the_configured_ones(prefect_server: None,
                                                                             world: World) -> None:
    from flows.daily_lifecycle import daily_lifecycle

    state = daily_lifecycle(as_of=world.run_times(1)[0], account="NOPE", return_state=True)
    assert state.is_failed()
    with pytest.raises(Exception, match=f"NOPE.*{US}"):
        state.result()


@pytest.mark.flows
def test_lwa_secrets_can_come_from_prefect_secret_blocks_and_stay_masked(prefect_server: None) -> None:
    from prefect.blocks.system import Secret

    from acorn.config import load_settings

    Secret(value="amzn1.oa2-cs.v1.block-held-secret").save("acorn-test-lwa-secret", overwrite=True)
    Secret(value="Atzr|block-held-refresh").save("acorn-test-lwa-refresh", overwrite=True)
    settings = load_settings(lwa_client_secret_block="acorn-test-lwa-secret",
                             lwa_refresh_token_block="acorn-test-lwa-refresh")
    creds = settings.routes()[0].credentials()  # what the runtime builds its client with
    secret, refresh = creds.client_secret, creds.refresh_token
    assert secret.get_secret_value() == "amzn1.oa2-cs.v1.block-held-secret"
    assert refresh.get_secret_value() == "Atzr|block-held-refresh"
    assert "block-held" not in repr(secret) + str(refresh) + repr(settings) + repr(creds)


@pytest.mark.flows
def test_the_demo_writes_its_summary_with_every_asn_on_time_and_no_duplicates(prefect_server: None,
                                                                              tmp_path: Path) -> None:
    import json

    from rich.console import Console

    from acorn.demo import DemoOptions, run_demo, verdict

    console = Console(record=True, width=120)
    with mock.patch.dict(os.environ):  # the demo sets Prefect defaults in the environment; keep them here
        summary = run_demo(DemoOptions(days=3, seed=0, out=tmp_path / "out", home=tmp_path / ".acorn"), console)
    written = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert written["purchase_orders"] == summary["purchase_orders"] > 0
    assert written["asns"]["on_time"] > 0 and verdict(written) == []
    assert len(written["erp"]["quarantined"]) == 2  # one bad row in each sample file
    printed = console.export_text()
    assert "ASNs on time" in printed
    dashboard = tmp_path / "out" / "reports" / "dashboard.html"  # under the demo's out dir, named in the summary
    assert written["dashboard"] == str(dashboard.resolve()) and dashboard.read_text().count("<svg") >= 4
    assert list((tmp_path / "out" / "quarantine").glob("*.rejected.csv"))
    # the books closed: what Acorn loaded as paid is what Amazon's remittance files say, per currency
    money = written["money"]
    assert set(money["by_currency"]) == {"USD", "CAD"}
    for m in money["by_currency"].values():
        assert Decimal(m["paid"]) == Decimal(m["sandbox_paid"]) > 0
        deducted = sum(Decimal(v) for v in m["deducted"].values())
        assert Decimal(m["invoiced"]) - deducted == Decimal(m["paid"])  # Amazon pays the tax it was invoiced
    for month in money["reconciliation"].values():
        assert Path(month["report"]).exists() and "<svg" in Path(month["report"]).read_text()
    packages = list((tmp_path / "out" / "reconciliation" / "disputes").rglob("*.html"))
    assert packages and all(p.with_suffix(".csv").exists() for p in packages)
    # the paperwork: every shipment's labels and packing list, a bill of lading for freight, every invoice's PDF
    shipments = list((tmp_path / "out" / "documents").glob("*/shipments/*"))
    assert len(shipments) == written["shipments"]
    for folder in shipments:
        in_folder = {p.name for p in folder.iterdir()}
        assert {"labels.zpl", "labels.pdf", "packing-list.html", "packing-list.pdf"} <= in_folder
    assert any((folder / "bill-of-lading.pdf").exists() for folder in shipments)
    invoices = list((tmp_path / "out" / "documents").glob("*/invoices/*"))
    assert len(invoices) == sum(written["invoices"][k] for k in ("accepted", "rejected", "open")) > 0
    assert all((i / "invoice.pdf").exists() for i in invoices)
    # the next Monday's plan: one warehouse (NJ1) for both accounts, from the vendor reports fetched after the days
    [plan] = written["replenishment"].values()
    # the demo's 40 SKUs, less the discontinued one
    assert (plan["warehouse"], plan["accounts"], plan["planned"]) == ("NJ1", ["ACRNUS", "ACRNCA"], 39)
    assert Path(plan["html"]).parent == tmp_path / "out" / "replenishment" and "<svg" in Path(plan["html"]).read_text()
    assert "replenishment: SKUs planned / below lead time" in printed


@pytest.mark.flows
@pytest.mark.parametrize("world", [{"freight": "amazon"}], indirect=True)
def test_an_amazon_freight_account_routes_and_learns_its_carriers_inside_the_daily_flow(prefect_server: None,
                                                                                        world: World) -> None:
    from acorn.store import UnitOfWork
    from flows.daily_lifecycle import daily_lifecycle

    days = world.run_times(3)
    for as_of in days:
        world.set_clock(as_of)
        state = daily_lifecycle(as_of=as_of, account=US, return_state=True)
        assert state.is_completed(), state.message
    routed = {e["id"]: e for e in world.ledger()["shipments"]}
    confirmed = {e["id"]: e for e in world.ledger()["shipmentConfirmations"]}
    assert routed and all((e["submissions"], e["accepted"]) == (1, 1) for e in routed.values())
    assert confirmed and set(confirmed) <= set(routed)  # every ASN is of a routed shipment
    assert all(e["submissions"] == 1 for e in confirmed.values())
    with UnitOfWork(world.db) as uow:
        for identifier in confirmed:
            (asn,) = uow.outbox.get(f"asn:{identifier}:r0").payload["shipmentConfirmations"]
            assert asn["amazonReferenceNumber"] == routed[identifier]["buyerReferenceNumber"]
            assert asn["transportationDetails"]["carrierScac"] == routed[identifier]["carrierScac"]


@pytest.mark.flows
def test_the_daily_run_links_its_dashboard_and_names_task_runs_by_kind_and_account(prefect_server: None,
                                                                                    world: World) -> None:
    import logging

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterKey

    from flows.daily_lifecycle import daily_lifecycle

    class Names(logging.Handler):  # Prefect's own loggers do not propagate to pytest's caplog
        def __init__(self) -> None:
            super().__init__()
            self.seen: set[str] = set()

        def emit(self, record: logging.LogRecord) -> None:
            self.seen.add(getattr(record, "task_run_name", ""))

    as_of = world.run_times(1)[0]
    world.set_clock(as_of)
    names, task_logger = Names(), logging.getLogger("prefect.task_runs")
    task_logger.addHandler(names)
    try:
        state = daily_lifecycle(as_of=as_of, account=US, return_state=True)
    finally:
        task_logger.removeHandler(names)
    assert state.is_completed(), state.message
    assert {f"deliver acknowledgements · {US}", f"deliver ASNs · {US}", f"plan shipments · {US}"} <= names.seen
    dashboard = (world.settings.home / "reports" / "dashboard.html").resolve()
    assert "<svg" in dashboard.read_text(encoding="utf-8")
    with get_client(sync_client=True) as client:
        this_run = ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id])  # not an earlier test's
        [link] = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=["acorn-dashboard"]), flow_run_id=this_run))
        [report] = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=["acorn-daily-report"]), flow_run_id=this_run))
    assert dashboard.as_uri() in str(link.data) and f"[Open the dashboard]({dashboard.as_uri()})" in report.data
