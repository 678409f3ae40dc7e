"""Load the vendor's SKU master and stock from its ERP into the store.

Bad rows never stop a load: each is reported with file, line and field (and written to the
source's quarantine file), the good rows load. Stock is only taken for SKUs Acorn knows,
from the master being loaded or from an earlier load.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from acorn.erp import ErpSource, RowError
from acorn.services.ports import Units
from acorn.store import UnitOfWork

log = logging.getLogger("acorn.erp")


@dataclass
class ErpLoadResult:
    skus: int = 0
    stock_rows: int = 0
    errors: list[RowError] = field(default_factory=list)


#: ``progress(what, done, total)``: a CLI draws it as a bar (acorn/progress.py); called per step of the load
Progress = Callable[[str, int, int], None]


def load_erp(units: Units, source: ErpSource, *, as_of: datetime, account_code: str = "*",
             progress: Progress | None = None) -> ErpLoadResult:
    """Upsert every good row; report every bad one (file, line, field) and keep going."""
    tell = progress or (lambda what, done, total: None)
    tell("read the SKU master", 0, 1)
    skus = source.load_skus()
    tell("read the SKU master", 1, 1)
    with units() as uow:
        stored = {sku.vendor_sku for sku in uow.skus.all()}
    tell("read the stock file", 0, 1)
    stock = source.load_inventory(known_skus=stored | {row.vendor_sku for row in skus.rows})
    tell("read the stock file", 1, 1)
    result = ErpLoadResult(errors=[*skus.errors, *stock.errors])
    total = len(skus.rows) + len(stock.rows)
    with units() as uow:
        # a few statements per load, not two per row: a vendor's master has tens of thousands of SKUs
        tell("write SKUs and stock", 0, total)
        uow.skus.upsert_all([
            dict(vendor_sku=row.vendor_sku, asin=row.asin, ean=row.ean, title=row.title, case_pack=row.case_pack,
                 unit_weight_kg=row.unit_weight_kg, carton_weight_kg=row.carton_weight_kg, unit_cost=row.unit_cost,
                 currency=row.currency, discontinued=row.discontinued) for row in skus.rows])
        result.skus = len(skus.rows)
        tell("write SKUs and stock", len(skus.rows), total)
        uow.inventory.upsert_all([
            dict(vendor_sku=row.vendor_sku, warehouse=row.warehouse, on_hand=row.on_hand,
                 restock_date=row.restock_date, restock_units=row.restock_units) for row in stock.rows])
        result.stock_rows = len(stock.rows)
        _report_rejected(uow, result.errors, as_of=as_of, account_code=account_code)
        uow.commit()
    tell("write SKUs and stock", total, total)
    return result



def _report_rejected(uow: UnitOfWork, errors: list[RowError], *, as_of: datetime, account_code: str) -> None:
    """Each rejected row logged and audited; one alert for the day's rejected rows, naming the first ten."""
    for error in errors:
        log.warning("ERP row rejected: %s", error)
        # the file's name keeps the id inside its column however deep the export sits
        uow.audit.append(action="erp.row_rejected", entity="erp_row",
                         entity_id=f"{Path(error.file).name[:100]}:{error.line}",
                         detail={"file": error.file, "field": error.field, "value": _printable(error.value),
                                 "message": error.message})
    if errors:
        uow.alerts.raise_alert(
            dedupe_key=f"erp-rejected:{as_of:%Y-%m-%d}", account_code=account_code, kind="erp_rows_rejected",
            subject=f"{len(errors)} ERP rows rejected on {as_of:%Y-%m-%d}",
            message="; ".join(str(e) for e in errors[:10]), severity="warning",
            next_step="Correct the named rows in the ERP export (the quarantine file lists them) and reload.")


def _printable(value: str | None) -> str:
    # a NUL byte is what rejected some rows; keep it visible, and out of the database's text
    return str(value).replace("\x00", "\u2400")
