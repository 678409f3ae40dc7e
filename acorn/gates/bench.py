"""What a gate costs: Great Expectations on a passing and a failing batch, and plain pandas.

For ``acorn bench``'s table (it prints; nothing here does). The batch is ``lines``
generated invoice lines, 20 per invoice. Each figure is the wall time of the whole gate
as a caller pays it, the coercion into a frame (:func:`~acorn.gates.frames.to_frame`)
included, best of three runs:

``gx_pass_s``
    :func:`~acorn.gates.run.gate_each` on valid invoices.
``gx_fail_s``
    the same with ~1% of the lines wrong (wrong cost, currency, quantity or amount, in
    turn), spread over a fifth of the invoices: still one validation.
``pandas_s``
    the failing batch checked by :func:`pandas_gate`: the suite's own checks as
    vectorised pandas masks instead of Great Expectations, failed rules per document.
``fail_over_pass``
    ``gx_fail_s / gx_pass_s``: what naming the bad invoices costs over passing them all.

Data Docs are switched off while measuring (and switched back after), so a bench never
writes made-up failures into the ops' Data Docs index.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from acorn.gates import data_docs
from acorn.gates.attribution import ROW_COUNT
from acorn.gates.frames import to_frame
from acorn.gates.run import gate_each, gate_invoice
from acorn.gates.suites import DOCUMENT, INVOICE, SUITES, Check

if TYPE_CHECKING:
    import pandas as pd

_LINES_PER_INVOICE = 20
_BAD_EVERY = 100  # ~1% of the lines
_BREAKAGES: tuple[dict[str, Any], ...] = (
    {"unit_cost": Decimal("1.30"), "line_amount": Decimal("2.60")},
    {"currency": "CAD"},
    {"invoiced_qty": 3, "line_amount": Decimal("3.75")},
    {"line_amount": Decimal("2.49")},
)


def gate_figures(lines: int = 100_000) -> dict[str, float]:
    """Seconds for the invoice gate on ``lines`` lines: GX passing, GX failing, pandas; and fail / pass."""
    valid, broken = invoices(lines), invoices(lines, bad_every=_BAD_EVERY)
    kept = data_docs.data_docs_dir()
    data_docs.keep_data_docs(None)
    try:
        gate_each(gate_invoice, invoices(_LINES_PER_INVOICE))  # GX import, context and suite: paid once per process
        gx_pass = _seconds(lambda: gate_each(gate_invoice, valid))
        gx_fail = _seconds(lambda: gate_each(gate_invoice, broken))
        pandas = _seconds(lambda: pandas_gate(INVOICE, broken))
    finally:
        data_docs.keep_data_docs(kept)
    return {"gx_pass_s": gx_pass, "gx_fail_s": gx_fail, "pandas_s": pandas, "fail_over_pass": gx_fail / gx_pass}


def invoices(lines: int, *, bad_every: int = 0) -> dict[str, list[dict[str, Any]]]:
    """``lines`` invoice lines by invoice number; with ``bad_every``, one line in that many is wrong."""
    documents: dict[str, list[dict[str, Any]]] = {}
    for n in range(lines):
        invoice, sequence = divmod(n, _LINES_PER_INVOICE)
        row = {"po_number": f"P{invoice}", "item_sequence": str(sequence + 1), "invoiced_qty": 2, "shipped_qty": 2,
               "unit_cost": Decimal("1.25"), "po_unit_cost": Decimal("1.25"), "currency": "USD",
               "po_currency": "USD", "line_amount": Decimal("2.50")}
        if bad_every and n % bad_every == bad_every // 2:
            row.update(_BREAKAGES[(n // bad_every) % len(_BREAKAGES)])
        documents.setdefault(f"INV{invoice}", []).append(row)
    return documents


def pandas_gate(suite_name: str, documents: Mapping[str, list[Mapping[str, Any]]]) -> dict[str, dict[str, int]]:
    """The suite's checks in plain pandas: per document, each failed rule and its row count."""
    spec = SUITES[suite_name]
    frame = to_frame([r for rows in documents.values() for r in rows], spec,
                     documents=[key for key, rows in documents.items() for _ in rows])
    failed: dict[str, dict[str, int]] = {key: {} for key in documents}
    for check in spec.checks:
        if check.expectation == ROW_COUNT:
            low = check.kwargs.get("min_value", 0)
            for key, rows in documents.items():
                if len(rows) < low:
                    failed[key][check.rule] = 0
            continue
        for key, count in frame.loc[_unexpected(check, frame), DOCUMENT].value_counts().items():
            failed[key][check.rule] = int(count)
    return failed


def _unexpected(check: Check, frame: pd.DataFrame) -> pd.Series:
    """The rows ``check`` finds unexpected, as Great Expectations counts them (missing values skipped)."""
    kw, kind = check.kwargs, check.expectation
    if kind == "ExpectColumnValuesToNotBeNull":
        return frame[kw["column"]].isna()
    if kind == "ExpectCompoundColumnsToBeUnique":  # ignore_row_if="any_value_is_missing"
        keys = frame[kw["column_list"]]
        complete = keys.notna().all(axis=1)
        return keys[complete].duplicated(keep=False).reindex(frame.index, fill_value=False)
    if kind.startswith("ExpectColumnPair"):
        a, b = frame[kw["column_A"]], frame[kw["column_B"]]
        both = a.notna() & b.notna()
        if kind == "ExpectColumnPairValuesAToBeGreaterThanB":
            holds = (a >= b) if kw.get("or_equal") else (a > b)
        else:
            holds = a == b
        return both & ~holds.fillna(False).astype(bool)
    column = frame[kw["column"]]
    present = column.notna()
    if kind == "ExpectColumnValuesToBeInSet":
        return present & ~column.isin(kw["value_set"])
    if kind == "ExpectColumnValuesToBeBetween":
        low, high = kw.get("min_value"), kw.get("max_value")
        outside = (column < low if low is not None else False) | (column > high if high is not None else False)
        return present & outside.fillna(False).astype(bool)
    if kind == "ExpectColumnValuesToMatchRegex":
        return present & ~column.astype(str).str.contains(kw["regex"], regex=True)
    raise NotImplementedError(f"no pandas equivalent written for {kind}")


def _seconds(run: Callable[[], object], *, runs: int = 3) -> float:
    """Best wall time of ``runs`` runs (the machine is shared: the best is the least disturbed)."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best
