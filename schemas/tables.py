"""Acorn's store: the system of record for everything Amazon will not let us read back.

SP-API has no endpoint to list the ASNs, invoices or payments a vendor sent, so these
tables are the only durable memory of what was submitted, when, and with what outcome.
Money is ``Numeric`` (Decimal in Python); every timestamp is stored as UTC and comes back
timezone-aware on SQLite and PostgreSQL alike (see :class:`UtcDateTime`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from acorn.domain.claims import ClaimStatus
from acorn.domain.states import AlertStatus, InvoiceStatus, RunStatus, ShipmentStatus
from acorn.domain.vendor_reports import ReportRequestState


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC in, aware UTC out, whatever the dialect.

    SQLite hands back naive datetimes even for ``timezone=True`` columns; normalising here,
    at the boundary, keeps the rest of the code free of "is this naive?" checks.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given to a UTC column; pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _ts(**kw: Any) -> Any:
    return Field(sa_type=UtcDateTime, **kw)


def _money(**kw: Any) -> Any:
    return Field(sa_type=sa.Numeric(14, 2), **kw)


def _json(**kw: Any) -> Any:
    return Field(sa_type=sa.JSON, **kw)


class VendorAccount(SQLModel, table=True):
    __tablename__ = "vendor_account"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=40)
    selling_party: str = Field(max_length=20, index=True)
    marketplace: str = Field(max_length=4)
    region: str = Field(max_length=4)
    currency: str = Field(max_length=3)
    created_at: datetime = _ts(default_factory=utcnow)


class Sku(SQLModel, table=True):
    """A row of the vendor's SKU master, as loaded from the ERP."""

    __tablename__ = "sku"
    __table_args__ = (sa.UniqueConstraint("vendor_sku", name="uq_sku_vendor_sku"),)
    id: int | None = Field(default=None, primary_key=True)
    vendor_sku: str = Field(max_length=40)
    asin: str = Field(max_length=10, index=True)
    ean: str | None = Field(default=None, max_length=14)
    title: str = Field(default="", max_length=300)
    case_pack: int
    unit_weight_kg: Decimal = Field(sa_type=sa.Numeric(10, 3))
    carton_weight_kg: Decimal | None = Field(default=None, sa_type=sa.Numeric(10, 3))
    unit_cost: Decimal = _money()
    currency: str = Field(max_length=3)
    discontinued: bool = False
    updated_at: datetime = _ts(default_factory=utcnow)


class InventoryLevel(SQLModel, table=True):
    __tablename__ = "inventory_level"
    __table_args__ = (sa.UniqueConstraint("vendor_sku", "warehouse", name="uq_inventory_sku_wh"),)
    id: int | None = Field(default=None, primary_key=True)
    vendor_sku: str = Field(max_length=40, index=True)
    warehouse: str = Field(max_length=40)
    on_hand: int
    reserved: int = 0
    restock_date: date | None = None
    restock_units: int | None = None  # arriving on restock_date (None: the ERP did not say)
    updated_at: datetime = _ts(default_factory=utcnow)


class PurchaseOrder(SQLModel, table=True):
    __tablename__ = "purchase_order"
    __table_args__ = (sa.UniqueConstraint("account_code", "po_number", name="uq_po_account_number"),
                      # acknowledgement reads the POs not acknowledged yet (migration 0008)
                      sa.Index("ix_purchase_order_account_acknowledged", "account_code", "acknowledged_at"),
                      # the day report's window (migration 0009)
                      sa.Index("ix_purchase_order_account_ordered", "account_code", "order_date"))
    id: int | None = Field(default=None, primary_key=True)
    account_code: str = Field(max_length=40, index=True)
    po_number: str = Field(max_length=40, index=True)
    state: str = Field(max_length=20)  # New / Acknowledged / Closed (Amazon's purchaseOrderState)
    order_type: str | None = Field(default=None, max_length=30)
    selling_party: str = Field(max_length=20)
    ship_to: str = Field(max_length=20)
    bill_to: str | None = Field(default=None, max_length=20)
    marketplace: str = Field(max_length=4)
    currency: str = Field(max_length=3)
    order_date: datetime = _ts()
    changed_date: datetime | None = _ts(default=None)
    state_changed_date: datetime | None = _ts(default=None)
    ship_window_start: datetime | None = _ts(default=None)
    ship_window_end: datetime | None = _ts(default=None)
    delivery_window_start: datetime | None = _ts(default=None)
    delivery_window_end: datetime | None = _ts(default=None)
    payment_method: str | None = Field(default=None, max_length=20)
    raw_payload: dict[str, Any] = _json(default_factory=dict)
    first_seen_at: datetime = _ts(default_factory=utcnow)
    updated_at: datetime = _ts(default_factory=utcnow)
    acknowledged_at: datetime | None = _ts(default=None)


