"""The gate bench: its pandas checks are the suite's checks, and it answers the four figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from acorn.gates import gate_acknowledgements, gate_each, gate_invoice, gate_shipment
from acorn.gates.bench import gate_figures, invoices, pandas_gate
from acorn.gates.data_docs import data_docs_dir, keep_data_docs
from acorn.gates.suites import ACKNOWLEDGEMENT, INVOICE, SHIPMENT
from tests.gates.test_gates import SSCC, asn, decision


def gx_verdicts(gate: Any, documents: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, int]]:
    return {key: {f.rule: f.unexpected_count for f in result.failures}
            for key, result in gate_each(gate, documents).items()}


def odd_invoices() -> dict[str, list[dict[str, Any]]]:
    """Invoices broken in the ways the generated batch is not: a line twice, garbled or missing values."""
    changes = {"TWICE": {"item_sequence": "1"}, "GARBLED": {"line_amount": "n/a"}, "NO-COST": {"po_unit_cost": None},
               "ZERO": {"invoiced_qty": 0, "line_amount": None}, "EURO": {"currency": "eur"}}
    documents = {}
    for key, change in changes.items():
        rows = invoices(2)["INV0"]
        rows[1].update(change)
        documents[key] = rows
    return documents


@pytest.mark.parametrize(
    ("suite", "gate", "documents"),
    [
        pytest.param(INVOICE, gate_invoice, {**invoices(400, bad_every=31), "EMPTY": [], **odd_invoices()},
                     id="invoices"),
        pytest.param(SHIPMENT, gate_shipment, {
            "S1": asn(), "S2": asn(row3={"cancelled": True}, row1={"shipped_qty": 7}),
            "S3": asn(row0={"sscc": SSCC[0][1:]}), "S4": asn(row1={"sscc": SSCC[0]}),
            "S5": asn(row3={"po_number": "PO2"}), "S6": asn(row2={"sscc": None})},
            id="asns"),
        pytest.param(ACKNOWLEDGEMENT, gate_acknowledgements, {
            "A": [decision()], "B": [decision(accepted_qty=7)], "C": [decision(rejection_reason="OutOfStock")],
            "D": [decision(), decision()], "E": [decision(backordered_qty=-1, accepted_qty=7)]}, id="acknowledgements"),
    ],
)
def test_the_pandas_checks_fail_the_same_rules_of_the_same_documents_as_great_expectations(
        suite: str, gate: Any, documents: dict[str, list[dict[str, Any]]]) -> None:
    expected = gx_verdicts(gate, documents)
    assert any(expected.values()) and not all(expected.values())
    assert pandas_gate(suite, documents) == expected


def test_the_generated_failing_batch_breaks_about_one_line_in_a_hundred_across_many_invoices() -> None:
    broken = invoices(10_000, bad_every=100)
    failed = {key for key, result in gate_each(gate_invoice, broken).items() if not result.passed}
    assert (len(broken), len(failed)) == (500, 100)


def test_gate_figures_answers_the_four_figures_and_leaves_data_docs_as_they_were(tmp_path: Path) -> None:
    keep_data_docs(tmp_path / "data-docs")
    try:
        figures = gate_figures(lines=2_000)
        assert data_docs_dir() == (tmp_path / "data-docs").resolve()
    finally:
        keep_data_docs(None)
    assert set(figures) == {"gx_pass_s", "gx_fail_s", "pandas_s", "fail_over_pass"}
    assert all(isinstance(value, float) and value > 0 for value in figures.values())
    assert figures["fail_over_pass"] == pytest.approx(figures["gx_fail_s"] / figures["gx_pass_s"])
    assert not (tmp_path / "data-docs").exists()
