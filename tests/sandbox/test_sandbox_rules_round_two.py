"""Round two of Amazon's business rules, and the checks on orders an operator loads.

Each rule is shown the same way: a valid document, the smallest change that breaks the rule
(refused: the transaction fails with that code naming that field, and nothing is applied),
then the valid document itself (accepted).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from acorn import contract
from acorn.sandbox import TRANSACTION_ERROR_CODES
from acorn.sandbox.timefmt import iso, parse_iso

ACK = "/vendor/orders/v1/acknowledgements"
ASN = "/vendor/shipping/v1/shipmentConfirmations"
LOAD = "/_sandbox/purchaseOrders"
Doc = dict[str, Any]


def _codes(outcome: dict[str, Any]) -> list[tuple[str, str]]:
    assert outcome["status"] == "Failure", outcome
    for error in outcome["errors"]:
        assert error["code"] in TRANSACTION_ERROR_CODES
        assert error["message"].startswith(error["details"] + ": ")
    return [(e["code"], e["details"]) for e in outcome["errors"]]


def _refused_then_accepted(vendor: Any, path: str, valid: Doc, breaking: Callable[[Doc], Any]) -> list[tuple[str, str]]:
    """What the broken copy of ``valid`` is refused with; ``valid`` itself must then be accepted."""
    broken = copy.deepcopy(valid)
    breaking(broken)
    found = _codes(vendor.submit(path, broken))
    outcome = vendor.submit(path, valid)
    assert outcome["status"] == "Success", outcome
    return found


def test_the_round_two_codes_are_known_and_ops_has_a_play_for_each() -> None:
    from acorn.playbook import DEFAULT_PLAY, PLAYBOOK

    ours = ("EmptyAcknowledgement", "SellingPartyMismatch", "BackorderNotAllowed", "MissingBackorderDate",
            "MissingRejectionReason", "AcknowledgementDateInFuture", "ContainerQuantityMismatch",
            "UnknownItemReference", "UnknownCartonReference", "MissingTrackingNumber", "ShipToPartyMismatch",
            "MissingPallets")
    assert set(ours) <= set(TRANSACTION_ERROR_CODES)
    assert all(PLAYBOOK[code] is not DEFAULT_PLAY and PLAYBOOK[code].next_step for code in ours)


# ---- acknowledgements -------------------------------------------------------------------------

def _terms_order(vendor: Any, number: str = "TERMS001", *, first_line: int = 10) -> Doc:
    """A PO whose line 1 (``first_line`` units; 0 as when Amazon cancels it) forbids backorders and
    line 2 (10 units) allows them."""
    item = {"orderedQuantity": {"amount": 10, "unitOfMeasure": "Eaches", "unitSize": 1},
            "netCost": {"amount": "4.00", "currencyCode": "USD"}}
    order = {"purchaseOrderNumber": number, "purchaseOrderState": "New", "orderDetails": {
        "purchaseOrderDate": "2026-03-02T09:00:00Z", "purchaseOrderStateChangedDate": "2026-03-02T09:00:00Z",
        "purchaseOrderType": "RegularOrder", "paymentMethod": "Invoice", "buyingParty": {"partyId": "ABE8"},
        "sellingParty": {"partyId": "ACRNUS"}, "shipToParty": {"partyId": "ABE8"},
        "billToParty": {"partyId": "AMZNUS"},
        "items": [{**item, "itemSequenceNumber": "1", "amazonProductIdentifier": "B0TERMS001",
                   "vendorProductIdentifier": "0614141000111", "isBackOrderAllowed": False,
                   "orderedQuantity": {"amount": first_line, "unitOfMeasure": "Eaches", "unitSize": 1}},
                  {**item, "itemSequenceNumber": "2", "amazonProductIdentifier": "B0TERMS002",
                   "vendorProductIdentifier": "0614141000128", "isBackOrderAllowed": True}]}}
    r = vendor.http.post(LOAD, json={"orders": [order]})
    assert r.status_code == 200, r.text
    return vendor.order(number)


def _decisions(body: Doc, item: int) -> list[Doc]:
    return body["acknowledgements"][0]["items"][item]["itemAcknowledgements"]


def test_a_selling_party_other_than_the_orders_is_refused(vendor: Any, us_order: Doc) -> None:
    def other_vendor(body: Doc) -> None:
        body["acknowledgements"][0]["sellingParty"]["partyId"] = "ACRNCA"

    assert _refused_then_accepted(vendor, ACK, vendor.acknowledgement(us_order), other_vendor) == [
        ("SellingPartyMismatch", "acknowledgements[0].sellingParty.partyId")]


def test_a_backorder_is_refused_on_a_line_that_does_not_allow_backorders(vendor: Any) -> None:
    valid = vendor.acknowledgement(_terms_order(vendor))
    _decisions(valid, 0)[0]["scheduledShipDate"] = "2026-03-09T00:00:00Z"  # an Accepted line may carry a date

    def backorder_line_1(body: Doc) -> None:
        _decisions(body, 0)[0]["acknowledgementCode"] = "Backordered"

    assert _refused_then_accepted(vendor, ACK, valid, backorder_line_1) == [
        ("BackorderNotAllowed", "acknowledgements[0].items[0].itemAcknowledgements[0].acknowledgementCode")]


def test_a_backorder_without_a_ship_or_delivery_date_is_refused(vendor: Any) -> None:
    valid = vendor.acknowledgement(_terms_order(vendor))
    _decisions(valid, 1)[0].update({"acknowledgementCode": "Backordered",
                                    "scheduledDeliveryDate": "2026-03-16T00:00:00Z"})  # either date will do

    def undated(body: Doc) -> None:
        del _decisions(body, 1)[0]["scheduledDeliveryDate"]

    assert _refused_then_accepted(vendor, ACK, valid, undated) == [
        ("MissingBackorderDate", "acknowledgements[0].items[1].itemAcknowledgements[0].scheduledShipDate")]
    status = vendor.status("TERMS001")
    assert [i["acknowledgementStatus"]["confirmationStatus"] for i in status["itemStatus"]] == ["ACCEPTED"] * 2


def test_a_rejection_without_a_reason_is_refused(vendor: Any, us_order: Doc) -> None:
    seq = us_order["orderDetails"]["items"][0]["itemSequenceNumber"]
    ordered = us_order["orderDetails"]["items"][0]["orderedQuantity"]["amount"]
    valid = vendor.acknowledgement(us_order, accept={seq: ordered - 1})
    assert _decisions(valid, 0)[1]["acknowledgementCode"] == "Rejected"

    def no_reason(body: Doc) -> None:
        del _decisions(body, 0)[1]["rejectionReason"]

    assert _refused_then_accepted(vendor, ACK, valid, no_reason) == [
        ("MissingRejectionReason", "acknowledgements[0].items[0].itemAcknowledgements[1].rejectionReason")]


def test_a_quantity_of_zero_is_refused(vendor: Any, us_order: Doc) -> None:
    def zero(body: Doc) -> None:
        _decisions(body, 0)[0]["acknowledgedQuantity"]["amount"] = 0

    assert _refused_then_accepted(vendor, ACK, vendor.acknowledgement(us_order), zero) == [
        ("InvalidInput", "acknowledgements[0].items[0].itemAcknowledgements[0].acknowledgedQuantity.amount")]


def test_a_line_amazon_cancelled_is_left_out_not_rejected_as_zero(vendor: Any) -> None:
    valid = vendor.acknowledgement(_terms_order(vendor, "TERMS002", first_line=0))
    assert [it["itemSequenceNumber"] for it in valid["acknowledgements"][0]["items"]] == ["2"]

    def reject_zero(body: Doc) -> None:
        body["acknowledgements"][0]["items"].insert(0, {
            "itemSequenceNumber": "1", "orderedQuantity": {"amount": 0, "unitOfMeasure": "Eaches"},
            "itemAcknowledgements": [{"acknowledgementCode": "Rejected", "rejectionReason": "TemporarilyUnavailable",
                                      "acknowledgedQuantity": {"amount": 0, "unitOfMeasure": "Eaches"}}]})

    assert _refused_then_accepted(vendor, ACK, valid, reject_zero) == [
        ("InvalidInput", "acknowledgements[0].items[0].itemAcknowledgements[0].acknowledgedQuantity.amount")]


def test_an_acknowledgement_dated_after_the_clock_is_refused_beyond_five_minutes_of_skew(vendor: Any,
                                                                                       us_order: Doc) -> None:
    now = parse_iso(vendor.now())
    valid = vendor.acknowledgement(us_order, when=iso(now + timedelta(minutes=5)))  # a fast clock is tolerated

    def later(body: Doc) -> None:
        body["acknowledgements"][0]["acknowledgementDate"] = iso(now + timedelta(minutes=5, seconds=1))

    assert _refused_then_accepted(vendor, ACK, valid, later) == [
        ("AcknowledgementDateInFuture", "acknowledgements[0].acknowledgementDate")]


@pytest.mark.parametrize("body", [pytest.param({}, id="empty-body"),
                                  pytest.param({"acknowledgements": []}, id="no-acknowledgements")])
def test_a_body_acknowledging_nothing_passes_the_gateway_but_fails(vendor: Any, body: Doc) -> None:
    # the model's request has no required property and no minItems: the gateway answers 202
    assert _codes(vendor.submit(ACK, body)) == [("EmptyAcknowledgement", "acknowledgements")]
    assert vendor.ledger()["acknowledgements"] == {}


@pytest.mark.parametrize(("emptying", "field"), [
    pytest.param(lambda ack: ack.update(items=[]), "acknowledgements[0].items", id="no-items"),
    pytest.param(lambda ack: ack["items"][0].update(itemAcknowledgements=[]),
                 "acknowledgements[0].items[0].itemAcknowledgements", id="no-decisions"),
])
def test_an_acknowledgement_of_no_lines_fails(vendor: Any, us_order: Doc, emptying: Callable[[Doc], Any],
                                              field: str) -> None:
    def empty(body: Doc) -> None:
        emptying(body["acknowledgements"][0])

    assert _refused_then_accepted(vendor, ACK, vendor.acknowledgement(us_order), empty) == [
        ("EmptyAcknowledgement", field)]
    entry = vendor.ledger()["acknowledgements"][us_order["purchaseOrderNumber"]]
    assert (entry["submissions"], entry["accepted"]) == (2, 1)


def test_an_acknowledgement_without_its_items_property_is_the_gateways_400(vendor: Any, us_order: Doc) -> None:
    body = vendor.acknowledgement(us_order)
    del body["acknowledgements"][0]["items"]  # required by the model, unlike a non-empty list
    r = vendor.post(ACK, body)
    assert r.status_code == 400 and [e["details"] for e in r.json()["errors"]] == ["acknowledgements[0].items"]


# ---- shipment confirmations ---------------------------------------------------------------------

def _conf(body: Doc) -> Doc:
    return body["shipmentConfirmations"][0]


def _palletised(vendor: Any, body: Doc, structure: str = "PalletizedAssortmentCase") -> Doc:
    """``body`` with its cartons on one pallet that names them (and summarises their items)."""
    conf = _conf(body)
    conf["shipmentStructure"] = structure
    label = {"containerIdentificationType": "SSCC", "containerIdentificationNumber": vendor.next_sscc()}
    conf["pallets"] = [{
        "palletIdentifiers": [label],
        "cartonReferenceDetails": {"cartonReferenceNumbers": [c["cartonSequenceNumber"] for c in conf["cartons"]]},
        "items": copy.deepcopy([item for carton in conf["cartons"] for item in carton["items"]])}]
    return body


def _first(order: Doc) -> tuple[str, int]:
    it = order["orderDetails"]["items"][0]
    return it["itemSequenceNumber"], it["orderedQuantity"]["amount"]


def test_cartons_must_hold_what_the_shipment_ships(vendor: Any, us_order: Doc) -> None:
    seq, ordered = _first(us_order)
    valid = vendor.shipment(us_order, "PACK-1", quantities={seq: ordered})
    conf = _conf(valid)
    (carton,) = conf["cartons"]
    second = copy.deepcopy(carton)  # the line split over two cartons: ordered - 1 and 1
    second.update(cartonSequenceNumber="002", cartonIdentifiers=[
        {"containerIdentificationType": "SSCC", "containerIdentificationNumber": vendor.next_sscc()}])
    carton["items"][0]["shippedQuantity"]["amount"] = ordered - 1
    second["items"][0]["shippedQuantity"]["amount"] = 1
    conf["cartons"].append(second)

    def one_more_in_a_carton(body: Doc) -> None:
        _conf(body)["cartons"][1]["items"][0]["shippedQuantity"]["amount"] = 2

    assert _refused_then_accepted(vendor, ASN, valid, one_more_in_a_carton) == [
        ("ContainerQuantityMismatch", "shipmentConfirmations[0].shippedItems[0].shippedQuantity.amount")]


def test_carton_quantities_are_compared_in_eaches(vendor: Any, us_order: Doc) -> None:
    seq, ordered = _first(us_order)
    valid = vendor.shipment(us_order, "PACK-2", quantities={seq: ordered})
    _conf(valid)["cartons"][0]["items"][0]["shippedQuantity"] = {"amount": 1, "unitOfMeasure": "Cases",
                                                                  "unitSize": ordered}

    def a_smaller_case(body: Doc) -> None:
        _conf(body)["cartons"][0]["items"][0]["shippedQuantity"]["unitSize"] = ordered - 1

    assert _refused_then_accepted(vendor, ASN, valid, a_smaller_case) == [
        ("ContainerQuantityMismatch", "shipmentConfirmations[0].shippedItems[0].shippedQuantity.amount")]


def test_items_loaded_straight_on_pallets_count_too(vendor: Any, us_order: Doc) -> None:
    seq, ordered = _first(us_order)
    valid = vendor.shipment(us_order, "PACK-3", quantities={seq: ordered})
    conf = _conf(valid)
    conf["shipmentStructure"] = "PalletOfItems"
    conf["pallets"] = [{"palletIdentifiers": conf["cartons"][0]["cartonIdentifiers"],
                        "items": conf.pop("cartons")[0]["items"]}]

    def short_pallet(body: Doc) -> None:
        _conf(body)["pallets"][0]["items"][0]["shippedQuantity"]["amount"] = ordered - 1

    assert _refused_then_accepted(vendor, ASN, valid, short_pallet) == [
        ("ContainerQuantityMismatch", "shipmentConfirmations[0].shippedItems[0].shippedQuantity.amount")]


def test_a_carton_item_must_be_one_of_the_shipped_items(vendor: Any, us_order: Doc) -> None:
    valid = vendor.shipment(us_order, "REF-1")
    _conf(valid)["cartons"][0]["items"][0]["itemReference"] = "1"  # "001" written unpadded is the same item

    def stray_item(body: Doc) -> None:
        _conf(body)["cartons"][0]["items"].append({"itemReference": "099",
                                                   "shippedQuantity": {"amount": 1, "unitOfMeasure": "Eaches"}})

    assert _refused_then_accepted(vendor, ASN, valid, stray_item) == [
        ("UnknownItemReference", "shipmentConfirmations[0].cartons[0].items[1].itemReference")]


def test_a_pallet_item_must_be_one_of_the_shipped_items(vendor: Any, us_order: Doc) -> None:
    valid = _palletised(vendor, vendor.shipment(us_order, "REF-2"))

    def stray_item(body: Doc) -> None:
        _conf(body)["pallets"][0]["items"][0]["itemReference"] = "099"

    assert _refused_then_accepted(vendor, ASN, valid, stray_item) == [
        ("UnknownItemReference", "shipmentConfirmations[0].pallets[0].items[0].itemReference")]


def test_a_pallet_must_name_cartons_the_shipment_lists(vendor: Any, us_order: Doc) -> None:
    valid = _palletised(vendor, vendor.shipment(us_order, "PAL-1"))  # its item summary is not counted twice
    count = len(_conf(valid)["cartons"])

    def phantom_carton(body: Doc) -> None:
        _conf(body)["pallets"][0]["cartonReferenceDetails"]["cartonReferenceNumbers"].append("999")

    assert _refused_then_accepted(vendor, ASN, valid, phantom_carton) == [
        ("UnknownCartonReference",
         f"shipmentConfirmations[0].pallets[0].cartonReferenceDetails.cartonReferenceNumbers[{count}]")]


def test_small_parcel_cartons_need_a_tracking_number(vendor: Any, us_order: Doc) -> None:
    valid = vendor.shipment(us_order, "PARCEL-1")
    _conf(valid)["shipmentType"] = "SmallParcel"
    for n, carton in enumerate(_conf(valid)["cartons"]):
        carton["trackingNumber"] = f"1Z{n:016d}"

    def untracked(body: Doc) -> None:
        del _conf(body)["cartons"][1]["trackingNumber"]

    assert _refused_then_accepted(vendor, ASN, valid, untracked) == [
        ("MissingTrackingNumber", "shipmentConfirmations[0].cartons[1].trackingNumber")]


def test_a_ship_mode_of_small_parcel_is_understood_too(vendor: Any, us_order: Doc) -> None:
    seq, _ = _first(us_order)
    body = vendor.shipment(us_order, "PARCEL-2", quantities={seq: 1})
    _conf(body)["transportationDetails"]["shipMode"] = "SmallParcel"  # SubmitShipments' name for shipmentType
    assert _codes(vendor.submit(ASN, body)) == [
        ("MissingTrackingNumber", "shipmentConfirmations[0].cartons[0].trackingNumber")]


def test_goods_must_go_to_the_orders_fulfilment_centre(vendor: Any, us_order: Doc) -> None:
    ordered_to = us_order["orderDetails"]["shipToParty"]["partyId"]

    def elsewhere(body: Doc) -> None:
        _conf(body)["shipToParty"]["partyId"] = "MDW2" if ordered_to != "MDW2" else "ONT8"

    errors = _refused_then_accepted(vendor, ASN, vendor.shipment(us_order, "SHIPTO-1"), elsewhere)
    assert errors == [("ShipToPartyMismatch", "shipmentConfirmations[0].shipToParty.partyId")]


@pytest.mark.parametrize("structure", ["PalletizedAssortmentCase", "PalletizedStandardCase", "PalletOfItems",
                                       "MasterPallet"])
def test_a_palletised_structure_needs_pallets(vendor: Any, us_order: Doc, structure: str) -> None:
    def no_pallets(body: Doc) -> None:
        del _conf(body)["pallets"]

    valid = _palletised(vendor, vendor.shipment(us_order, f"PAL-{structure}"), structure)
    assert _refused_then_accepted(vendor, ASN, valid, no_pallets) == [
        ("MissingPallets", "shipmentConfirmations[0].pallets")]


# ---- operator: loading orders -------------------------------------------------------------------

def _operator_order(number: str = "LOAD0001") -> Doc:
    return {"purchaseOrderNumber": number, "purchaseOrderState": "New", "orderDetails": {
        "purchaseOrderDate": "2026-03-02T09:00:00Z", "purchaseOrderStateChangedDate": "2026-03-02T09:00:00Z",
        "sellingParty": {"partyId": "ACRNUS"}, "shipToParty": {"partyId": "ABE8"},
        "shipWindow": "2026-03-04T07:00:00Z--2026-03-08T07:00:00Z",
        "items": [{"itemSequenceNumber": str(n), "vendorProductIdentifier": f"06141410001{n}1",
                   "orderedQuantity": {"amount": 5, "unitOfMeasure": "Eaches", "unitSize": 1},
                   "isBackOrderAllowed": False, "netCost": {"amount": "2.50", "currencyCode": "USD"}}
                  for n in (1, 2)]}}


def _item(order: Doc, n: int) -> Doc:
    return order["orderDetails"]["items"][n]


@pytest.mark.parametrize(("breaking", "field"), [
    pytest.param(lambda o: _item(o, 1)["netCost"].update(amount="ten"), "orderDetails.items[1].netCost.amount",
                 id="cost-not-a-number"),
    pytest.param(lambda o: _item(o, 1)["netCost"].update(amount=2.5), "orderDetails.items[1].netCost.amount",
                 id="cost-not-a-string"),
    pytest.param(lambda o: _item(o, 1)["netCost"].update(amount="-2.50"), "orderDetails.items[1].netCost.amount",
                 id="cost-negative"),
    pytest.param(lambda o: _item(o, 1)["netCost"].update(currencyCode="CAD"),
                 "orderDetails.items[1].netCost.currencyCode", id="two-currencies"),
    pytest.param(lambda o: o.update(purchaseOrderNumber=" "), "purchaseOrderNumber", id="number-empty"),
    pytest.param(lambda o: o.update(purchaseOrderState="Open"), "purchaseOrderState", id="state-unknown"),
    pytest.param(lambda o: o.pop("orderDetails"), "orderDetails", id="no-details"),
    pytest.param(lambda o: o["orderDetails"].update(items=[]), "orderDetails.items", id="no-items"),
    pytest.param(lambda o: _item(o, 1).update(itemSequenceNumber="01"), "orderDetails.items[1].itemSequenceNumber",
                 id="line-twice"),
    pytest.param(lambda o: _item(o, 1).pop("isBackOrderAllowed"), "orderDetails.items[1].isBackOrderAllowed",
                 id="backorder-flag-missing"),
    pytest.param(lambda o: _item(o, 1)["orderedQuantity"].pop("amount"), "orderDetails.items[1].orderedQuantity.amount",
                 id="no-quantity"),
    pytest.param(lambda o: _item(o, 1)["orderedQuantity"].update(amount=2.5),
                 "orderDetails.items[1].orderedQuantity.amount", id="quantity-fraction"),
    pytest.param(lambda o: _item(o, 1)["orderedQuantity"].update(amount=-1),
                 "orderDetails.items[1].orderedQuantity.amount", id="quantity-negative"),
    pytest.param(lambda o: _item(o, 1)["orderedQuantity"].update(unitOfMeasure="Boxes"),
                 "orderDetails.items[1].orderedQuantity.unitOfMeasure", id="unit-unknown"),
    pytest.param(lambda o: _item(o, 1)["orderedQuantity"].update(unitSize=0),
                 "orderDetails.items[1].orderedQuantity.unitSize", id="unit-size-zero"),
    pytest.param(lambda o: o["orderDetails"].update(purchaseOrderDate="yesterday"), "orderDetails.purchaseOrderDate",
                 id="date-unreadable"),
    pytest.param(lambda o: o["orderDetails"].update(purchaseOrderChangedDate="2026-03-01T09:00:00Z"),
                 "orderDetails.purchaseOrderChangedDate", id="changed-before-placed"),
    pytest.param(lambda o: o["orderDetails"].update(shipWindow="2026-03-04T07:00:00Z"), "orderDetails.shipWindow",
                 id="window-without-end"),
    pytest.param(lambda o: o["orderDetails"].update(deliveryWindow="2026-03-08T07:00:00Z--2026-03-04T07:00:00Z"),
                 "orderDetails.deliveryWindow", id="window-backwards"),
])
def test_an_order_the_sandbox_cannot_hold_is_refused_400_naming_the_field(vendor: Any, breaking: Callable[[Doc], Any],
                                                                        field: str) -> None:
    good, bad = _operator_order("LOAD0001"), _operator_order("LOAD0002")
    breaking(bad)
    r = vendor.http.post(LOAD, json={"orders": [good, bad]})
    assert r.status_code == 400, r.text
    errors = r.json()["errors"]
    assert [(e["code"], e["details"]) for e in errors] == [("InvalidInput", f"orders[1].{field}")]
    assert errors[0]["message"].startswith(f"orders[1].{field}: ")
    assert vendor.http.get("/vendor/orders/v1/purchaseOrders/LOAD0001").status_code == 404  # all or nothing
    r = vendor.http.post(LOAD, json={"orders": [good, _operator_order("LOAD0002")]})
    assert r.status_code == 200 and r.json() == {"loaded": 2}


def test_an_order_number_is_refused_when_already_taken(vendor: Any) -> None:
    r = vendor.http.post(LOAD, json={"orders": [_operator_order("LOAD0001"), _operator_order("LOAD0001")]})
    assert r.status_code == 400 and [e["details"] for e in r.json()["errors"]] == ["orders[1].purchaseOrderNumber"]
    assert vendor.http.post(LOAD, json={"orders": [_operator_order("LOAD0001")]}).status_code == 200
    r = vendor.http.post(LOAD, json={"orders": [_operator_order("LOAD0001")]})
    assert r.status_code == 400 and [e["details"] for e in r.json()["errors"]] == ["orders[0].purchaseOrderNumber"]


def _amazons_example_orders() -> list[Doc]:
    """Every order Amazon's getPurchaseOrder(s) examples show (first occurrence of each number)."""
    found: dict[str, Doc] = {}
    for ex in contract.sandbox_examples("orders"):
        if ex.operation_id in ("getPurchaseOrders", "getPurchaseOrder") and ex.status.startswith("2"):
            payload = (ex.response or {}).get("payload") or {}
            for order in (payload.get("orders") if ex.operation_id == "getPurchaseOrders" else [payload]) or []:
                if order.get("orderDetails"):
                    found.setdefault(order["purchaseOrderNumber"], order)
    return list(found.values())


def test_amazons_own_example_orders_load_despite_breaking_the_model(vendor: Any) -> None:
    # CASES for Cases, no purchaseOrderState, no purchaseOrderStateChangedDate: tolerated on purpose
    orders = _amazons_example_orders()
    assert len(orders) >= 5
    r = vendor.http.post(LOAD, json={"orders": orders})
    assert r.status_code == 200 and r.json() == {"loaded": len(orders)}
