"""What ops see without opening the store: warnings in the logs, Data Docs named by gate alerts, run names."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from acorn.services import asns, delivery
from acorn.store import UnitOfWork
from lifecycle_world import US, World, cut_a_packed_line, departure_day, run_day


def _deliver_asns(world: World, as_of: datetime) -> delivery.DeliveryResult:
    return delivery.deliver(world.units, world.client, account_code=US, kind="shipment_confirmation", as_of=as_of,
                            stuck_after=timedelta(minutes=world.settings.transaction_stuck_minutes), wait_s=1.0)


def test_a_late_asn_is_logged_at_warning_naming_the_shipment(world: World, caplog: pytest.LogCaptureFixture) -> None:
    as_of = departure_day(world)
    world.set_clock(as_of)
    queued = asns.queue_asns(world.units, world.settings.account(US), as_of=as_of).queued
    world.faults(error_rate=1.0)  # every POST and read fails today: the ASNs go out a day late
    _deliver_asns(world, as_of)
    world.faults()
    next_day = as_of + timedelta(days=1)
    world.set_clock(next_day)
    with caplog.at_level(logging.INFO, logger="acorn"):
        _deliver_asns(world, next_day)
    late = [r for r in caplog.records if ": ASN " in r.getMessage() and " late: deadline " in r.getMessage()]
    assert queued and {r.levelno for r in late} == {logging.WARNING}
    assert {r.getMessage().split("ASN ")[1].split(" ")[0] for r in late} == set(queued)


def test_a_gate_alert_names_the_data_docs_page_kept_under_the_home_folder(world: World) -> None:
    as_of = departure_day(world)
    shipment_id, _, _ = cut_a_packed_line(world, as_of)  # so the ASN's gate fails

    run_day(world, as_of)

    with UnitOfWork(world.db) as uow:
        alert = next(a for a in uow.alerts.list(status="open") if a.kind == "asn_gate_failed")
    assert shipment_id in alert.subject
    page = Path(alert.message.split("Data Docs (every failed row and rule): ")[1].split()[0])
    docs = (world.settings.home / "data-docs").resolve()
    assert page.is_file() and docs in page.parents and (docs / "index.html").is_file()


def test_task_runs_are_named_with_the_document_kind_and_the_account() -> None:
    from tasks import lifecycle, money
    from tasks._names import delivery_run_name

    assert delivery_run_name("ACRNUS", "shipment_confirmation") == "deliver ASNs · ACRNUS"
    assert delivery_run_name("ACRNCA", "invoice") == "deliver invoices · ACRNCA"
    assert delivery_run_name("ACRNCA", "invoice", 1) == "deliver invoices · ACRNCA"
    assert delivery_run_name("ACRNUS", "acknowledgement", 3) == "deliver acknowledgements · ACRNUS · round 3"
    params = {"account_code": "ACRNCA", "month": "2026-03", "as_of": None}
    assert lifecycle.plan_shipments.task_run_name.format(**params) == "plan shipments · ACRNCA"
    assert money.reconcile.task_run_name.format(**params) == "reconcile 2026-03 · ACRNCA"
    assert lifecycle.plan_shipments.name == "plan shipments"  # the task's own name is unchanged
