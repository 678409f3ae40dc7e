"""The vendorShipments surface over HTTP: SubmitShipments (collect freight), GetShipmentDetails, GetShipmentLabels.

Every answer goes through ``vendor.http``, which checks it against Amazon's model. Seed 7 starts on
Monday 2026-03-02 14:00Z; pickups are asked for Thursday and Friday of that week.
"""

from __future__ import annotations

import base64
import copy
import re
from datetime import datetime, timedelta
from typing import Any

import pytest

from acorn import contract
from acorn.sandbox.carriers import FREIGHT_CARRIERS, PARCEL_CARRIERS
from acorn.sandbox.ratelimit import usage_plans
from acorn.sandbox.timefmt import iso

ACK = "/vendor/orders/v1/acknowledgements"
ASN = "/vendor/shipping/v1/shipmentConfirmations"
SHIPMENTS = "/vendor/shipping/v1/shipments"
LABELS = "/vendor/shipping/v1/transportLabels"
START = "2026-03-02T14:00:00Z"
PICKUP = "2026-03-05T15:00:00Z"  # Thursday: at least two business days ahead
PICKUP2 = "2026-03-06T15:00:00Z"  # Friday
SHIP_FROM = {"partyId": "ACRNWH1", "address": {"name": "Acorn Warehouse 1", "addressLine1": "1 Dock Road",
                                                "city": "Reno", "stateOrRegion": "NV", "postalCode": "89501",
                                                "countryCode": "US"}}
PARCEL_SCACS = {scac for scac, _ in PARCEL_CARRIERS}
FREIGHT_SCACS = {scac for scac, _ in FREIGHT_CARRIERS}


# ---- helpers -------------------------------------------------------------------------------------
def routing(order: dict[str, Any], sid: str, *, pickup: str = PICKUP, units: int = 1, cartons: int = 2,
            pallets: int = 0, lines: int = 2) -> dict[str, Any]:
    """A routing request (New, Collect) for ``units`` of the first ``lines`` lines of ``order``."""
    d = order["orderDetails"]
    measurements: dict[str, Any] = {"totalCartonCount": cartons,
                                    "shipmentWeight": {"unitOfMeasure": "Kg", "value": "12.5"}}
    if pallets:
        measurements["totalPalletStackable"] = pallets
    items = [{"itemSequenceNumber": it["itemSequenceNumber"], "buyerProductIdentifier": it["amazonProductIdentifier"],
              "vendorProductIdentifier": it["vendorProductIdentifier"],
              "shippedQuantity": {"amount": units, "unitOfMeasure": "Eaches", "unitSize": 1}}
             for it in d["items"][:lines]]
    return {"shipments": [{
        "vendorShipmentIdentifier": sid, "transactionType": "New", "transactionDate": START,
        "shipmentFreightTerm": "Collect", "sellingParty": d["sellingParty"], "shipFromParty": copy.deepcopy(SHIP_FROM),
        "shipToParty": d["shipToParty"], "shipmentMeasurements": measurements,
        "collectFreightPickupDetails": {"requestedPickUp": pickup},
        "purchaseOrders": [{"purchaseOrderNumber": order["purchaseOrderNumber"], "items": items}]}]}


def cancel(order: dict[str, Any], sid: str, **extra: Any) -> dict[str, Any]:
    d = order["orderDetails"]
    return {"shipments": [{"vendorShipmentIdentifier": sid, "transactionType": "Cancel", "transactionDate": START,
                           "shipmentFreightTerm": "Collect", "sellingParty": d["sellingParty"],
                           "shipFromParty": SHIP_FROM, "shipToParty": d["shipToParty"], **extra}]}


def route(vendor: Any, body: dict[str, Any]) -> dict[str, Any]:
    return vendor.submit(SHIPMENTS, body)


def codes(outcome: dict[str, Any]) -> set[str]:
    assert outcome["status"] == "Failure", outcome
    return {e["code"] for e in outcome["errors"]}


def details(vendor: Any, **params: Any) -> dict[str, Any]:
    r = vendor.http.get(SHIPMENTS, params=params)
    assert r.status_code == 200, r.text
    return r.json()["payload"]


def one(vendor: Any, sid: str) -> dict[str, Any]:
    (shipment,) = details(vendor, vendorShipmentIdentifier=sid)["shipments"]
    return shipment


