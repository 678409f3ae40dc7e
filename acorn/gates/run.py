"""The gates: run a suite on a batch of records and say what is wrong, record by record.

Every outbound document passes its gate before it reaches the outbox: an
acknowledgement, an ASN, an invoice. A gate never raises for bad data: it answers a
:class:`GateResult`; callers that want an exception call ``raise_for_failure()``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from acorn.gates import _context
from acorn.gates.frames import to_frame
from acorn.gates.result import MAX_EXAMPLES, GateFailure, GateResult
from acorn.gates.suites import ACKNOWLEDGEMENT, INVOICE, SHIPMENT, SUITES

Records = Iterable[Mapping[str, Any]]


def gate_acknowledgements(rows: Records) -> GateResult:
    """Acknowledgement lines before ``submitAcknowledgement`` (shape: :mod:`acorn.gates.suites`)."""
    return run_gate(ACKNOWLEDGEMENT, rows)


def gate_shipment(rows: Records) -> GateResult:
    """ASN carton lines before ``SubmitShipmentConfirmations``: SSCCs, quantities, cancellations."""
    return run_gate(SHIPMENT, rows)


def gate_invoice(rows: Records) -> GateResult:
    """Invoice lines before ``submitInvoices``: billed as shipped, at the PO's cost and currency."""
    return run_gate(INVOICE, rows)


def gate_each(gate: Callable[[Records], GateResult], documents: Mapping[str, Records]) -> dict[str, GateResult]:
    """Gate many documents (by business id) with one validation run.

    A validation costs ~0.3 s whatever the batch size, so a day's ASNs or invoices are
    checked together; only when that batch fails is each document checked alone, to say
    exactly which ones to hold back.
    """
    rows = {key: list(records) for key, records in documents.items()}
    if not rows:
        return {}
    batch = gate([r for records in rows.values() for r in records])
    if batch.passed:
        return {key: batch for key in rows}
    return {key: gate(records) for key, records in rows.items()}


def run_gate(suite_name: str, rows: Records) -> GateResult:
    """Validate ``rows`` with the named suite of :data:`acorn.gates.suites.SUITES`."""
    spec = SUITES[suite_name]
    frame = to_frame(rows, spec)
    validation = _context.validate(suite_name, frame)
    broken = sorted(  # in the suite's order (GX reports table-level rules first)
        (_check_index(result), result) for result in validation.results if not result.success
    )
    failures = [_failure(spec.checks[index], result, spec.keys) for index, result in broken]
    docs = _context.document(suite_name, validation) if failures else None
    return GateResult(passed=not failures, suite=suite_name, failures=failures, row_count=len(frame), data_docs=docs)


def _check_index(result: Any) -> int:
    return int(result.expectation_config.meta["acorn_check"])


def _failure(check: Any, result: Any, keys: tuple[str, ...]) -> GateFailure:
    outcome = result.result or {}
    rule = check.rule
    info = result.exception_info or {}
    if info.get("raised_exception"):
        rule = f"{rule} (not evaluated: {info.get('exception_message')})"
    examples = [
        {key: _plain(found.get(key)) for key in keys}
        for found in (outcome.get("unexpected_index_list") or [])[:MAX_EXAMPLES]
        if isinstance(found, Mapping)
    ]
    return GateFailure(
        expectation=result.expectation_config.type,
        column=check.column,
        unexpected_count=int(outcome.get("unexpected_count") or 0),
        examples=examples,
        rule=rule,
    )


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
