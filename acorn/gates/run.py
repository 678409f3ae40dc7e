"""The gates: run a suite on a batch of records and say what is wrong, record by record.

Every outbound document passes its gate before it reaches the outbox: an
acknowledgement, an ASN, an invoice. A gate never raises for bad data: it answers a
:class:`GateResult`; callers that want an exception call ``raise_for_failure()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from acorn.gates import _context
from acorn.gates.attribution import failures_by_document
from acorn.gates.frames import to_frame
from acorn.gates.result import GateResult
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
    """Gate many documents (by business id) with one validation run; a verdict per document.

    A validation has a fixed cost (~0.15 s for a day's hundreds of documents, ~1 s at
    100,000 lines), so a day's acknowledgements, ASNs or invoices are validated together,
    once, and each document's verdict is read off that one result
    (:mod:`acorn.gates.attribution`): a failing batch costs about what a passing one does,
    and one bad document among hundreds is named without validating any alone.
    Each result has the document's own failures, counts, examples and row count; a failed
    one also names the Data Docs page of the batch's validation.

    ``gate`` is one of :func:`gate_acknowledgements`, :func:`gate_shipment`,
    :func:`gate_invoice`: it says which suite to run.
    """
    suite_name = _SUITE_OF.get(gate)
    if suite_name is None:
        raise TypeError(f"gate_each takes one of {', '.join(g.__name__ for g in _SUITE_OF)}, not {gate!r}")
    return _gate_documents(suite_name, documents)


def run_gate(suite_name: str, rows: Records) -> GateResult:
    """Validate ``rows`` (one document) with the named suite of :data:`acorn.gates.suites.SUITES`."""
    return _gate_documents(suite_name, {"": rows})[""]


def _gate_documents(suite_name: str, documents: Mapping[str, Records]) -> dict[str, GateResult]:
    spec = SUITES[suite_name]
    rows = {key: list(records) for key, records in documents.items()}
    if not rows:
        return {}
    frame = to_frame([r for records in rows.values() for r in records], spec,
                     documents=[key for key, records in rows.items() for _ in records])
    validation = _context.validate(suite_name, frame)
    failures = failures_by_document(spec, validation, {key: len(records) for key, records in rows.items()})
    # a page only for a validation that failed: an empty document fails per document alone
    docs = _context.document(suite_name, validation) if not validation.success else None
    return {
        key: GateResult(passed=not failures[key], suite=suite_name, failures=failures[key], row_count=len(rows[key]),
                        data_docs=docs if failures[key] else None)
        for key in rows
    }


_SUITE_OF: dict[Callable[[Records], GateResult], str] = {
    gate_acknowledgements: ACKNOWLEDGEMENT,
    gate_shipment: SHIPMENT,
    gate_invoice: INVOICE,
}
