"""From ERP rows to the domain's value types (:mod:`acorn.domain.model`).

The adapter's rows keep what the file said (warehouse, title, cost); the domain rules
need less: packing data per SKU and stock free to promise per SKU. The choices made
here: stock is summed over the warehouses asked for (all by default), and the restock
date of a SKU is the earliest one any of its warehouses gave.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date

from acorn.domain.model import SkuInfo, StockLevel
from acorn.erp.rows import SkuRow, StockRow


def sku_infos(rows: Iterable[SkuRow]) -> dict[str, SkuInfo]:
    """Master data by vendor SKU, as cartonization and acknowledgement read it."""
    return {
        row.vendor_sku: SkuInfo(
            vendor_sku=row.vendor_sku,
            asin=row.asin,
            ean=row.ean,
            case_pack=row.case_pack,
            unit_weight_kg=row.unit_weight_kg,
            carton_weight_kg=row.carton_weight_kg,
            discontinued=row.discontinued,
        )
        for row in rows
    }


def stock_levels(rows: Iterable[StockRow], *, warehouses: Collection[str] | None = None) -> dict[str, StockLevel]:
    """Units on hand by vendor SKU over ``warehouses`` (all when ``None``), with the first arrival.

    The first arrival's units add up over the warehouses it arrives at on that day; one of them
    without a quantity makes the total unknown.
    """
    rows = [row for row in rows if warehouses is None or row.warehouse in warehouses]
    on_hand: dict[str, int] = {}
    for row in rows:
        on_hand[row.vendor_sku] = on_hand.get(row.vendor_sku, 0) + row.on_hand
    first: dict[str, date] = {}
    for row in rows:
        if row.restock_date is not None:
            known = first.get(row.vendor_sku)
            first[row.vendor_sku] = row.restock_date if known is None else min(known, row.restock_date)
    arriving: dict[str, int | None] = {}
    for row in rows:
        if row.restock_date is not None and row.restock_date == first[row.vendor_sku]:
            so_far = arriving.get(row.vendor_sku, 0)
            arriving[row.vendor_sku] = None if so_far is None or row.restock_units is None \
                else so_far + row.restock_units
    return {sku: StockLevel(vendor_sku=sku, on_hand=qty, restock_date=first.get(sku), restock_units=arriving.get(sku))
            for sku, qty in on_hand.items()}