def ids(vendor: Any, **params: Any) -> list[str]:
    return sorted(s["vendorShipmentIdentifier"] for s in details(vendor, **params)["shipments"])


def labels(vendor: Any, **params: Any) -> dict[str, Any]:
    r = vendor.http.get(LABELS, params=params)
    assert r.status_code == 200, r.text
    return r.json()["payload"]


def label_ids(vendor: Any, **params: Any) -> list[str]:
    return [t["shipmentInformation"]["vendorDetails"]["vendorShipmentIdentifier"]
            for t in labels(vendor, **params)["transportLabels"]]


def set_clock(vendor: Any, moment: str) -> None:
    r = vendor.http.post("/_sandbox/clock", json={"set": moment})
    assert r.status_code == 200, r.text
    vendor.refresh()


def routable(vendor: Any) -> dict[str, Any]:
    """An unchanged US order, acknowledged in full, whose ship window holds both pickups and whose first two
    lines have 5 units or more."""
    for candidate in vendor.orders(orderingVendorCode="ACRNUS", sortOrder="ASC"):
        d = candidate["orderDetails"]
        start, end = d["shipWindow"].split("--")
        if ("purchaseOrderChangedDate" not in d and len(d["items"]) >= 2 and start <= PICKUP and PICKUP2 <= end
                and all(it["orderedQuantity"]["amount"] >= 5 for it in d["items"][:2])):
            assert vendor.submit(ACK, vendor.acknowledgement(candidate))["status"] == "Success"
            return candidate
    raise AssertionError("seed 7 has no order to route")


@pytest.fixture
def order(vendor: Any) -> dict[str, Any]:
    return routable(vendor)


# ---- SubmitShipments and the course of a routed shipment ------------------------------------------
def test_a_routed_small_parcel_shipment_goes_through_every_stage_as_the_clock_moves(vendor: Any, order: Any) -> None:
    assert route(vendor, routing(order, "CF-1"))["status"] == "Success"
    requested = one(vendor, "CF-1")
    assert requested["currentShipmentStatus"] == "TransportationRequested"
    assert [s["shipmentStatus"] for s in requested["shipmentStatusDetails"]] == ["TransportationRequested", "Created"]
    assert requested["shipmentCreateDate"] == requested["transactionDate"] == START
    assert requested["shipmentFreightTerm"] == "Collect"
    assert re.fullmatch(r"\d{10}", requested["buyerReferenceNumber"])
    assert requested["collectFreightPickupDetails"] == {"requestedPickUp": PICKUP}
    assert "carrierDetails" not in requested["transportationDetails"] and "packageLabelCreateDate" not in requested
    assert "shipmentConfirmDate" not in requested  # nothing confirmed (no ASN) yet
    assert requested["shipFromParty"] == SHIP_FROM
    assert requested["purchaseOrders"][0]["items"][0]["shippedQuantity"] == {
        "amount": 1, "unitOfMeasure": "Eaches", "unitSize": 1}
    assert labels(vendor) == {"transportLabels": []}

    vendor.advance(4 * 3600)  # freight_carrier_assignment_hours
    assigned = one(vendor, "CF-1")
    pickup = assigned["collectFreightPickupDetails"]
    assert assigned["currentShipmentStatus"] == "CarrierAssigned"
    assert assigned["shipmentStatusDetails"][0]["shipmentStatus"] == "CarrierAssigned"
    assert pickup["carrierAssignmentDate"] == assigned["currentshipmentStatusDate"] == "2026-03-02T18:00:00Z"
    assert PICKUP <= pickup["scheduledPickUp"] <= "2026-03-05T17:00:00Z"
    transport = assigned["transportationDetails"]
    assert transport["shipMode"] == "SmallParcel" and transport["carrierDetails"]["code"] in PARCEL_SCACS
    assert assigned["packageLabelCreateDate"] == pickup["carrierAssignmentDate"]
    assert assigned["buyerReferenceNumber"] == requested["buyerReferenceNumber"]
    assert "shippedDate" not in transport

    set_clock(vendor, pickup["scheduledPickUp"])
    shipped = one(vendor, "CF-1")
    assert (shipped["currentShipmentStatus"], shipped["currentshipmentStatusDate"]) == (
        "Shipped", pickup["scheduledPickUp"])
    assert shipped["transportationDetails"]["shippedDate"] == pickup["scheduledPickUp"]
    assert "shipmentDeliveryDate" not in shipped["transportationDetails"]

    set_clock(vendor, transport["estimatedDeliveryDate"])
    delivered = one(vendor, "CF-1")
    assert delivered["transportationDetails"]["shipmentDeliveryDate"] == transport["estimatedDeliveryDate"]
    assert delivered["currentShipmentStatus"] == "Shipped"  # the model's enum has no Delivered / Received
    assert [s["shipmentStatus"] for s in delivered["shipmentStatusDetails"]] == [
        "Shipped", "CarrierAssigned", "TransportationRequested", "Created"]