class PurchaseOrderItem(SQLModel, table=True):
    __tablename__ = "purchase_order_item"
    __table_args__ = (sa.UniqueConstraint("purchase_order_id", "item_sequence", name="uq_po_item_seq"),
                      # free stock and planning read only items with promised units still to ship
                      # (migrations 0008, 0012: backordered units are shipped too)
                      sa.Index("ix_purchase_order_item_open", "purchase_order_id",
                               sqlite_where=sa.text("shipped_qty < accepted_qty + backordered_qty"),
                               postgresql_where=sa.text("shipped_qty < accepted_qty + backordered_qty")))
    id: int | None = Field(default=None, primary_key=True)
    purchase_order_id: int = Field(foreign_key="purchase_order.id", index=True)
    item_sequence: str = Field(max_length=10)
    asin: str | None = Field(default=None, max_length=10)
    vendor_sku: str | None = Field(default=None, max_length=40)
    ordered_qty: int
    unit_of_measure: str = Field(default="Eaches", max_length=10)
    unit_size: int = 1
    net_cost: Decimal | None = _money(default=None)
    currency: str | None = Field(default=None, max_length=3)
    cancelled: bool = False
    backorder_allowed: bool = False  # Amazon's isBackOrderAllowed for the line
    accepted_qty: int = 0
    backordered_qty: int = 0
    rejected_qty: int = 0
    rejection_reason: str | None = Field(default=None, max_length=40)
    scheduled_ship_date: date | None = None
    arriving_qty: int = 0  # of accepted_qty, promised from the arrival on scheduled_ship_date
    shipped_qty: int = 0
    received_qty: int = 0
    damaged_qty: int = 0
    invoiced_qty: int = 0


class Acknowledgement(SQLModel, table=True):
    """The decision Acorn sent for one PO; its delivery is tracked by the outbox row."""

    __tablename__ = "acknowledgement"
    __table_args__ = (sa.UniqueConstraint("account_code", "po_number", name="uq_ack_po"),
                      sa.Index("ix_acknowledgement_account_decided", "account_code", "decided_at"))
    id: int | None = Field(default=None, primary_key=True)
    account_code: str = Field(max_length=40)
    po_number: str = Field(max_length=40)
    decided_at: datetime = _ts()
    deadline: datetime | None = _ts(default=None)
    outbox_key: str = Field(max_length=200)
    accepted_units: int = 0
    backordered_units: int = 0
    rejected_units: int = 0


