"""Value types the domain rules work on: purchase orders as Acorn reads them, SKU master
data and stock from the ERP, and the items that go into cartons.

Quantities are eaches (the caller converts Amazon's ``Cases`` × ``unitSize`` first), money
is ``Decimal`` with its ISO currency beside it, and every instant is aware UTC. The types
check themselves on construction so that a bad ERP row or PO line is refused where it
enters, naming the record and the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from stdnum import ean as _ean

from acorn.domain import _checks
from acorn.domain.errors import InvalidRecord

#: Amazon expects a purchase order to be acknowledged within this time of its order date.
ACKNOWLEDGEMENT_WINDOW = timedelta(hours=24)


def line_ref(po_number: str, item_sequence: str) -> str:
    """How a PO line is named in errors and logs: ``PO/sequence``."""
    return f"{po_number}/{item_sequence}"


@dataclass(frozen=True)
class OrderLine:
    """One line of an Amazon purchase order, in eaches, at the PO's net unit cost.

    ``asin`` or ``vendor_sku`` may be empty (Amazon sends either); a line with neither
    known is rejected as ``InvalidProductIdentifier`` at acknowledgement, not here.
    """

    po_number: str
    item_sequence: str
    asin: str
    vendor_sku: str
    ordered_qty: int
    net_cost: Decimal
    currency: str
    cancelled: bool = False
    #: Amazon's ``isBackOrderAllowed``: without it a shortfall can only be rejected
    backorder_allowed: bool = False

    def __post_init__(self) -> None:
        _checks.text(self.po_number, record=None, field="po_number")
        ref = line_ref(self.po_number, str(self.item_sequence))
        _checks.text(self.item_sequence, record=ref, field="item_sequence")
        for name in ("asin", "vendor_sku"):
            if not isinstance(getattr(self, name), str):
                raise InvalidRecord("must be a string (empty when unknown)", record=ref, field=name)
        _checks.count(self.ordered_qty, record=ref, field="ordered_qty")
        object.__setattr__(self, "net_cost", _checks.decimal(self.net_cost, record=ref, field="net_cost"))
        _checks.currency(self.currency, record=ref)

    @property
    def ref(self) -> str:
        return line_ref(self.po_number, self.item_sequence)


@dataclass(frozen=True)
class PurchaseOrderView:
    """The parts of an Amazon purchase order the domain rules need.

    ``ship_to`` is the fulfilment centre code (``ABE8``); ``marketplace`` is the code from
    :data:`acorn.domain.calendar.MARKETPLACES` (``US``, ``DE``, ...).
    """

    po_number: str
    selling_party: str
    ship_to: str
    marketplace: str
    order_date: datetime
    ship_window_start: datetime
    ship_window_end: datetime
    delivery_window_start: datetime | None = None
    delivery_window_end: datetime | None = None
    lines: tuple[OrderLine, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        po = _checks.text(self.po_number, record=None, field="po_number")
        for name in ("order_date", "ship_window_start", "ship_window_end"):
            object.__setattr__(self, name, _checks.utc(getattr(self, name), record=po, field=name))
        for name in ("delivery_window_start", "delivery_window_end"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _checks.utc(value, record=po, field=name))
        if self.ship_window_end < self.ship_window_start:
            raise InvalidRecord("ship window ends before it starts", record=po, field="ship_window_end")
        lines = tuple(self.lines)
        for line in lines:
            if line.po_number != po:
                raise InvalidRecord(f"line belongs to PO {line.po_number}", record=line.ref, field="po_number")
        object.__setattr__(self, "lines", lines)

    @property
    def acknowledgement_deadline(self) -> datetime:
        """Amazon's rule: acknowledge within 24 hours of the order date."""
        return self.order_date + ACKNOWLEDGEMENT_WINDOW

    @property
    def active_lines(self) -> tuple[OrderLine, ...]:
        """Lines still to be acknowledged and shipped (cancelled lines never are)."""
        return tuple(line for line in self.lines if not line.cancelled)


@dataclass(frozen=True)
class SkuInfo:
    """ERP master data for one vendor SKU: how it is packed and what it weighs.

    ``carton_weight_kg`` is the weighed gross weight of one full case (with its
    packaging); when unknown, a case weighs ``case_pack × unit_weight_kg``.
    """

    vendor_sku: str
    asin: str
    ean: str | None
    case_pack: int
    unit_weight_kg: Decimal
    carton_weight_kg: Decimal | None = None
    discontinued: bool = False

    def __post_init__(self) -> None:
        sku = _checks.text(self.vendor_sku, record=None, field="vendor_sku")
        _checks.count(self.case_pack, record=sku, field="case_pack", minimum=1)
        weight = _checks.decimal(self.unit_weight_kg, record=sku, field="unit_weight_kg")
        if weight <= 0:
            raise InvalidRecord("a unit must weigh more than 0 kg", record=sku, field="unit_weight_kg")
        object.__setattr__(self, "unit_weight_kg", weight)
        if self.carton_weight_kg is not None:
            case = _checks.decimal(self.carton_weight_kg, record=sku, field="carton_weight_kg")
            if case <= 0:
                raise InvalidRecord("a case must weigh more than 0 kg", record=sku, field="carton_weight_kg")
            object.__setattr__(self, "carton_weight_kg", case)
        if self.ean is not None and not _ean.is_valid(self.ean):
            raise InvalidRecord(f"{self.ean!r} is not a valid EAN/GTIN", record=sku, field="ean")

    @property
    def case_weight_kg(self) -> Decimal:
        """Gross weight of one full case: weighed when known, computed otherwise."""
        if self.carton_weight_kg is not None:
            return self.carton_weight_kg
        return self.unit_weight_kg * self.case_pack


@dataclass(frozen=True)
class StockLevel:
    """Units of a SKU free to promise, and when more arrive (``None``: not known).

    ``restock_units``: how many of the units arriving on ``restock_date`` are still free to
    promise (``None``: the ERP gave a date without a quantity).
    """

    vendor_sku: str
    on_hand: int
    restock_date: date | None = None
    restock_units: int | None = None

    def __post_init__(self) -> None:
        sku = _checks.text(self.vendor_sku, record=None, field="vendor_sku")
        _checks.count(self.on_hand, record=sku, field="on_hand")
        if self.restock_units is not None:
            _checks.count(self.restock_units, record=sku, field="restock_units")
        if self.restock_date is not None and (
            isinstance(self.restock_date, datetime) or not isinstance(self.restock_date, date)
        ):
            raise InvalidRecord("restock_date must be a date", record=sku, field="restock_date")


@dataclass(frozen=True)
class ShipmentItem:
    """Units of one PO line that travel together: in a shipment, a carton or a pallet."""

    po_number: str
    item_sequence: str
    vendor_sku: str
    asin: str
    qty: int

    def __post_init__(self) -> None:
        _checks.text(self.po_number, record=None, field="po_number")
        _checks.text(self.item_sequence, record=self.po_number, field="item_sequence")
        _checks.text(self.vendor_sku, record=self.ref, field="vendor_sku")
        _checks.count(self.qty, record=self.ref, field="qty")

    @property
    def ref(self) -> str:
        return line_ref(self.po_number, self.item_sequence)

    @property
    def line_key(self) -> tuple[str, str]:
        return (self.po_number, self.item_sequence)
