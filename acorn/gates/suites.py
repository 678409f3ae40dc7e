"""The quality rules every submission to Amazon must pass, one suite per document.

Written as data (expectation class name + arguments + the rule in business words) so
the rules read as a list an operations lead can review, and nothing of Great
Expectations is imported until a gate first runs. Rules that compare across rows or
need arithmetic Great Expectations has no expectation for (GS1 check digit, sums per PO
line, qty x cost) are computed in pandas into ``_``-prefixed boolean columns by
:mod:`acorn.gates.frames` and checked here with ``ExpectColumnValuesToBeInSet([True])``;
the failure still names the business column (``column``).

Every rule is about one document (a PO's acknowledgement, an ASN, an invoice), even when
many documents are validated together (:func:`acorn.gates.run.gate_each`): each row
carries its document in the :data:`DOCUMENT` column, and rules comparing rows (unique PO
lines, one PO per SSCC, shipped within accepted) compare them within a document only.

Input shapes (list of dicts; extra keys are ignored):

acknowledgement lines (one per PO line, as :class:`acorn.domain.acknowledgement.LineDecision`)
    po_number, item_sequence, ordered_qty, accepted_qty, backordered_qty, rejected_qty,
    rejection_reason (required when rejected_qty > 0)
shipment (ASN) lines (one per carton and PO line in it; a full-case carton is one row, a
mixed carton one row per PO line it holds)
    po_number, item_sequence, sscc, shipped_qty (in this carton), accepted_qty (what the
    acknowledgement promised: accepted and backordered, both of which Amazon takes) and
    already_shipped_qty (of the PO line, before this shipment), cancelled
invoice lines (one per PO line billed)
    po_number, item_sequence, invoiced_qty, shipped_qty, unit_cost, po_unit_cost,
    currency, po_currency, line_amount (optional: when given, must be qty x unit cost)

Not gated here, on purpose: an SSCC reused across shipments or an invoice number used
twice (the store's unique constraints see all history, a batch does not), and the 80%
fill-rate target (a commercial target, not a reason to hold an acknowledgement).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ACKNOWLEDGEMENT = "acorn.acknowledgement"
SHIPMENT = "acorn.shipment"
INVOICE = "acorn.invoice"

REJECTION_REASONS = ("TemporarilyUnavailable", "InvalidProductIdentifier", "ObsoleteProduct")

#: the frame column holding each row's document (PO, shipment, invoice number): rules that
#: compare rows compare them within one document, and failures are told apart by it
DOCUMENT = "_document"


@dataclass(frozen=True)
class Check:
    """One rule: a Great Expectations expectation and what it means for the business."""

    expectation: str  # class name in great_expectations.expectations
    rule: str
    column: str | None = None  # the input column an operator should look at
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Suite:
    """A gate's input columns by kind (they decide how values are coerced) and its rules."""

    name: str
    keys: tuple[str, ...]  # reported as the examples of a failure
    text: tuple[str, ...] = ()
    quantities: tuple[str, ...] = ()  # whole numbers
    money: tuple[str, ...] = ()  # Decimal
    flags: tuple[str, ...] = ()  # booleans
    optional: tuple[str, ...] = ()  # may be absent or empty
    checks: tuple[Check, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.text + self.quantities + self.money + self.flags


def _present(columns: tuple[str, ...], *, optional: tuple[str, ...] = ()) -> tuple[Check, ...]:
    """Required columns must hold a usable value; optional ones, when given, too."""
    return tuple(
        _holds(f"_{col}_well_formed", f"{col}, when given, is well-formed", col)
        if col in optional
        else Check("ExpectColumnValuesToNotBeNull", f"{col} is present and well-formed", col, {"column": col})
        for col in columns
    )


def _holds(flag: str, rule: str, column: str) -> Check:
    return Check("ExpectColumnValuesToBeInSet", rule, column, {"column": flag, "value_set": [True]})


def _at_least(column: str, minimum: int) -> Check:
    return Check(
        "ExpectColumnValuesToBeBetween", f"{column} is at least {minimum}", column,
        {"column": column, "min_value": minimum},
    )


def _unique(rule: str, column: str, keys: list[str]) -> Check:
    """``keys`` occur once per document (a row missing one of them is named by its "present" rule)."""
    return Check("ExpectCompoundColumnsToBeUnique", rule, column,
                 {"column_list": [DOCUMENT, *keys], "ignore_row_if": "any_value_is_missing"})


# table-level: checked by Great Expectations on the batch and, per document, on its row count
_NOT_EMPTY = Check("ExpectTableRowCountToBeBetween", "the document has at least one line", None, {"min_value": 1})


def _acknowledgement() -> Suite:
    text = ("po_number", "item_sequence", "rejection_reason")
    qty = ("ordered_qty", "accepted_qty", "backordered_qty", "rejected_qty")
    return Suite(
        name=ACKNOWLEDGEMENT,
        keys=("po_number", "item_sequence"),
        text=text,
        quantities=qty,
        optional=("rejection_reason",),
        checks=(
            _NOT_EMPTY,
            *_present(text + qty, optional=("rejection_reason",)),
            _unique("each PO line is acknowledged once", "item_sequence", ["po_number", "item_sequence"]),
            *(_at_least(col, 0) for col in qty),
            _holds("_quantities_add_up", "accepted + backordered + rejected = ordered", "accepted_qty"),
            _holds("_rejection_explained", "rejected units carry a rejection reason", "rejection_reason"),
            Check("ExpectColumnValuesToBeInSet", "rejection reason is one Amazon knows", "rejection_reason",
                  {"column": "rejection_reason", "value_set": list(REJECTION_REASONS)}),
        ),
    )


def _shipment() -> Suite:
    text, qty = ("po_number", "item_sequence", "sscc"), ("shipped_qty", "accepted_qty", "already_shipped_qty")
    return Suite(
        name=SHIPMENT,
        keys=("po_number", "item_sequence", "sscc"),
        text=text,
        quantities=qty,
        flags=("cancelled",),
        checks=(
            _NOT_EMPTY,
            *_present(text + qty + ("cancelled",)),
            Check("ExpectColumnValuesToMatchRegex", "SSCC is 18 digits", "sscc",
                  {"column": "sscc", "regex": r"^\d{18}$"}),
            _holds("_sscc_check_digit_ok", "SSCC ends with its GS1 mod-10 check digit", "sscc"),
            _unique("a carton lists each PO line once", "sscc", ["sscc", "po_number", "item_sequence"]),
            _holds("_sscc_single_po", "an SSCC labels a carton of one purchase order only", "sscc"),
            _at_least("shipped_qty", 1),
            _at_least("accepted_qty", 0),
            _at_least("already_shipped_qty", 0),
            _holds("_within_accepted", "shipped (all cartons) + already shipped <= accepted + backordered, per PO line",
                   "shipped_qty"),
            Check("ExpectColumnValuesToBeInSet", "cancelled PO lines are not shipped", "cancelled",
                  {"column": "cancelled", "value_set": [False]}),
        ),
    )


def _invoice() -> Suite:
    text = ("po_number", "item_sequence", "currency", "po_currency")
    qty, money = ("invoiced_qty", "shipped_qty"), ("unit_cost", "po_unit_cost", "line_amount")
    return Suite(
        name=INVOICE,
        keys=("po_number", "item_sequence"),
        text=text,
        quantities=qty,
        money=money,
        optional=("line_amount",),
        checks=(
            _NOT_EMPTY,
            *_present(text + qty + money, optional=("line_amount",)),
            _unique("an invoice bills each PO line once", "item_sequence", ["po_number", "item_sequence"]),
            _at_least("invoiced_qty", 1),
            Check("ExpectColumnPairValuesAToBeGreaterThanB", "invoiced qty <= shipped qty", "invoiced_qty",
                  {"column_A": "shipped_qty", "column_B": "invoiced_qty", "or_equal": True,
                   "ignore_row_if": "either_value_is_missing"}),
            _holds("_unit_cost_matches_po", "unit cost equals the PO's net cost", "unit_cost"),
            _holds("_unit_cost_positive", "unit cost is more than zero", "unit_cost"),
            Check("ExpectColumnValuesToMatchRegex", "currency is an ISO 4217 code", "currency",
                  {"column": "currency", "regex": r"^[A-Z]{3}$"}),
            Check("ExpectColumnPairValuesToBeEqual", "currency equals the PO's currency", "currency",
                  {"column_A": "currency", "column_B": "po_currency", "ignore_row_if": "either_value_is_missing"}),
            _holds("_line_amount_ok", "line amount = invoiced qty x unit cost", "line_amount"),
        ),
    )


SUITES: dict[str, Suite] = {suite.name: suite for suite in (_acknowledgement(), _shipment(), _invoice())}
