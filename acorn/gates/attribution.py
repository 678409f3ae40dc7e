"""One validation of many documents, told apart: each document's own failures.

A batch's validation lists every unexpected row of every failed expectation (COMPLETE
result format, not the 20 of the partial ones), each by its document
(:data:`~acorn.gates.suites.DOCUMENT`) and the suite's keys. Grouping those rows by
document gives each document the failures, counts and examples it would have had if
validated alone, without validating it alone.

Two kinds of failure name no rows, and are attributed on purpose:

* **"the document has at least one line"** (``ExpectTableRowCountToBeBetween``). Great
  Expectations counts the batch's rows, which says nothing of one document, and an empty
  document has no row to be named by. The rule is about each document, so it is
  evaluated per document here, on each document's row count with the suite's bounds;
  the batch-level result only shows in Data Docs.
* **any other failure without its rows** (an expectation that raised, or a result whose
  row list is missing or shorter than its count). Which document it concerns cannot be
  known, so it counts against every document of the batch: a gate holds back what it
  cannot clear, and the rule says why.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from acorn.gates.result import MAX_EXAMPLES, GateFailure
from acorn.gates.suites import DOCUMENT, Check, Suite

#: table-level rules on the row count, checked per document from the records themselves
ROW_COUNT = "ExpectTableRowCountToBeBetween"


def failures_by_document(spec: Suite, validation: Any, sizes: Mapping[str, int]) -> dict[str, list[GateFailure]]:
    """Each document's failed rules (suite order) from ``validation`` of all of them; ``sizes``: rows per document."""
    found: dict[str, list[tuple[int, GateFailure]]] = {key: [] for key in sizes}
    for result in validation.results:
        index = int(result.expectation_config.meta["acorn_check"])
        check = spec.checks[index]
        if check.expectation == ROW_COUNT:
            for key, size in sizes.items():
                if not _within(size, check.kwargs):
                    found[key].append((index, _failure(check, result, count=0)))
            continue
        if result.success:
            continue
        rows = _rows_by_document(result, sizes)
        if rows is None:
            blind = _failure(check, result, count=int((result.result or {}).get("unexpected_count") or 0),
                             note=f"not traced to rows: held back with all {len(sizes)} documents of the batch"
                             if len(sizes) > 1 else "")
            for key in sizes:
                found[key].append((index, blind))
            continue
        for key, listed in rows.items():
            examples = [{k: _plain(row.get(k)) for k in spec.keys} for row in listed[:MAX_EXAMPLES]]
            found[key].append((index, _failure(check, result, count=len(listed), examples=examples)))
    return {key: [failure for _, failure in sorted(items, key=lambda item: item[0])] for key, items in found.items()}


def _within(size: int, bounds: Mapping[str, Any]) -> bool:
    low, high = bounds.get("min_value"), bounds.get("max_value")
    return (low is None or size >= low) and (high is None or size <= high)


def _rows_by_document(result: Any, sizes: Mapping[str, int]) -> dict[str, list[Mapping[str, Any]]] | None:
    """The failed expectation's unexpected rows by document; ``None`` when they are not all named."""
    if _raised(result) is not None:
        return None
    outcome = result.result or {}
    listed = outcome.get("unexpected_index_list")
    count = int(outcome.get("unexpected_count") or 0)
    if not isinstance(listed, list) or count == 0 or len(listed) < count:
        return None
    rows: dict[str, list[Mapping[str, Any]]] = {}
    for row in listed:
        key = row.get(DOCUMENT) if isinstance(row, Mapping) else None
        if key not in sizes:
            return None
        rows.setdefault(key, []).append(row)
    return rows


def _failure(check: Check, result: Any, *, count: int, examples: list[dict[str, Any]] | None = None,
             note: str = "") -> GateFailure:
    rule = check.rule
    if (message := _raised(result)) is not None:
        rule = f"{rule} (not evaluated: {message})"
    if note:
        rule = f"{rule} ({note})"
    return GateFailure(expectation=result.expectation_config.type, column=check.column, unexpected_count=count,
                       examples=examples or [], rule=rule)


def _raised(result: Any) -> str | None:
    """The message of the exception an expectation raised (``None``: it ran)."""
    info = result.exception_info or {}
    # one dict, or (when several metrics were computed) one per metric
    for entry in [info] if "raised_exception" in info else info.values():
        if isinstance(entry, Mapping) and entry.get("raised_exception"):
            return str(entry.get("exception_message"))
    return None


def _plain(value: Any) -> Any:
    """numpy / pandas scalars and missing markers as plain JSON-able Python values."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if type(value).__name__ in {"NAType", "NaTType"}:
        return None
    return value if isinstance(value, (str, int, float, bool)) else str(value)
