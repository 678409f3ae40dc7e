"""Turning a batch of records into the DataFrame a suite validates.

Values are coerced by kind: text stripped (empty = missing), quantities to whole numbers,
money to ``Decimal`` (never float: ``0.1 + 0.2`` must equal ``0.3``), flags to bool. A
value that cannot be coerced becomes missing, so the suite's "present and well-formed"
rule names the record; for optional columns a ``_<column>_well_formed`` flag does the
same. Missing keys in a record are missing values, never a crash.

The ``_``-prefixed columns are the rules Great Expectations has no expectation for,
computed here in pandas and left missing where their inputs are missing (the
"present" rule already reports those rows once); ``_document`` says which document a row
belongs to, and rules across rows group by it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import TYPE_CHECKING, Any

from acorn.domain.money import round_cents
from acorn.domain.sscc import is_valid_sscc
from acorn.gates.suites import ACKNOWLEDGEMENT, DOCUMENT, INVOICE, SHIPMENT, Suite

if TYPE_CHECKING:
    import pandas as pd

_WHOLE = re.compile(r"^[+-]?\d+$")
_MALFORMED = object()


def to_frame(rows: Iterable[Mapping[str, Any]], suite: Suite, *,
             documents: Sequence[str] | None = None) -> pd.DataFrame:
    """The suite's columns, coerced, plus its derived rule columns.

    ``documents`` names each row's document (one entry per row, in order) into the
    :data:`~acorn.gates.suites.DOCUMENT` column; without it all rows are one document ("").
    """
    import pandas as pd

    records = [dict(row) for row in rows]
    if documents is not None and len(documents) != len(records):
        raise ValueError(f"{len(documents)} document keys for {len(records)} rows")
    data: dict[str, list[Any]] = {}
    malformed: dict[str, list[bool]] = {}
    for kinds, coerce in (
        (suite.text, _text),
        (suite.quantities, _whole),
        (suite.money, _money),
        (suite.flags, _flag),
    ):
        for column in kinds:
            values = [coerce(record.get(column)) for record in records]
            malformed[column] = [value is _MALFORMED for value in values]
            data[column] = [None if value is _MALFORMED else value for value in values]
    frame = pd.DataFrame({col: pd.Series(data[col], dtype=_dtype(col, suite)) for col in suite.columns})
    frame.insert(0, DOCUMENT, pd.Series([""] * len(records) if documents is None else list(documents), dtype=object))
    for column in suite.optional:
        frame[f"_{column}_well_formed"] = pd.Series([not bad for bad in malformed[column]], dtype=object)
    _DERIVE[suite.name](frame)
    return frame


def _dtype(column: str, suite: Suite) -> str:
    return "Int64" if column in suite.quantities else "object"


# -- coercion --------------------------------------------------------------------------


def _text(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, float) and math.isnan(value):
        return None
    text = str(value).strip()
    return text or None


def _whole(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return _MALFORMED  # True is not a quantity
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _WHOLE.match(value.strip()):
        return int(value.strip())
    if isinstance(value, (float, Decimal)) and _is_finite(value) and value == int(value):
        return int(value)
    return _MALFORMED


def _money(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return _MALFORMED
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        return _MALFORMED
    return amount if amount.is_finite() else _MALFORMED


def _flag(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    return _MALFORMED


def _is_finite(value: float | Decimal) -> bool:
    return value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)


# -- derived rule columns -------------------------------------------------------------


def _where(frame: pd.DataFrame, present: list[str], values: Iterable[Any]) -> list[Any]:
    """``values`` row by row, but missing where any of ``present`` is missing."""
    complete = frame[present].notna().all(axis=1).tolist()
    return [bool(value) if ok else None for value, ok in zip(values, complete)]


def _acknowledgement(frame: pd.DataFrame) -> None:
    qty = ["ordered_qty", "accepted_qty", "backordered_qty", "rejected_qty"]
    parts = frame["accepted_qty"] + frame["backordered_qty"] + frame["rejected_qty"]
    frame["_quantities_add_up"] = _flags(_where(frame, qty, (parts == frame["ordered_qty"]).fillna(False)))
    explained = (frame["rejected_qty"] == 0).fillna(False) | frame["rejection_reason"].notna()
    frame["_rejection_explained"] = _flags(_where(frame, ["rejected_qty"], explained))


def _shipment(frame: pd.DataFrame) -> None:
    frame["_sscc_check_digit_ok"] = _flags(
        [is_valid_sscc(s) if isinstance(s, str) and len(s) == 18 and s.isdigit() else None for s in frame["sscc"]]
    )
    pos_per_sscc = frame.groupby([DOCUMENT, "sscc"], dropna=True)["po_number"].transform("nunique")
    frame["_sscc_single_po"] = _flags(_where(frame, ["sscc", "po_number"], (pos_per_sscc == 1).fillna(False)))
    line = ["po_number", "item_sequence"]
    shipped_on_line = frame.groupby([DOCUMENT, *line], dropna=False)["shipped_qty"].transform("sum")
    total = shipped_on_line + frame["already_shipped_qty"]
    within = (total <= frame["accepted_qty"]).fillna(False)
    inputs = [*line, "shipped_qty", "accepted_qty", "already_shipped_qty"]
    frame["_within_accepted"] = _flags(_where(frame, inputs, within))


def _invoice(frame: pd.DataFrame) -> None:
    cost, po_cost, qty, amount = frame["unit_cost"], frame["po_unit_cost"], frame["invoiced_qty"], frame["line_amount"]
    frame["_unit_cost_matches_po"] = _flags(_where(frame, ["unit_cost", "po_unit_cost"], [
        a == b if a is not None and b is not None else False for a, b in zip(cost, po_cost)
    ]))
    frame["_unit_cost_positive"] = _flags(_where(frame, ["unit_cost"], [c is not None and c > 0 for c in cost]))
    frame["_line_amount_ok"] = _flags(_where(frame, ["line_amount", "invoiced_qty", "unit_cost"], [
        _amount_matches(a, q, c) for a, q, c in zip(amount, qty, cost)
    ]))


def _amount_matches(amount: Any, qty: Any, cost: Any) -> bool:
    if any(value is None or type(value).__name__ == "NAType" for value in (amount, qty, cost)):
        return False
    exact = int(qty) * cost
    # a unit cost in fractions of a cent rounds once, on the line
    return bool(amount == exact or amount == round_cents(exact))


def _flags(values: list[Any]) -> pd.Series:
    import pandas as pd

    return pd.Series(values, dtype=object)


_DERIVE = {ACKNOWLEDGEMENT: _acknowledgement, SHIPMENT: _shipment, INVOICE: _invoice}