class Shipment(SQLModel, table=True):
    __tablename__ = "shipment"
    #: packing finds the account's shipments still planned, ASNs those planned that have left (migration 0008)
    __table_args__ = (sa.Index("ix_shipment_account_status", "account_code", "status", "departure"),
                      # the day report's windows (migration 0009)
                      sa.Index("ix_shipment_account_departure", "account_code", "departure"),
                      sa.Index("ix_shipment_account_asn_submitted", "account_code", "asn_submitted_at"))
    id: int | None = Field(default=None, primary_key=True)
    account_code: str = Field(max_length=40, index=True)
    shipment_identifier: str = Field(unique=True, max_length=40)
    ship_to: str = Field(max_length=20)
    status: str = Field(default=ShipmentStatus.PLANNED.value, max_length=20)  # acorn.domain.states.ShipmentStatus
    structure: str = Field(max_length=40)
    transport_mode: str = Field(max_length=20)
    carrier_scac: str | None = Field(default=None, max_length=8)
    pro_number: str | None = Field(default=None, max_length=40)
    bill_of_lading: str | None = Field(default=None, max_length=40)
    seal_number: str | None = Field(default=None, max_length=40)  # the trailer seal, when the dock records it
    departure: datetime = _ts()
    estimated_delivery: datetime = _ts()
    delivery_appointment: datetime | None = _ts(default=None)
    asn_deadline: datetime = _ts()
    asn_submitted_at: datetime | None = _ts(default=None)
    asn_revision: int = 0  # 0 = Original; each Replace bumps it
    total_weight_kg: Decimal = Field(default=Decimal("0"), sa_type=sa.Numeric(12, 3))
    created_at: datetime = _ts(default_factory=utcnow)
    # who pays the carrier: Prepaid (the vendor books it) or Collect (Amazon-arranged, routed with
    # SubmitShipments); for Collect, what Amazon answered, read back with GetShipmentDetails
    freight_term: str = Field(default="Prepaid", max_length=10, sa_column_kwargs={"server_default": "Prepaid"})
    carrier_name: str | None = Field(default=None, max_length=80)
    amazon_reference_number: str | None = Field(default=None, max_length=40)  # the ARN (buyerReferenceNumber)
    requested_pickup: datetime | None = _ts(default=None)
    scheduled_pickup: datetime | None = _ts(default=None)
    carrier_assigned_at: datetime | None = _ts(default=None)


class ShipmentLine(SQLModel, table=True):
    __tablename__ = "shipment_line"
    __table_args__ = (sa.UniqueConstraint("shipment_id", "po_number", "item_sequence", name="uq_shipment_line"),
                      sa.Index("ix_shipment_line_po_item", "po_number", "item_sequence"))
    id: int | None = Field(default=None, primary_key=True)
    shipment_id: int = Field(foreign_key="shipment.id", index=True)
    po_number: str = Field(max_length=40)
    item_sequence: str = Field(max_length=10)
    vendor_sku: str | None = Field(default=None, max_length=40)
    asin: str | None = Field(default=None, max_length=10)
    shipped_qty: int


class Pallet(SQLModel, table=True):
    __tablename__ = "pallet"
    id: int | None = Field(default=None, primary_key=True)
    shipment_id: int = Field(foreign_key="shipment.id", index=True)
    sscc: str = Field(unique=True, max_length=18)
    weight_kg: Decimal = Field(sa_type=sa.Numeric(12, 3))


class Carton(SQLModel, table=True):
    __tablename__ = "carton"
    id: int | None = Field(default=None, primary_key=True)
    shipment_id: int = Field(foreign_key="shipment.id", index=True)
    pallet_id: int | None = Field(default=None, foreign_key="pallet.id")
    sscc: str = Field(unique=True, max_length=18)
    weight_kg: Decimal = Field(sa_type=sa.Numeric(12, 3))
    items: list[dict[str, Any]] = _json(default_factory=list)  # [{po_number, item_sequence, vendor_sku, asin, qty}]
    tracking_number: str | None = Field(default=None, max_length=40)  # small parcel: the carrier's


class SsccSerial(SQLModel, table=True):
    """The next free serial per GS1 company prefix: an SSCC is never reused."""

    __tablename__ = "sscc_serial"
    company_prefix: str = Field(primary_key=True, max_length=11)
    next_serial: int = 1


class ProNumberAllocation(SQLModel, table=True):
    """The next PRO base per carrier SCAC: a PRO is never reused (the carrier bills by it)."""

    __tablename__ = "pro_number_allocation"
    carrier_scac: str = Field(primary_key=True, max_length=8)
    next_number: int = Field(sa_type=sa.BigInteger)


class BillOfLadingSerial(SQLModel, table=True):
    """The next bill-of-lading serial per GS1 company prefix (a VICS BOL number is a GSIN)."""

    __tablename__ = "bill_of_lading_serial"
    company_prefix: str = Field(primary_key=True, max_length=11)
    next_serial: int = Field(default=1, sa_type=sa.BigInteger)


