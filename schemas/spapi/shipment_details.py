"""GetShipmentDetails' answer: shipments as Amazon holds them (read side, tolerant).

How Acorn reads back an ASN after a lost answer (``vendorShipmentIdentifier``), and where
Amazon-arranged freight shows its carrier and pickup. Amazon's own example breaks the model
(``"KG"``, ``"IN"``, a pallet inside ``packedItems``, SSCCs of 12 characters), so enums are
matched case-insensitively, nothing is checked that Amazon does not guarantee, and unknown
fields survive. The send-side ``Weight``, ``Volume``, ``Dimensions`` and
``ContainerIdentification`` are strict (Literal units, GS1 check digit); their read-side
twins here are ``Read*``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ._base import (
    ErrorDetail,
    ItemQuantity,
    Money,
    Pagination,
    PartyIdentification,
    UtcDateTime,
    WireDecimal,
    WireModel,
    _tolerant,
)

SHIPMENT_STATUSES = ("Created", "TransportationRequested", "CarrierAssigned", "Shipped")


class ReadWeight(WireModel):
    unit_of_measure: Annotated[str, _tolerant("G", "Kg", "Oz", "Lb")] | None = None
    value: WireDecimal | None = None


class ReadVolume(WireModel):
    unit_of_measure: Annotated[str, _tolerant("CuFt", "CuIn", "CuM", "CuY")] | None = None
    value: WireDecimal | None = None


class ReadDimensions(WireModel):
    length: WireDecimal | None = None
    width: WireDecimal | None = None
    height: WireDecimal | None = None
    unit_of_measure: Annotated[str, _tolerant("In", "Ft", "Meter", "Yard")] | None = None


class ReadContainerIdentification(WireModel):
    container_identification_type: Annotated[str, _tolerant("SSCC", "AMZNCC", "GTIN", "BPS", "CID")]
    container_identification_number: str


class ShipmentStatusDetails(WireModel):
    shipment_status: Annotated[str, _tolerant(*SHIPMENT_STATUSES)] | None = None
    shipment_status_date: UtcDateTime | None = None


class TransportShipmentMeasurements(WireModel):
    total_carton_count: int | None = None
    total_pallet_stackable: int | None = None
    total_pallet_non_stackable: int | None = None
    shipment_weight: ReadWeight | None = None
    shipment_volume: ReadVolume | None = None


class CollectFreightPickupDetails(WireModel):
    requested_pick_up: UtcDateTime | None = None
    scheduled_pick_up: UtcDateTime | None = None
    carrier_assignment_date: UtcDateTime | None = None


class ShipmentPurchaseOrderItem(WireModel):
    """One PO line on the shipment (the model's ``PurchaseOrderItems``)."""

    item_sequence_number: str
    buyer_product_identifier: str | None = None   # the ASIN
    vendor_product_identifier: str | None = None
    shipped_quantity: ItemQuantity | None = None
    maximum_retail_price: Money | None = None


class ShipmentPurchaseOrder(WireModel):
    """A purchase order the shipment carries goods for (the model's ``PurchaseOrders``)."""

    purchase_order_number: str | None = None
    purchase_order_date: UtcDateTime | None = None
    ship_window: str | None = None   # free text in this API ("08/25/2021 - 08/31/2021")
    items: list[ShipmentPurchaseOrderItem] = Field(default_factory=list)


class Location(WireModel):
    type: str | None = None
    location_code: str | None = None
    country_code: str | None = None


class Stop(WireModel):
    function_code: str | None = None
    location_identification: Location | None = None
    arrival_time: UtcDateTime | None = None
    departure_time: UtcDateTime | None = None


class Route(WireModel):
    stops: list[Stop] = Field(default_factory=list)


class ShipmentImportDetails(WireModel):
    """Import details of a shipment (not the orders API's ``ImportDetails``)."""

    method_of_payment: str | None = None
    seal_number: str | None = None
    route: Route | None = None
    import_containers: str | None = None
    billable_weight: ReadWeight | None = None
    estimated_ship_by_date: UtcDateTime | None = None
    handling_instructions: str | None = None


class Duration(WireModel):
    duration_unit: Annotated[str, _tolerant("Days", "Months")] | None = None
    duration_value: int | None = None


class Expiry(WireModel):
    manufacturer_date: UtcDateTime | None = None
    expiry_date: UtcDateTime | None = None
    expiry_after_duration: Duration | None = None


class PackageItemDetails(WireModel):
    purchase_order_number: str | None = None
    lot_number: str | None = None
    expiry: Expiry | None = None


class PackedItem(WireModel):
    """What one container holds (the model's ``PackedItems``)."""

    item_sequence_number: str | None = None
    buyer_product_identifier: str | None = None
    vendor_product_identifier: str | None = None
    packed_quantity: ItemQuantity | None = None
    item_details: PackageItemDetails | None = None


class ContainerSequenceNumber(WireModel):
    container_sequence_number: str | None = None


class InnerContainersDetails(WireModel):
    container_count: int | None = None
    container_sequence_numbers: list[ContainerSequenceNumber] = Field(default_factory=list)


class ShipmentContainer(WireModel):
    """A carton or pallet of the shipment (the model's ``Containers``)."""

    container_type: Annotated[str, _tolerant("carton", "pallet")] | None = None
    container_sequence_number: str | None = None
    container_identifiers: list[ReadContainerIdentification] = Field(default_factory=list)
    tracking_number: str | None = None
    dimensions: ReadDimensions | None = None
    weight: ReadWeight | None = None
    tier: int | None = None
    block: int | None = None
    inner_containers_details: InnerContainersDetails | None = None
    packed_items: list[PackedItem] = Field(default_factory=list)


class CarrierDetails(WireModel):
    name: str | None = None
    code: str | None = None   # SCAC
    phone: str | None = None
    email: str | None = None
    shipment_reference_number: str | None = None   # PRO number


class ShipmentTransportationDetails(WireModel):
    """Transport as Amazon reports it (not the ASN's send-side ``TransportationDetails``)."""

    ship_mode: Annotated[str, _tolerant("TruckLoad", "LessThanTruckLoad", "SmallParcel")] | None = None
    transportation_mode: Annotated[str, _tolerant("Road", "Air", "Ocean")] | None = None
    shipped_date: UtcDateTime | None = None
    estimated_delivery_date: UtcDateTime | None = None
    shipment_delivery_date: UtcDateTime | None = None   # when the fulfilment centre received it
    carrier_details: CarrierDetails | None = None
    bill_of_lading_number: str | None = None


class Shipment(WireModel):
    """One shipment from GetShipmentDetails: an ASN Amazon accepted, or a routing request."""

    vendor_shipment_identifier: str
    transaction_type: Annotated[str, _tolerant("New", "Cancel")] | None = None
    buyer_reference_number: str | None = None
    transaction_date: UtcDateTime | None = None
    current_shipment_status: Annotated[str, _tolerant(*SHIPMENT_STATUSES)] | None = None
    current_shipment_status_date: UtcDateTime | None = Field(default=None, alias="currentshipmentStatusDate")
    shipment_status_details: list[ShipmentStatusDetails] = Field(default_factory=list)
    shipment_create_date: UtcDateTime | None = None
    shipment_confirm_date: UtcDateTime | None = None
    package_label_create_date: UtcDateTime | None = None
    shipment_freight_term: Annotated[str, _tolerant("Collect", "Prepaid")] | None = None
    selling_party: PartyIdentification | None = None
    ship_from_party: PartyIdentification | None = None
    ship_to_party: PartyIdentification | None = None
    shipment_measurements: TransportShipmentMeasurements | None = None
    collect_freight_pickup_details: CollectFreightPickupDetails | None = None
    purchase_orders: list[ShipmentPurchaseOrder] = Field(default_factory=list)
    import_details: ShipmentImportDetails | None = None
    containers: list[ShipmentContainer] = Field(default_factory=list)
    transportation_details: ShipmentTransportationDetails | None = None


class ShipmentDetails(WireModel):
    pagination: Pagination | None = None
    shipments: list[Shipment] = Field(default_factory=list)


class GetShipmentDetailsResponse(WireModel):
    payload: ShipmentDetails | None = None
    errors: list[ErrorDetail] | None = None
