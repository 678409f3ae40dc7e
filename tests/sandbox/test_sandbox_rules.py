"""Amazon's business rules: each refusal ends the transaction in Failure with its code and field."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from acorn.sandbox import TRANSACTION_ERROR_CODES

ACK = "/vendor/orders/v1/acknowledgements"
ASN = "/vendor/shipping/v1/shipmentConfirmations"
INVOICE = "/vendor/payments/v1/invoices"


def _failure(vendor: Any, path: str, body: Any) -> list[dict[str, str]]:
    outcome = vendor.submit(path, body)
    assert outcome["status"] == "Failure", outcome
    for error in outcome["errors"]:
        assert error["code"] in TRANSACTION_ERROR_CODES
        assert error["message"].startswith(error["details"] + ": ")
    return outcome["errors"]


def _codes(errors: list[dict[str, str]]) -> list[tuple[str, str]]:
    return [(e["code"], e["details"]) for e in errors]


def _first_line(order: dict[str, Any]) -> tuple[str, int]:
    it = order["orderDetails"]["items"][0]
    return it["itemSequenceNumber"], it["orderedQuantity"]["amount"]


def test_the_error_codes_are_exactly_the_ones_ops_playbook_is_keyed_on() -> None:
    from acorn.playbook import PLAYBOOK

    # round one's codes, first and unchanged; later rounds append theirs (each file tests its own)
    assert len(set(TRANSACTION_ERROR_CODES)) == len(TRANSACTION_ERROR_CODES)
    assert TRANSACTION_ERROR_CODES[:17] == (
        "InvalidInput", "UnknownPurchaseOrder", "UnknownItem", "CancelledItem", "QuantityExceedsOrdered",
        "QuantityExceedsAccepted", "InvalidSSCC", "DuplicateSSCC", "DuplicateShipmentIdentifier",
        "UnknownShipmentIdentifier", "ShippedDateInFuture", "MissingCarrierDetails", "DuplicateAcknowledgement",
        "DuplicateInvoiceNumber", "CurrencyMismatch", "InvoiceTotalMismatch", "InvoiceDateBeforeOrder")
    assert set(TRANSACTION_ERROR_CODES) <= set(PLAYBOOK)


# ---- acknowledgements ---------------------------------------------------------------------

def test_acknowledging_an_unknown_purchase_order_fails(vendor: Any, us_order: Any) -> None:
    body = vendor.acknowledgement(us_order)
    body["acknowledgements"][0]["purchaseOrderNumber"] = "NOPE1234"
    assert _codes(_failure(vendor, ACK, body)) == [("UnknownPurchaseOrder", "acknowledgements[0].purchaseOrderNumber")]


def test_acknowledging_an_item_not_on_the_order_fails(vendor: Any, us_order: Any) -> None:
    body = vendor.acknowledgement(us_order)
    body["acknowledgements"][0]["items"][1]["itemSequenceNumber"] = "99"
    assert _codes(_failure(vendor, ACK, body)) == [("UnknownItem", "acknowledgements[0].items[1]")]


def test_acknowledging_more_than_ordered_fails_and_changes_nothing(vendor: Any, us_order: Any) -> None:
    seq, ordered = _first_line(us_order)
    body = vendor.acknowledgement(us_order, accept={seq: ordered + 1})
    errors = _failure(vendor, ACK, body)
    assert _codes(errors) == [("QuantityExceedsOrdered",
                               "acknowledgements[0].items[0].itemAcknowledgements[0].acknowledgedQuantity.amount")]
    assert str(ordered + 1) in errors[0]["message"]
    assert vendor.order(us_order["purchaseOrderNumber"])["purchaseOrderState"] == "New"
    entry = vendor.ledger()["acknowledgements"][us_order["purchaseOrderNumber"]]
    assert (entry["submissions"], entry["accepted"], entry["status"]) == (1, 0, "Rejected")
    assert entry["lastErrorCodes"] == ["QuantityExceedsOrdered"]


def test_a_second_acknowledgement_of_a_purchase_order_is_a_duplicate(vendor: Any, us_order: Any) -> None:
    assert vendor.submit(ACK, vendor.acknowledgement(us_order))["status"] == "Success"
    assert _codes(_failure(vendor, ACK, vendor.acknowledgement(us_order))) == [
        ("DuplicateAcknowledgement", "acknowledgements[0].purchaseOrderNumber")]
    entry = vendor.ledger()["acknowledgements"][us_order["purchaseOrderNumber"]]
    assert (entry["submissions"], entry["accepted"]) == (2, 1)


def _cancelled_order(vendor: Any) -> dict[str, Any]:
    order = {"purchaseOrderNumber": "CANCEL01", "purchaseOrderState": "New", "orderDetails": {
        "purchaseOrderDate": "2026-03-01T10:00:00Z", "purchaseOrderChangedDate": "2026-03-02T09:00:00Z",
        "purchaseOrderStateChangedDate": "2026-03-01T10:00:00Z", "purchaseOrderType": "RegularOrder",
        "paymentMethod": "Invoice", "buyingParty": {"partyId": "ABE8"}, "sellingParty": {"partyId": "ACRNUS"},
        "shipToParty": {"partyId": "ABE8"}, "billToParty": {"partyId": "AMZNUS"},
        "items": [
            {"itemSequenceNumber": "1", "amazonProductIdentifier": "B0CANCEL01",
             "vendorProductIdentifier": "0614141000111",
             "orderedQuantity": {"amount": 0, "unitOfMeasure": "Eaches", "unitSize": 1}, "isBackOrderAllowed": False,
             "netCost": {"amount": "9.99", "currencyCode": "USD"}},
            {"itemSequenceNumber": "2", "amazonProductIdentifier": "B0CANCEL02",
             "vendorProductIdentifier": "0614141000128",
             "orderedQuantity": {"amount": 12, "unitOfMeasure": "Eaches", "unitSize": 1}, "isBackOrderAllowed": False,
             "netCost": {"amount": "4.50", "currencyCode": "USD"}}]}}
    assert vendor.http.post("/_sandbox/purchaseOrders", json={"orders": [order]}).json() == {"loaded": 1}
    return vendor.order("CANCEL01")


def test_accepting_or_shipping_an_item_amazon_cancelled_fails(vendor: Any) -> None:
    order = _cancelled_order(vendor)
    body = vendor.acknowledgement(order, accept={"1": 5})
    assert _codes(_failure(vendor, ACK, body)) == [
        ("CancelledItem", "acknowledgements[0].items[0].itemAcknowledgements[0].acknowledgementCode")]
    shipment = vendor.shipment(order, "CXL-1", quantities={"1": 5, "2": 12})
    assert _codes(_failure(vendor, ASN, shipment)) == [("CancelledItem", "shipmentConfirmations[0].shippedItems[0]")]
    assert vendor.submit(ACK, vendor.acknowledgement(order))["status"] == "Success"  # rejecting it is fine


# ---- shipment confirmations -----------------------------------------------------------------

def test_shipping_more_than_ordered_before_any_acknowledgement_fails(vendor: Any, us_order: Any) -> None:
    seq, ordered = _first_line(us_order)
    body = vendor.shipment(us_order, "OVER-1", quantities={seq: ordered + 1})
    assert _codes(_failure(vendor, ASN, body)) == [
        ("QuantityExceedsOrdered", "shipmentConfirmations[0].shippedItems[0].shippedQuantity.amount")]


def test_shipping_more_than_accepted_fails_naming_the_field(vendor: Any, us_order: Any) -> None:
    items = us_order["orderDetails"]["items"]
    second = items[1]
    vendor.submit(ACK, vendor.acknowledgement(us_order, accept={second["itemSequenceNumber"]: 1}))
    body = vendor.shipment(us_order, "OVER-2")
    errors = _failure(vendor, ASN, body)
    assert ("QuantityExceedsAccepted",
            "shipmentConfirmations[0].shippedItems[1].shippedQuantity.amount") in _codes(errors)
    assert all(code == "QuantityExceedsAccepted" for code, _ in _codes(errors))


def test_quantities_add_up_over_every_accepted_shipment(vendor: Any, us_order: Any) -> None:
    seq, ordered = _first_line(us_order)
    assert vendor.submit(ASN, vendor.shipment(us_order, "PART-1", quantities={seq: ordered - 1}))["status"] == "Success"
    assert _codes(_failure(vendor, ASN, vendor.shipment(us_order, "PART-2", quantities={seq: 2}))) == [
        ("QuantityExceedsOrdered", "shipmentConfirmations[0].shippedItems[0].shippedQuantity.amount")]
    assert vendor.submit(ASN, vendor.shipment(us_order, "PART-3", quantities={seq: 1}))["status"] == "Success"


@pytest.mark.parametrize(("label", "fragment"), [
    pytest.param("006141410000000010", "check digit", id="wrong-check-digit"),
    pytest.param("00614141000000001", "18 digits", id="17-digits"),
    pytest.param("0061414100000000A1", "only digits", id="letters"),
])
def test_an_invalid_sscc_fails(vendor: Any, us_order: Any, label: str, fragment: str) -> None:
    body = vendor.shipment(us_order, "BADLABEL", ssccs=[label, vendor.next_sscc(), vendor.next_sscc(),
                                                        vendor.next_sscc(), vendor.next_sscc(), vendor.next_sscc(),
                                                        vendor.next_sscc(), vendor.next_sscc()])
    errors = _failure(vendor, ASN, body)
    assert _codes(errors) == [("InvalidSSCC",
                               "shipmentConfirmations[0].cartons[0].cartonIdentifiers[0].containerIdentificationNumber")]
    assert fragment in errors[0]["message"]


def test_an_sscc_is_never_reused_across_or_within_shipments(vendor: Any, us_order: Any, sscc: Any) -> None:
    labels = [sscc(n) for n in range(100, 108)]
    assert vendor.submit(ASN, vendor.shipment(us_order, "FIRST", quantities={_first_line(us_order)[0]: 1},
                                              ssccs=labels))["status"] == "Success"
    again = vendor.shipment(us_order, "SECOND", quantities={_first_line(us_order)[0]: 1}, ssccs=labels)
    errors = _failure(vendor, ASN, again)
    assert _codes(errors) == [("DuplicateSSCC",
                               "shipmentConfirmations[0].cartons[0].cartonIdentifiers[0].containerIdentificationNumber")]
    assert "FIRST" in errors[0]["message"]
    lines = [it["itemSequenceNumber"] for it in us_order["orderDetails"]["items"]]
    twice = vendor.shipment(us_order, "THIRD", quantities={lines[1]: 1, lines[-1]: 1}, ssccs=[sscc(200)] * 2)
    assert {code for code, _ in _codes(_failure(vendor, ASN, twice))} == {"DuplicateSSCC"}


def test_an_original_shipment_identifier_cannot_be_reused(vendor: Any, us_order: Any) -> None:
    seq, _ = _first_line(us_order)
    assert vendor.submit(ASN, vendor.shipment(us_order, "SAME-ID", quantities={seq: 1}))["status"] == "Success"
    assert _codes(_failure(vendor, ASN, vendor.shipment(us_order, "SAME-ID", quantities={seq: 1}))) == [
        ("DuplicateShipmentIdentifier", "shipmentConfirmations[0].shipmentIdentifier")]


def test_a_replace_needs_a_shipment_amazon_accepted(vendor: Any, us_order: Any) -> None:
    body = vendor.shipment(us_order, "NEVER-SENT", kind="Replace")
    assert _codes(_failure(vendor, ASN, body)) == [
        ("UnknownShipmentIdentifier", "shipmentConfirmations[0].shipmentIdentifier")]


def test_a_replace_takes_the_place_of_the_original_and_may_keep_its_labels(vendor: Any, us_order: Any,
                                                                           sscc: Any) -> None:
    seq, ordered = _first_line(us_order)
    labels = [sscc(n) for n in range(300, 308)]
    first = vendor.shipment(us_order, "REPL-1", quantities={seq: ordered}, ssccs=labels)
    assert vendor.submit(ASN, first)["status"] == "Success"
    corrected = vendor.shipment(us_order, "REPL-1", quantities={seq: ordered - 1}, ssccs=labels, kind="Replace")
    assert vendor.submit(ASN, corrected)["status"] == "Success"
    with vendor.sb.state.lock:
        line = vendor.sb.state.purchase_order(us_order["purchaseOrderNumber"]).lines[0]
        assert line.shipped_total == ordered - 1
    entry = vendor.ledger()["shipmentConfirmations"]["REPL-1"]
    assert (entry["submissions"], entry["accepted"], entry["shipmentConfirmationType"]) == (2, 2, "Replace")


def test_a_shipped_date_in_the_future_fails(vendor: Any, us_order: Any) -> None:
    body = vendor.shipment(us_order, "FUTURE", shipped="2026-03-02T15:00:00Z")
    assert _codes(_failure(vendor, ASN, body)) == [("ShippedDateInFuture", "shipmentConfirmations[0].shippedDate")]


def test_us_shipments_need_scac_pro_and_ltl_needs_a_bill_of_lading(vendor: Any, us_order: Any) -> None:
    body = vendor.shipment(us_order, "NOCARRIER", carrier=False)
    assert _codes(_failure(vendor, ASN, body)) == [
        ("MissingCarrierDetails", "shipmentConfirmations[0].transportationDetails.carrierScac"),
        ("MissingCarrierDetails", "shipmentConfirmations[0].transportationDetails.carrierShipmentReferenceNumber"),
        ("MissingCarrierDetails", "shipmentConfirmations[0].transportationDetails.billOfLadingNumber")]
    no_bol = vendor.shipment(us_order, "NOBOL")
    del no_bol["shipmentConfirmations"][0]["transportationDetails"]["billOfLadingNumber"]
    assert _codes(_failure(vendor, ASN, no_bol)) == [
        ("MissingCarrierDetails", "shipmentConfirmations[0].transportationDetails.billOfLadingNumber")]
    parcel = copy.deepcopy(no_bol)
    parcel["shipmentConfirmations"][0]["shipmentType"] = "SmallParcel"
    for n, carton in enumerate(parcel["shipmentConfirmations"][0]["cartons"]):
        carton["trackingNumber"] = f"1Z{n:016d}"  # small parcel: no bill of lading, a tracking number per carton
    assert vendor.submit(ASN, parcel)["status"] == "Success"


def test_a_shipped_item_without_a_purchase_order_fails(vendor: Any, us_order: Any) -> None:
    body = vendor.shipment(us_order, "NOPO")
    del body["shipmentConfirmations"][0]["shippedItems"][0]["itemDetails"]
    assert _codes(_failure(vendor, ASN, body)) == [
        ("UnknownPurchaseOrder", "shipmentConfirmations[0].shippedItems[0].itemDetails.purchaseOrderNumber")]
    carton_level = vendor.shipment(us_order, "PO-ON-CARTON")
    conf = carton_level["shipmentConfirmations"][0]
    del conf["shippedItems"][0]["itemDetails"]
    conf["cartons"][0]["items"][0]["itemDetails"] = {"purchaseOrderNumber": us_order["purchaseOrderNumber"]}
    assert vendor.submit(ASN, carton_level)["status"] == "Success"


# ---- invoices ---------------------------------------------------------------------------------

@pytest.fixture
def shipped_order(vendor: Any, us_order: Any) -> dict[str, Any]:
    assert vendor.submit(ACK, vendor.acknowledgement(us_order))["status"] == "Success"
    assert vendor.submit(ASN, vendor.shipment(us_order, "SHIPPED"))["status"] == "Success"
    return us_order


def test_a_matching_invoice_is_accepted_and_its_number_never_reused(vendor: Any, shipped_order: Any) -> None:
    assert vendor.submit(INVOICE, vendor.invoice(shipped_order, "INV-1"))["status"] == "Success"
    assert _codes(_failure(vendor, INVOICE, vendor.invoice(shipped_order, "INV-1"))) == [
        ("DuplicateInvoiceNumber", "invoices[0].id")]
    entry = vendor.ledger()["invoices"]["INV-1"]
    assert (entry["submissions"], entry["accepted"], entry["status"]) == (2, 1, "Accepted")


def test_invoicing_more_than_shipped_is_accepted_for_settlement_at_payment(vendor: Any, us_order: Any) -> None:
    seq, _ = _first_line(us_order)
    vendor.submit(ASN, vendor.shipment(us_order, "HALF", quantities={seq: 1}))
    assert vendor.submit(INVOICE, vendor.invoice(us_order, "INV-2", quantities={seq: 2}))["status"] == "Success"


def test_an_invoice_at_another_price_is_accepted_but_its_total_must_still_add_up(vendor: Any,
                                                                                 shipped_order: Any) -> None:
    body = vendor.invoice(shipped_order, "INV-3")
    item = body["invoices"][0]["items"][0]
    item["netCost"] = {"amount": "999.99", "currencyCode": "USD"}
    assert _codes(_failure(vendor, INVOICE, body)) == [("InvoiceTotalMismatch", "invoices[0].invoiceTotal.amount")]
    total = sum(Decimal(it["netCost"]["amount"]) * it["invoicedQuantity"]["amount"]
                for it in body["invoices"][0]["items"])
    body["invoices"][0]["invoiceTotal"]["amount"] = str(total)
    assert vendor.submit(INVOICE, body)["status"] == "Success"


def test_an_invoice_in_another_currency_fails(vendor: Any, shipped_order: Any) -> None:
    body = vendor.invoice(shipped_order, "INV-4")
    body["invoices"][0]["invoiceTotal"]["currencyCode"] = "CAD"
    body["invoices"][0]["items"][0]["netCost"]["currencyCode"] = "CAD"
    assert _codes(_failure(vendor, INVOICE, body)) == [
        ("CurrencyMismatch", "invoices[0].invoiceTotal.currencyCode"),
        ("CurrencyMismatch", "invoices[0].items[0].netCost.currencyCode")]


def test_an_invoice_whose_total_does_not_add_up_fails(vendor: Any, shipped_order: Any) -> None:
    body = vendor.invoice(shipped_order, "INV-5")
    total = body["invoices"][0]["invoiceTotal"]
    total["amount"] = str(float(total["amount"]) + 1)
    errors = _failure(vendor, INVOICE, body)
    assert _codes(errors) == [("InvoiceTotalMismatch", "invoices[0].invoiceTotal.amount")]
    with_tax = vendor.invoice(shipped_order, "INV-6")
    inv = with_tax["invoices"][0]
    inv["taxDetails"] = [{"taxType": "ST", "taxAmount": {"amount": "1.00", "currencyCode": "USD"}}]
    inv["invoiceTotal"]["amount"] = str(float(inv["invoiceTotal"]["amount"]) + 1)
    assert vendor.submit(INVOICE, with_tax)["status"] == "Success"


def test_an_invoice_dated_before_its_order_fails(vendor: Any, shipped_order: Any) -> None:
    body = vendor.invoice(shipped_order, "INV-7", when="2026-01-01T00:00:00Z")
    assert _codes(_failure(vendor, INVOICE, body)) == [("InvoiceDateBeforeOrder", "invoices[0].date")]


# ---- schema -----------------------------------------------------------------------------------

def test_format_violations_fail_the_transaction_as_invalid_input(vendor: Any, us_order: Any) -> None:
    body = vendor.acknowledgement(us_order)
    body["acknowledgements"][0]["acknowledgementDate"] = "yesterday"
    body["acknowledgements"][0]["items"][0]["netCost"]["amount"] = "12,50"
    errors = _failure(vendor, ACK, body)
    assert _codes(errors) == [("InvalidInput", "acknowledgements[0].acknowledgementDate"),
                              ("InvalidInput", "acknowledgements[0].items[0].netCost.amount")]
    invoice = vendor.invoice(us_order, "INV-8")
    del invoice["invoices"][0]["items"][0]["purchaseOrderNumber"]
    assert _codes(_failure(vendor, INVOICE, invoice)) == [("InvalidInput", "invoices[0].items[0].purchaseOrderNumber")]


@pytest.mark.parametrize(("path", "raw"), [
    pytest.param(ACK, b'{"acknowledgements": [{"purchaseOrderNumber": "X"}]}', id="missing-required"),
    pytest.param(ASN, b'{"shipmentConfirmations": "not a list"}', id="wrong-type"),
    pytest.param(INVOICE, b"{not json", id="not-json"),
    pytest.param(INVOICE, b"[]", id="not-an-object"),
])
def test_structurally_invalid_posts_are_refused_400_and_never_reach_the_ledger(vendor: Any, path: str,
                                                                              raw: bytes) -> None:
    r = vendor.http.post(path, content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 400
    assert r.json()["errors"] and {e["code"] for e in r.json()["errors"]} == {"InvalidInput"}
    assert vendor.ledger() == {"acknowledgements": {}, "shipmentConfirmations": {}, "invoices": {},
                              "shipments": {}}


def test_the_gateway_names_every_missing_field(vendor: Any) -> None:
    r = vendor.post(ACK, {"acknowledgements": [{"purchaseOrderNumber": "X", "sellingParty": {}}]})
    details = sorted(e["details"] for e in r.json()["errors"])
    assert details == ["acknowledgements[0].acknowledgementDate", "acknowledgements[0].items",
                       "acknowledgements[0].sellingParty.partyId"]