class OutboxEntry(SQLModel, table=True):
    """One submission to Amazon, written before it is ever posted.

    ``state`` is an :class:`acorn.domain.documents.DocumentState`; the allowed moves are
    there, and the courier (``acorn/services/outbox.py``) makes them compare-and-set.
    """

    __tablename__ = "outbox"
    #: delivery reads the open rows of one kind (migration 0008)
    __table_args__ = (sa.Index("ix_outbox_kind_state", "kind", "state"),
                      # the day report's windows (migration 0009)
                      sa.Index("ix_outbox_account_applied", "account_code", "kind", "state", "applied_at"),
                      sa.Index("ix_outbox_account_completed", "account_code", "kind", "state", "completed_at"))
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=30, index=True)  # acknowledgement / shipment_confirmation / invoice
    idempotency_key: str = Field(unique=True, max_length=200)
    account_code: str = Field(max_length=40)
    business_id: str = Field(max_length=60, index=True)
    payload: dict[str, Any] = _json()
    state: str = Field(default="pending", max_length=20, index=True)
    transaction_id: str | None = Field(default=None, max_length=120)
    attempts: int = 0
    errors: list[dict[str, Any]] = _json(default_factory=list)
    created_at: datetime = _ts(default_factory=utcnow)
    updated_at: datetime = _ts(default_factory=utcnow)
    submitted_at: datetime | None = _ts(default=None)
    completed_at: datetime | None = _ts(default=None)
    #: bumped by every change: each update is compare-and-set on (state, version)
    version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    #: the worker sending this row, and until when (wall clock) its claim holds
    lease_owner: str | None = Field(default=None, max_length=120)
    lease_expires_at: datetime | None = _ts(default=None)
    #: business time of the latest POST, and of a POST whose answer was lost (awaiting proof)
    posted_at: datetime | None = _ts(default=None)
    unconfirmed_posted_at: datetime | None = _ts(default=None)
    #: business time of the POST Amazon applied: what lateness is judged on
    applied_at: datetime | None = _ts(default=None)


class Invoice(SQLModel, table=True):
    __tablename__ = "invoice"
    __table_args__ = (sa.UniqueConstraint("account_code", "invoice_number", name="uq_invoice_number_per_vendor"),
                      sa.Index("ix_invoice_shipment", "shipment_identifier"),
                      sa.Index("ix_invoice_account_status", "account_code", "status"),
                      sa.Index("ix_invoice_account_date", "account_code", "invoice_date"))
    id: int | None = Field(default=None, primary_key=True)
    account_code: str = Field(max_length=40, index=True)
    invoice_number: str = Field(max_length=40)
    shipment_identifier: str | None = Field(default=None, max_length=40)
    invoice_date: datetime = _ts()
    currency: str = Field(max_length=3)
    subtotal: Decimal = _money()
    tax_amount: Decimal = _money(default=Decimal("0"))
    total: Decimal = _money()
    payment_due: date | None = None
    status: str = Field(default=InvoiceStatus.DRAFT.value, max_length=20)
    created_at: datetime = _ts(default_factory=utcnow)


class InvoiceLine(SQLModel, table=True):
    __tablename__ = "invoice_line"
    __table_args__ = (sa.Index("ix_invoice_line_po_item", "po_number", "po_item_sequence"),)
    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    item_sequence: str = Field(max_length=10)
    po_number: str = Field(max_length=40)
    po_item_sequence: str = Field(max_length=10)
    vendor_sku: str | None = Field(default=None, max_length=40)
    asin: str | None = Field(default=None, max_length=10)
    quantity: int
    unit_cost: Decimal = _money()
    amount: Decimal = _money()


