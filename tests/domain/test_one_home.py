"""One rule, one place: states and money rounding are defined in the domain and imported elsewhere.

The services, the store, the flows and the tasks name a state by its enum member
(``ShipmentStatus.PLANNED``), never by the bare string: a typo then fails at import, and
``grep`` finds every place a state is decided. ``StrEnum`` members equal their strings, so
what is stored is unchanged. Money (and any other quantity) is rounded by a domain function,
so every rounding of the same thing uses the same rule.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from acorn.domain.claims import ClaimKind, ClaimStatus
from acorn.domain.documents import DocumentKind, DocumentState
from acorn.domain.measures import round_to_gram, round_to_tenth, round_to_tenth_kg, weight_text
from acorn.domain.money import printed_places, round_cents, round_cents_half_even, round_money, shown_money
from acorn.domain.reconciliation import Category
from acorn.domain.states import (
    ALERT_TRANSITIONS,
    INVOICE_TRANSITIONS,
    RUN_TRANSITIONS,
    SHIPMENT_TRANSITIONS,
    AlertStatus,
    InvoiceStatus,
    RunStatus,
    ShipmentStatus,
)

REPO = Path(__file__).resolve().parents[2]
SCANNED = ("acorn/services", "acorn/store", "flows", "tasks")
VOCABULARIES = (DocumentState, DocumentKind, ShipmentStatus, InvoiceStatus, AlertStatus, RunStatus, ClaimStatus,
                ClaimKind, Category)
STATE_VALUES = frozenset(str(member) for enum in VOCABULARIES for member in enum)
#: keyword arguments and parameters that carry a state or a kind
STATE_NAMES = frozenset({"status", "statuses", "state", "states", "kind", "kinds", "category", "outcomes"})
#: calls whose string arguments are message text, not states
MESSAGE_CALLS = frozenset({"debug", "info", "warning", "error", "exception", "critical", "print"})

#: (file, code on the line): strings there equal a state's but name something else. Keep each one explained.
ALLOWED = {
    # bucket names of the day's picture and of the summary's counters (what ops read), not stored states
    ("acorn/services/status.py", "ASN_BUCKETS = ("),
    ("acorn/services/summary.py", "dict.fromkeys(("),
    ("acorn/services/summary.py", '.get(status, "open")'),
    # alert names of the outbox (``outbox-<name>-<key>``), named after what they report
    ("acorn/services/outbox.py", "TRANSIENT_ALERTS = ("),
    ("acorn/services/outbox.py", 'if name == "failed"'),
    ("acorn/services/invariants.py", 'alert_key("open"'),
    ("acorn/services/invariants.py", 'alert_key("failed"'),
    ("acorn/services/invariants.py", '(*TRANSIENT_ALERTS, "failed")'),
    # an alert kind (receipts short of the ASN), not a claim kind
    ("acorn/services/receipts.py", 'kind="shortage"'),
}


def _sources() -> Iterator[tuple[str, list[str], ast.Module]]:
    for folder in SCANNED:
        for path in sorted((REPO / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                text = path.read_text(encoding="utf-8")
                yield str(path.relative_to(REPO)), text.splitlines(), ast.parse(text)


def _allowed(path: str, line: str) -> bool:
    return any(path == allowed_path and code in line for allowed_path, code in ALLOWED)


def _literals(node: ast.AST | None) -> Iterator[ast.Constant]:
    """``node`` if it is a string constant, or the string constants of a literal collection."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
    elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        for element in node.elts:
            yield from _literals(element)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {"frozenset", "set",
                                                                                                "tuple"}:
        for arg in node.args:
            yield from _literals(arg)


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _state_positions(tree: ast.Module) -> Iterator[ast.Constant]:
    """String constants where a state is compared, assigned, passed, defaulted or stored under a state's key."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for operand in (node.left, *node.comparators):
                yield from _literals(operand)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            yield from _literals(node.value)
        elif isinstance(node, ast.Call) and _call_name(node) not in MESSAGE_CALLS:
            for arg in node.args:
                yield from _literals(arg)
            for keyword in node.keywords:
                if keyword.arg in STATE_NAMES:
                    yield from _literals(keyword.value)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and key.value in STATE_NAMES:
                    yield from _literals(value)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            positional = [*args.posonlyargs, *args.args]
            pairs = [*zip(positional[len(positional) - len(args.defaults):], args.defaults),
                     *zip(args.kwonlyargs, args.kw_defaults)]
            for arg, default in pairs:
                if arg.arg in STATE_NAMES:
                    yield from _literals(default)


def test_every_state_is_named_by_its_enum_member_outside_the_domain():
    bare = sorted({f"{path}:{c.lineno}: {c.value!r}" for path, lines, tree in _sources() for c in _state_positions(tree)
                   if c.value in STATE_VALUES and not _allowed(path, lines[c.lineno - 1])})
    assert bare == [], "name these states by their enum member (acorn.domain):\n" + "\n".join(bare)


#: a state written into SQL text: ``s.status = 'accepted'``
_SQL_STATE = re.compile(r"\b(?:status|state|kind|category)\s*(?:=|<>|!=)\s*'(\w+)'")


def test_no_state_is_spelled_out_in_sql_text():
    """Raw SQL names a state through the enum too (``f"s.status = '{ShipmentStatus.ACCEPTED}'"``)."""
    bare = sorted(f"{path}:{c.lineno}: {value!r}" for path, _, tree in _sources() for c in ast.walk(tree)
                  if isinstance(c, ast.Constant) and isinstance(c.value, str)
                  for value in _SQL_STATE.findall(c.value) if value in STATE_VALUES)
    assert bare == []


def test_rounding_happens_in_the_domain():
    """``quantize`` outside the domain (and the sandbox, which plays Amazon) is a rounding rule out of its home."""
    found = []
    for folder in ("acorn", "flows", "tasks"):
        for path in sorted((REPO / folder).rglob("*.py")):
            relative = path.relative_to(REPO)
            if relative.parts[:2] in {("acorn", "domain"), ("acorn", "sandbox")}:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Attribute) and node.attr == "quantize":
                    found.append(f"{relative}:{node.lineno}")
    assert found == []


def test_every_status_has_its_moves_listed():
    for enum, moves in ((ShipmentStatus, SHIPMENT_TRANSITIONS), (InvoiceStatus, INVOICE_TRANSITIONS),
                        (AlertStatus, ALERT_TRANSITIONS), (RunStatus, RUN_TRANSITIONS)):
        assert set(moves) == set(enum), enum.__name__
        assert all(target in enum for targets in moves.values() for target in targets), enum.__name__


def test_a_records_outcome_is_its_documents_outcome():
    """The outbox copies its row's state onto the shipment or invoice: the strings must be the same."""
    for outcome in (DocumentState.ACCEPTED, DocumentState.FAILED, DocumentState.NEEDS_REVIEW):
        assert ShipmentStatus(outcome) == InvoiceStatus(outcome) == outcome


