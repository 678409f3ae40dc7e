"""What the simulated Amazon has accepted: shipment confirmations, invoices, SSCCs in use."""

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
    invoices: dict[str, InvoiceRecord] = field(default_factory=dict)
    ssccs: dict[str, str] = field(default_factory=dict)  # SSCC -> shipmentIdentifier that used it
