"""submitAcknowledgement's request: accept, backorder or reject each line of a PO."""

from __future__ import annotations

from typing import Literal

from ._base import ItemQuantity, Money, PartyIdentification, SendDateTime, SendModel


class OrderItemAcknowledgement(SendModel):
    acknowledgement_code: Literal["Accepted", "Backordered", "Rejected"]
    acknowledged_quantity: ItemQuantity
    scheduled_ship_date: SendDateTime | None = None
    scheduled_delivery_date: SendDateTime | None = None
    rejection_reason: Literal["TemporarilyUnavailable", "InvalidProductIdentifier", "ObsoleteProduct"] | None = None


class OrderAcknowledgementItem(SendModel):
    item_sequence_number: str | None = None
    amazon_product_identifier: str | None = None
    vendor_product_identifier: str | None = None
    ordered_quantity: ItemQuantity
    net_cost: Money | None = None
    list_price: Money | None = None
    discount_multiplier: str | None = None
    item_acknowledgements: list[OrderItemAcknowledgement]


class OrderAcknowledgement(SendModel):
    purchase_order_number: str
    selling_party: PartyIdentification
    acknowledgement_date: SendDateTime
    items: list[OrderAcknowledgementItem]


class SubmitAcknowledgementRequest(SendModel):
    acknowledgements: list[OrderAcknowledgement]