class GoodsReceipt(SQLModel, table=True):
    """What Amazon's warehouse says it received, per PO item (from PO status)."""

    __tablename__ = "goods_receipt"
    __table_args__ = (sa.UniqueConstraint("account_code", "po_number", "item_sequence", name="uq_receipt_item"),
                      sa.Index("ix_goods_receipt_account_received", "account_code", "last_receive_date"))
    id: int | None = Field(default=None, primary_key=True)
    account_code: str = Field(max_length=40)
    po_number: str = Field(max_length=40, index=True)
    item_sequence: str = Field(max_length=10)
    receive_status: str = Field(max_length=20)
    received_qty: int = 0
    pending_qty: int | None = None
    last_receive_date: datetime | None = _ts(default=None)
    observed_at: datetime = _ts(default_factory=utcnow)


class ReconciliationRun(SQLModel, table=True):
    """One account's month, reconciled at ``as_of`` (business time); a rerun replaces it."""

    __tablename__ = "reconciliation_run"
    __table_args__ = (sa.UniqueConstraint("account_code", "month", name="uq_recon_month"),)
    id: int | None = Field(default=None, primary_key=True)
    account_code: str = Field(max_length=40)
    month: str = Field(max_length=7)
    status: str = Field(default=RunStatus.RUNNING.value, max_length=20)
    started_at: datetime = _ts(default_factory=utcnow)
    finished_at: datetime | None = _ts(default=None)
    as_of: datetime | None = _ts(default=None)
    #: {category: {"lines": n, "units": n, "amount": "0.00"}} plus "currency"; see acorn.services.reconcile
    totals: dict[str, Any] = _json(default_factory=dict)


class ReconciliationLine(SQLModel, table=True):
    """One PO line in one category of a run (a line can be in several: short and price-varied)."""

    __tablename__ = "reconciliation_line"
    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="reconciliation_run.id", index=True)
    po_number: str = Field(max_length=40)
    item_sequence: str = Field(max_length=10)
    category: str = Field(max_length=30)  # acorn.domain.reconciliation.Category
    ordered_qty: int = 0
    shipped_qty: int = 0
    received_qty: int = 0
    invoiced_qty: int = 0
    amount: Decimal = _money(default=Decimal("0"))  # the money this category puts on the line
    currency: str = Field(max_length=3)
    accepted_qty: int = 0
    units: int = 0  # the units this category puts on the line
    invoiced_amount: Decimal = _money(default=Decimal("0"))
    paid_amount: Decimal = _money(default=Decimal("0"))
    deducted_amount: Decimal = _money(default=Decimal("0"))


class RemittanceImport(SQLModel, table=True):
    """A remittance file once loaded: the same bytes are never loaded twice."""

    __tablename__ = "remittance_import"
    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(unique=True, max_length=64)
    file_name: str = Field(max_length=300)
    rows: int = 0
    loaded: int = 0
    errors: list[dict[str, Any]] = _json(default_factory=list)  # [{"line": n, "field": "...", "problem": "..."}]
    imported_at: datetime = _ts(default_factory=utcnow)


class RemittanceLine(SQLModel, table=True):
    """What one payment did for one invoice line (or the whole invoice when the file has no lines).

    Deductions are positive when Amazon kept money and negative when it gave it back (a
    reversal on a later payment); ``line_paid`` is what this payment paid for the line.
    """

    __tablename__ = "remittance_line"
    __table_args__ = (sa.UniqueConstraint("account_code", "payment_number", "invoice_number", "po_number",
                                          "item_sequence", name="uq_remittance_line"),
                      sa.Index("ix_remittance_invoice", "account_code", "invoice_number"),
                      sa.Index("ix_remittance_po_item", "account_code", "po_number", "item_sequence"))
    id: int | None = Field(default=None, primary_key=True)
    account_code: str = Field(max_length=40)
    import_id: int | None = Field(default=None, foreign_key="remittance_import.id")
    row_number: int = 0
    payment_number: str = Field(max_length=60)
    payment_date: date
    invoice_number: str = Field(max_length=40)
    invoice_date: date | None = None
    currency: str = Field(max_length=3)
    po_number: str = Field(default="", max_length=40)
    item_sequence: str = Field(default="", max_length=10)
    asin: str | None = Field(default=None, max_length=10)
    invoiced_quantity: int | None = None
    received_quantity: int | None = None
    #: unit costs keep the precision they were invoiced at (Amazon accepts more than cents)
    invoiced_unit_cost: Decimal | None = Field(default=None, sa_type=sa.Numeric(18, 6))
    po_unit_cost: Decimal | None = Field(default=None, sa_type=sa.Numeric(18, 6))
    line_amount: Decimal = _money(default=Decimal("0"))
    shortage_deduction: Decimal = _money(default=Decimal("0"))
    damage_deduction: Decimal = _money(default=Decimal("0"))
    price_deduction: Decimal = _money(default=Decimal("0"))
    other_deduction: Decimal = _money(default=Decimal("0"))
    line_paid: Decimal = _money(default=Decimal("0"))
    imported_at: datetime = _ts(default_factory=utcnow)


