"""Cartonization: turning the units of a shipment into physical cartons.

Rules (what a vendor's packing line does):

* Full case packs ship as they came from the factory: one single-SKU carton per case,
  at the SKU's case weight.
* Leftover loose units are repacked into mixed cartons, never above
  ``max_carton_weight_kg``; heaviest SKUs are placed first and each carton is filled
  before a new one opens (first fit decreasing), so few cartons are used.
* A carton holds one purchase order only (Amazon's hierarchy is shipment → order →
  carton → item, and receiving matches cartons to a PO).
* A full case heavier than the limit cannot ship as is: its units are repacked loose.
  A single unit heavier than the limit raises :class:`PackingError`.
* Every unit of every line lands in exactly one carton; zero-quantity lines yield none.
* A line Amazon ordered in ``Cases`` (``case_sizes``: units per case, the PO's ``unitSize``)
  ships in whole cases only, one case per single-SKU carton, so the ASN can count every
  carton in cases. When the PO's case is the SKU's case pack, that is the factory case;
  when Amazon's ``unitSize`` differs from the case pack, each case Amazon ordered is
  repacked into its own box of ``unitSize`` units (box tare + units): the fulfilment centre
  receives and counts the cases the PO and the ASN name, not the factory's. A quantity that
  is not whole cases raises :class:`PackingError`. A case too heavy for one carton is split
  into boxes under the limit (the limit protects the people who lift them); the ASN then
  states those boxes' items in eaches, the line itself still in cases.

Carton sequence numbers are ``001``, ``002``, … across the shipment, as the ASN's
``cartonSequenceNumber`` expects. SSCCs come later (:func:`acorn.domain.labels.assign_ssccs`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from acorn.domain import _checks
from acorn.domain.errors import DuplicateRecord, PackingError, UnknownSku
from acorn.domain.model import ShipmentItem, SkuInfo
from acorn.domain.sscc import Sscc


class CartonKind(StrEnum):
    FULL_CASE = "FullCase"  # a manufacturer's case pack (or one case Amazon ordered in Cases), one SKU
    MIXED = "Mixed"  # loose units repacked, possibly several SKUs of one PO


@dataclass(frozen=True)
class CartonPlan:
    """One physical carton: what is in it, what it weighs, and (later) its SSCC."""

    sequence: str
    po_number: str
    kind: CartonKind
    items: tuple[ShipmentItem, ...]
    weight_kg: Decimal
    sscc: Sscc | None = None

    @property
    def units(self) -> int:
        return sum(item.qty for item in self.items)

    @property
    def is_single_item(self) -> bool:
        """Whether the carton holds one PO line only (Amazon's "standard case")."""
        return len({item.line_key for item in self.items}) == 1


def whole_cases(qty: int, unit_size: int, *, record: str | None, field: str) -> int:
    """``qty`` eaches as a number of cases of ``unit_size``; refuses a part case."""
    _checks.count(unit_size, record=record, field="unit_size", minimum=1)
    cases, rest = divmod(qty, unit_size)
    if rest:
        raise PackingError(f"{qty} units are not a whole number of cases of {unit_size}", record=record, field=field)
    return cases


@dataclass
class _OpenCarton:
    weight: Decimal
    qty_by_line: dict[tuple[str, str], int] = field(default_factory=dict)


def _sequence_key(item: ShipmentItem) -> tuple[str, tuple[int, int | str]]:
    seq = item.item_sequence
    return (item.po_number, (0, int(seq)) if seq.isdigit() else (1, seq))


def plan_cartons(
    lines: Iterable[ShipmentItem],
    skus: Mapping[str, SkuInfo],
    *,
    max_carton_weight_kg: Decimal,
    mixed_carton_tare_kg: Decimal = Decimal(0),
    case_sizes: Mapping[tuple[str, str], int] | None = None,
) -> list[CartonPlan]:
    """Pack ``lines`` (units to ship, one entry per PO line) into cartons.

    ``skus`` is keyed by vendor SKU. ``mixed_carton_tare_kg`` is the weight of the empty
    box used for repacked units; it counts toward the limit. ``case_sizes`` gives the units
    per case of the lines Amazon ordered in ``Cases``, keyed by ``(po_number, item_sequence)``.
    """
    limit = _checks.decimal(max_carton_weight_kg, record=None, field="max_carton_weight_kg")
    tare = _checks.decimal(mixed_carton_tare_kg, record=None, field="mixed_carton_tare_kg")
    if limit <= tare:
        raise PackingError("carton weight limit must exceed the empty carton's weight", field="max_carton_weight_kg")
    cartons: list[CartonPlan] = []
    loose_by_po: dict[str, list[tuple[ShipmentItem, SkuInfo, int]]] = {}
    for item in sorted(_unique_lines(lines), key=_sequence_key):
        sku = _packable_sku(item, skus, limit=limit, tare=tare)
        case_size = (case_sizes or {}).get(item.line_key)
        if case_size is not None:
            cartons.extend(_ordered_cases(item, sku, case_size, limit=limit, tare=tare))
            continue
        full_cases = _factory_cases(item, sku, limit=limit)
        cartons.extend(full_cases)
        loose = item.qty - len(full_cases) * sku.case_pack
        if loose:
            loose_by_po.setdefault(item.po_number, []).append((item, sku, loose))
    for po_number, loose_items in loose_by_po.items():
        cartons.extend(_pack_loose(po_number, loose_items, limit=limit, tare=tare))
    cartons.sort(key=lambda c: (c.po_number, c.kind != CartonKind.FULL_CASE))
    return [_numbered(carton, index) for index, carton in enumerate(cartons, start=1)]


def _packable_sku(item: ShipmentItem, skus: Mapping[str, SkuInfo], *, limit: Decimal, tare: Decimal) -> SkuInfo:
    """The line's SKU master data, refusing a SKU without it or one unit of which no carton can carry."""
    sku = skus.get(item.vendor_sku)
    if sku is None:
        raise UnknownSku("no master data (case pack, weight) for this SKU", record=item.ref, field="vendor_sku")
    if tare + sku.unit_weight_kg > limit:
        raise PackingError(
            f"one unit ({sku.unit_weight_kg} kg) exceeds the carton limit of {limit} kg",
            record=item.ref,
            field="unit_weight_kg",
        )
    return sku


def _factory_cases(item: ShipmentItem, sku: SkuInfo, *, limit: Decimal) -> list[CartonPlan]:
    """The line's full case packs, one carton each as they came from the factory (none if a case is too heavy)."""
    full_cases = item.qty // sku.case_pack if sku.case_weight_kg <= limit else 0
    return [CartonPlan(sequence="", po_number=item.po_number, kind=CartonKind.FULL_CASE,
                       items=(_with_qty(item, sku.case_pack),), weight_kg=sku.case_weight_kg)
            for _ in range(full_cases)]


def _ordered_cases(item: ShipmentItem, sku: SkuInfo, size: int, *, limit: Decimal,
                   tare: Decimal) -> list[CartonPlan]:
    """One carton per case of a line ordered in ``Cases``: the factory case, or a box of ``size`` units."""
    count = whole_cases(item.qty, size, record=item.ref, field="qty")
    weight = sku.case_weight_kg if size == sku.case_pack else tare + size * sku.unit_weight_kg
    # the carton limit wins: each case is repacked into boxes under it (the ASN then states its items in eaches)
    if weight > limit:
        return [box for _ in range(count) for box in _split_case(item, sku, size, limit=limit, tare=tare)]
    return [CartonPlan(sequence="", po_number=item.po_number, kind=CartonKind.FULL_CASE,
                       items=(_with_qty(item, size),), weight_kg=weight) for _ in range(count)]


def _split_case(item: ShipmentItem, sku: SkuInfo, size: int, *, limit: Decimal, tare: Decimal) -> list[CartonPlan]:
    """One ordered case too heavy for one carton, in boxes of as many units as the limit allows.

    Amazon's carton weight limit is a safety rule for the people who lift them; the case is a
    counting unit, so the ASN keeps the line in cases and states these boxes' items in eaches.
    """
    per_box = int((limit - tare) // sku.unit_weight_kg)  # >= 1: a unit heavier than the limit was refused
    boxes, left = [], size
    while left:
        n = min(per_box, left)
        boxes.append(CartonPlan(sequence="", po_number=item.po_number, kind=CartonKind.MIXED,
                                items=(_with_qty(item, n),), weight_kg=tare + n * sku.unit_weight_kg))
        left -= n
    return boxes


def _unique_lines(lines: Iterable[ShipmentItem]) -> list[ShipmentItem]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for item in lines:
        if item.line_key in seen:
            raise DuplicateRecord(
                "PO line given twice; merge its quantities first", record=item.ref, field="item_sequence"
            )
        seen.add(item.line_key)
        if item.qty:
            kept.append(item)
    return kept


def _with_qty(item: ShipmentItem, qty: int) -> ShipmentItem:
    return ShipmentItem(item.po_number, item.item_sequence, item.vendor_sku, item.asin, qty)


def _pack_loose(
    po_number: str,
    loose_items: list[tuple[ShipmentItem, SkuInfo, int]],
    *,
    limit: Decimal,
    tare: Decimal,
) -> list[CartonPlan]:
    """First fit decreasing by unit weight, one PO's loose units into mixed cartons."""
    open_cartons: list[_OpenCarton] = []
    by_key = {item.line_key: item for item, _, _ in loose_items}
    heaviest_first = sorted(loose_items, key=lambda entry: -entry[1].unit_weight_kg)
    for item, sku, remaining in heaviest_first:
        unit = sku.unit_weight_kg
        for carton in open_cartons:
            if not remaining:
                break
            fits = min(remaining, int((limit - carton.weight) // unit))
            if fits > 0:
                carton.qty_by_line[item.line_key] = carton.qty_by_line.get(item.line_key, 0) + fits
                carton.weight += fits * unit
                remaining -= fits
        while remaining:
            fits = min(remaining, int((limit - tare) // unit))
            open_cartons.append(_OpenCarton(weight=tare + fits * unit, qty_by_line={item.line_key: fits}))
            remaining -= fits
    return [
        CartonPlan(
            sequence="",
            po_number=po_number,
            kind=CartonKind.MIXED,
            items=tuple(
                sorted((_with_qty(by_key[key], qty) for key, qty in carton.qty_by_line.items()), key=_sequence_key)
            ),
            weight_kg=carton.weight,
        )
        for carton in open_cartons
    ]


def _numbered(carton: CartonPlan, index: int) -> CartonPlan:
    return CartonPlan(f"{index:03d}", carton.po_number, carton.kind, carton.items, carton.weight_kg, carton.sscc)
