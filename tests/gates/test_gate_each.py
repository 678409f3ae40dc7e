"""Many documents through one gate: one Great Expectations validation names exactly the bad ones."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from acorn.gates import GateResult, _context, gate_acknowledgements, gate_each, gate_invoice, gate_shipment
from acorn.gates.data_docs import keep_data_docs
from tests.gates.test_gates import SSCC, asn, decision


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The suites validated during the test, one entry per Great Expectations run."""
    runs: list[str] = []
    validate = _context.validate

    def counted(suite_name: str, frame: Any) -> Any:
        runs.append(suite_name)
        return validate(suite_name, frame)

    monkeypatch.setattr(_context, "validate", counted)
    return runs


def invoice_lines(number: int, lines: int = 4, **bad: Any) -> list[dict[str, Any]]:
    """Invoice ``number`` billing lines 1..``lines`` of PO ``P<number>``; ``bad`` changes line 2."""
    rows = [{"po_number": f"P{number}", "item_sequence": str(seq), "invoiced_qty": 2, "shipped_qty": 2,
             "unit_cost": Decimal("1.25"), "po_unit_cost": Decimal("1.25"), "currency": "USD", "po_currency": "USD",
             "line_amount": Decimal("2.50")} for seq in range(1, lines + 1)]
    rows[1].update(bad)
    return rows


