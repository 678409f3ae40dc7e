"""ASNs: queued once when the shipment leaves, delivered exactly once whatever Amazon's answer does."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

from acorn.services import asns, delivery

from .world import World


def _queue_asn(world: World, shipment: str, as_of: datetime) -> None:
    assert shipment in world.queue_asns(as_of).queued


def _state(result: delivery.DeliveryResult, business_id: str) -> str:
    return next(r.state for r in result.reports if r.business_id == business_id)


def test_an_asn_is_queued_once_and_accepted_once(world: World) -> None:
    as_of, shipment = world.ship_one()
    _queue_asn(world, shipment, as_of)
    assert shipment not in world.queue_asns(as_of).queued
    assert _state(world.deliver("shipment_confirmation", as_of), shipment) == "accepted"
    world.deliver("shipment_confirmation", as_of)
    with world.units() as uow:
        assert uow.shipments.get(shipment).status == "accepted"
    ledger = world.amazon.ledger_entry("shipmentConfirmations", shipment)
    assert (ledger["submissions"], ledger["accepted"]) == (1, 1)
    assert world.amazon.get_shipment_details(vendor_shipment_identifier=shipment)


def test_a_lost_answer_ends_with_one_accepted_asn_and_a_final_outbox_state(world: World) -> None:
    as_of, shipment = world.ship_one()
    _queue_asn(world, shipment, as_of)
    world.amazon.faults(drop_after_commit_rate=1.0)
    assert _state(world.deliver("shipment_confirmation", as_of), shipment) == "unknown"  # nothing is assumed
    world.amazon.faults()
    world.deliver("shipment_confirmation", as_of)
    with world.units() as uow:
        [entry] = [e for e in uow.outbox.list(kind="shipment_confirmation") if e.business_id == shipment]
    assert entry.state == "accepted"
    ledger = world.amazon.ledger_entry("shipmentConfirmations", shipment)
    assert (ledger["submissions"], ledger["accepted"]) == (1, 1)  # read back with GetShipmentDetails


def test_a_run_ending_while_polling_never_posts_again(world: World) -> None:
    as_of, shipment = world.ship_one()
    _queue_asn(world, shipment, as_of)
    world.amazon.faults(stuck_processing_rate=1.0)
    assert _state(world.deliver("shipment_confirmation", as_of), shipment) == "submitted"
    world.amazon.faults()
    world.deliver("shipment_confirmation", as_of)  # a later run: polls the same transaction, posts nothing
    assert world.amazon.ledger_entry("shipmentConfirmations", shipment)["submissions"] == 1


def test_a_stuck_asn_that_amazon_applied_is_read_back_as_accepted_without_a_repost(world: World) -> None:
    as_of, shipment = world.ship_one()
    _queue_asn(world, shipment, as_of)
    world.amazon.faults(stuck_processing_rate=1.0)
    assert _state(world.deliver("shipment_confirmation", as_of), shipment) == "submitted"
    later = world.at(as_of + timedelta(hours=2))  # past the limit: GetShipmentDetails settles it
    assert _state(world.deliver("shipment_confirmation", later), shipment) == "accepted"
    with world.units() as uow:
        assert uow.shipments.get(shipment).status == "accepted"
        assert not [a for a in uow.alerts.list() if a.kind == "outbox_stuck"]
    assert world.amazon.ledger_entry("shipmentConfirmations", shipment)["submissions"] == 1


def test_a_rejected_asn_raises_an_alert_with_amazons_code_and_a_next_step(world: World) -> None:
    as_of, shipment = world.ship_one()
    _queue_asn(world, shipment, as_of)
    with world.units() as uow:  # a wrong SSCC check digit slipped in after the gate
        [entry] = [e for e in uow.outbox.list(kind="shipment_confirmation") if e.business_id == shipment]
        payload = copy.deepcopy(entry.payload)
        carton = payload["shipmentConfirmations"][0]["cartons"][0]["cartonIdentifiers"][0]
        sscc = carton["containerIdentificationNumber"]
        carton["containerIdentificationNumber"] = sscc[:-1] + ("0" if sscc[-1] != "0" else "1")
        entry.payload = payload
        uow.commit()
    assert _state(world.deliver("shipment_confirmation", as_of), shipment) == "failed"
    with world.units() as uow:
        [alert] = [a for a in uow.alerts.list() if a.kind == "shipment_confirmation_failed"]
        assert uow.shipments.get(shipment).status == "failed"
    assert alert.code == "InvalidSSCC" and "SSCC" in alert.next_step and shipment in alert.subject


def test_a_transport_change_after_acceptance_sends_a_replace_with_the_same_identifier(world: World) -> None:
    as_of, shipment = world.ship_one()
    _queue_asn(world, shipment, as_of)
    world.deliver("shipment_confirmation", as_of)
    later = world.at(as_of + timedelta(minutes=5))
    key = asns.change_transport(world.units, world.account, shipment, carrier_scac="FXFE",
                                transport_mode="LessThanTruckLoad", pro_number="7741234567",
                                bill_of_lading="BOL7741234567", as_of=later)
    world.deliver("shipment_confirmation", later)
    with world.units() as uow:
        replace = uow.outbox.get(key)
        assert uow.shipments.get(shipment).status == "accepted"
    confirmation = replace.payload["shipmentConfirmations"][0]
    assert (confirmation["shipmentConfirmationType"], confirmation["shipmentIdentifier"]) == ("Replace", shipment)
    assert confirmation["transportationDetails"]["carrierScac"] == "FXFE" and replace.state == "accepted"
    [amazon] = world.amazon.get_shipment_details(vendor_shipment_identifier=shipment)
    assert amazon.transportation_details is not None
