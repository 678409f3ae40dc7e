"""Pydantic wire models for the part of Amazon's Retail Procurement APIs that Acorn uses.

Amazon's Swagger models (``schemas/spapi_models``) are the contract; these classes are the
typed view of it. Two postures, on purpose:

* **Reading** (``Order``, ``OrderStatus``, ``TransactionStatus`` and the blocks they share)
  is tolerant. Amazon's own examples break their model (``"CASES"`` for ``"Cases"``, orders
  without ``purchaseOrderState``), so enums are matched case-insensitively and unknown
  values are kept, most fields are optional, and unknown fields survive (``extra="allow"``).
* **Sending** (``Submit*Request`` and everything only they use) is strict: enums are
  ``Literal``, unknown fields are refused, dates must be timezone-aware, SSCCs must carry a
  valid GS1 check digit. The client additionally validates every payload against the
  contract before it leaves (``acorn.contract.validate``).

Field names are snake_case in Python and camelCase on the wire (aliases; both accepted).
Money and other Amazon ``Decimal`` values are :class:`~decimal.Decimal` in Python and
strings on the wire; instants are UTC ``datetime`` s, written as ``...Z``.
Serialise with :meth:`SendModel.to_wire` (``model_dump(by_alias=True, exclude_none=True,
mode="json")``).

Per-API differences that the shared blocks absorb: orders' ``PartyIdentification`` carries
``taxInfo`` while shipments and invoices carry ``taxRegistrationDetails``; the invoices
``Address`` says ``postalOrZipCode`` where the others say ``postalCode``. Both spellings
exist on the shared classes; the client refuses, before sending, any field the target
API's model does not declare.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field,
                      PlainSerializer, field_validator, model_serializer, model_validator)
from pydantic.alias_generators import to_camel

# --------------------------------------------------------------------------- value types


def _iso_utc(value: datetime) -> str:
    value = value.astimezone(UTC)
    spec = "milliseconds" if value.microsecond else "seconds"
    return value.isoformat(timespec=spec).replace("+00:00", "Z")


def _as_utc(value: datetime) -> datetime:
    """Amazon sometimes omits the zone; its services run on UTC, so read naive as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _decimal_in(value: Any) -> Any:
    # A float has already lost the decimal the sender wrote; repr() gives back its shortest
    # exact spelling (what a JSON number said), so no binary noise enters our money.
    return Decimal(repr(value)) if isinstance(value, float) else value


def _decimal_out(value: Decimal) -> str:
    return format(value, "f")


#: An instant read from Amazon: naive values are taken as UTC, everything is held in UTC.
UtcDateTime = Annotated[datetime, AfterValidator(_as_utc), PlainSerializer(_iso_utc, when_used="json")]
#: An instant we send: must carry a zone; written in UTC as ``YYYY-MM-DDTHH:MM:SS[.mmm]Z``.
SendDateTime = Annotated[AwareDatetime, AfterValidator(_as_utc), PlainSerializer(_iso_utc, when_used="json")]
#: Amazon's ``Decimal`` (a string on the wire), never a float in Python.
WireDecimal = Annotated[Decimal, BeforeValidator(_decimal_in), Field(allow_inf_nan=False),
                        PlainSerializer(_decimal_out, return_type=str, when_used="json")]


def _tolerant(*allowed: str) -> BeforeValidator:
    """Canonicalise an enum value case-insensitively; keep values Amazon added later."""
    canonical = {v.lower(): v for v in allowed}
    return BeforeValidator(lambda v: canonical.get(v.lower(), v) if isinstance(v, str) else v)


UNITS_OF_MEASURE = ("Cases", "Eaches")
WEIGHT_UNITS = ("POUNDS", "OUNCES", "GRAMS", "KILOGRAMS")
PURCHASE_ORDER_STATES = ("New", "Acknowledged", "Closed")
TRANSACTION_STATES = ("Processing", "Success", "Failure")

UnitOfMeasure = Annotated[str, _tolerant(*UNITS_OF_MEASURE)]
WeightUnit = Annotated[str, _tolerant(*WEIGHT_UNITS)]