def invoices(count: int, **bad_ones: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """``count`` invoices ``INV<n>``; ``bad_ones`` maps an invoice number to its line 2's change."""
    return {f"INV{n}": invoice_lines(n, **bad_ones.get(f"INV{n}", {})) for n in range(count)}


def rules(result: GateResult) -> list[str]:
    return [failure.rule for failure in result.failures]


def test_one_validation_names_exactly_the_bad_invoices_with_their_own_lines(validations: list[str]) -> None:
    documents = invoices(200, INV17={"unit_cost": Decimal("1.30"), "line_amount": "2.60"},
                         INV150={"currency": "CAD", "invoiced_qty": 3, "line_amount": "3.75"})

    gates = gate_each(gate_invoice, documents)

    assert validations == ["acorn.invoice"]
    assert sorted(key for key, gate in gates.items() if not gate.passed) == ["INV150", "INV17"]
    assert rules(gates["INV17"]) == ["unit cost equals the PO's net cost"]
    assert [f.examples for f in gates["INV17"].failures] == [[{"po_number": "P17", "item_sequence": "2"}]]
    assert rules(gates["INV150"]) == ["invoiced qty <= shipped qty", "currency equals the PO's currency"]
    assert {f.unexpected_count for f in gates["INV150"].failures} == {1}
    assert all(e == {"po_number": "P150", "item_sequence": "2"} for f in gates["INV150"].failures for e in f.examples)
    assert {gate.row_count for gate in gates.values()} == {4}
    assert all(gate.passed and gate.failures == [] for key, gate in gates.items() if key not in {"INV17", "INV150"})


def test_a_passing_batch_is_one_validation_too(validations: list[str]) -> None:
    gates = gate_each(gate_acknowledgements, {f"PO{n}": [decision(po_number=f"PO{n}")] for n in range(50)})
    assert validations == ["acorn.acknowledgement"]
    assert all(gate.passed and gate.row_count == 1 for gate in gates.values())


@pytest.mark.parametrize(
    ("documents", "bad"),
    [
        pytest.param({"S1": asn(), "S2": asn(row3={"cancelled": True}), "S3": asn(row0={"sscc": SSCC[0][1:]})},
                     {"S2", "S3"}, id="asns"),
        pytest.param({"A": [decision()], "B": [decision(accepted_qty=7)], "C": [decision(rejection_reason=None)],
                      "D": [decision(), decision()]}, {"B", "C", "D"}, id="acknowledgements"),
        pytest.param(invoices(3, INV1={"item_sequence": "1"}, INV2={"line_amount": "n/a"}), {"INV1", "INV2"},
                     id="invoices"),
    ],
)
def test_each_document_gets_the_verdict_it_gets_when_validated_alone(documents: dict, bad: set[str]) -> None:
    gate = {"S1": gate_shipment, "A": gate_acknowledgements}.get(next(iter(documents)), gate_invoice)
    together = gate_each(gate, documents)
    assert {key for key, result in together.items() if not result.passed} == bad
    for key, rows in documents.items():
        assert together[key].to_json_dict() == gate(rows).to_json_dict(), key


def test_rows_are_compared_within_their_document_only() -> None:
    # two invoices billing the same PO line, two ASNs with the same carton of the same line: each is fine alone
    same_line = {"INV1": invoice_lines(1), "INV2": invoice_lines(1)}
    same_carton = {"S1": asn(), "S2": asn()}
    assert all(result.passed for result in gate_each(gate_invoice, same_line).values())
    assert all(result.passed for result in gate_each(gate_shipment, same_carton).values())


def test_an_empty_document_fails_the_table_level_rule_alone_in_one_validation(validations: list[str]) -> None:
    documents = {**invoices(5), "EMPTY": []}

    gates = gate_each(gate_invoice, documents)

    assert validations == ["acorn.invoice"]
    assert rules(gates["EMPTY"]) == ["the document has at least one line"]
    assert (gates["EMPTY"].row_count, gates["EMPTY"].failures[0].column) == (0, None)
    assert all(gates[key].passed for key in invoices(5))


def test_a_batch_of_only_empty_documents_fails_each_of_them() -> None:
    gates = gate_each(gate_shipment, {"S1": [], "S2": []})
    assert {key: rules(gate) for key, gate in gates.items()} == {
        "S1": ["the document has at least one line"], "S2": ["the document has at least one line"]}


def test_a_failure_that_names_no_rows_holds_back_every_document_of_the_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    validate = _context.validate

    def currency_rule_raises(suite_name: str, frame: Any) -> Any:
        validation = validate(suite_name, frame)
        pair = "expect_column_pair_values_to_be_equal"
        broken = next(r for r in validation.results if r.expectation_config.type == pair)
        broken.success, broken.result = False, {}
        broken.exception_info = {"raised_exception": True, "exception_message": "cannot compare",
                                 "exception_traceback": ""}
        return validation

    monkeypatch.setattr(_context, "validate", currency_rule_raises)
    gates = gate_each(gate_invoice, invoices(3))

    assert all(not gate.passed for gate in gates.values())
    assert {rule for gate in gates.values() for rule in rules(gate)} == {
        "currency equals the PO's currency (not evaluated: cannot compare) "
        "(not traced to rows: held back with all 3 documents of the batch)"}


def test_every_failed_row_of_a_large_batch_is_named_not_only_the_first_twenty(validations: list[str]) -> None:
    # 10,000 lines in 2,000 invoices; every other invoice bills one line at the wrong cost
    documents = invoices(0)
    for n in range(2000):
        documents[f"INV{n}"] = invoice_lines(n, lines=5, **({"unit_cost": Decimal("9.99"), "line_amount": "19.98"}
                                                            if n % 2 else {}))

    gates = gate_each(gate_invoice, documents)

    assert validations == ["acorn.invoice"]
    failed = {key for key, gate in gates.items() if not gate.passed}
    assert failed == {f"INV{n}" for n in range(1, 2000, 2)}
    assert all(rules(gates[key]) == ["unit cost equals the PO's net cost"] for key in failed)
    assert all(gates[key].failures[0].examples == [{"po_number": key.replace("INV", "P"), "item_sequence": "2"}]
               for key in failed)


def test_gate_each_takes_only_the_gates_it_knows() -> None:
    with pytest.raises(TypeError, match="gate_invoice"):
        gate_each(lambda rows: gate_invoice(rows), {"INV1": invoice_lines(1)})


def test_gate_each_of_nothing_validates_nothing(validations: list[str]) -> None:
    assert gate_each(gate_invoice, {}) == {}
    assert validations == []


@pytest.fixture
def docs_dir(tmp_path: Path) -> Iterator[Path]:
    keep_data_docs(tmp_path / "data-docs")
    try:
        yield tmp_path / "data-docs"
    finally:
        keep_data_docs(None)


def test_the_failed_documents_point_to_the_one_data_docs_page_of_the_batch(docs_dir: Path) -> None:
    gates = gate_each(gate_invoice, invoices(10, INV3={"currency": "EUR"}, INV7={"po_unit_cost": None}))
    pages = {key: gate.data_docs for key, gate in gates.items()}
    assert pages["INV3"] and pages["INV3"] == pages["INV7"] and Path(pages["INV3"]).is_file()
    assert {page for key, page in pages.items() if key not in {"INV3", "INV7"}} == {None}
