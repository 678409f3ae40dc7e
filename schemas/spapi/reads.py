"""What Acorn reads: purchase orders, their status (goods receipts) and transactions."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ._base import (
    PURCHASE_ORDER_STATES,
    TRANSACTION_STATES,
    DateTimeInterval,
    ErrorDetail,
    ItemQuantity,
    Money,
    Pagination,
    PartyIdentification,
    UtcDateTime,
    WireModel,
    _tolerant,
)

# --------------------------------------------------------------------------- orders (read)


class OrderItem(WireModel):
    item_sequence_number: str
    amazon_product_identifier: str | None = None
    vendor_product_identifier: str | None = None
    ordered_quantity: ItemQuantity | None = None
    is_back_order_allowed: bool | None = None
    net_cost: Money | None = None
    list_price: Money | None = None


class ImportDetails(WireModel):
    method_of_payment: str | None = None
    international_commercial_terms: str | None = None
    port_of_delivery: str | None = None
    import_containers: str | None = None
    shipping_instructions: str | None = None


class OrderDetails(WireModel):
    purchase_order_date: UtcDateTime
    purchase_order_changed_date: UtcDateTime | None = None
    purchase_order_state_changed_date: UtcDateTime | None = None
    purchase_order_type: str | None = None
    import_details: ImportDetails | None = None
    deal_code: str | None = None
    payment_method: str | None = None
    buying_party: PartyIdentification | None = None
    selling_party: PartyIdentification | None = None
    ship_to_party: PartyIdentification | None = None
    bill_to_party: PartyIdentification | None = None
    ship_window: DateTimeInterval | None = None
    delivery_window: DateTimeInterval | None = None
    items: list[OrderItem] = Field(default_factory=list)


class Order(WireModel):
    """A purchase order as getPurchaseOrders / getPurchaseOrder return it."""

    purchase_order_number: str
    purchase_order_state: Annotated[str, _tolerant(*PURCHASE_ORDER_STATES)] | None = None
    order_details: OrderDetails | None = None


class OrderList(WireModel):
    pagination: Pagination | None = None
    orders: list[Order] = Field(default_factory=list)


class GetPurchaseOrdersResponse(WireModel):
    payload: OrderList | None = None
    errors: list[ErrorDetail] | None = None


class GetPurchaseOrderResponse(WireModel):
    payload: Order | None = None
    errors: list[ErrorDetail] | None = None


# --------------------------------------------------------------------------- order status (read)


class OrderedQuantityDetails(WireModel):
    updated_date: UtcDateTime | None = None
    ordered_quantity: ItemQuantity | None = None
    cancelled_quantity: ItemQuantity | None = None


class OrderedQuantity(WireModel):
    ordered_quantity: ItemQuantity | None = None
    ordered_quantity_details: list[OrderedQuantityDetails] = Field(default_factory=list)


class AcknowledgementStatusDetails(WireModel):
    acknowledgement_date: UtcDateTime | None = None
    accepted_quantity: ItemQuantity | None = None
    rejected_quantity: ItemQuantity | None = None


class AcknowledgementStatus(WireModel):
    confirmation_status: Annotated[str, _tolerant("ACCEPTED", "PARTIALLY_ACCEPTED", "REJECTED",
                                                  "UNCONFIRMED")] | None = None
    accepted_quantity: ItemQuantity | None = None
    rejected_quantity: ItemQuantity | None = None
    acknowledgement_status_details: list[AcknowledgementStatusDetails] = Field(default_factory=list)


class ReceivingStatus(WireModel):
    """What Amazon's warehouse says it received: the goods receipt (may lag or be missing)."""

    receive_status: Annotated[str, _tolerant("NOT_RECEIVED", "PARTIALLY_RECEIVED", "RECEIVED")] | None = None
    received_quantity: ItemQuantity | None = None
    last_receive_date: UtcDateTime | None = None


class OrderItemStatus(WireModel):
    item_sequence_number: str
    buyer_product_identifier: str | None = None
    vendor_product_identifier: str | None = None
    net_cost: Money | None = None
    list_price: Money | None = None
    ordered_quantity: OrderedQuantity | None = None
    acknowledgement_status: AcknowledgementStatus | None = None
    receiving_status: ReceivingStatus | None = None


class OrderStatus(WireModel):
    """A purchase order's status from getPurchaseOrdersStatus, with per-item receipts."""

    purchase_order_number: str
    purchase_order_status: Annotated[str, _tolerant("OPEN", "CLOSED")] | None = None
    purchase_order_date: UtcDateTime | None = None
    last_updated_date: UtcDateTime | None = None
    selling_party: PartyIdentification | None = None
    ship_to_party: PartyIdentification | None = None
    item_status: list[OrderItemStatus] = Field(default_factory=list)


class OrderListStatus(WireModel):
    pagination: Pagination | None = None
    orders_status: list[OrderStatus] = Field(default_factory=list)


class GetPurchaseOrdersStatusResponse(WireModel):
    payload: OrderListStatus | None = None
    errors: list[ErrorDetail] | None = None


# --------------------------------------------------------------------------- transactions (read)


class TransactionStatus(WireModel):
    """The outcome of one submission (Amazon's ``Transaction``: id, status, errors)."""

    transaction_id: str
    status: Annotated[str, _tolerant(*TRANSACTION_STATES)]
    errors: list[ErrorDetail] = Field(default_factory=list)

    @property
    def is_final(self) -> bool:
        return self.status != "Processing"

    @property
    def succeeded(self) -> bool:
        return self.status == "Success"


class TransactionStatusPayload(WireModel):
    transaction_status: TransactionStatus


class GetTransactionResponse(WireModel):
    payload: TransactionStatusPayload | None = None
    errors: list[ErrorDetail] | None = None


class TransactionReference(WireModel):
    transaction_id: str | None = None


class SubmissionResponse(WireModel):
    """The 202 answer of every submit operation."""

    payload: TransactionReference | None = None
    errors: list[ErrorDetail] | None = None