def test_the_asn_of_a_routed_shipment_joins_it_under_one_identifier(vendor: Any, order: Any) -> None:
    route(vendor, routing(order, "CF-2", lines=1))
    vendor.advance(4 * 3600)
    arn = one(vendor, "CF-2")["buyerReferenceNumber"]
    first = order["orderDetails"]["items"][0]["itemSequenceNumber"]
    asn = vendor.shipment(order, "CF-2", quantities={first: 1}, delivery="2026-03-07T12:00:00Z")
    asn["shipmentConfirmations"][0]["amazonReferenceNumber"] = arn
    assert vendor.submit(ASN, asn)["status"] == "Success"

    (joined,) = details(vendor)["shipments"]  # one shipment, not two
    assert joined["shipmentConfirmDate"] == vendor.now() and joined["shipmentFreightTerm"] == "Collect"
    assert joined["buyerReferenceNumber"] == arn and "carrierAssignmentDate" in joined["collectFreightPickupDetails"]
    assert joined["containers"][0]["containerType"] == "carton"  # the ASN's content wins
    assert joined["transportationDetails"]["carrierDetails"]["code"] == "ABFS"  # as the ASN states it
    assert [s["shipmentStatus"] for s in joined["shipmentStatusDetails"]] == [
        "Shipped", "CarrierAssigned", "TransportationRequested", "Created"]
    assert codes(route(vendor, cancel(order, "CF-2"))) == {"ShipmentAlreadyPickedUp"}  # the ASN says it left


def test_a_palletised_request_goes_by_freight_carrier_with_a_pro_number_and_no_labels(vendor: Any, order: Any) -> None:
    assert route(vendor, routing(order, "CF-LTL", cartons=40, pallets=2))["status"] == "Success"
    vendor.advance(4 * 3600)
    shipment = one(vendor, "CF-LTL")
    carrier = shipment["transportationDetails"]["carrierDetails"]
    assert shipment["transportationDetails"]["shipMode"] == "LessThanTruckLoad" and carrier["code"] in FREIGHT_SCACS
    assert re.fullmatch(r"\d{10}", carrier["shipmentReferenceNumber"]) and carrier["name"]
    assert "packageLabelCreateDate" not in shipment and labels(vendor) == {"transportLabels": []}


def test_routing_is_the_same_for_the_same_seed_and_recorded_in_the_ledger(vendor: Any) -> None:
    seen = []
    for _ in range(2):
        assert vendor.http.post("/_sandbox/reset").status_code == 200
        vendor.refresh()
        route(vendor, routing(routable(vendor), "CF-SEED"))
        vendor.advance(5 * 3600)
        shipment = one(vendor, "CF-SEED")
        seen.append((shipment["buyerReferenceNumber"], shipment["collectFreightPickupDetails"],
                     shipment["transportationDetails"]["carrierDetails"], labels(vendor)))
        entry = vendor.ledger()["shipments"]["CF-SEED"]
        assert (entry["submissions"], entry["accepted"], entry["transactionType"]) == (1, 1, "New")
        assert entry["buyerReferenceNumber"] == shipment["buyerReferenceNumber"]
        assert entry["scheduledPickUp"] == shipment["collectFreightPickupDetails"]["scheduledPickUp"]
    assert seen[0] == seen[1]


