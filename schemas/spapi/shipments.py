"""SubmitShipmentConfirmations' request: the ASN, with SSCC-labelled cartons and pallets."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ._base import ItemQuantity, Money, PartyIdentification, SendDateTime, SendModel, WireDecimal, _sscc_check_digit_ok


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
