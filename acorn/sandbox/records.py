"""What the simulated Amazon has accepted: shipment confirmations, routing requests, invoices, SSCCs in use."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from acorn.sandbox.orders import OrderLine, PurchaseOrder


@dataclass(slots=True)
class ShipmentRecord:
    shipment_id: str
    first_accepted_at: datetime
    accepted_at: datetime
    confirmation_type: str
    shipped_date: datetime | None
    estimated_delivery: datetime | None
    delivered_at: datetime
    late: bool
    ssccs: list[str]
    lines: list[tuple[PurchaseOrder, OrderLine, int]]
    revision: int = 1
    #: the accepted ShipmentConfirmation as the vendor sent it: GetShipmentDetails echoes its parties,
    #: containers and carrier (Amazon answers with what it was told, not with what it guesses)
    confirmation: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True, frozen=True)
class CarrierPlan:
    """What Amazon's transportation team decides for a routing request.

    Fixed (from the seed) when the request is accepted, so the outcome does not depend on how
    the clock is moved; each part shows in GetShipmentDetails / GetShipmentLabels once the
    sandbox clock reaches the moment it happens.
    """

    scac: str
    carrier_name: str
    ship_mode: str  # TruckLoad | LessThanTruckLoad | SmallParcel
    assigned_at: datetime  # carrierAssignmentDate; small-parcel labels are created then too
    scheduled_pickup: datetime  # the carrier's appointment at the vendor's dock: goods leave (Shipped)
    estimated_delivery: datetime  # and arrive at the fulfilment centre
    pro_number: str  # carrier's shipment reference (LTL / TL PRO number; small parcel: master tracking id)
    tracking_ids: tuple[str, ...] = ()  # small parcel: one label (and tracking id) per carton


@dataclass(slots=True)
class RoutingRecord:
    """A SubmitShipments routing request Amazon accepted (Amazon-arranged, collect freight)."""

    shipment_id: str
    buyer_reference: str  # Amazon's reference number (ARN): buyerReferenceNumber
    first_accepted_at: datetime
    accepted_at: datetime  # the latest accepted New (an update before the carrier is assigned)
    requested_pickup: datetime
    plan: CarrierPlan
    lines: list[tuple[PurchaseOrder, OrderLine, int]]  # eaches per PO line, as requested
    #: the accepted Shipment as the vendor sent it (parties, measurements, containers are echoed back)
    request: dict[str, Any] = field(default_factory=dict)
    revision: int = 1
    cancelled_at: datetime | None = None  # transactionType Cancel, accepted before pickup


@dataclass(slots=True)
class InvoiceLine:
    """One billed PO line: the invoiced cost next to the PO's, since a difference is settled at payment."""

    po: PurchaseOrder
    line: OrderLine
    quantity: int  # eaches
    net_cost: Decimal  # as invoiced, per each
    po_cost: Decimal | None = None  # the PO line's cost when the invoice was accepted (None: the PO states none)


@dataclass(slots=True)
class InvoiceRecord:
    invoice_id: str
    invoice_type: str
    date: datetime
    total: Decimal
    currency: str | None
    net_days: int
    accepted_at: datetime
    lines: list[InvoiceLine] = field(default_factory=list)


@dataclass
class Registry:
    shipments: dict[str, ShipmentRecord] = field(default_factory=dict)
    routings: dict[str, RoutingRecord] = field(default_factory=dict)  # vendorShipmentIdentifier -> request
    invoices: dict[str, InvoiceRecord] = field(default_factory=dict)
    ssccs: dict[str, str] = field(default_factory=dict)  # SSCC -> shipmentIdentifier that used it