def test_an_update_before_the_carrier_is_assigned_replaces_the_request_and_keeps_its_reference(
        vendor: Any, order: Any) -> None:
    route(vendor, routing(order, "CF-UPD"))
    arn = one(vendor, "CF-UPD")["buyerReferenceNumber"]
    vendor.advance(3600)
    update = routing(order, "CF-UPD", pickup=PICKUP2, units=2)
    update["shipments"][0]["buyerReferenceNumber"] = arn
    assert route(vendor, update)["status"] == "Success"
    updated = one(vendor, "CF-UPD")
    assert updated["collectFreightPickupDetails"]["requestedPickUp"] == PICKUP2
    assert updated["buyerReferenceNumber"] == arn and updated["shipmentCreateDate"] == START
    assert updated["transactionDate"] == vendor.now()
    assert updated["purchaseOrders"][0]["items"][0]["shippedQuantity"]["amount"] == 2
    vendor.advance(4 * 3600)
    assert one(vendor, "CF-UPD")["collectFreightPickupDetails"]["scheduledPickUp"] >= PICKUP2
    ledger = vendor.ledger()["shipments"]["CF-UPD"]
    assert (ledger["submissions"], ledger["accepted"]) == (2, 2)
    # once the carrier is assigned the request can only be cancelled; a re-post is a duplicate
    assert codes(route(vendor, update)) == {"DuplicateShipmentIdentifier"}


def test_a_cancel_before_pickup_stops_the_shipment_voids_its_labels_and_frees_its_units(
        vendor: Any, order: Any) -> None:
    first = order["orderDetails"]["items"][0]
    accepted = first["orderedQuantity"]["amount"]
    assert route(vendor, routing(order, "CF-ALL", units=accepted, lines=1))["status"] == "Success"
    assert codes(route(vendor, routing(order, "CF-MORE", lines=1))) == {"QuantityExceedsAccepted"}
    vendor.advance(4 * 3600)
    assert label_ids(vendor) == ["CF-ALL"]

    assert route(vendor, cancel(order, "CF-ALL"))["status"] == "Success"
    cancelled_at = vendor.now()
    assert label_ids(vendor) == []
    entry = vendor.ledger()["shipments"]["CF-ALL"]
    assert (entry["submissions"], entry["accepted"], entry["transactionType"], entry["cancelledAt"]) == (
        2, 2, "Cancel", cancelled_at)
    assert route(vendor, routing(order, "CF-MORE", lines=1, pickup=PICKUP2))["status"] == "Success"  # units freed
    assert codes(route(vendor, cancel(order, "CF-ALL"))) == {"DuplicateShipmentIdentifier"}  # cancelled already
    assert codes(route(vendor, routing(order, "CF-ALL", pickup=PICKUP2))) == {"DuplicateShipmentIdentifier"}

    set_clock(vendor, "2026-03-06T00:00:00Z")  # past the pickup it would have had
    gone = one(vendor, "CF-ALL")
    assert gone["transactionType"] == "Cancel" and gone["transactionDate"] == cancelled_at
    assert gone["currentShipmentStatus"] == "CarrierAssigned" and "shippedDate" not in gone["transportationDetails"]
    assert ids(vendor, currentShipmentStatus="CarrierAssigned") == ["CF-ALL", "CF-MORE"]


# ---- failures: the smallest document breaking each rule ------------------------------------------
def _without(body: dict[str, Any], path: str) -> dict[str, Any]:
    *parents, last = path.split(".")
    node = body["shipments"][0]
    for name in parents:
        node = node[name]
    del node[last]
    return body


@pytest.mark.parametrize("path", [
    "shipFromParty.address", "shipmentMeasurements.shipmentWeight", "shipmentMeasurements.totalCartonCount",
    "collectFreightPickupDetails.requestedPickUp", "purchaseOrders",
])
def test_collect_freight_needs_what_the_model_calls_mandatory(vendor: Any, order: Any, path: str) -> None:
    outcome = route(vendor, _without(routing(order, "CF-MISS"), path))
    assert codes(outcome) == {"MissingCollectFreightDetails"}
    assert outcome["errors"][0]["details"] == f"shipments[0].{path}"
    assert details(vendor) == {"shipments": []} and vendor.ledger()["shipments"]["CF-MISS"]["accepted"] == 0


def test_prepaid_freight_is_not_routed(vendor: Any, order: Any) -> None:
    body = routing(order, "CF-PRE")
    body["shipments"][0]["shipmentFreightTerm"] = "Prepaid"
    assert codes(route(vendor, body)) == {"FreightTermNotCollect"}


