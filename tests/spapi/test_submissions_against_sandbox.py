"""Acknowledgements, ASNs and invoices sent to the sandbox, outcomes read by getTransaction."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from stdnum import ean

from acorn.sandbox import VENDOR_GS1_PREFIX, SandboxServer
from acorn.spapi import InvalidSubmission, SpApiClient, TransactionTimeout
from schemas import spapi as wire

from .conftest import RecordingTransport, ledger, set_faults


def _sscc(serial: int) -> str:
    body = f"0{VENDOR_GS1_PREFIX}{serial:09d}"
    return body + ean.calc_check_digit(body)


def _acknowledge_all(order: wire.Order, at: datetime) -> wire.SubmitAcknowledgementRequest:
    details = order.order_details
    assert details is not None and details.selling_party is not None
    return wire.SubmitAcknowledgementRequest(acknowledgements=[wire.OrderAcknowledgement(
        purchase_order_number=order.purchase_order_number, selling_party=details.selling_party,
        acknowledgement_date=at,
        items=[wire.OrderAcknowledgementItem(
            item_sequence_number=item.item_sequence_number, amazon_product_identifier=item.amazon_product_identifier,
            vendor_product_identifier=item.vendor_product_identifier, ordered_quantity=item.ordered_quantity,
            net_cost=item.net_cost, item_acknowledgements=[wire.OrderItemAcknowledgement(
                acknowledgement_code="Accepted", acknowledged_quantity=item.ordered_quantity)])
            for item in details.items])])


def _ship_all(order: wire.Order, at: datetime, shipment_id: str) -> wire.SubmitShipmentConfirmationsRequest:
    details = order.order_details
    assert details is not None and details.selling_party and details.ship_to_party
    items = [wire.ShippedItem(item_sequence_number=item.item_sequence_number,
                              amazon_product_identifier=item.amazon_product_identifier,
                              vendor_product_identifier=item.vendor_product_identifier,
                              shipped_quantity=wire.ItemQuantity(amount=item.ordered_quantity.amount,  # type: ignore[union-attr]
                                                                 unit_of_measure="Eaches"),
                              item_details=wire.ItemDetails(purchase_order_number=order.purchase_order_number))
             for item in details.items]
    return wire.SubmitShipmentConfirmationsRequest(shipment_confirmations=[wire.ShipmentConfirmation(
        shipment_identifier=shipment_id, shipment_confirmation_type="Original", shipment_type="SmallParcel",
        shipment_structure="LooseStandardCase",
        transportation_details=wire.TransportationDetails(carrier_scac="UPSN", carrier_shipment_reference_number="PRO1",
                                                          transportation_mode="Road"),
        shipment_confirmation_date=at, shipped_date=at - timedelta(minutes=10),
        estimated_delivery_date=at + timedelta(days=2),
        selling_party=details.selling_party, ship_from_party=wire.PartyIdentification(party_id="ACRNWH1"),
        ship_to_party=details.ship_to_party, shipped_items=items,
        cartons=[wire.Carton(carton_identifiers=[wire.ContainerIdentification.sscc(_sscc(n))],
                             carton_sequence_number=str(n), tracking_number=f"1ZT1{n:04d}",
                             items=[wire.ContainerItem(item_reference=item.item_sequence_number,
                                                       shipped_quantity=item.shipped_quantity)])
                 for n, item in enumerate(items, start=1)])])


def _invoice_all(order: wire.Order, at: datetime, invoice_id: str) -> wire.SubmitInvoicesRequest:
    details = order.order_details
    assert details is not None and details.selling_party
    lines = [wire.InvoiceItem(item_sequence_number=n, amazon_product_identifier=item.amazon_product_identifier,
                              vendor_product_identifier=item.vendor_product_identifier,
                              purchase_order_number=order.purchase_order_number,
                              invoiced_quantity=wire.ItemQuantity(amount=item.ordered_quantity.amount,  # type: ignore[union-attr]
                                                                  unit_of_measure="Eaches"),
                              net_cost=item.net_cost)  # type: ignore[arg-type]
             for n, item in enumerate(details.items, start=1)]
    total = sum((Decimal(line.invoiced_quantity.amount) * line.net_cost.amount for line in lines),  # type: ignore[operator,misc]
                Decimal("0"))
    currency = details.items[0].net_cost.currency_code  # type: ignore[union-attr]
    return wire.SubmitInvoicesRequest(invoices=[wire.Invoice(
        invoice_type="Invoice", id=invoice_id, date=at,
        remit_to_party=wire.PartyIdentification(party_id=details.selling_party.party_id),
        bill_to_party=details.bill_to_party.for_api("invoices"),  # type: ignore[union-attr]
        invoice_total=wire.Money(currency_code=currency, amount=total),
        items=lines)])


def test_a_purchase_order_goes_from_acknowledgement_to_asn_to_invoice(
        sandbox: SandboxServer, client: SpApiClient) -> None:
    now = sandbox.state.now()
    order = client.get_purchase_order(sandbox.state.visible_orders()[-1].number)
    steps = [
        (client.submit_acknowledgement, _acknowledge_all(order, now)),
        (client.submit_shipment_confirmations, _ship_all(order, now, "ACRN-SHP-T1")),
        (client.submit_invoices, _invoice_all(order, now, "US-T-000001")),
    ]
    for submit, request in steps:
        transaction_id = submit(request)
        outcome = client.wait_for_transaction(transaction_id, timeout_s=5, poll_interval_s=0.02)
        assert (outcome.transaction_id, outcome.status, outcome.errors) == (transaction_id, "Success", [])
    book = ledger(sandbox)
    assert [(e["id"], e["submissions"], e["accepted"]) for e in book["acknowledgements"]] == [
        (order.purchase_order_number, 1, 1)]
    assert [(e["id"], e["submissions"]) for e in book["shipmentConfirmations"]] == [("ACRN-SHP-T1", 1)]
    assert [(e["id"], e["submissions"]) for e in book["invoices"]] == [("US-T-000001", 1)]


def test_a_rule_the_sandbox_enforces_comes_back_as_a_failed_transaction_with_its_errors(
        sandbox: SandboxServer, client: SpApiClient) -> None:
    order = client.get_purchase_order(sandbox.state.visible_orders()[0].number)
    request = _acknowledge_all(order, sandbox.state.now())
    request.acknowledgements[0].purchase_order_number = "ZZZZZZZZ"
    first = client.get_transaction(client.submit_acknowledgement(request))
    assert first.status == "Processing" and not first.is_final
    outcome = client.wait_for_transaction(first.transaction_id, timeout_s=5, poll_interval_s=0.02)
    assert outcome.status == "Failure" and not outcome.succeeded
    assert [e.code for e in outcome.errors] == ["UnknownPurchaseOrder"]
    assert outcome.errors[0].details == "acknowledgements[0].purchaseOrderNumber"


def test_a_plain_dict_is_accepted_when_it_fits_the_model(sandbox: SandboxServer, client: SpApiClient) -> None:
    order = client.get_purchase_order(sandbox.state.visible_orders()[1].number)
    body = _acknowledge_all(order, sandbox.state.now()).model_dump(by_alias=True, exclude_none=True)  # python mode
    outcome = client.wait_for_transaction(client.submit_acknowledgement(body), timeout_s=5, poll_interval_s=0.02)
    assert outcome.status == "Success"


def test_a_payload_that_breaks_the_model_is_refused_before_anything_is_sent(
        sandbox: SandboxServer, client: SpApiClient, transport: RecordingTransport) -> None:
    with pytest.raises(InvalidSubmission) as caught:
        client.submit_invoices({"invoices": [{"invoiceType": "Invoic", "id": "X"}]})
    problems = " ".join(caught.value.problems)
    assert "invoiceType" in problems and "'date' is a required property" in problems
    assert caught.value.operation == "submitInvoices"
    assert transport.to("/vendor/") == [] and ledger(sandbox)["invoices"] == []


def test_waiting_for_a_transaction_that_stays_processing_times_out_with_the_last_status(
        sandbox: SandboxServer, client: SpApiClient) -> None:
    set_faults(sandbox, stuck_processing_rate=1.0)
    order = client.get_purchase_order(sandbox.state.visible_orders()[2].number)
    transaction_id = client.submit_acknowledgement(_acknowledge_all(order, sandbox.state.now()))
    with pytest.raises(TransactionTimeout) as caught:
        client.wait_for_transaction(transaction_id, timeout_s=0.3, poll_interval_s=0.05)
    err = caught.value
    assert err.transaction_id == transaction_id and err.last_status.status == "Processing"
    assert transaction_id in str(err) and err.operation == "getTransaction"
    assert client.stats.operation("getTransaction").requests >= 3
