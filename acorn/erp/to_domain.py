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
    """Units on hand by vendor SKU over ``warehouses`` (all when ``None``)."""
    on_hand: dict[str, int] = {}
    restock: dict[str, date] = {}
    for row in rows:
        if warehouses is not None and row.warehouse not in warehouses:
            continue
        on_hand[row.vendor_sku] = on_hand.get(row.vendor_sku, 0) + row.on_hand
        if row.restock_date is not None:
            known = restock.get(row.vendor_sku)
            restock[row.vendor_sku] = row.restock_date if known is None else min(known, row.restock_date)
    return {sku: StockLevel(vendor_sku=sku, on_hand=qty, restock_date=restock.get(sku)) for sku, qty in on_hand.items()}