def test_an_order_not_yet_acknowledged_is_not_routed(vendor: Any, order: Any) -> None:
    fresh = next(o for o in vendor.orders(orderingVendorCode="ACRNUS")
                 if o["purchaseOrderNumber"] != order["purchaseOrderNumber"]
                 and o["orderDetails"]["shipWindow"].split("--")[0] <= PICKUP
                 and PICKUP <= o["orderDetails"]["shipWindow"].split("--")[1])
    outcome = route(vendor, routing(fresh, "CF-UNACK"))
    assert codes(outcome) == {"PurchaseOrderNotConfirmed"}
    assert outcome["errors"][0]["details"] == "shipments[0].purchaseOrders[0].purchaseOrderNumber"


@pytest.mark.parametrize(("pickup", "why"), [
    pytest.param("2026-03-02T13:00:00Z", "in the past", id="past"),
    pytest.param("2026-03-03T15:00:00Z", "business days", id="tomorrow"),
])
def test_a_pickup_must_be_two_business_days_ahead(vendor: Any, order: Any, pickup: str, why: str) -> None:
    body = routing(order, "CF-SOON", pickup=pickup)
    window = order["orderDetails"]["shipWindow"].split("--")
    outcome = route(vendor, body)
    expected = {"RequestedPickUpTooEarly"} | ({"RequestedPickUpOutsideShipWindow"} if pickup < window[0] else set())
    assert codes(outcome) == expected and why in outcome["errors"][0]["message"]


def test_a_pickup_after_the_ship_window_is_refused(vendor: Any, order: Any) -> None:
    end = datetime.fromisoformat(order["orderDetails"]["shipWindow"].split("--")[1])
    late = iso(end + timedelta(hours=1))
    assert codes(route(vendor, routing(order, "CF-LATE", pickup=late))) == {"RequestedPickUpOutsideShipWindow"}


@pytest.mark.parametrize(("change", "code"), [
    pytest.param({"purchaseOrderNumber": "NOSUCHPO"}, "UnknownPurchaseOrder", id="unknown-po"),
    pytest.param({"item": {"buyerProductIdentifier": "B000000000", "vendorProductIdentifier": "0000000000000"}},
                 "UnknownItem", id="unknown-item"),
    pytest.param({"amount": 100_000}, "QuantityExceedsAccepted", id="over-accepted"),
])
def test_orders_items_and_quantities_are_checked(vendor: Any, order: Any, change: dict[str, Any], code: str) -> None:
    body = routing(order, "CF-BAD", lines=1)
    po = body["shipments"][0]["purchaseOrders"][0]
    if "purchaseOrderNumber" in change:
        po["purchaseOrderNumber"] = change["purchaseOrderNumber"]
    if "item" in change:
        po["items"][0].update(change["item"])
    if "amount" in change:
        po["items"][0]["shippedQuantity"]["amount"] = change["amount"]
    assert codes(route(vendor, body)) == {code}


def test_one_identifier_twice_or_an_asn_identifier_is_a_duplicate(vendor: Any, order: Any) -> None:
    body = routing(order, "CF-TWICE")
    body["shipments"].append(copy.deepcopy(body["shipments"][0]))
    assert codes(route(vendor, body)) == {"DuplicateShipmentIdentifier"}
    first = order["orderDetails"]["items"][0]["itemSequenceNumber"]
    assert vendor.submit(ASN, vendor.shipment(order, "PREPAID-1", quantities={first: 1}))["status"] == "Success"
    assert codes(route(vendor, routing(order, "PREPAID-1"))) == {"DuplicateShipmentIdentifier"}


