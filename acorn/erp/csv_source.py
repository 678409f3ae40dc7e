"""The vendor's ERP as two CSV exports: the SKU master and the stock on hand.

Files are UTF-8 (a byte-order mark, as Excel writes, is fine), comma separated, with a
header row. Column names are matched case-insensitively and surrounding spaces are
ignored; extra columns are ignored; the order of columns does not matter. An empty cell
is a missing value.

SKU master (e.g. ``skus.csv``), one row per vendor SKU:

=================  ========  ==============================================================
column             required  meaning and rule
=================  ========  ==============================================================
vendor_sku         yes       the vendor's own item code; unique in the file
asin               yes       Amazon's item id: 10 upper-case letters or digits
ean                yes       EAN-13 / GTIN (8, 12, 13 or 14 digits) with a valid check digit
title              yes       item description
case_pack          yes       units per carton, a whole number from 1 to 10,000
unit_weight_kg     yes       weight of one unit in kg, > 0 and below 10,000,000
carton_weight_kg   no        gross weight of a full carton in kg; not less than its units
unit_cost          yes       net cost per unit, > 0, at most 2 decimals (cents), below 10^12
currency           yes       ISO 4217 code, e.g. USD
discontinued       yes       true/false (yes/no, 1/0 and an empty cell = false accepted)
=================  ========  ==============================================================

Inventory (e.g. ``inventory.csv``), one row per SKU and warehouse:

=================  ========  ==============================================================
column             required  meaning and rule
=================  ========  ==============================================================
vendor_sku         yes       the SKU; (vendor_sku, warehouse) unique in the file; when the
                             load knows the SKUs (``known_skus``), one of them
warehouse          yes       the vendor's warehouse code the stock sits in
on_hand            yes       units on hand, a whole number from 0 to 100,000,000
restock_date       no        YYYY-MM-DD: when more units are expected (blank = unknown)
restock_units      no        units arriving on restock_date, 0 to 100,000,000 (blank =
                             unknown: then nothing is accepted against the arrival)
=================  ========  ==============================================================

A file that cannot be read as a whole (missing, empty, not UTF-8, malformed CSV, a
required column missing or doubled) raises :class:`ErpInputError` naming the file and
the column. A bad row becomes a :class:`RowError` (file, line, field, value, message)
and the rest of the file loads; with ``quarantine_dir`` the bad rows are also written,
as read, to ``<quarantine_dir>/<file stem>.rejected.csv`` with an extra ``error``
column. For a duplicated key the first row is kept and the later ones are rejected. A
NUL byte anywhere in a row rejects the row. Texts longer than the store keeps (SKU and
warehouse 40 characters, title 300) are rejected too.
Nothing is dropped silently: rows loaded + errors = data rows in the file (blank lines
and rows of only empty cells, as spreadsheets leave behind, are not data rows).
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from acorn.erp._csv_table import TableSpec, load_table
from acorn.erp.rows import SkuRow, StockRow
from acorn.erp.source import LoadResult

SKU_MASTER = TableSpec(
    model=SkuRow,
    required=(
        "vendor_sku",
        "asin",
        "ean",
        "title",
        "case_pack",
        "unit_weight_kg",
        "unit_cost",
        "currency",
        "discontinued",
    ),
    optional=("carton_weight_kg",),
    key=("vendor_sku",),
)

INVENTORY = TableSpec(
    model=StockRow,
    required=("vendor_sku", "warehouse", "on_hand"),
    optional=("restock_date", "restock_units"),
    key=("vendor_sku", "warehouse"),
)

#: column order the demo files and documentation use
SKU_COLUMNS: tuple[str, ...] = (
    "vendor_sku",
    "asin",
    "ean",
    "title",
    "case_pack",
    "unit_weight_kg",
    "carton_weight_kg",
    "unit_cost",
    "currency",
    "discontinued",
)
INVENTORY_COLUMNS: tuple[str, ...] = ("vendor_sku", "warehouse", "on_hand", "restock_date", "restock_units")


class CsvErp:
    """An :class:`~acorn.erp.source.ErpSource` over two CSV exports; reads on every call."""

    def __init__(
        self, sku_path: Path | str, inventory_path: Path | str, *, quarantine_dir: Path | str | None = None
    ) -> None:
        self.sku_path = Path(sku_path)
        self.inventory_path = Path(inventory_path)
        self.quarantine_dir = Path(quarantine_dir) if quarantine_dir is not None else None

    def __repr__(self) -> str:
        return f"CsvErp(sku_path={str(self.sku_path)!r}, inventory_path={str(self.inventory_path)!r})"

    def load_skus(self) -> LoadResult[SkuRow]:
        """The SKU master; bad rows are returned as errors (and quarantined when asked)."""
        return load_table(self.sku_path, SKU_MASTER, quarantine_dir=self.quarantine_dir)

    def load_inventory(self, *, known_skus: Collection[str] | None = None) -> LoadResult[StockRow]:
        """Stock per SKU and warehouse; bad rows are returned as errors (and quarantined).

        With ``known_skus``, a row for any other SKU is rejected: stock of an item the SKU
        master does not describe cannot be packed, acknowledged or invoiced.
        """
        if known_skus is None:
            return load_table(self.inventory_path, INVENTORY, quarantine_dir=self.quarantine_dir)
        known = frozenset(known_skus)
        master = self.sku_path.name

        def known_sku(row: StockRow) -> tuple[str, str] | None:
            if row.vendor_sku in known:
                return None
            return "vendor_sku", f"unknown SKU {row.vendor_sku!r}: not in the SKU master ({master}) nor already stored"

        return load_table(self.inventory_path, INVENTORY, quarantine_dir=self.quarantine_dir, check_row=known_sku)
