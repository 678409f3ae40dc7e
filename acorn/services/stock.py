"""Views of the store as the domain wants them: SKUs and free stock."""

from __future__ import annotations

from collections import defaultdict

from acorn.domain.model import SkuInfo, StockLevel
from acorn.store import UnitOfWork


def sku_master(uow: UnitOfWork) -> dict[str, SkuInfo]:
    return {s.vendor_sku: SkuInfo(vendor_sku=s.vendor_sku, asin=s.asin, ean=s.ean, case_pack=s.case_pack,
                                  unit_weight_kg=s.unit_weight_kg, carton_weight_kg=s.carton_weight_kg,
                                  discontinued=s.discontinued)
            for s in uow.skus.all()}


def free_stock(uow: UnitOfWork, warehouse: str) -> dict[str, StockLevel]:
    """On hand minus what is already promised (accepted, not yet shipped) on any PO.

    Derived rather than stored, so a PO change or a cancellation frees stock without any
    bookkeeping that could drift.
    """
    promised: dict[str, int] = defaultdict(int)
    for item in uow.purchase_orders.open_items():
        if item.vendor_sku:
            promised[item.vendor_sku] += max(item.accepted_qty - item.shipped_qty, 0)
    levels = {}
    for row in uow.inventory.all():
        if row.warehouse != warehouse:
            continue
        levels[row.vendor_sku] = StockLevel(vendor_sku=row.vendor_sku,
                                            on_hand=max(row.on_hand - promised[row.vendor_sku], 0),
                                            restock_date=row.restock_date)
    return levels