def test_cancels_of_unknown_picked_up_or_changed_requests_are_refused(vendor: Any, order: Any) -> None:
    assert codes(route(vendor, cancel(order, "NEVER-ROUTED"))) == {"UnknownShipmentIdentifier"}
    route(vendor, routing(order, "CF-C"))
    arn = one(vendor, "CF-C")["buyerReferenceNumber"]
    assert codes(route(vendor, cancel(order, "CF-C", buyerReferenceNumber="1"))) == {"ImmutableFieldChanged"}
    moved = cancel(order, "CF-C")
    moved["shipments"][0]["sellingParty"] = {"partyId": "ACRNCA"}
    assert codes(route(vendor, moved)) == {"ImmutableFieldChanged"}
    update = routing(order, "CF-C")
    update["shipments"][0]["buyerReferenceNumber"] = "999"
    assert codes(route(vendor, update)) == {"ImmutableFieldChanged"}
    vendor.advance(4 * 3600)
    set_clock(vendor, one(vendor, "CF-C")["collectFreightPickupDetails"]["scheduledPickUp"])
    assert codes(route(vendor, cancel(order, "CF-C", buyerReferenceNumber=arn))) == {"ShipmentAlreadyPickedUp"}


def test_missing_fields_are_a_400_at_the_gateway_and_enum_values_fail_the_transaction(
        vendor: Any, order: Any) -> None:
    r = vendor.post(SHIPMENTS, {"shipments": [{"vendorShipmentIdentifier": "X", "transactionType": "New"}]})
    assert r.status_code == 400 and {e["code"] for e in r.json()["errors"]} == {"InvalidInput"}
    assert {e["details"] for e in r.json()["errors"]} == {f"shipments[0].{name}" for name in (
        "sellingParty", "shipFromParty", "shipToParty", "transactionDate")}
    assert "X" not in vendor.ledger()["shipments"]
    # Amazon's own accepted example carries enum values outside the model ("KG"): refused while processing
    body = routing(order, "CF-ENUM")
    body["shipments"][0]["shipmentMeasurements"]["shipmentWeight"]["unitOfMeasure"] = "KG"
    outcome = route(vendor, body)
    assert codes(outcome) == {"InvalidInput"}
    assert outcome["errors"][0]["details"] == "shipments[0].shipmentMeasurements.shipmentWeight.unitOfMeasure"


# ---- GetShipmentDetails: every filter -------------------------------------------------------------
def test_every_get_shipment_details_filter(vendor: Any, order: Any) -> None:
    first = order["orderDetails"]["items"][0]["itemSequenceNumber"]
    ship_to = order["orderDetails"]["shipToParty"]["partyId"]
    vendor.submit(ASN, vendor.shipment(order, "P-1", quantities={first: 1}, delivery="2026-03-04T10:00:00Z"))
    route(vendor, routing(order, "CF-S"))
    vendor.advance(3600)
    route(vendor, routing(order, "CF-L", pickup=PICKUP2, cartons=40, pallets=2))
    assert ids(vendor, currentShipmentStatus="TransportationRequested") == ["CF-L", "CF-S"]
    assert ids(vendor, scheduledPickUpAfter=START) == []  # no carrier yet, no appointment
    set_clock(vendor, "2026-03-05T00:00:00Z")
    arn = one(vendor, "CF-S")["buyerReferenceNumber"]

    assert ids(vendor, createdAfter="2026-03-02T14:30:00Z") == ["CF-L"]
    assert ids(vendor, createdBefore="2026-03-02T14:30:00Z") == ["CF-S", "P-1"]
    assert ids(vendor, shipmentConfirmedAfter=START) == ["P-1"]  # only an ASN confirms
    assert ids(vendor, packageLabelCreatedAfter=START) == ["CF-S"]  # small parcel only
    assert ids(vendor, packageLabelCreatedBefore="2026-03-02T17:00:00Z") == []
    assert ids(vendor, requestedPickUpAfter=PICKUP2) == ["CF-L"]
    assert ids(vendor, requestedPickUpBefore=PICKUP2) == ["CF-S"]
    assert ids(vendor, scheduledPickUpAfter=PICKUP, scheduledPickUpBefore="2026-03-05T18:00:00Z") == ["CF-S"]
    assert ids(vendor, estimatedDeliveryBefore="2026-03-05T00:00:00Z") == ["P-1"]
    assert ids(vendor, estimatedDeliveryAfter="2026-03-06T00:00:00Z") == ["CF-L", "CF-S"]
    assert ids(vendor, shipmentDeliveryAfter=START) == ["P-1"]  # received on the 4th
    assert ids(vendor, shippedAfter="2026-03-03T00:00:00Z") == []
    assert ids(vendor, currentShipmentStatus="CarrierAssigned") == ["CF-L", "CF-S"]
    assert ids(vendor, currentShipmentStatus="Shipped") == ["P-1"]
    assert ids(vendor, buyerReferenceNumber=arn) == ["CF-S"]
    assert ids(vendor, buyerWarehouseCode=ship_to) == ["CF-L", "CF-S", "P-1"]
    assert ids(vendor, buyerWarehouseCode="NOPE") == []
    assert ids(vendor, sellerWarehouseCode="ACRNUS") == ["CF-L", "CF-S", "P-1"]
    assert ids(vendor, sellerWarehouseCode="ACRNCA") == []
    assert ids(vendor, vendorShipmentIdentifier="CF-L") == ["CF-L"]

    set_clock(vendor, "2026-03-05T20:00:00Z")  # CF-S picked up, CF-L not yet
    assert ids(vendor, shippedAfter="2026-03-03T00:00:00Z") == ["CF-S"]
    assert ids(vendor, currentShipmentStatus="Shipped") == ["CF-S", "P-1"]


