"""Amazon-arranged (collect) freight end to end: the routing request, Amazon's carrier, its labels, the ASN.

The US account runs on ``freight = "amazon"``; everything goes over loopback to the sandbox, with a
real SQLite store. The sandbox assigns a carrier 4 hours after it accepts a routing request and
wants the pickup two business days ahead.
"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pypdf import PdfReader

from acorn.domain.documents import DocumentState
from acorn.services import acknowledge, asns, delivery, intake, routing, shipments
from acorn.store import UnitOfWork
from lifecycle_world import US, World, run_day

AMAZON = {"freight": "amazon"}
S = DocumentState


def _deliver(world: World, kind: str, as_of: datetime) -> Any:
    return delivery.deliver(world.units, world.client, account_code=US, kind=kind, as_of=as_of,
                            stuck_after=timedelta(minutes=60))


def _plan(world: World, as_of: datetime) -> list[str]:
    """The morning of the day up to planning: orders in, acknowledged (and accepted), shipments planned."""
    world.set_clock(as_of)
    account = world.settings.account(US)
    intake.intake_purchase_orders(world.units, world.client, account, as_of=as_of)
    acknowledge.decide_and_queue(world.units, account, as_of=as_of)
    _deliver(world, "acknowledgement", as_of)
    plan = shipments.plan_shipments(world.units, world.settings, account, as_of=as_of,
                                    documents_dir=world.settings.resolved_documents_dir)
    assert plan.shipments and not plan.problems
    return plan.shipments


def _follow(world: World, as_of: datetime) -> routing.CarrierFollowUp:
    world.set_clock(as_of)
    return routing.follow_carriers(world.units, world.client, world.settings, world.settings.account(US), as_of=as_of,
                                   documents_dir=world.settings.resolved_documents_dir)


def _shipments(world: World) -> dict[str, SimpleNamespace]:
    """The account's shipments as plain values, each with its cartons."""
    with UnitOfWork(world.db) as uow:
        return {s.shipment_identifier: SimpleNamespace(**s.model_dump(), cartons=[
                    SimpleNamespace(**c.model_dump()) for c in uow.shipments.cartons(s)])
                for s in uow.shipments.list(US)}


def _folder(world: World, identifier: str) -> Path:
    return world.settings.resolved_documents_dir / US / "shipments" / identifier


def _ledger(world: World, kind: str) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in world.ledger()[kind]}


@pytest.mark.parametrize("world", [AMAZON], indirect=True)
def test_routed_ltl_and_parcel_shipments_go_from_routing_request_to_an_asn_naming_amazons_carrier_and_arn(
        world: World) -> None:
    day = world.run_times(1)[0]
    run_day(world, day)
    planned = _shipments(world)
    assert planned and all(s.freight_term == "Collect" and s.carrier_scac is None for s in planned.values())
    modes = {s.transport_mode for s in planned.values()}
    assert {"LessThanTruckLoad", "SmallParcel"} <= modes
    routed = _ledger(world, "shipments")
    assert set(routed) == set(planned)
    assert all((e["submissions"], e["accepted"], e["transactionType"]) == (1, 1, "New") for e in routed.values())
    for identifier, shipment in planned.items():
        # asked for the dock's cut-off two business days on (planned on a Monday: Wednesday), never earlier
        assert routed[identifier]["requestedPickUp"] == f"{shipment.requested_pickup:%Y-%m-%dT%H:%M:%SZ}"
        assert shipment.requested_pickup.date() == (day + timedelta(days=2)).date()
        assert shipment.amazon_reference_number == routed[identifier]["buyerReferenceNumber"]  # the ARN, read back
        assert not (_folder(world, identifier) / "labels.zpl").exists()  # no carrier yet: nothing to print
    assert asns.queue_asns(world.units, world.settings.account(US), as_of=max(
        s.requested_pickup for s in planned.values()) + timedelta(hours=1)).queued == []  # the ASN waits

    followed = _follow(world, day + timedelta(hours=4, minutes=5))  # past the carrier assignment
    assert sorted(followed.assigned) == sorted(planned) and not followed.waiting and not followed.overdue
    routed = _ledger(world, "shipments")
    for identifier, shipment in _shipments(world).items():
        entry = routed[identifier]
        assert (shipment.carrier_scac, shipment.amazon_reference_number) == (entry["carrierScac"],
                                                                            entry["buyerReferenceNumber"])
        assert f"{shipment.departure:%Y-%m-%dT%H:%M:%SZ}" == entry["scheduledPickUp"]  # leaves with the carrier
        assert shipment.pro_number and shipment.carrier_name
        folder = _folder(world, identifier)
        zpl = (folder / "labels.zpl").read_text()
        assert shipment.carrier_scac in zpl and shipment.pro_number in zpl  # GS1 labels name Amazon's carrier
        if shipment.transport_mode == "SmallParcel":
            (labels,) = world.client.get_shipment_labels(vendor_shipment_identifier=identifier)
            tracking = [d.tracking_id for d in labels.label_data]
            assert [c.tracking_number for c in shipment.cartons] == tracking
            kept = sorted((folder / "carrier-labels").glob("carton-*.pdf"))
            assert len(kept) == len(shipment.cartons)
            assert kept[0].read_bytes() == base64.b64decode(labels.label_data[0].label)
            assert not (folder / "bill-of-lading.pdf").exists()
        else:
            assert not (folder / "carrier-labels").exists()
            bol = "\n".join(p.extract_text() for p in PdfReader(folder / "bill-of-lading.pdf").pages)
            assert "Collect" in bol and shipment.amazon_reference_number in bol and shipment.pro_number in bol
            assert shipment.carrier_name in bol

    leaves = max(s.departure for s in _shipments(world).values()) + timedelta(minutes=5)
    world.set_clock(leaves)
    queued = asns.queue_asns(world.units, world.settings.account(US), as_of=leaves)
    assert sorted(queued.queued) == sorted(planned)
    assert all(r.state == S.ACCEPTED for r in _deliver(world, "shipment_confirmation", leaves).reports)
    confirmed = _ledger(world, "shipmentConfirmations")
    assert all((confirmed[i]["submissions"], confirmed[i]["accepted"]) == (1, 1) for i in planned)
    with UnitOfWork(world.db) as uow:
        for identifier in planned:
            (asn,) = uow.outbox.get(f"asn:{identifier}:r0").payload["shipmentConfirmations"]
            assert asn["amazonReferenceNumber"] == routed[identifier]["buyerReferenceNumber"]
            assert asn["transportationDetails"]["carrierScac"] == routed[identifier]["carrierScac"]
    (joined,) = world.client.get_shipment_details(vendor_shipment_identifier=sorted(planned)[0])
    assert joined.shipment_freight_term == "Collect" and joined.shipment_confirm_date is not None
    assert _ledger(world, "shipments") == routed  # the ASNs joined the routed shipments: nothing routed twice


