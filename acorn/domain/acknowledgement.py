"""Deciding how to acknowledge purchase-order lines from the stock the ERP reports.

Stock is promised first come, first served: purchase orders in order-date order (the PO
number breaks ties, so a rerun decides the same), lines in item-sequence order. Per line:

* enough stock: ``Accepted`` for everything;
* with ``accept_arrivals`` (the account's choice), a shortfall that the next arrival covers
  *in time*: ``Accepted`` against the arrival, with ``scheduledShipDate`` = the restock date.
  In time means the goods arrive at least a day before the PO's ship window ends (a day to
  receive, pick and pack), and only units the ERP says are coming (``restock_units``) and no
  earlier PO took are promised: a restock date without a quantity never turns into an
  acceptance. Such units wait in the warehouse's plan until they arrive (``arriving_qty``);
* some or no stock, restock date known, and the PO line allows backorders
  (``isBackOrderAllowed``): ``Accepted`` for what is there, ``Backordered`` for the rest with
  ``scheduledShipDate`` = the restock date. When the ERP gives the arriving quantity, no more
  than it (less what earlier lines took) is backordered; without one, the whole rest is, as
  before (the date is then the ERP's word that the shortfall will be covered);
* shortfall otherwise: the rest is ``Rejected`` as ``TemporarilyUnavailable``. Amazon refuses
  a backorder on a line that does not allow one, and a backorder without a date: it is a
  promise with a date, and without one saying "no" is honest;
* SKU/ASIN unknown: ``Rejected`` ``InvalidProductIdentifier``; discontinued SKU:
  ``Rejected`` ``ObsoleteProduct``.

A line Amazon ordered in ``Cases`` (``case_sizes``: units per case, the PO's ``unitSize``)
is promised in whole cases: what stock covers is rounded down to whole cases and the rest
of the line is backordered or rejected by the rules above (a part case cannot be
acknowledged, Amazon counts such a line in cases). Decisions stay in eaches; the
acknowledgement states them in cases (:func:`in_cases`).

A restock date on or before the ``as_of`` day is stale (the goods did not come) and is
treated as unknown. Cancelled lines get no decision and take no stock. Inputs are never
mutated: the stock left after the decisions comes back in the plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TypedDict

from acorn.domain import _checks
from acorn.domain.cartons import whole_cases
from acorn.domain.deadlines import acknowledgement_is_on_time
from acorn.domain.errors import DuplicateRecord
from acorn.domain.model import OrderLine, PurchaseOrderView, ShipmentItem, SkuInfo, StockLevel

#: Amazon's compliance target: accepted + backordered units ≥ 80% of requested units.
FILL_RATE_TARGET = Decimal("0.80")


class AcknowledgementCode(StrEnum):
    ACCEPTED = "Accepted"
    BACKORDERED = "Backordered"
    REJECTED = "Rejected"


class RejectionReason(StrEnum):
    TEMPORARILY_UNAVAILABLE = "TemporarilyUnavailable"
    INVALID_PRODUCT_IDENTIFIER = "InvalidProductIdentifier"
    OBSOLETE_PRODUCT = "ObsoleteProduct"


@dataclass(frozen=True)
class AcknowledgedQuantity:
    """One entry of Amazon's ``itemAcknowledgements`` array for a line."""

    code: AcknowledgementCode
    qty: int
    scheduled_ship_date: date | None = None
    rejection_reason: RejectionReason | None = None