def test_shipment_details_pages_with_opaque_tokens_of_its_own(vendor: Any, order: Any) -> None:
    for n in range(3):
        route(vendor, routing(order, f"CF-P{n}", lines=1))
        vendor.advance(600)
    first = details(vendor, limit=2)
    assert [s["vendorShipmentIdentifier"] for s in first["shipments"]] == ["CF-P2", "CF-P1"]
    token = first["pagination"]["nextToken"]
    assert "CF-P" not in base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("latin-1")
    rest = details(vendor, nextToken=token)
    assert [s["vendorShipmentIdentifier"] for s in rest["shipments"]] == ["CF-P0"] and "pagination" not in rest
    assert [s["vendorShipmentIdentifier"] for s in details(vendor, sortOrder="ASC", limit=1)["shipments"]] == ["CF-P0"]
    r = vendor.http.get(LABELS, params={"nextToken": token})  # a token belongs to its operation
    assert r.status_code == 400 and r.json()["errors"][0]["details"] == "nextToken"


# ---- GetShipmentLabels ----------------------------------------------------------------------------
def test_labels_one_per_carton_filtered_sorted_and_paged(vendor: Any, order: Any) -> None:
    route(vendor, routing(order, "CF-A", cartons=3))
    vendor.advance(3600)
    route(vendor, routing(order, "CF-B", cartons=1))
    route(vendor, routing(order, "CF-LTL", cartons=40, pallets=2))
    vendor.advance(4 * 3600)

    payload = labels(vendor)
    assert label_ids(vendor) == ["CF-B", "CF-A"] and "pagination" not in payload  # newest first, no freight
    label_a = payload["transportLabels"][1]
    info, data = label_a["shipmentInformation"], label_a["labelData"]
    assert info["totalLabelCount"] == 3 == len(data) and info["shipMode"] == "SmallParcel"
    assert [d["labelSequenceNumber"] for d in data] == [1, 2, 3] and {d["labelFormat"] for d in data} == {"PDF"}
    assert info["masterTrackingId"] == data[0]["trackingId"] and len({d["trackingId"] for d in data}) == 3
    assert {d["carrierCode"] for d in data} <= PARCEL_SCACS and info["warehouseId"] == "ACRNWH1"
    assert label_a["labelCreateDateTime"] == one(vendor, "CF-A")["packageLabelCreateDate"]
    pdf = base64.b64decode(data[1]["label"], validate=True)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF") and data[1]["trackingId"].encode() in pdf
    xref = int(pdf.rsplit(b"startxref", 1)[1].split()[0])
    offsets = [int(line[:10]) for line in pdf[xref:].split(b"\n")[3:8]]
    assert [pdf[o:o + 7] for o in offsets] == [f"{n} 0 obj".encode() for n in range(1, 6)]  # a well-formed file

    arn_a = info["buyerReferenceNumber"]
    assert label_ids(vendor, sortOrder="ASC") == ["CF-A", "CF-B"]
    assert label_ids(vendor, vendorShipmentIdentifier="CF-A") == ["CF-A"]
    assert label_ids(vendor, buyerReferenceNumber=arn_a) == ["CF-A"]
    assert label_ids(vendor, sellerWarehouseCode="ACRNUS") == ["CF-B", "CF-A"]
    assert label_ids(vendor, sellerWarehouseCode="ACRNCA") == []
    assert label_ids(vendor, labelCreatedAfter=label_a["labelCreateDateTime"]) == ["CF-B", "CF-A"]
    assert label_ids(vendor, labelCreatedAfter="2026-03-02T18:30:00Z") == ["CF-B"]
    assert label_ids(vendor, labelCreatedBefore="2026-03-02T18:30:00Z") == ["CF-A"]

    page = labels(vendor, limit=1)
    assert [t["shipmentInformation"]["vendorDetails"]["vendorShipmentIdentifier"] for t in page["transportLabels"]] \
        == ["CF-B"]
    rest = labels(vendor, nextToken=page["pagination"]["nextToken"])
    assert [t["shipmentInformation"]["vendorDetails"]["vendorShipmentIdentifier"] for t in rest["transportLabels"]] \
        == ["CF-A"] and "pagination" not in rest