def _sscc_check_digit_ok(number: str) -> bool:
    """GS1 mod-10 over the first 17 digits (weights 3,1,3,... from the left for 18 digits)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(number[:17]))
    return (10 - total % 10) % 10 == int(number[17])


# --------------------------------------------------------------------------- bases


class WireModel(BaseModel):
    """Read side: tolerant, camelCase on the wire, unknown fields kept."""

    model_config = ConfigDict(populate_by_name=True, alias_generator=to_camel, extra="allow")

    def to_wire(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


class SendModel(WireModel):
    """Send side: unknown fields refused."""

    model_config = ConfigDict(populate_by_name=True, alias_generator=to_camel, extra="forbid")


# --------------------------------------------------------------------------- shared blocks


class ErrorDetail(WireModel):
    """One entry of Amazon's ``errors`` list (the model's ``Error``)."""

    code: str = ""
    message: str = ""
    details: str | None = None


class Address(WireModel):
    name: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    address_line3: str | None = None
    city: str | None = None
    county: str | None = None
    district: str | None = None
    state_or_region: str | None = None
    postal_code: str | None = None          # orders, shipments
    postal_or_zip_code: str | None = None   # invoices
    country_code: str | None = None
    phone: str | None = None


class TaxRegistrationDetails(WireModel):
    tax_registration_type: Annotated[str, _tolerant("VAT", "GST")]
    tax_registration_number: str


class PartyIdentification(WireModel):
    """A party (vendor code, warehouse, fulfilment centre) with optional address and tax ids."""

    party_id: str
    address: Address | None = None
    tax_info: TaxRegistrationDetails | None = None                          # orders API
    tax_registration_details: list[TaxRegistrationDetails] | None = None    # shipments, invoices


class TotalWeight(WireModel):
    amount: WireDecimal
    unit_of_measure: WeightUnit


class ItemQuantity(WireModel):
    amount: int | None = None
    unit_of_measure: UnitOfMeasure | None = None
    unit_size: int | None = None
    total_weight: TotalWeight | None = None   # shipments, invoices


class Money(WireModel):
    currency_code: str | None = None
    amount: WireDecimal | None = None
    unit_of_measure: WeightUnit | None = None   # orders: price per weight unit


class DateTimeInterval(WireModel):
    """Amazon's ``start--end`` interval string (ship and delivery windows)."""

    start: UtcDateTime
    end: UtcDateTime

    @model_validator(mode="before")
    @classmethod
    def _from_wire(cls, value: Any) -> Any:
        if isinstance(value, str):
            start, sep, end = value.partition("--")
            if not sep:
                raise ValueError(f"interval {value!r} is not 'start--end'")
            return {"start": start.strip(), "end": end.strip()}
        return value

    @model_serializer(mode="plain", when_used="json")
    def _to_wire(self) -> str:
        return f"{_iso_utc(self.start)}--{_iso_utc(self.end)}"


class Pagination(WireModel):
    next_token: str | None = None


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


# --------------------------------------------------------------------------- acknowledgements (send)


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


# --------------------------------------------------------------------------- shipment confirmations (send)


class Weight(SendModel):
    unit_of_measure: Literal["G", "Kg", "Oz", "Lb"]
    value: WireDecimal


class Volume(SendModel):
    unit_of_measure: Literal["CuFt", "CuIn", "CuM", "CuY"]
    value: WireDecimal


class Dimensions(SendModel):
    length: WireDecimal
    width: WireDecimal
    height: WireDecimal
    unit_of_measure: Literal["In", "Ft", "Meter", "Yard"]


class ShipmentMeasurements(SendModel):
    gross_shipment_weight: Weight | None = None
    shipment_volume: Volume | None = None
    carton_count: int | None = None
    pallet_count: int | None = None


class TransportationDetails(SendModel):
    """Carrier and transport of a confirmed shipment (the model's ...ForShipmentConfirmation)."""

    carrier_scac: str | None = None
    carrier_shipment_reference_number: str | None = None   # PRO number
    transportation_mode: Literal["Road", "Air", "Ocean"] | None = None
    bill_of_lading_number: str | None = None


class ItemDetails(SendModel):
    purchase_order_number: str | None = None
    lot_number: str | None = None
    country_of_origin: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    maximum_retail_price: Money | None = None
    handling_code: Literal["Oversized", "Fragile", "Food", "HandleWithCare"] | None = None


class ShippedItem(SendModel):
    """One line of what left the dock (the model's ``Item``)."""

    item_sequence_number: str
    amazon_product_identifier: str | None = None
    vendor_product_identifier: str | None = None
    shipped_quantity: ItemQuantity
    item_details: ItemDetails | None = None


class ContainerIdentification(SendModel):
    container_identification_type: Literal["SSCC", "AMZNCC", "GTIN", "BPS", "CID"]
    container_identification_number: str

    @classmethod
    def sscc(cls, number: str) -> ContainerIdentification:
        return cls(container_identification_type="SSCC", container_identification_number=number)

    @model_validator(mode="after")
    def _sscc_is_valid(self) -> ContainerIdentification:
        n = self.container_identification_number
        if self.container_identification_type == "SSCC" and not (
                len(n) == 18 and n.isdigit() and _sscc_check_digit_ok(n)):
            raise ValueError(f"SSCC {n!r} is not 18 digits with a valid GS1 check digit")
        return self


class ContainerItem(SendModel):
    item_reference: str   # the shippedItems' itemSequenceNumber
    shipped_quantity: ItemQuantity
    item_details: ItemDetails | None = None


class Carton(SendModel):
    carton_identifiers: list[ContainerIdentification] | None = None
    carton_sequence_number: str
    dimensions: Dimensions | None = None
    weight: Weight | None = None
    tracking_number: str | None = None
    items: list[ContainerItem]


class CartonReferenceDetails(SendModel):
    carton_count: int | None = None
    carton_reference_numbers: list[str]