@dataclass(frozen=True)
class LineDecision:
    """What Acorn answers for one PO line; the three quantities add up to ``ordered_qty``."""

    po_number: str
    item_sequence: str
    vendor_sku: str
    asin: str
    ordered_qty: int
    accepted_qty: int = 0
    backordered_qty: int = 0
    rejected_qty: int = 0
    scheduled_ship_date: date | None = None
    rejection_reason: RejectionReason | None = None
    #: of ``accepted_qty``, the units promised from the arrival on ``scheduled_ship_date``
    arriving_qty: int = 0

    @property
    def on_hand_qty(self) -> int:
        """Accepted units served from stock already in the warehouse."""
        return self.accepted_qty - self.arriving_qty

    @property
    def parts(self) -> tuple[AcknowledgedQuantity, ...]:
        """The non-zero parts, in Amazon's order; a zero-quantity line is ``Accepted`` 0."""
        parts = []
        if self.on_hand_qty or not (self.arriving_qty or self.backordered_qty or self.rejected_qty):
            parts.append(AcknowledgedQuantity(AcknowledgementCode.ACCEPTED, self.on_hand_qty))
        if self.arriving_qty:
            parts.append(
                AcknowledgedQuantity(AcknowledgementCode.ACCEPTED, self.arriving_qty, self.scheduled_ship_date)
            )
        if self.backordered_qty:
            parts.append(
                AcknowledgedQuantity(AcknowledgementCode.BACKORDERED, self.backordered_qty, self.scheduled_ship_date)
            )
        if self.rejected_qty:
            parts.append(
                AcknowledgedQuantity(
                    AcknowledgementCode.REJECTED, self.rejected_qty, rejection_reason=self.rejection_reason
                )
            )
        return tuple(parts)

    def accepted_item(self) -> ShipmentItem | None:
        """The accepted units in the warehouse as an item to pack now (``None`` when there are none)."""
        if not self.on_hand_qty:
            return None
        return ShipmentItem(self.po_number, self.item_sequence, self.vendor_sku, self.asin, self.on_hand_qty)


@dataclass(frozen=True)
class PoFillRate:
    """Per purchase order: units requested vs. promised, and the acknowledgement deadline."""

    po_number: str
    requested_qty: int
    accepted_qty: int
    backordered_qty: int
    rejected_qty: int
    acknowledgement_deadline: datetime
    acknowledged_late: bool

    @property
    def fill_rate(self) -> Decimal:
        """(accepted + backordered) / requested; a PO with nothing requested is filled."""
        if not self.requested_qty:
            return Decimal(1)
        return Decimal(self.accepted_qty + self.backordered_qty) / Decimal(self.requested_qty)

    @property
    def compliant(self) -> bool:
        return self.fill_rate >= FILL_RATE_TARGET


@dataclass(frozen=True)
class AcknowledgementPlan:
    """Decisions for every active line, fill rates per PO, and the stock left over."""

    decisions: tuple[LineDecision, ...]
    fill_rates: tuple[PoFillRate, ...]
    remaining_stock: Mapping[str, int]

    def for_po(self, po_number: str) -> tuple[LineDecision, ...]:
        return tuple(d for d in self.decisions if d.po_number == po_number)

    def fill_rate_of(self, po_number: str) -> PoFillRate:
        return next(f for f in self.fill_rates if f.po_number == po_number)


def in_cases(qty: int, unit_size: int, *, record: str | None = None, field: str = "qty") -> int:
    """An acknowledged quantity in eaches as whole cases of ``unit_size`` (a part case is an error)."""
    return whole_cases(qty, unit_size, record=record, field=field)


def _sequence_key(seq: str) -> tuple[int, int | str]:
    return (0, int(seq)) if seq.isdigit() else (1, seq)


def _find_sku(line: OrderLine, skus: Mapping[str, SkuInfo], by_asin: Mapping[str, SkuInfo]) -> SkuInfo | None:
    """The SKU a line means: by vendor SKU, else by ASIN; a SKU/ASIN contradiction is unknown."""
    sku = skus.get(line.vendor_sku) if line.vendor_sku else None
    if sku is not None:
        return sku if not line.asin or line.asin == sku.asin else None
    return by_asin.get(line.asin) if line.asin else None


