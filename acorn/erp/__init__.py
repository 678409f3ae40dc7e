"""The vendor's ERP as Acorn sees it: SKU master and stock on hand, validated row by row.

``CsvErp`` reads the two CSV exports documented in :mod:`acorn.erp.csv_source`; any other
source implements :class:`ErpSource`. Bad rows come back as :class:`RowError` entries
(and, when asked, in a quarantine file); a file that cannot be read raises
:class:`ErpInputError`. ``sku_infos`` / ``stock_levels`` hand the rows to the domain rules.
``ISO_4217`` is the set of currency codes a vendor can be paid in.
Demo files consistent with the sandbox catalogue: :mod:`acorn.erp.demo`.
"""

from __future__ import annotations

from acorn.erp._currencies import ISO_4217
from acorn.erp._errors import ErpInputError, RowError
from acorn.erp.csv_source import CsvErp
from acorn.erp.rows import SkuRow, StockRow
from acorn.erp.source import ErpSource, LoadResult
from acorn.erp.to_domain import sku_infos, stock_levels

__all__ = [
    "CsvErp",
    "ErpInputError",
    "ErpSource",
    "ISO_4217",
    "LoadResult",
    "RowError",
    "SkuRow",
    "StockRow",
    "sku_infos",
    "stock_levels",
]