class Pallet(SendModel):
    pallet_identifiers: list[ContainerIdentification]
    tier: int | None = None
    block: int | None = None
    dimensions: Dimensions | None = None
    weight: Weight | None = None
    carton_reference_details: CartonReferenceDetails | None = None
    items: list[ContainerItem] | None = None


class ShipmentConfirmation(SendModel):
    """The ASN: exactly what left the dock, in cartons and pallets, by which carrier."""

    shipment_identifier: str
    shipment_confirmation_type: Literal["Original", "Replace"]
    shipment_type: Literal["TruckLoad", "LessThanTruckLoad", "SmallParcel"] | None = None
    shipment_structure: Literal["PalletizedAssortmentCase", "LooseAssortmentCase", "PalletOfItems",
                                "PalletizedStandardCase", "LooseStandardCase", "MasterPallet",
                                "MasterCase"] | None = None
    transportation_details: TransportationDetails | None = None
    amazon_reference_number: str | None = None
    shipment_confirmation_date: SendDateTime
    shipped_date: SendDateTime | None = None
    estimated_delivery_date: SendDateTime | None = None
    selling_party: PartyIdentification
    ship_from_party: PartyIdentification
    ship_to_party: PartyIdentification
    shipment_measurements: ShipmentMeasurements | None = None
    shipped_items: list[ShippedItem]
    cartons: list[Carton] | None = None
    pallets: list[Pallet] | None = None


class SubmitShipmentConfirmationsRequest(SendModel):
    shipment_confirmations: list[ShipmentConfirmation]


# --------------------------------------------------------------------------- invoices (send)

TaxType = Literal["CGST", "SGST", "CESS", "UTGST", "IGST", "MwSt.", "PST", "TVA", "VAT", "GST", "ST",
                  "Consumption", "MutuallyDefined", "DomesticVAT"]


class TaxDetails(SendModel):
    tax_type: TaxType
    tax_rate: WireDecimal | None = None
    tax_amount: Money
    taxable_amount: Money | None = None


class ChargeDetails(SendModel):
    type: Literal["Freight", "Packing", "Duty", "Service", "SmallOrder", "InsurancePlacementCost",
                  "InsuranceFee", "SpecialHandlingService", "CollectionAndRecyclingService",
                  "EnvironmentalProtectionService", "TaxCollectedAtSource"]
    description: str | None = None
    charge_amount: Money
    tax_details: list[TaxDetails] | None = None


class AllowanceDetails(SendModel):
    type: Literal["Discount", "DiscountIncentive", "Defective", "Promotional", "UnsaleableMerchandise", "Special"]
    description: str | None = None
    allowance_amount: Money
    tax_details: list[TaxDetails] | None = None


class AdditionalDetails(SendModel):
    type: Literal["SUR", "OCR", "CartonCount"]
    detail: str
    language_code: str | None = None


class PaymentTerms(SendModel):
    type: Literal["Basic", "EndOfMonth", "FixedDate", "Proximo", "PaymentDueUponReceiptOfInvoice",
                  "LetterofCredit"] | None = None
    discount_percent: WireDecimal | None = None
    discount_due_days: int | None = Field(default=None, ge=0)   # a JSON number in the model
    net_due_days: int | None = Field(default=None, ge=0)


class CreditNoteDetails(SendModel):
    reference_invoice_number: str | None = None
    debit_note_number: str | None = None
    returns_reference_number: str | None = None
    goods_return_date: SendDateTime | None = None
    rma_id: str | None = None
    coop_reference_number: str | None = None
    consignors_reference_number: str | None = None


class InvoiceItem(SendModel):
    item_sequence_number: int
    amazon_product_identifier: str | None = None
    vendor_product_identifier: str | None = None
    invoiced_quantity: ItemQuantity
    net_cost: Money
    net_cost_unit_of_measure: Literal["POUNDS", "OUNCES", "GRAMS", "KILOGRAMS"] | None = None
    purchase_order_number: str | None = None
    hsn_code: str | None = None
    credit_note_details: CreditNoteDetails | None = None
    tax_details: list[TaxDetails] | None = None
    charge_details: list[ChargeDetails] | None = None
    allowance_details: list[AllowanceDetails] | None = None


class Invoice(SendModel):
    invoice_type: Literal["Invoice", "CreditNote"]
    id: str
    reference_number: str | None = None
    date: SendDateTime
    remit_to_party: PartyIdentification
    ship_to_party: PartyIdentification | None = None
    ship_from_party: PartyIdentification | None = None
    bill_to_party: PartyIdentification | None = None
    payment_terms: PaymentTerms | None = None
    invoice_total: Money
    tax_details: list[TaxDetails] | None = None
    additional_details: list[AdditionalDetails] | None = None
    charge_details: list[ChargeDetails] | None = None
    allowance_details: list[AllowanceDetails] | None = None
    items: list[InvoiceItem] | None = None

    @field_validator("invoice_total")
    @classmethod
    def _total_is_complete(cls, v: Money) -> Money:
        if v.amount is None or not v.currency_code:
            raise ValueError("invoiceTotal needs both amount and currencyCode")
        return v


class SubmitInvoicesRequest(SendModel):
    invoices: list[Invoice]
