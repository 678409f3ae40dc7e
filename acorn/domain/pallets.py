"""Palletization: stacking a shipment's cartons onto pallets for LTL and truckload.

Cartons are loaded in sequence order (next fit: a pallet is closed when the next carton
would break its carton count or weight limit), so a pallet holds neighbouring cartons —
the same SKU's cases together — which is how a dock loads them. By default a pallet
carries one purchase order only (Amazon's palletized hierarchies are
shipment → order → pallet → …); ``mix_purchase_orders=True`` allows mixed
pallets for FCs that take them. The pallet's weight includes its own tare.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from acorn.domain import _checks
from acorn.domain.cartons import CartonPlan
from acorn.domain.errors import PackingError
from acorn.domain.model import ShipmentItem
from acorn.domain.sscc import Sscc

#: A standard wooden pallet (EUR/GMA) weighs about 20-25 kg.
DEFAULT_PALLET_TARE_KG = Decimal("25")


@dataclass(frozen=True)
class PalletPlan:
    """One pallet: which cartons (by sequence number) it carries, its contents and weight."""

    sequence: str
    carton_sequences: tuple[str, ...]
    items: tuple[ShipmentItem, ...]
    weight_kg: Decimal
    sscc: Sscc | None = None

    @property
    def carton_count(self) -> int:
        return len(self.carton_sequences)

    @property
    def po_numbers(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(item.po_number for item in self.items))

    @property
    def units(self) -> int:
        return sum(item.qty for item in self.items)


def plan_pallets(
    cartons: Sequence[CartonPlan],
    *,
    max_cartons_per_pallet: int,
    max_pallet_weight_kg: Decimal,
    pallet_tare_kg: Decimal = DEFAULT_PALLET_TARE_KG,
    mix_purchase_orders: bool = False,
) -> list[PalletPlan]:
    """Stack ``cartons`` onto as few pallets as next-fit allows, within both limits."""
    _checks.count(max_cartons_per_pallet, record=None, field="max_cartons_per_pallet", minimum=1)
    limit = _checks.decimal(max_pallet_weight_kg, record=None, field="max_pallet_weight_kg")
    tare = _checks.decimal(pallet_tare_kg, record=None, field="pallet_tare_kg")
    groups: dict[str, list[CartonPlan]] = {}
    for carton in cartons:
        if tare + carton.weight_kg > limit:
            raise PackingError(
                f"carton of {carton.weight_kg} kg does not fit a pallet limited to {limit} kg (tare {tare} kg)",
                record=carton.sequence,
                field="weight_kg",
            )
        groups.setdefault("" if mix_purchase_orders else carton.po_number, []).append(carton)
    stacks: list[list[CartonPlan]] = []
    for group in groups.values():
        current: list[CartonPlan] = []
        weight = tare
        for carton in group:
            if current and (len(current) >= max_cartons_per_pallet or weight + carton.weight_kg > limit):
                stacks.append(current)
                current, weight = [], tare
            current.append(carton)
            weight += carton.weight_kg
        if current:
            stacks.append(current)
    return [_pallet(index, stack, tare) for index, stack in enumerate(stacks, start=1)]


def _pallet(index: int, stack: list[CartonPlan], tare: Decimal) -> PalletPlan:
    totals: dict[tuple[str, str], int] = {}
    first: dict[tuple[str, str], ShipmentItem] = {}
    for carton in stack:
        for item in carton.items:
            totals[item.line_key] = totals.get(item.line_key, 0) + item.qty
            first.setdefault(item.line_key, item)
    items = tuple(
        ShipmentItem(item.po_number, item.item_sequence, item.vendor_sku, item.asin, totals[key])
        for key, item in first.items()
    )
    return PalletPlan(
        sequence=f"{index:03d}",
        carton_sequences=tuple(carton.sequence for carton in stack),
        items=items,
        weight_kg=tare + sum((carton.weight_kg for carton in stack), Decimal(0)),
    )
