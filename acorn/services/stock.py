"""Views of the store as the domain wants them: SKUs and free stock."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from acorn.domain.model import SkuInfo, StockLevel
from acorn.store import UnitOfWork
from schemas.tables import PurchaseOrderItem


def sku_master(uow: UnitOfWork) -> dict[str, SkuInfo]:
    return {s.vendor_sku: SkuInfo(vendor_sku=s.vendor_sku, asin=s.asin, ean=s.ean, case_pack=s.case_pack,
                                  unit_weight_kg=s.unit_weight_kg, carton_weight_kg=s.carton_weight_kg,
                                  discontinued=s.discontinued)
            for s in uow.skus.all()}


class SkuResolver:
    """Amazon names an item by ASIN and a vendor id that may be our SKU or the EAN/UPC.

    Map both onto the ERP's vendor SKU; the PO keeps what Amazon sent (the ASN and invoice
    echo it back), while packing and stock use the ERP's SKU.
    """

    def __init__(self, skus: dict[str, SkuInfo]) -> None:
        self.skus = skus
        self.by_ean = {info.ean.lstrip("0"): sku for sku, info in skus.items() if info.ean}
        self.by_asin = {info.asin: sku for sku, info in skus.items() if info.asin}

    def erp_sku(self, vendor_id: str | None, asin: str | None) -> str | None:
        if vendor_id and vendor_id in self.skus:
            return vendor_id
        if vendor_id and vendor_id.isdigit() and vendor_id.lstrip("0") in self.by_ean:
            return self.by_ean[vendor_id.lstrip("0")]
        return self.by_asin.get(asin or "")


def free_stock(uow: UnitOfWork, warehouse: str, *, skus: dict[str, SkuInfo] | None = None,
               today: date | None = None) -> dict[str, StockLevel]:
    """On hand minus what is already promised (accepted, not yet shipped) on any PO, and the
    units of the next arrival no PO has been promised yet.

    Derived rather than stored, so a PO change or a cancellation frees stock without any
    bookkeeping that could drift. ``skus``: the SKU master when the caller has read it already.
    Units accepted or backordered against an arrival are promised from the arrival until its
    day has come (after ``today``), from the shelf once it has (``awaiting_arrival``). Without
    ``today`` every arrival is taken as still ahead.
    """
    resolve = SkuResolver(skus if skus is not None else sku_master(uow))
    from_shelf, from_arrival = _promised(uow, resolve, today)
    levels = {}
    for row in uow.inventory.all():
        if row.warehouse != warehouse:
            continue
        arriving = None if row.restock_units is None or row.restock_date is None else \
            max(row.restock_units - from_arrival[(row.vendor_sku, row.restock_date)], 0)
        levels[row.vendor_sku] = StockLevel(vendor_sku=row.vendor_sku,
                                            on_hand=max(row.on_hand - from_shelf[row.vendor_sku], 0),
                                            restock_date=row.restock_date, restock_units=arriving)
    return levels


def _promised(uow: UnitOfWork, resolve: SkuResolver, today: date | None
              ) -> tuple[dict[str, int], dict[tuple[str, date], int]]:
    """Units promised from the shelf by SKU, and from arrivals by (SKU, arrival day)."""
    from_shelf: dict[str, int] = defaultdict(int)
    from_arrival: dict[tuple[str, date], int] = defaultdict(int)
    for item in uow.purchase_orders.open_items():
        sku = resolve.erp_sku(item.vendor_sku, item.asin)
        if not sku:
            continue
        waiting = awaiting_arrival(item, today)
        from_shelf[sku] += open_units(item) - waiting
        if waiting and item.scheduled_ship_date:
            from_arrival[(sku, item.scheduled_ship_date)] += waiting
    return from_shelf, from_arrival


def promised_units(item: PurchaseOrderItem) -> int:
    """What the acknowledgement promised on a line: units accepted and units backordered (Amazon
    counts both as owed, and takes both on an ASN)."""
    return item.accepted_qty + item.backordered_qty


def open_units(item: PurchaseOrderItem) -> int:
    """Units promised on a line and not shipped yet."""
    return max(promised_units(item) - item.shipped_qty, 0)


def awaiting_arrival(item: PurchaseOrderItem, day: date | None) -> int:
    """Of a line's open units, those promised from an arrival that has not come by ``day``.

    They are the units accepted against the arrival and the backorder, and they go last: the
    shelf's units leave first. ``None`` takes every arrival as still ahead; a backorder without
    a date (Amazon refuses one) waits for good rather than ship what nobody scheduled.
    """
    due = item.scheduled_ship_date
    if due is not None and day is not None and day >= due:
        return 0
    return min(item.arriving_qty + item.backordered_qty, open_units(item))