@pytest.mark.parametrize("world", [AMAZON], indirect=True)
def test_a_lost_answer_on_a_routing_request_is_settled_by_reading_it_back_without_a_second_post(
        world: World) -> None:
    day = world.run_times(1)[0]
    planned = _plan(world, day)
    world.faults(drop_after_commit_rate=1.0)
    lost = _deliver(world, "routing_request", day)
    assert {r.state for r in lost.reports} == {S.UNKNOWN}
    world.faults()
    settled = _deliver(world, "routing_request", day + timedelta(minutes=10))
    assert {r.state for r in settled.reports} == {S.ACCEPTED}
    routed = _ledger(world, "shipments")
    assert sorted(routed) == sorted(planned)
    assert all((e["submissions"], e["accepted"]) == (1, 1) for e in routed.values())  # Amazon got each once
    with UnitOfWork(world.db) as uow:
        notes = [e.detail.get("note") for e in uow.audit.list(entity="outbox", entity_id=f"route:{planned[0]}")]
        assert "Amazon shows it applied after a lost answer" in notes
        assert not [a for a in uow.alerts.list(account_code=US) if a.kind == "outbox_unknown"]


@pytest.mark.parametrize("world", [{**AMAZON, "account": {"collect_pickup_lead_business_days": 15}}],
                         indirect=True)
def test_a_refused_routing_request_alerts_with_amazons_code_and_the_asn_waits_past_the_pickup(world: World) -> None:
    day = world.run_times(1)[0]
    run_day(world, day)
    planned = _shipments(world)
    with UnitOfWork(world.db) as uow:
        refused = {a.subject: a for a in uow.alerts.list(account_code=US) if a.kind == "routing_request_failed"}
    assert len(refused) == len(planned)
    alert = next(iter(refused.values()))
    assert alert.code == "RequestedPickUpOutsideShipWindow" and "ship window" in alert.next_step
    assert all(e["accepted"] == 0 and e["lastErrorCodes"] == ["RequestedPickUpOutsideShipWindow"]
               for e in _ledger(world, "shipments").values())

    after_pickup = max(s.requested_pickup for s in planned.values()) + timedelta(hours=1)
    followed = _follow(world, after_pickup)
    assert sorted(followed.overdue) == sorted(planned) and not followed.assigned
    assert asns.queue_asns(world.units, world.settings.account(US), as_of=after_pickup).queued == []
    with UnitOfWork(world.db) as uow:
        missing = [a for a in uow.alerts.list(account_code=US) if a.kind == "freight_carrier_missing"]
    assert len(missing) == len(planned) and all(a.severity == "error" for a in missing)


def test_vendor_freight_accounts_send_no_routing_request(world: World) -> None:
    day = world.run_times(1)[0]
    run_day(world, day)
    planned = _shipments(world)
    assert planned and all(s.freight_term == "Prepaid" and s.carrier_scac for s in planned.values())
    assert world.ledger()["shipments"] == []
    with UnitOfWork(world.db) as uow:
        assert uow.outbox.list(kind="routing_request") == []