@pytest.mark.parametrize(("rounded", "expected"), [
    pytest.param(round_cents(Decimal("0.005")), Decimal("0.01"), id="cents-half-up"),
    pytest.param(round_cents(Decimal("-0.005")), Decimal("-0.01"), id="cents-half-up-negative"),
    pytest.param(round_cents(7), Decimal("7.00"), id="cents-of-a-whole-number"),
    pytest.param(round_cents_half_even(Decimal("12.345")), Decimal("12.34"), id="sku-price-half-even"),
    pytest.param(round_cents_half_even(Decimal("12.5")), Decimal("12.50"), id="sku-price-spelled-in-cents"),
    pytest.param(round_money(Decimal("100.5"), "JPY"), Decimal("101"), id="yen-whole"),
    pytest.param(shown_money(Decimal("1234.5"), "JPY"), Decimal("1235"), id="shown-yen"),
    pytest.param(shown_money(Decimal("0.125"), None), Decimal("0.13"), id="shown-no-currency-cents"),
    pytest.param(round_to_tenth(Decimal("97.05")), Decimal("97.1"), id="rate-tenth-half-up"),
    pytest.param(round_to_gram(Decimal("1.0005")), Decimal("1.001"), id="gram-half-up"),
    pytest.param(round_to_tenth_kg(Decimal("10.25")), Decimal("10.2"), id="bill-of-lading-tenth-half-even"),
])
def test_each_rounding_rule_rounds_as_it_always_has(rounded, expected):
    assert rounded == expected and rounded.as_tuple().exponent == expected.as_tuple().exponent


def test_asn_and_routing_weights_are_grams_without_trailing_zeros():
    assert weight_text(Decimal("12.500")) == "12.5"
    assert weight_text(Decimal("1200")) == "1200"
    assert weight_text(Decimal("0.0005")) == "0"  # half even, Decimal's default


def test_documents_print_whole_currencies_without_decimals():
    assert printed_places("JPY") == 0
    assert printed_places("USD") == printed_places(None) == 2