class Claim(SQLModel, table=True):
    """A deduction Amazon took on one invoice in one payment, by type: what a vendor disputes.

    ``lines`` holds the evidence per invoice line ``[{po_number, item_sequence, units, amount}]``;
    ``recovered`` grows with reversals on later remittances. ``status``: open, disputed,
    recovered, won, lost, expired (acorn.domain.claims).
    """

    __tablename__ = "claim"
    id: int | None = Field(default=None, primary_key=True)
    claim_key: str = Field(unique=True, max_length=200)
    account_code: str = Field(max_length=40, index=True)
    kind: str = Field(max_length=20)  # shortage / damage / price
    invoice_number: str = Field(max_length=40, index=True)
    payment_number: str = Field(max_length=60)
    deducted_on: date
    invoice_date: date | None = None
    invoice_due: date | None = None
    units: int = 0
    amount: Decimal = _money()
    recovered: Decimal = _money(default=Decimal("0"))
    currency: str = Field(max_length=3)
    dispute_deadline: date | None = None
    status: str = Field(default=ClaimStatus.OPEN.value, max_length=20, index=True)
    disputed_on: date | None = None
    resolved_on: date | None = None
    note: str = Field(default="", sa_type=sa.Text)
    lines: list[dict[str, Any]] = _json(default_factory=list)
    package_path: str | None = Field(default=None, max_length=400)
    created_at: datetime = _ts(default_factory=utcnow)
    updated_at: datetime = _ts(default_factory=utcnow)


class ReceiptSnapshot(SQLModel, table=True):
    """What Amazon reported received for a PO item at one moment (business time): the evidence
    a shortage dispute needs, since ``goods_receipt`` keeps only the latest figure."""

    __tablename__ = "receipt_snapshot"
    __table_args__ = (sa.Index("ix_receipt_snapshot_item", "account_code", "po_number", "item_sequence"),)
    id: int | None = Field(default=None, primary_key=True)
    account_code: str = Field(max_length=40)
    po_number: str = Field(max_length=40)
    item_sequence: str = Field(max_length=10)
    observed_at: datetime = _ts()
    receive_status: str = Field(max_length=20)
    received_qty: int = 0
    last_receive_date: datetime | None = _ts(default=None)


class Alert(SQLModel, table=True):
    """Something ops must look at; ``dedupe_key`` keeps one open alert per problem."""

    __tablename__ = "alert"
    __table_args__ = (sa.Index("ix_alert_account_status", "account_code", "status"),)
    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(unique=True, max_length=200)
    account_code: str = Field(max_length=40)
    kind: str = Field(max_length=40, index=True)
    severity: str = Field(default="warning", max_length=10)
    subject: str = Field(max_length=200)
    message: str = Field(sa_type=sa.Text)
    next_step: str = Field(default="", sa_type=sa.Text)
    code: str | None = Field(default=None, max_length=60)
    status: str = Field(default=AlertStatus.OPEN.value, max_length=12, index=True)
    created_at: datetime = _ts(default_factory=utcnow)
    resolved_at: datetime | None = _ts(default=None)
    #: what the alert is about, for the event's related resources and `acorn po`
    po_number: str | None = Field(default=None, max_length=40, index=True)
    shipment_identifier: str | None = Field(default=None, max_length=60, index=True)
    invoice_number: str | None = Field(default=None, max_length=60)
    #: when its Prefect event went out; None while it waits for a run that can reach Prefect
    announced_at: datetime | None = _ts(default=None)