def decide_acknowledgements(
    orders: Iterable[PurchaseOrderView],
    skus: Mapping[str, SkuInfo],
    stock: Mapping[str, StockLevel],
    *,
    as_of: datetime,
    case_sizes: Mapping[tuple[str, str], int] | None = None,
    accept_arrivals: bool = False,
) -> AcknowledgementPlan:
    """Allocate free stock across ``orders`` first come, first served, line by line.

    ``skus`` and ``stock`` are keyed by vendor SKU; a SKU missing from ``stock`` has none.
    ``as_of`` is the business time of the decision: it marks stale restock dates and
    late acknowledgements. ``case_sizes`` gives the units per case of the lines Amazon
    ordered in ``Cases``, keyed by ``(po_number, item_sequence)``. ``accept_arrivals``:
    accept against an arrival due in time for the PO's ship window (module docstring).
    """
    as_of = _checks.utc(as_of, record=None, field="as_of")
    today = as_of.date()
    by_asin = {info.asin: info for info in skus.values() if info.asin}
    stores = _Stores.of(stock, today, accept_arrivals)
    ordered = sorted(orders, key=lambda po: (po.order_date, po.po_number))
    seen: set[str] = set()
    decisions: list[LineDecision] = []
    fill_rates: list[PoFillRate] = []
    for po in ordered:
        if po.po_number in seen:
            raise DuplicateRecord("purchase order given twice", record=po.po_number, field="po_number")
        seen.add(po.po_number)
        po_decisions = [
            _decide_line(line, _find_sku(line, skus, by_asin), stock, stores, today,
                         _case_size(po, line, case_sizes), po.ship_window_end.date())
            for line in sorted(po.active_lines, key=lambda ln: _sequence_key(ln.item_sequence))]
        decisions.extend(po_decisions)
        fill_rates.append(_fill_rate(po, po_decisions, as_of))
    return AcknowledgementPlan(tuple(decisions), tuple(fill_rates), dict(stores.free))


def _case_size(po: PurchaseOrderView, line: OrderLine, case_sizes: Mapping[tuple[str, str], int] | None) -> int:
    """Units per case of a line Amazon ordered in ``Cases``; 1 for a line in eaches."""
    case_size = (case_sizes or {}).get((po.po_number, line.item_sequence), 1)
    return _checks.count(case_size, record=line.ref, field="unit_size", minimum=1)


@dataclass
class _Stores:
    """What is left to promise while lines are decided: stock on hand, and units arriving.

    ``arriving`` holds SKUs with a restock date still ahead: the units not yet promised, or
    ``None`` when the ERP gave no quantity (then nothing is accepted against it).
    """

    free: dict[str, int]
    arriving: dict[str, int | None]
    accept_arrivals: bool

    @classmethod
    def of(cls, stock: Mapping[str, StockLevel], today: date, accept_arrivals: bool) -> _Stores:
        return cls(free={sku: level.on_hand for sku, level in stock.items()},
                   arriving={sku: level.restock_units for sku, level in stock.items()
                             if _known_restock_date(level, today) is not None},
                   accept_arrivals=accept_arrivals)


class _LineKey(TypedDict):
    """What every decision on a line repeats from it (typed, so ``**base`` checks against LineDecision)."""

    po_number: str
    item_sequence: str
    asin: str
    ordered_qty: int


def _decide_line(
    line: OrderLine,
    sku: SkuInfo | None,
    stock: Mapping[str, StockLevel],
    stores: _Stores,
    today: date,
    case_size: int,
    window_end: date,
) -> LineDecision:
    """One line's answer (module docstring's rules); what it promises is taken from ``stores``."""
    base = _LineKey(
        po_number=line.po_number,
        item_sequence=line.item_sequence,
        asin=line.asin,
        ordered_qty=line.ordered_qty,
    )
    if sku is None:
        return _rejected_whole_line(line.vendor_sku, RejectionReason.INVALID_PRODUCT_IDENTIFIER, base)
    base["asin"] = line.asin or sku.asin
    if sku.discontinued:
        return _rejected_whole_line(sku.vendor_sku, RejectionReason.OBSOLETE_PRODUCT, base)
    on_hand = _take_whole_cases(stores.free, sku.vendor_sku, line.ordered_qty, case_size)
    restock = _known_restock_date(stock.get(sku.vendor_sku), today)
    if restock is None:
        return _accept_and_reject(sku.vendor_sku, base, on_hand, 0, None)
    arriving = 0
    if stores.accept_arrivals and arrives_in_time(restock, window_end):
        arriving = _take_arriving(stores, sku.vendor_sku, line.ordered_qty - on_hand, case_size)
    shortfall = line.ordered_qty - on_hand - arriving
    if shortfall and line.backorder_allowed:
        backordered = _backorder(stores, sku.vendor_sku, shortfall, case_size)
        return LineDecision(vendor_sku=sku.vendor_sku, accepted_qty=on_hand + arriving, arriving_qty=arriving,
                            backordered_qty=backordered, rejected_qty=shortfall - backordered,
                            rejection_reason=RejectionReason.TEMPORARILY_UNAVAILABLE if shortfall > backordered
                            else None, scheduled_ship_date=restock, **base)
    return _accept_and_reject(sku.vendor_sku, base, on_hand, arriving, restock)


