"""Quality gates on small batches: a correct document passes, each broken rule names its records.

All tests share the process's one Great Expectations context; the module fixture pays
for the import and the suite building once.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict
from decimal import Decimal
from typing import Any

import pytest

from acorn.domain.acknowledgement import LineDecision, RejectionReason
from acorn.domain.sscc import make_sscc
from acorn.gates import GateFailed, GateResult, _context, gate_acknowledgements, gate_invoice, gate_shipment

SSCC = [make_sscc(extension_digit=0, company_prefix="0614141", serial=n).value for n in range(1, 6)]


@pytest.fixture(scope="module", autouse=True)
def warm_context() -> None:
    gate_shipment(asn())


def asn(**changes: Any) -> list[dict[str, Any]]:
    """PO1 line 1: 12 accepted, shipped in two full cases; PO1 line 2 in a mixed carton with line 3."""
    rows = [
        {"po_number": "PO1", "item_sequence": "1", "sscc": SSCC[0], "shipped_qty": 6, "accepted_qty": 12,
         "already_shipped_qty": 0, "cancelled": False},
        {"po_number": "PO1", "item_sequence": "1", "sscc": SSCC[1], "shipped_qty": 6, "accepted_qty": 12,
         "already_shipped_qty": 0, "cancelled": False},
        {"po_number": "PO1", "item_sequence": "2", "sscc": SSCC[2], "shipped_qty": 3, "accepted_qty": 5,
         "already_shipped_qty": 2, "cancelled": False},
        {"po_number": "PO1", "item_sequence": "3", "sscc": SSCC[2], "shipped_qty": 1, "accepted_qty": 1,
         "already_shipped_qty": 0, "cancelled": False},
    ]
    for index, change in changes.items():
        rows[int(index.removeprefix("row"))].update(change)
    return rows


def failed(result: GateResult) -> dict[str, list[dict[str, Any]]]:
    return {failure.rule: failure.examples for failure in result.failures}


def test_a_correct_asn_with_split_lines_and_a_mixed_carton_passes() -> None:
    result = gate_shipment(asn())
    assert result.passed, result.summary()
    assert (result.suite, result.row_count, result.failures) == ("acorn.shipment", 4, [])


@pytest.mark.parametrize(
    ("changes", "rule", "keys"),
    [
        pytest.param({"row0": {"sscc": SSCC[0][:-1] + str((int(SSCC[0][-1]) + 1) % 10)}},
                     "SSCC ends with its GS1 mod-10 check digit", ("PO1", "1"), id="bad-check-digit"),
        pytest.param({"row0": {"sscc": SSCC[0][1:]}}, "SSCC is 18 digits", ("PO1", "1"), id="17-digits"),
        pytest.param({"row3": {"po_number": "PO2"}}, "an SSCC labels a carton of one purchase order only", ("PO2", "3"),
                     id="sscc-on-two-pos"),
        pytest.param({"row1": {"sscc": SSCC[0]}}, "a carton lists each PO line once", ("PO1", "1"),
                     id="carton-line-twice"),
        pytest.param({"row3": {"shipped_qty": 0}}, "shipped_qty is at least 1", ("PO1", "3"), id="zero-qty"),
        pytest.param({"row1": {"shipped_qty": 7}},
                     "shipped (all cartons) + already shipped <= accepted + backordered, per PO line",
                     ("PO1", "1"), id="over-accepted-across-cartons"),
        pytest.param({"row2": {"already_shipped_qty": 3}},
                     "shipped (all cartons) + already shipped <= accepted + backordered, per PO line", ("PO1", "2"),
                     id="over-accepted-with-earlier-shipment"),
        pytest.param({"row3": {"cancelled": True}}, "cancelled PO lines are not shipped", ("PO1", "3"),
                     id="cancelled-line"),
        pytest.param({"row2": {"sscc": None}}, "sscc is present and well-formed", ("PO1", "2"), id="missing-sscc"),
        pytest.param({"row2": {"shipped_qty": "three"}}, "shipped_qty is present and well-formed", ("PO1", "2"),
                     id="qty-not-a-number"),
    ],
)
def test_each_broken_asn_rule_fails_the_gate_naming_the_offending_record(changes: dict, rule: str,
                                                                         keys: tuple[str, str]) -> None:
    result = gate_shipment(asn(**changes))
    assert not result.passed
    assert rule in failed(result), result.summary()
    assert keys in {(e["po_number"], e["item_sequence"]) for e in failed(result)[rule]}


def test_an_empty_asn_fails_and_the_failure_says_so() -> None:
    result = gate_shipment([])
    assert [f.rule for f in result.failures] == ["the document has at least one line"]


def invoice(**change: Any) -> list[dict[str, Any]]:
    rows = [
        {"po_number": "PO1", "item_sequence": "1", "invoiced_qty": 12, "shipped_qty": 12, "unit_cost": Decimal("4.50"),
         "po_unit_cost": "4.5", "currency": "USD", "po_currency": "USD", "line_amount": Decimal("54.00")},
        {"po_number": "PO1", "item_sequence": "2", "invoiced_qty": 3, "shipped_qty": 5, "unit_cost": Decimal("0.125"),
         "po_unit_cost": Decimal("0.125"), "currency": "USD", "po_currency": "USD", "line_amount": "0.38"},
    ]
    rows[1].update(change)
    return rows


def test_an_invoice_billing_shipped_units_at_po_cost_passes_even_with_a_rounded_line_amount() -> None:
    result = gate_invoice(invoice())
    assert result.passed, result.summary()


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        pytest.param({"invoiced_qty": 6}, "invoiced qty <= shipped qty", id="billed-more-than-shipped"),
        pytest.param({"invoiced_qty": 0, "line_amount": None}, "invoiced_qty is at least 1", id="zero-qty"),
        pytest.param({"unit_cost": Decimal("0.13"), "line_amount": "0.39"}, "unit cost equals the PO's net cost",
                     id="price-variance"),
        pytest.param({"currency": "CAD"}, "currency equals the PO's currency", id="currency-differs"),
        pytest.param({"line_amount": "0.40"}, "line amount = invoiced qty x unit cost", id="wrong-line-amount"),
        pytest.param({"line_amount": "n/a"}, "line_amount, when given, is well-formed", id="garbled-line-amount"),
        pytest.param({"item_sequence": "1"}, "an invoice bills each PO line once", id="line-billed-twice"),
        pytest.param({"po_unit_cost": None}, "po_unit_cost is present and well-formed", id="missing-po-cost"),
    ],
)
def test_each_broken_invoice_rule_fails_the_gate(change: dict, rule: str) -> None:
    result = gate_invoice(invoice(**change))
    assert rule in failed(result), result.summary()
    assert all(e["po_number"] == "PO1" for e in failed(result)[rule])


def decision(**change: Any) -> dict[str, Any]:
    line = LineDecision(po_number="PO1", item_sequence="1", vendor_sku="ACR-1", asin="B000000001", ordered_qty=10,
                        accepted_qty=6, rejected_qty=4, rejection_reason=RejectionReason.TEMPORARILY_UNAVAILABLE)
    return {**asdict(line), **change}


def test_acknowledgements_built_from_domain_decisions_pass() -> None:
    rows = [decision(), decision(item_sequence="2", accepted_qty=10, rejected_qty=0, rejection_reason=None)]
    assert gate_acknowledgements(rows).passed


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        pytest.param({"accepted_qty": 7}, "accepted + backordered + rejected = ordered", id="quantities-do-not-add-up"),
        pytest.param({"rejection_reason": None}, "rejected units carry a rejection reason",
                     id="rejection-without-reason"),
        pytest.param({"rejection_reason": "OutOfStock"}, "rejection reason is one Amazon knows", id="unknown-reason"),
        pytest.param({"backordered_qty": -1, "accepted_qty": 7}, "backordered_qty is at least 0", id="negative-qty"),
    ],
)
def test_each_broken_acknowledgement_rule_fails_the_gate(change: dict, rule: str) -> None:
    result = gate_acknowledgements([decision(**change)])
    assert rule in failed(result), result.summary()
    assert failed(result)[rule] == [{"po_number": "PO1", "item_sequence": "1"}]


def test_a_failed_result_is_json_ready_and_raises_gate_failed_naming_the_rule() -> None:
    result = gate_shipment(asn(row3={"cancelled": True}))
    payload = json.loads(json.dumps(result.to_json_dict()))
    assert payload["passed"] is False
    assert payload["failures"][0]["expectation"] == "expect_column_values_to_be_in_set"
    assert payload["failures"][0]["unexpected_count"] == 1
    with pytest.raises(GateFailed, match="cancelled PO lines are not shipped") as caught:
        result.raise_for_failure()
    assert caught.value.result is result
    assert gate_shipment(asn()).raise_for_failure().passed


def test_every_gate_runs_on_one_context_built_once_per_process() -> None:
    gate_invoice(invoice())
    gate_acknowledgements([decision()])
    assert _context.context() is _context.context()
    assert _context._validation_definition.cache_info().currsize == 3
    assert sorted(s.name for s in _context.context().suites.all()) == ["acorn.acknowledgement", "acorn.invoice",
                                                                       "acorn.shipment"]


def test_importing_the_gates_does_not_import_great_expectations() -> None:
    code = "import sys, acorn.gates; print('great_expectations' in sys.modules, 'pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_the_public_surface_of_the_gates_package_is_exactly_what_all_lists() -> None:
    import acorn.gates as gates

    exported = {n for n, v in vars(gates).items() if not n.startswith("_") and type(v).__name__ != "module"}
    assert set(gates.__all__) == exported - {"annotations"}