class AuditEvent(SQLModel, table=True):
    """Append-only: the repository offers no update or delete, and the ORM refuses both."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts(default_factory=utcnow)
    actor: str = Field(default="acorn", max_length=60)
    action: str = Field(max_length=60)
    entity: str = Field(max_length=40)
    entity_id: str = Field(max_length=120)
    detail: dict[str, Any] = _json(default_factory=dict)


class StageLock(SQLModel, table=True):
    """One row per (stage, account): writing it first serialises two runs of the same stage.

    PostgreSQL holds the row lock until commit; SQLite takes its write lock with the first
    write. The second run waits, then finds the work done instead of doing it twice.
    """

    __tablename__ = "stage_lock"
    name: str = Field(primary_key=True, max_length=120)
    holder: str = Field(default="", max_length=120)
    locked_at: datetime = _ts(default_factory=utcnow)


class Watermark(SQLModel, table=True):
    """Where each incremental reader stopped (e.g. PO intake's last changed-after)."""

    __tablename__ = "watermark"
    name: str = Field(primary_key=True, max_length=120)
    value: datetime = _ts()
    updated_at: datetime = _ts(default_factory=utcnow)


class ReportRequest(SQLModel, table=True):
    """A vendor report asked of Amazon for one account and period, remembered by its ``reportId``.

    One row per (account, report type, period): a report still processing when a run ends is
    polled by the next run under the same id instead of being asked for again.
    """

    __tablename__ = "report_request"
    __table_args__ = (sa.UniqueConstraint("account_code", "report_type", "period_start", "period_end",
                                          name="uq_report_request_period"),)
    id: int | None = Field(default=None, primary_key=True)
    account_code: str = Field(max_length=40)
    report_type: str = Field(max_length=60)
    period_start: date
    period_end: date
    report_id: str = Field(max_length=40, index=True)
    state: str = Field(default=ReportRequestState.PENDING.value, max_length=12, index=True)
    processing_status: str = Field(default="", max_length=20)
    requested_at: datetime = _ts(default_factory=utcnow)
    finished_at: datetime | None = _ts(default=None)


class VendorReportDocument(SQLModel, table=True):
    """A vendor report's document that fits its published schema; the same content is one row."""

    __tablename__ = "vendor_report_document"
    __table_args__ = (sa.Index("ix_vendor_report_document_period", "account_code", "report_type", "period_start"),)
    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(unique=True, max_length=64)
    account_code: str = Field(max_length=40)
    report_type: str = Field(max_length=60)
    period_start: date | None = None
    period_end: date | None = None
    report_id: str | None = Field(default=None, max_length=40)  # None when imported from a file
    source: str = Field(default="", max_length=300)
    received_at: datetime = _ts(default_factory=utcnow)
    document: dict[str, Any] = _json(default_factory=dict)


class QuarantinedReport(SQLModel, table=True):
    """A report document that does not fit its schema (or is no JSON): kept raw, its first bad field named."""

    __tablename__ = "quarantined_report"
    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(unique=True, max_length=64)
    account_code: str = Field(max_length=40, index=True)
    report_type: str = Field(max_length=60)
    report_id: str | None = Field(default=None, max_length=40)
    source: str = Field(default="", max_length=300)
    field: str = Field(max_length=300)
    reason: str = Field(sa_type=sa.Text)
    raw: str = Field(sa_type=sa.Text)
    received_at: datetime = _ts(default_factory=utcnow)


@sa.event.listens_for(AuditEvent, "before_update")
def _audit_is_append_only_update(mapper: Any, connection: Any, target: AuditEvent) -> None:
    raise PermissionError("audit_log is append-only: rows cannot be updated")


@sa.event.listens_for(AuditEvent, "before_delete")
def _audit_is_append_only_delete(mapper: Any, connection: Any, target: AuditEvent) -> None:
    raise PermissionError("audit_log is append-only: rows cannot be deleted")


TABLES = sorted(SQLModel.metadata.tables)