def arrives_in_time(restock: date, ship_window_end: date) -> bool:
    """Goods due on ``restock`` can leave inside the window: they arrive a day before its last day."""
    return restock < ship_window_end


def _accept_and_reject(vendor_sku: str, base: _LineKey, on_hand: int, arriving: int,
                       restock: date | None) -> LineDecision:
    """Accept what is (or will in time be) there; the rest is temporarily unavailable."""
    shortfall = base["ordered_qty"] - on_hand - arriving
    return LineDecision(
        vendor_sku=vendor_sku,
        accepted_qty=on_hand + arriving,
        arriving_qty=arriving,
        rejected_qty=shortfall,
        rejection_reason=RejectionReason.TEMPORARILY_UNAVAILABLE if shortfall else None,
        scheduled_ship_date=restock if arriving else None,
        **base,
    )


def _take_arriving(stores: _Stores, vendor_sku: str, wanted: int, case_size: int) -> int:
    """Whole cases of the arrival's unpromised units, taken from it (none when its size is unknown)."""
    left = stores.arriving.get(vendor_sku)
    if left is None:
        return 0
    taken = min(left, wanted) // case_size * case_size
    stores.arriving[vendor_sku] = left - taken
    return taken


def _backorder(stores: _Stores, vendor_sku: str, shortfall: int, case_size: int) -> int:
    """Units backordered against the arrival: all the shortfall when its size is unknown, else what is left."""
    if stores.arriving.get(vendor_sku) is None:
        return shortfall
    return _take_arriving(stores, vendor_sku, shortfall, case_size)


def _rejected_whole_line(vendor_sku: str, reason: RejectionReason, base: _LineKey) -> LineDecision:
    """A line no stock can serve (unknown or discontinued product): every unit is rejected."""
    return LineDecision(vendor_sku=vendor_sku, rejected_qty=base["ordered_qty"], rejection_reason=reason, **base)


def _take_whole_cases(free: dict[str, int], vendor_sku: str, ordered_qty: int, case_size: int) -> int:
    """Units accepted from the SKU's free stock, in whole cases, and taken from ``free``."""
    available = free.get(vendor_sku, 0)
    accepted = min(available, ordered_qty) // case_size * case_size
    if vendor_sku in free:
        free[vendor_sku] = available - accepted
    return accepted


def _known_restock_date(level: StockLevel | None, today: date) -> date | None:
    """The restock date, unless there is none or it has passed (the goods did not come: stale)."""
    restock = level.restock_date if level is not None else None
    return restock if restock is not None and restock > today else None


def _fill_rate(po: PurchaseOrderView, decisions: list[LineDecision], as_of: datetime) -> PoFillRate:
    return PoFillRate(
        po_number=po.po_number,
        requested_qty=sum(d.ordered_qty for d in decisions),
        accepted_qty=sum(d.accepted_qty for d in decisions),
        backordered_qty=sum(d.backordered_qty for d in decisions),
        rejected_qty=sum(d.rejected_qty for d in decisions),
        acknowledgement_deadline=po.acknowledgement_deadline,
        acknowledged_late=not acknowledgement_is_on_time(as_of, po.acknowledgement_deadline),
    )