@pytest.mark.parametrize(("path", "params", "detail"), [
    (LABELS, {"limit": "0"}, "limit"),
    (LABELS, {"limit": "51"}, "limit"),
    (LABELS, {"sortOrder": "NEWEST"}, "sortOrder"),
    (LABELS, {"labelCreatedAfter": "today"}, "labelCreatedAfter"),
    (LABELS, {"labelCreatedAfter": "2026-03-03T00:00:00Z", "labelCreatedBefore": "2026-03-02T00:00:00Z"},
     "labelCreatedAfter"),
    (LABELS, {"nextToken": "forged"}, "nextToken"),
    (LABELS, {"vendorShipmentIdentifier": "null"}, "cannot be null"),
    (SHIPMENTS, {"vendorShipmentIdentifier": "null"}, "cannot be null"),
    (SHIPMENTS, {"requestedPickUpAfter": "soon"}, "requestedPickUpAfter"),
])
def test_bad_parameters_are_answered_400(vendor: Any, path: str, params: dict[str, str], detail: str) -> None:
    r = vendor.http.get(path, params=params)
    assert r.status_code == 400, r.text
    assert detail in r.json()["errors"][0]["details"]


def test_both_new_operations_have_the_models_usage_plan(vendor: Any) -> None:
    assert usage_plans()["SubmitShipments"] == usage_plans()["GetShipmentLabels"] == (10.0, 10.0)
    assert vendor.http.get(LABELS).headers["x-amzn-RateLimit-Limit"] == "1000"  # 10/s x rate_scale 100
    assert vendor.post(SHIPMENTS, {}).headers["x-amzn-RateLimit-Limit"] == "1000"


# ---- Amazon's own sandbox examples for these operations -------------------------------------------
def _official_examples() -> list[Any]:
    """Requests and statuses from the model (``x-amzn-api-sandbox``, and ``x-amazon-spds-sandbox-behaviors``,
    the key these operations' examples use)."""
    found = []
    for path, ops in contract.model("shipments")["paths"].items():
        for method, op in ops.items():
            if not isinstance(op, dict) or op.get("operationId") not in (
                    "SubmitShipments", "GetShipmentDetails", "GetShipmentLabels"):
                continue
            for status, response in op["responses"].items():
                examples = [*response.get("x-amzn-api-sandbox", {}).get("static", []),
                            *response.get("x-amazon-spds-sandbox-behaviors", [])]
                for n, ex in enumerate(examples):
                    found.append(pytest.param(method.upper(), path, status, ex,
                                              id=f"{op['operationId']}-{status}-{n}"))
    return found


@pytest.mark.parametrize(("method", "path", "status", "example"), _official_examples())
def test_amazons_examples_get_the_examples_status(vendor: Any, method: str, path: str, status: str,
                                                  example: dict[str, Any]) -> None:
    params = example["request"]["parameters"]
    if method == "POST":
        r = vendor.post(path, params["body"].get("value", {}))
    else:
        r = vendor.http.get(path, params={k: v["value"] for k, v in params.items()})
    assert str(r.status_code) == status, r.text
    if status.startswith("4"):
        assert r.json()["errors"][0]["code"] == example["response"]["errors"][0]["code"]
    elif method == "POST":
        assert vendor.outcome(r.json()["payload"]["transactionId"])["status"] in ("Success", "Failure")
