"""Load the vendor's SKU master and stock from its ERP into the store."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from acorn.erp import ErpSource, RowError
from acorn.store import UnitOfWork

log = logging.getLogger("acorn.erp")


@dataclass
class ErpLoadResult:
    skus: int = 0
    stock_rows: int = 0
    errors: list[RowError] = field(default_factory=list)


def load_erp(database_url: str, source: ErpSource, *, as_of: datetime, account_code: str = "*") -> ErpLoadResult:
    """Upsert every good row; report every bad one (file, line, field) and keep going."""
    skus, stock = source.load_skus(), source.load_inventory()
    result = ErpLoadResult(errors=[*skus.errors, *stock.errors])
    with UnitOfWork(database_url) as uow:
        for row in skus.rows:
            uow.skus.upsert(vendor_sku=row.vendor_sku, asin=row.asin, ean=row.ean, title=row.title,
                            case_pack=row.case_pack, unit_weight_kg=row.unit_weight_kg,
                            carton_weight_kg=row.carton_weight_kg, unit_cost=row.unit_cost, currency=row.currency,
                            discontinued=row.discontinued)
            result.skus += 1
        for row in stock.rows:
            uow.inventory.upsert(vendor_sku=row.vendor_sku, warehouse=row.warehouse, on_hand=row.on_hand,
                                 restock_date=row.restock_date)
            result.stock_rows += 1
        for error in result.errors:
            log.warning("ERP row rejected: %s", error)
            uow.audit.append(action="erp.row_rejected", entity="erp_row", entity_id=f"{error.file}:{error.line}",
                             detail={"field": error.field, "value": str(error.value), "message": error.message})
        if result.errors:
            uow.alerts.raise_alert(
                dedupe_key=f"erp-rejected:{as_of:%Y-%m-%d}", account_code=account_code, kind="erp_rows_rejected",
                subject=f"{len(result.errors)} ERP rows rejected on {as_of:%Y-%m-%d}",
                message="; ".join(str(e) for e in result.errors[:10]), severity="warning",
                next_step="Correct the named rows in the ERP export (the quarantine file lists them) and reload.")
        uow.commit()
    return result
