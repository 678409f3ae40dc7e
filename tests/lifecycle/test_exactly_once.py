"""Exactly-once submissions: lost answers, killed workers, stuck and failed transactions."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from acorn.services import asns, delivery
from acorn.services.outbox import CRASH_ENV
from acorn.store import UnitOfWork
from lifecycle_world import US, World, run_day

REPO = Path(__file__).resolve().parents[2]


def _ship_one(world: World) -> tuple[datetime, str]:
    """Run until a shipment is planned; return its departure day's run time and identifier."""
    days = world.run_times(6)
    run_day(world, days[0])
    with UnitOfWork(world.db) as uow:
        shipment = uow.shipments.list(US, statuses=["planned"])[0]
    as_of = next(d for d in days if d >= shipment.departure)
    world.set_clock(as_of)
    return as_of, shipment.shipment_identifier


def _queue_asn(world: World, as_of: datetime) -> str:
    queued = asns.queue_asns(world.units, world.settings.account(US), as_of=as_of)
    assert queued.queued
    return queued.queued[0]


def _deliver(world: World, as_of: datetime, kind: str = "shipment_confirmation") -> delivery.DeliveryResult:
    return delivery.deliver(world.units, world.client, account_code=US, kind=kind, as_of=as_of,
                            stuck_after=timedelta(minutes=world.settings.transaction_stuck_minutes), wait_s=1.0)


def _state(result: delivery.DeliveryResult, business_id: str) -> str:
    return next(r.state for r in result.reports if r.business_id == business_id)


def _outbox(world: World, business_id: str):
    with UnitOfWork(world.db) as uow:
        return next(e for e in uow.outbox.list(kind="shipment_confirmation") if e.business_id == business_id)


def _deliver_in_a_worker_that_dies(world: World, as_of: datetime, crash_at: str) -> int:
    script = textwrap.dedent(f"""
        from datetime import datetime, timedelta
        from acorn import runtime
        from acorn.config import load_settings
        from acorn.services import delivery
        settings = load_settings(spapi_base_url={world.settings.spapi_base_url!r}, database_url={world.db!r})
        rt = runtime.Runtime(settings)
        delivery.deliver(rt.units(), rt.client(settings.account("{US}")), account_code="{US}",
                         kind="shipment_confirmation", as_of=datetime.fromisoformat({as_of.isoformat()!r}),
                         stuck_after=timedelta(hours=1))
    """)
    env = {**os.environ, CRASH_ENV: crash_at}
    return subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True,
                          timeout=120).returncode


def test_a_lost_answer_ends_with_one_accepted_asn_and_a_final_outbox_status(world: World) -> None:
    as_of, shipment = _ship_one(world)
    _queue_asn(world, as_of)
    world.faults(drop_after_commit_rate=1.0)
    first = _deliver(world, as_of)
    assert _state(first, shipment) == "unknown"          # no answer: nothing is assumed
    world.faults()
    _deliver(world, as_of)
    entry = _outbox(world, shipment)
    assert entry.state == "accepted"
    ledger = world.ledger_entry("shipmentConfirmations", shipment)
    assert ledger["accepted"] == 1


@pytest.mark.parametrize("crash_at", [pytest.param("before_post", id="killed-before-the-post"),
                                      pytest.param("after_post", id="killed-after-the-post-before-recording")])
def test_a_worker_killed_mid_submission_leaves_exactly_one_accepted_asn(world: World, crash_at: str) -> None:
    as_of, _ = _ship_one(world)
    _queue_asn(world, as_of)
    assert _deliver_in_a_worker_that_dies(world, as_of, crash_at) == 70
    with UnitOfWork(world.db) as uow:  # the rows marked together before their POSTs (POSTS_PER_RECORD)
        shipments = [e.business_id for e in uow.outbox.list(kind="shipment_confirmation", states=["sending"])]
    assert shipments
    report = _deliver(world, as_of)
    assert {r.state for r in report.reports} == {"accepted"}
    for shipment in shipments:
        ledger = world.ledger_entry("shipmentConfirmations", shipment)
        assert ledger["accepted"] == 1
        assert ledger["submissions"] == 1  # read back with GetShipmentDetails, never posted blind


def test_a_run_ending_while_polling_never_posts_again(world: World) -> None:
    as_of, shipment = _ship_one(world)
    _queue_asn(world, as_of)
    world.faults(stuck_processing_rate=1.0)
    assert _state(_deliver(world, as_of), shipment) == "submitted"
    world.faults()
    _deliver(world, as_of)  # a later run: polls the same transaction, posts nothing
    ledger = world.ledger_entry("shipmentConfirmations", shipment)
    assert ledger["submissions"] == 1


def test_a_stuck_asn_that_amazon_applied_is_read_back_as_accepted_without_a_repost(world: World) -> None:
    as_of, shipment = _ship_one(world)
    _queue_asn(world, as_of)
    world.faults(stuck_processing_rate=1.0)
    assert _state(_deliver(world, as_of), shipment) == "submitted"
    report = _deliver(world, as_of + timedelta(hours=2))  # past the limit: GetShipmentDetails settles it
    assert _state(report, shipment) == "accepted"
    with UnitOfWork(world.db) as uow:
        assert uow.shipments.get(shipment).status == "accepted"
        assert not [a for a in uow.alerts.list() if a.kind == "outbox_stuck"]
    assert world.ledger_entry("shipmentConfirmations", shipment)["submissions"] == 1


def test_a_rejected_asn_raises_an_alert_with_amazons_code_and_a_next_step(world: World) -> None:
    as_of, shipment = _ship_one(world)
    _queue_asn(world, as_of)
    with UnitOfWork(world.db) as uow:  # a wrong SSCC slipped in after the gate
        [entry] = [e for e in uow.outbox.list(kind="shipment_confirmation") if e.business_id == shipment]
        payload = copy.deepcopy(entry.payload)
        carton = payload["shipmentConfirmations"][0]["cartons"][0]["cartonIdentifiers"][0]
        carton["containerIdentificationNumber"] = carton["containerIdentificationNumber"][:-1] + (
            "0" if carton["containerIdentificationNumber"][-1] != "0" else "1")
        entry.payload = payload
        uow.commit()
    assert _state(_deliver(world, as_of), shipment) == "failed"
    with UnitOfWork(world.db) as uow:
        [alert] = [a for a in uow.alerts.list() if a.kind == "shipment_confirmation_failed"]
        assert uow.shipments.get(shipment).status == "failed"
    assert alert.code == "InvalidSSCC" and "SSCC" in alert.next_step and shipment in alert.subject


def test_a_transport_change_after_acceptance_sends_a_replace_with_the_same_identifier(world: World) -> None:
    as_of, shipment = _ship_one(world)
    _queue_asn(world, as_of)
    _deliver(world, as_of)
    key = asns.change_transport(world.units, world.settings.account(US), shipment, carrier_scac="FXFE",
                                transport_mode="LessThanTruckLoad", pro_number="7741234567",
                                bill_of_lading="BOL7741234567", as_of=as_of + timedelta(minutes=5))
    _deliver(world, as_of + timedelta(minutes=5))
    with UnitOfWork(world.db) as uow:
        replace = uow.outbox.get(key)
        assert uow.shipments.get(shipment).status == "accepted"
    confirmation = replace.payload["shipmentConfirmations"][0]
    assert confirmation["shipmentConfirmationType"] == "Replace"
    assert confirmation["shipmentIdentifier"] == shipment
    assert confirmation["transportationDetails"]["carrierScac"] == "FXFE"
    assert replace.state == "accepted"
