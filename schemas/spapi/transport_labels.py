"""GetShipmentLabels' answer: the carrier labels Amazon prints for a routed small-parcel shipment (read side).

Tolerant like every read model: enums matched case-insensitively, unknown values and fields
kept. ``LabelData.label`` is the base-64 document itself (``labelFormat`` ``PDF``, the
model's only value); :meth:`LabelData.document` decodes it.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from pydantic import Field

from ._base import ErrorDetail, Pagination, PartyIdentification, UtcDateTime, WireModel, _tolerant


class LabelData(WireModel):
    """One label (one carton) with its own tracking id."""

    label_sequence_number: int | None = None
    label_format: Annotated[str, _tolerant("PDF")] | None = None
    carrier_code: str | None = None
    tracking_id: str | None = None
    label: str | None = None

    def document(self) -> bytes:
        """The label file, decoded; ``ValueError`` when Amazon sent no label or not base-64."""
        if not self.label:
            raise ValueError(f"label {self.label_sequence_number} carries no document")
        try:
            return base64.b64decode(self.label, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(f"label {self.label_sequence_number} is not base-64") from None


class LabelVendorDetails(WireModel):
    """Who asked for the labels (the model's ``VendorDetails``)."""

    selling_party: PartyIdentification | None = None
    vendor_shipment_identifier: str | None = None


class ShipmentInformation(WireModel):
    vendor_details: LabelVendorDetails | None = None
    buyer_reference_number: str | None = None
    ship_to_party: PartyIdentification | None = None
    ship_from_party: PartyIdentification | None = None
    warehouse_id: str | None = None
    master_tracking_id: str | None = None
    total_label_count: int | None = None
    ship_mode: Annotated[str, _tolerant("SmallParcel", "LTL")] | None = None


class TransportLabel(WireModel):
    """The labels of one shipment."""

    label_create_date_time: UtcDateTime | None = None
    shipment_information: ShipmentInformation | None = None
    label_data: list[LabelData] = Field(default_factory=list)


class TransportationLabels(WireModel):
    pagination: Pagination | None = None
    transport_labels: list[TransportLabel] = Field(default_factory=list)


class GetShipmentLabelsResponse(WireModel):
    payload: TransportationLabels | None = None
    errors: list[ErrorDetail] | None = None
