"""SubmitShipments and GetShipmentLabels through the client, over loopback (Amazon-arranged freight)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from acorn.sandbox import SandboxServer
from acorn.spapi import InvalidSubmission, RateLimit, SpApiClient, published_rate_limits
from schemas import spapi as wire

from .conftest import RecordingTransport, advance_clock
from .test_submissions_against_sandbox import _acknowledge_all

LABELS = "/vendor/shipping/v1/transportLabels"
SHIPMENTS = "/vendor/shipping/v1/shipments"


def _routable(sandbox: SandboxServer, client: SpApiClient, pickup: datetime) -> wire.Order:
    """A US order whose ship window holds ``pickup``, acknowledged in full."""
    for visible in reversed(sandbox.state.visible_orders()):
        order = client.get_purchase_order(visible.number)
        details = order.order_details
        if (details and details.ship_window and details.selling_party
                and details.selling_party.party_id == "ACRNUS" and details.purchase_order_changed_date is None
                and details.ship_window.start <= pickup <= details.ship_window.end):
            outcome = client.wait_for_transaction(
                client.submit_acknowledgement(_acknowledge_all(order, sandbox.state.now())), timeout_s=5,
                poll_interval_s=0.02)
            assert outcome.succeeded, outcome
            return order
    raise AssertionError("no order to route")


def _routing(order: wire.Order, sid: str, pickup: datetime, *, cartons: int) -> dict[str, Any]:
    details = order.order_details
    assert details is not None and details.ship_to_party is not None
    item = details.items[0]
    return {"shipments": [{
        "vendorShipmentIdentifier": sid, "transactionType": "New", "transactionDate": pickup - timedelta(days=2),
        "shipmentFreightTerm": "Collect", "sellingParty": {"partyId": "ACRNUS"},
        "shipFromParty": {"partyId": "ACRNWH1", "address": {
            "name": "Acorn", "addressLine1": "100 Harbor Way", "city": "Edison", "stateOrRegion": "NJ",
            "postalCode": "08817", "countryCode": "US"}},
        "shipToParty": {"partyId": details.ship_to_party.party_id},
        "shipmentMeasurements": {"totalCartonCount": cartons, "shipmentWeight": {"unitOfMeasure": "Kg",
                                                                                 "value": "9.5"}},
        "collectFreightPickupDetails": {"requestedPickUp": pickup},
        "purchaseOrders": [{"purchaseOrderNumber": order.purchase_order_number, "items": [{
            "itemSequenceNumber": item.item_sequence_number, "buyerProductIdentifier": item.amazon_product_identifier,
            "shippedQuantity": {"amount": 1, "unitOfMeasure": "Eaches"}}]}],
        "transportationDetails": {"shipMode": "SmallParcel"}}]}


def test_a_routing_request_is_sent_and_its_carrier_labels_come_back_typed_one_per_carton(
        sandbox: SandboxServer, client: SpApiClient, transport: RecordingTransport) -> None:
    pickup = (sandbox.state.now() + timedelta(days=3)).replace(hour=18, minute=0, second=0, microsecond=0)
    order = _routable(sandbox, client, pickup)
    outcome = client.wait_for_transaction(client.submit_shipments(_routing(order, "CF-CLIENT", pickup, cartons=3)),
                                          timeout_s=5, poll_interval_s=0.02)
    assert outcome.succeeded, outcome
    assert client.get_shipment_labels(vendor_shipment_identifier="CF-CLIENT") == []  # no carrier yet

    advance_clock(sandbox, 4 * 3600 + 60)
    (shipment,) = client.get_shipment_details(vendor_shipment_identifier="CF-CLIENT")
    (labels,) = client.get_shipment_labels(vendor_shipment_identifier="CF-CLIENT", limit=1)
    assert isinstance(labels, wire.TransportLabel)
    info = labels.shipment_information
    assert info.buyer_reference_number == shipment.buyer_reference_number
    assert [d.label_sequence_number for d in labels.label_data] == [1, 2, 3] and info.total_label_count == 3
    assert info.master_tracking_id == labels.label_data[0].tracking_id
    assert labels.label_data[1].document().startswith(b"%PDF-")
    assert transport.to(LABELS)[-1].params == {"limit": "1", "vendorShipmentIdentifier": "CF-CLIENT"}
    assert client.stats.operation("GetShipmentLabels").requests == 2


def test_a_routing_request_that_breaks_the_model_is_refused_before_anything_is_sent(
        sandbox: SandboxServer, client: SpApiClient, transport: RecordingTransport) -> None:
    pickup = sandbox.state.now() + timedelta(days=3)
    body = {"shipments": [{"vendorShipmentIdentifier": "CF-BAD", "transactionType": "Renew",
                           "transactionDate": pickup, "sellingParty": {"partyId": "ACRNUS"},
                           "shipFromParty": {"partyId": "ACRNWH1"}, "shipToParty": {"partyId": "ABE8"},
                           "shipmentFreightTerms": "Collect"}]}
    with pytest.raises(InvalidSubmission) as refused:
        client.submit_shipments(body)
    problems = " ".join(refused.value.problems)
    assert "transactionType" in problems and "shipmentFreightTerms: not a field of this model" in problems
    assert transport.to(SHIPMENTS) == []


def test_both_operations_are_paced_at_the_models_published_rate() -> None:
    limits = published_rate_limits()
    assert limits["SubmitShipments"] == limits["GetShipmentLabels"] == RateLimit(10.0, 10)

