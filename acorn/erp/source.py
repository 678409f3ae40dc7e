"""The port through which Acorn reads the vendor's own data: item master and stock.

Acorn does not own the catalogue or the warehouse: the vendor's ERP does. Everything
downstream (acknowledging what can be shipped, planning cartons, invoicing at the right
cost) reads it through :class:`ErpSource`, so a CSV export today and an ERP API later
are interchangeable, and tests use real files rather than fakes.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar, runtime_checkable

from acorn.erp._errors import RowError
from acorn.erp.rows import SkuRow, StockRow

RowT = TypeVar("RowT")


@dataclass(frozen=True)
class LoadResult(Generic[RowT]):
    """What a load produced: the rows that passed and one error per row that did not.

    Nothing read is dropped: ``read_count == len(rows) + len(errors)``.
    """

    rows: list[RowT] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every row read was loaded."""
        return not self.errors

    @property
    def read_count(self) -> int:
        """Data rows read from the source (blank lines are not rows)."""
        return len(self.rows) + len(self.errors)


@runtime_checkable
class ErpSource(Protocol):
    """Anything that can hand Acorn the item master and the stock on hand."""

    def load_skus(self) -> LoadResult[SkuRow]:
        """The SKU master; rejected rows come back as errors, not exceptions."""
        ...

    def load_inventory(self, *, known_skus: Collection[str] | None = None) -> LoadResult[StockRow]:
        """Stock per SKU and warehouse; rejected rows come back as errors.

        With ``known_skus``, rows of any other SKU are rejected (field ``vendor_sku``).
        """
        ...
