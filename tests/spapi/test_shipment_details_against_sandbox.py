"""GetShipmentDetails through the client: reading back ASNs the sandbox accepted, over loopback."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest
from stdnum import ean

from acorn.sandbox import VENDOR_GS1_PREFIX, SandboxServer
from acorn.spapi import SpApiClient, SubmissionOutcomeUnknown
from schemas import spapi as wire

from .conftest import RecordingTransport, advance_clock, set_faults

SHIPMENTS = "/vendor/shipping/v1/shipments"


def _sscc(serial: int) -> str:
    body = f"0{VENDOR_GS1_PREFIX}{serial:09d}"
    return body + ean.calc_check_digit(body)


def _asn(order: wire.Order, at: datetime, shipment_id: str, *, serial: int,
         shipped: datetime | None = None) -> wire.SubmitShipmentConfirmationsRequest:
    """One unit of the order's first line in one SSCC-labelled carton."""
    details = order.order_details
    assert details is not None and details.selling_party and details.ship_to_party
    line = details.items[0]
    quantity = wire.ItemQuantity(amount=1, unit_of_measure="Eaches")
    return wire.SubmitShipmentConfirmationsRequest(shipment_confirmations=[wire.ShipmentConfirmation(
        shipment_identifier=shipment_id, shipment_confirmation_type="Original", shipment_type="SmallParcel",
        transportation_details=wire.TransportationDetails(carrier_scac="UPSN", carrier_shipment_reference_number="PRO9",
                                                          transportation_mode="Road"),
        shipment_confirmation_date=at, shipped_date=shipped or at - timedelta(minutes=10),
        estimated_delivery_date=at + timedelta(days=2), selling_party=details.selling_party,
        ship_from_party=wire.PartyIdentification(party_id="ACRNWH1"), ship_to_party=details.ship_to_party,
        shipped_items=[wire.ShippedItem(item_sequence_number="1",
                                        amazon_product_identifier=line.amazon_product_identifier,
                                        vendor_product_identifier=line.vendor_product_identifier,
                                        shipped_quantity=quantity,
                                        item_details=wire.ItemDetails(purchase_order_number=order.purchase_order_number))],
        cartons=[wire.Carton(carton_identifiers=[wire.ContainerIdentification.sscc(_sscc(serial))],
                             carton_sequence_number="1", tracking_number=f"1ZGSD{serial:04d}",
                             items=[wire.ContainerItem(item_reference="1", shipped_quantity=quantity)])])])


def _order(sandbox: SandboxServer, client: SpApiClient) -> wire.Order:
    return client.get_purchase_order(sandbox.state.visible_orders()[-1].number)


def test_an_accepted_asn_comes_back_typed(sandbox: SandboxServer, client: SpApiClient) -> None:
    now = sandbox.state.now()
    order = _order(sandbox, client)
    submitted = client.submit_shipment_confirmations(_asn(order, now, "ACRN-GSD-1", serial=1))
    outcome = client.wait_for_transaction(submitted, timeout_s=5, poll_interval_s=0.02)
    assert outcome.succeeded

    (shipment,) = client.get_shipment_details(vendor_shipment_identifier="ACRN-GSD-1")
    assert isinstance(shipment, wire.Shipment)
    assert (shipment.vendor_shipment_identifier, shipment.transaction_type, shipment.current_shipment_status) == (
        "ACRN-GSD-1", "New", "Shipped")
    assert shipment.shipment_confirm_date == now
    assert shipment.current_shipment_status_date == now - timedelta(minutes=10)
    assert shipment.selling_party == order.order_details.selling_party  # type: ignore[union-attr]
    (po,) = shipment.purchase_orders
    assert po.purchase_order_number == order.purchase_order_number
    assert po.items[0].shipped_quantity == wire.ItemQuantity(amount=1, unit_of_measure="Eaches", unit_size=1)
    (carton,) = shipment.containers
    assert carton.container_identifiers[0].container_identification_number == _sscc(1)
    assert shipment.transportation_details is not None
    assert shipment.transportation_details.carrier_details == wire.CarrierDetails(code="UPSN",
                                                                                  shipment_reference_number="PRO9")


def test_nothing_matching_is_an_empty_list(sandbox: SandboxServer, client: SpApiClient) -> None:
    assert client.get_shipment_details(vendor_shipment_identifier="ACRN-NEVER") == []
    order = _order(sandbox, client)
    future = sandbox.state.now() + timedelta(hours=1)
    rejected = client.submit_shipment_confirmations(_asn(order, sandbox.state.now(), "ACRN-GSD-BAD", serial=2,
                                                         shipped=future))
    assert client.wait_for_transaction(rejected, timeout_s=5, poll_interval_s=0.02).status == "Failure"
    assert client.get_shipment_details(vendor_shipment_identifier="ACRN-GSD-BAD") == []
    assert client.get_shipment_details() == []


def test_every_page_is_followed(sandbox: SandboxServer, client: SpApiClient, transport: RecordingTransport) -> None:
    order = _order(sandbox, client)
    started = sandbox.state.now()
    for n in range(3):
        client.submit_shipment_confirmations(_asn(order, sandbox.state.now(), f"ACRN-GSD-P{n}", serial=10 + n))
        advance_clock(sandbox, 60)
    shipments = client.get_shipment_details(limit=1, sort_order="ASC", created_after=started)
    assert [s.vendor_shipment_identifier for s in shipments] == ["ACRN-GSD-P0", "ACRN-GSD-P1", "ACRN-GSD-P2"]
    pages = transport.to(SHIPMENTS)
    assert len(pages) == 3  # no token on the last page
    assert pages[0].params["limit"] == "1" and pages[0].params["createdAfter"]
    assert all(p.params.get("nextToken") for p in pages[1:])


def test_the_page_size_is_the_models_and_filters_are_checked_before_sending(
        client: SpApiClient, transport: RecordingTransport) -> None:
    with pytest.raises(ValueError, match="1..50"):
        client.get_shipment_details(limit=51)
    with pytest.raises(TypeError, match="no filter 'purchase_order_number'"):
        client.get_shipment_details(purchase_order_number="X")
    assert transport.to(SHIPMENTS) == []
    assert client.get_shipment_details(buyer_warehouse_code="ABE8", limit=50) == []
    assert transport.to(SHIPMENTS)[0].params == {"limit": "50", "buyerWarehouseCode": "ABE8"}


def test_a_lost_answer_is_settled_by_reading_the_asn_back(sandbox: SandboxServer, client: SpApiClient) -> None:
    order = _order(sandbox, client)
    set_faults(sandbox, drop_after_commit_rate=1.0)
    with pytest.raises(SubmissionOutcomeUnknown):
        client.submit_shipment_confirmations(_asn(order, sandbox.state.now(), "ACRN-GSD-LOST", serial=20))
    set_faults(sandbox, error_rate=0.5)  # the read is a GET: the sender retries it through 5xx
    (found,) = client.get_shipment_details(vendor_shipment_identifier="ACRN-GSD-LOST")
    assert found.vendor_shipment_identifier == "ACRN-GSD-LOST"
    assert client.stats.operation("GetShipmentDetails").requests >= 1
    httpx.post(f"{sandbox.base_url}/_sandbox/faults", json={}).raise_for_status()
