"""The wire models against Amazon's own models and examples (no network)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from acorn import contract, spapi
from acorn.spapi import InvalidSubmission
from acorn.spapi._payloads import outgoing_payload
from schemas import spapi as wire

#: every registered operation's whole answer, and every registered submission's body, as the registry names them
RESPONSE_ENVELOPES: dict[str, type[BaseModel]] = {op.name: op.response_model for op in spapi.operations()}
REQUESTS: dict[str, tuple[type[BaseModel], str, str]] = {
    op.name: (op.request_model, op.api, op.request_definition) for op in spapi.operations()
    if op.request_model is not None and op.request_definition is not None}


def _official_responses() -> list[Any]:
    """Every ``x-amzn-api-sandbox`` response plus every plain ``examples`` response we model."""
    cases = [pytest.param(ex.operation_id, ex.response, id=f"sandbox-{ex.operation_id}-{ex.status}-{i}")
             for i, ex in enumerate(contract.sandbox_examples()) if ex.operation_id in RESPONSE_ENVELOPES]
    for api in contract.APIS:
        for ops in contract.model(api)["paths"].values():
            for op in ops.values():
                if not isinstance(op, dict) or op.get("operationId") not in RESPONSE_ENVELOPES:
                    continue
                for status, resp in op["responses"].items():
                    if "examples" in resp:
                        body = resp["examples"].get("application/json", resp["examples"])
                        # One "example" pastes the schema ({"type": "string", ...}) where the id goes.
                        broken = isinstance((body.get("payload") or {}).get("transactionId"), dict)
                        marks = [pytest.mark.xfail(strict=True, reason="not a response: a schema fragment")] \
                            if broken else []
                        cases.append(pytest.param(op["operationId"], body, marks=marks,
                                                  id=f"example-{op['operationId']}-{status}"))
    return cases


@pytest.mark.parametrize(("operation", "body"), _official_responses())
def test_every_official_example_response_parses_into_the_wire_models(operation: str, body: Any) -> None:
    parsed = RESPONSE_ENVELOPES[operation].model_validate(body)
    if "payload" in body:
        assert parsed.payload is not None  # type: ignore[attr-defined]
    else:
        assert [e.code for e in parsed.errors] == [e["code"] for e in body["errors"]]  # type: ignore[attr-defined]


def test_the_transaction_example_reads_as_a_processing_transaction() -> None:
    example = contract.model("transactions")["paths"]["/vendor/transactions/v1/transactions/{transactionId}"]
    body = example["get"]["responses"]["200"]["examples"]["application/json"]
    status = wire.GetTransactionResponse.model_validate(body).payload.transaction_status  # type: ignore[union-attr]
    assert (status.status, status.is_final) == ("Processing", False)


def _first_example(operation: str, status: str = "200") -> Any:
    return next(ex for ex in contract.sandbox_examples() if ex.operation_id == operation and ex.status == status)


def test_reading_is_tolerant_of_amazons_own_enum_spelling_and_missing_state() -> None:
    body = _first_example("getPurchaseOrders").response
    orders = wire.GetPurchaseOrdersResponse.model_validate(body).payload.orders  # type: ignore[union-attr]
    import_order = orders[1]
    item = import_order.order_details.items[0]  # type: ignore[union-attr]
    assert item.ordered_quantity.unit_of_measure == "Cases"  # Amazon's example says "CASES"  # type: ignore[union-attr]
    assert item.net_cost.amount == Decimal("94.97") and isinstance(item.net_cost.amount, Decimal)  # type: ignore[union-attr]
    assert import_order.order_details.ship_window.start == datetime(2019, 8, 21, 7, tzinfo=UTC)  # type: ignore[union-attr]
    mock = [ex for ex in contract.sandbox_examples("orders") if ex.operation_id == "getPurchaseOrders"
            and not ex.request.get("parameters")][0]
    first = wire.GetPurchaseOrdersResponse.model_validate(mock.response).payload.orders[0]  # type: ignore[union-attr]
    assert first.purchase_order_state is None and first.purchase_order_number == "mock-purchaseOrderNumber1"


def test_unknown_fields_from_amazon_survive_a_round_trip() -> None:
    order = wire.Order.model_validate({"purchaseOrderNumber": "4Z32PABC", "purchaseOrderState": "new",
                                       "brandNewField": {"x": 1}})
    assert order.purchase_order_state == "New"
    assert order.to_wire()["brandNewField"] == {"x": 1}


def test_a_naive_time_from_amazon_is_read_as_utc() -> None:
    status = wire.OrderStatus.model_validate({"purchaseOrderNumber": "A", "lastUpdatedDate": "2020-08-17T05:07:00"})
    assert status.last_updated_date == datetime(2020, 8, 17, 5, 7, tzinfo=UTC)


@pytest.mark.parametrize("operation", list(REQUESTS))
def test_every_official_accepted_example_request_round_trips_through_the_request_models(operation: str) -> None:
    model, api, definition = REQUESTS[operation]
    example = next(ex for ex in contract.sandbox_examples(api) if ex.operation_id == operation and ex.status == "202"
                   and ex.request["parameters"]["body"].get("value"))
    body = example.request["parameters"]["body"]["value"]
    wire_out = model.model_validate(body).to_wire()  # type: ignore[attr-defined]
    contract.validate(api, definition, wire_out)
    assert _normalised(wire_out) == _normalised(body)


def _normalised(value: Any) -> Any:
    """Compare instants as instants ("...00.000Z" == "...00Z")."""
    if isinstance(value, dict):
        return {k: _normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    if isinstance(value, str) and len(value) >= 20 and value[10:11] == "T":
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


SHIPPED = datetime(2025, 3, 4, 15, 30, tzinfo=UTC)
US = wire.PartyIdentification(party_id="ACRNUS")


def _asn() -> wire.SubmitShipmentConfirmationsRequest:
    qty = wire.ItemQuantity(amount=24, unit_of_measure="Eaches")
    return wire.SubmitShipmentConfirmationsRequest(shipment_confirmations=[wire.ShipmentConfirmation(
        shipment_identifier="ACRN-SHP-000123",
        shipment_confirmation_type="Original",
        shipment_type="LessThanTruckLoad",
        shipment_structure="PalletizedAssortmentCase",
        transportation_details=wire.TransportationDetails(carrier_scac="ODFL",
                                                          carrier_shipment_reference_number="PRO778",
                                                          transportation_mode="Road", bill_of_lading_number="BOL42"),
        shipment_confirmation_date=SHIPPED + timedelta(minutes=5),
        shipped_date=SHIPPED,
        estimated_delivery_date=SHIPPED + timedelta(days=2),
        selling_party=US,
        ship_from_party=wire.PartyIdentification(party_id="ACRNWH1"),
        ship_to_party=wire.PartyIdentification(party_id="ABE8"),
        shipment_measurements=wire.ShipmentMeasurements(
            gross_shipment_weight=wire.Weight(unit_of_measure="Kg", value=Decimal("41.5")), carton_count=2,
            pallet_count=1),
        shipped_items=[wire.ShippedItem(item_sequence_number="1", vendor_product_identifier="0614141000012",
                                        shipped_quantity=wire.ItemQuantity(amount=48, unit_of_measure="Eaches"),
                                        item_details=wire.ItemDetails(purchase_order_number="ACRN0001"))],
        cartons=[wire.Carton(carton_identifiers=[wire.ContainerIdentification.sscc(sscc)],
                             carton_sequence_number=str(n), tracking_number=f"TRK{n}",
                             items=[wire.ContainerItem(item_reference="1", shipped_quantity=qty)])
                 for n, sscc in enumerate(["006141410000000012", "006141410000000029"], start=1)],
        pallets=[wire.Pallet(pallet_identifiers=[wire.ContainerIdentification.sscc("006141410000000036")],
                             tier=1, block=2,
                             carton_reference_details=wire.CartonReferenceDetails(
                                 carton_count=2, carton_reference_numbers=["1", "2"]))],
    )])


def _invoice() -> wire.SubmitInvoicesRequest:
    usd = lambda amount: wire.Money(currency_code="USD", amount=Decimal(amount))  # noqa: E731
    return wire.SubmitInvoicesRequest(invoices=[wire.Invoice(
        invoice_type="Invoice", id="US-000001", date=SHIPPED,
        remit_to_party=wire.PartyIdentification(party_id="ACRNUS", address=wire.Address(
            name="Acorn Demo Goods Co.", address_line1="100 Harbor Way", city="Reno", state_or_region="NV",
            postal_or_zip_code="89502", country_code="US")),
        bill_to_party=wire.PartyIdentification(party_id="AMZN"),
        invoice_total=usd("1036.80"),
        tax_details=[wire.TaxDetails(tax_type="ST", tax_rate=Decimal("0"), tax_amount=usd("0.00"))],
        payment_terms=wire.PaymentTerms(type="Basic", discount_percent=Decimal("2"), discount_due_days=10,
                                        net_due_days=60),
        items=[wire.InvoiceItem(item_sequence_number=1, amazon_product_identifier="B07DFVDRAB",
                                vendor_product_identifier="0614141000012", purchase_order_number="ACRN0001",
                                invoiced_quantity=wire.ItemQuantity(amount=48, unit_of_measure="Eaches"),
                                net_cost=usd("21.60"))],
    )])


def _ack() -> wire.SubmitAcknowledgementRequest:
    return wire.SubmitAcknowledgementRequest(acknowledgements=[wire.OrderAcknowledgement(
        purchase_order_number="ACRN0001", selling_party=US, acknowledgement_date=SHIPPED,
        items=[wire.OrderAcknowledgementItem(
            item_sequence_number="1", amazon_product_identifier="B07DFVDRAB",
            ordered_quantity=wire.ItemQuantity(amount=48, unit_of_measure="Eaches", unit_size=1),
            net_cost=wire.Money(currency_code="USD", amount=Decimal("21.60")),
            item_acknowledgements=[
                wire.OrderItemAcknowledgement(
                    acknowledgement_code="Accepted",
                    acknowledged_quantity=wire.ItemQuantity(amount=40, unit_of_measure="Eaches"),
                    scheduled_ship_date=SHIPPED),
                wire.OrderItemAcknowledgement(
                    acknowledgement_code="Rejected", rejection_reason="TemporarilyUnavailable",
                    acknowledged_quantity=wire.ItemQuantity(amount=8, unit_of_measure="Eaches")),
            ])])])


@pytest.mark.parametrize(("build", "api", "definition"), [
    pytest.param(_ack, "orders", "SubmitAcknowledgementRequest", id="acknowledgement"),
    pytest.param(_asn, "shipments", "SubmitShipmentConfirmationsRequest", id="shipment-confirmation"),
    pytest.param(_invoice, "invoices", "SubmitInvoicesRequest", id="invoice"),
])
def test_what_acorn_builds_validates_against_amazons_model(build: Any, api: str, definition: str) -> None:
    request = build()
    dumped = request.model_dump(by_alias=True, exclude_none=True, mode="json")
    contract.validate(api, definition, dumped)
    assert outgoing_payload(request, api=api, definition=definition, operation="test") == dumped


def test_money_is_decimal_in_python_and_a_string_on_the_wire() -> None:
    invoice = _invoice()
    total = invoice.invoices[0].invoice_total
    assert total.amount == Decimal("1036.80") and isinstance(total.amount, Decimal)
    wire_total = invoice.to_wire()["invoices"][0]["invoiceTotal"]
    assert wire_total == {"currencyCode": "USD", "amount": "1036.80"}
    assert invoice.to_wire()["invoices"][0]["paymentTerms"]["netDueDays"] == 60  # a number in the model


def test_a_float_amount_keeps_the_decimal_it_was_written_as() -> None:
    assert wire.Money(currency_code="USD", amount=0.1).amount == Decimal("0.1")  # type: ignore[arg-type]


def test_times_go_out_in_utc_with_a_z() -> None:
    eastern = timezone(timedelta(hours=-5))
    ack = wire.OrderAcknowledgement(purchase_order_number="P", selling_party=US, items=[],
                                    acknowledgement_date=datetime(2025, 3, 4, 10, 0, 0, 250000, tzinfo=eastern))
    assert ack.to_wire()["acknowledgementDate"] == "2025-03-04T15:00:00.250Z"


def test_the_asn_carries_sscc_labelled_cartons_and_pallets_and_the_carrier() -> None:
    confirmation = _asn().to_wire()["shipmentConfirmations"][0]
    assert confirmation["cartons"][0]["cartonIdentifiers"] == [
        {"containerIdentificationType": "SSCC", "containerIdentificationNumber": "006141410000000012"}]
    assert confirmation["transportationDetails"] == {"carrierScac": "ODFL", "carrierShipmentReferenceNumber": "PRO778",
                                                     "transportationMode": "Road", "billOfLadingNumber": "BOL42"}
    assert confirmation["shippedDate"] == "2025-03-04T15:30:00Z"


@pytest.mark.parametrize(("build", "message"), [
    pytest.param(lambda: wire.ContainerIdentification.sscc("006141410000000013"), "check digit", id="sscc-check-digit"),
    pytest.param(lambda: wire.ContainerIdentification.sscc("12345"), "18 digits", id="sscc-length"),
    pytest.param(lambda: wire.OrderAcknowledgement(purchase_order_number="P", selling_party=US, items=[],
                                                   acknowledgement_date=datetime(2025, 1, 1)), "timezone",
                 id="naive-date"),
    pytest.param(lambda: wire.OrderItemAcknowledgement(acknowledgement_code="Accept",
                                                       acknowledged_quantity=wire.ItemQuantity(amount=1)),
                 "'Accepted', 'Backordered' or 'Rejected'", id="enum"),
    pytest.param(lambda: wire.TransportationDetails(carrier_scac="ODFL", carrierScacc="X"), "carrierScacc",
                 id="unknown-field"),
    pytest.param(lambda: wire.Money(currency_code="USD", amount="NaN"), "amount", id="nan-money"),
])
def test_sending_is_strict(build: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        build()


def test_a_dict_payload_with_a_field_the_model_does_not_declare_is_refused_before_sending() -> None:
    body = _invoice().to_wire()
    body["invoices"][0]["remitToParty"]["address"]["postalCode"] = "89502"  # orders' spelling, not invoices'
    del body["invoices"][0]["invoiceTotal"]
    with pytest.raises(InvalidSubmission) as caught:
        outgoing_payload(body, api="invoices", definition="SubmitInvoicesRequest", operation="submitInvoices")
    assert any("invoices/0/remitToParty/address/postalCode: not a field" in p for p in caught.value.problems)
    assert any("invoiceTotal" in p and "required" in p for p in caught.value.problems)
    assert caught.value.operation == "submitInvoices"


def test_a_dict_payload_may_hold_decimals_and_aware_datetimes() -> None:
    body = {"acknowledgements": [{"purchaseOrderNumber": "P", "sellingParty": {"partyId": "ACRNUS"},
                                  "acknowledgementDate": SHIPPED, "items": [
                                      {"orderedQuantity": {"amount": 1}, "netCost": {"amount": Decimal("9.50")},
                                       "itemAcknowledgements": [{"acknowledgementCode": "Accepted",
                                                                 "acknowledgedQuantity": {"amount": 1}}]}]}]}
    out = outgoing_payload(body, api="orders", definition="SubmitAcknowledgementRequest", operation="x")
    assert out["acknowledgements"][0]["acknowledgementDate"] == "2025-03-04T15:30:00Z"
    assert out["acknowledgements"][0]["items"][0]["netCost"] == {"amount": "9.50"}


def test_the_sscc_check_agrees_with_the_gs1_check_digit_of_python_stdnum() -> None:
    import random

    from stdnum import ean

    rng = random.Random(7)
    for _ in range(500):
        base = "".join(rng.choice("0123456789") for _ in range(17))
        good = base + ean.calc_check_digit(base)
        bad = base + str((int(good[-1]) + 1) % 10)
        assert wire.ContainerIdentification.sscc(good).container_identification_number == good
        with pytest.raises(ValidationError):
            wire.ContainerIdentification.sscc(bad)


def test_a_party_read_from_a_po_is_respelt_for_the_api_it_is_sent_to() -> None:
    bill_to = wire.PartyIdentification.model_validate({
        "partyId": "AMZNCA", "address": {"name": "Amazon.com.ca ULC", "addressLine1": "40 King Street West",
                                         "city": "Toronto", "postalCode": "M5H 3Y2", "countryCode": "CA"},
        "taxInfo": {"taxRegistrationType": "GST", "taxRegistrationNumber": "85730 5932 RT0001"}})
    for_invoice = bill_to.for_api("invoices").to_wire()
    contract.validate("invoices", "PartyIdentification", for_invoice)
    assert for_invoice["address"]["postalOrZipCode"] == "M5H 3Y2" and "postalCode" not in for_invoice["address"]
    assert for_invoice["taxRegistrationDetails"] == [{"taxRegistrationType": "GST",
                                                      "taxRegistrationNumber": "85730 5932 RT0001"}]
    assert bill_to.for_api("invoices").for_api("orders").to_wire() == bill_to.to_wire()


def test_amazons_shipment_details_example_reads_typed_despite_its_spelling() -> None:
    op = contract.model("shipments")["paths"]["/vendor/shipping/v1/shipments"]["get"]
    body = op["responses"]["200"]["examples"]["application/json"]
    details = wire.GetShipmentDetailsResponse.model_validate(body).payload
    assert details is not None and details.pagination is not None and details.pagination.next_token
    (shipment,) = details.shipments
    assert shipment.current_shipment_status == "CarrierAssigned"
    assert shipment.current_shipment_status_date == datetime(2019, 8, 9, 19, 56, 45, 632000, tzinfo=UTC)  # naive: UTC
    carton = shipment.containers[0]
    assert carton.weight is not None and carton.weight.unit_of_measure == "Kg"  # "KG" in the example
    assert carton.dimensions is not None and carton.dimensions.unit_of_measure == "In"  # "IN"
    assert carton.container_identifiers[0].container_identification_number == "213124134213"  # not an SSCC-18
    assert shipment.to_wire()["currentshipmentStatusDate"] == "2019-08-09T19:56:45.632Z"  # the model's spelling


def _behaviour_examples(operation: str) -> list[Any]:
    """The ``x-amazon-spds-sandbox-behaviors`` answers (the key the collect-freight operations' examples use)."""
    return [pytest.param(ex["response"], id=f"{operation}-{status}-{n}")
            for ops in contract.model("shipments")["paths"].values() for op in ops.values()
            if isinstance(op, dict) and op.get("operationId") == operation
            for status, resp in op["responses"].items()
            for n, ex in enumerate(resp.get("x-amazon-spds-sandbox-behaviors", []))]


@pytest.mark.parametrize("body", _behaviour_examples("GetShipmentLabels"))
def test_amazons_label_examples_parse_with_each_label_named_by_its_tracking_id(body: Any) -> None:
    parsed = wire.GetShipmentLabelsResponse.model_validate(body)
    if "payload" not in body:
        assert parsed.errors and parsed.errors[0].code == "InvalidRequest"
        return
    (label,) = parsed.payload.transport_labels  # type: ignore[union-attr]
    raw = body["payload"]["transportLabels"][0]
    assert label.shipment_information.buyer_reference_number == raw["shipmentInformation"]["buyerReferenceNumber"]
    assert [d.tracking_id for d in label.label_data] == [d.get("trackingId") for d in raw["labelData"]]


@pytest.mark.parametrize("body", _behaviour_examples("SubmitShipments"))
def test_amazons_routing_request_answers_parse(body: Any) -> None:
    parsed = wire.SubmissionResponse.model_validate(body)
    assert (parsed.payload is not None and parsed.payload.transaction_id) or parsed.errors
