"""Reading a remittance CSV into typed rows; every bad value is reported ``(line, column, problem)``.

The two header styles and what each column means are described in
``acorn.services.remittances``; this module only turns text into values. A row with a bad
value is kept out whole (never half-loaded) and every problem on it is reported, so one
pass over the file tells finance everything to fix.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, overload

from acorn.domain.claims import ClaimKind

ZERO = Decimal(0)
CENT = Decimal("0.01")
KINDS = tuple(kind.value for kind in ClaimKind)
DEDUCTIONS = tuple(f"{k}_deduction" for k in (*KINDS, "other"))

#: Vendor Central (and common spreadsheet) names for Acorn's columns, after normalising
ALIASES = {"amount_paid": "paid_amount", "net_amount_paid": "paid_amount", "invoice_currency": "currency",
           "purchase_order_number": "purchase_order", "terms_discount_taken": "discount_taken"}
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


class RemittanceFileError(ValueError):
    """The file cannot be read as a remittance at all (not text, or the columns are missing)."""


class _Bad(ValueError):
    def __init__(self, column: str, problem: str) -> None:
        super().__init__(problem)
        self.column, self.problem = column, problem


@dataclass
class Row:
    """One good CSV row as RemittanceLine values, before its vendor account is known."""

    line: int
    invoice_number: str
    values: dict[str, Any]
    #: a row of Vendor Central's export: its invoice number may carry a claim suffix
    vendor_central: bool = False
    #: the invoice-level ``paid_amount`` on a per-line row (what the payment paid beyond its lines is tax)
    invoice_paid: Decimal | None = None


@dataclass
class ParsedFile:
    rows: list[Row] = field(default_factory=list)
    count: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    #: ``(payment, invoice)`` pairs that lost a bad row: their tax line cannot be told
    incomplete: set[tuple[str, str]] = field(default_factory=set)


def column_name(name: str) -> str:
    """``Net Amount Paid`` → ``paid_amount``: lower case, underscores, then the aliases."""
    key = re.sub(r"[^a-z0-9]+", "_", name.strip().lstrip("\ufeff").lower()).strip("_")
    return ALIASES.get(key, key)


def parse_remittance(data: bytes) -> ParsedFile:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RemittanceFileError(f"not UTF-8 text (byte {exc.start}); save the export as CSV UTF-8") from None
    reader = csv.reader(io.StringIO(text))
    header = [column_name(h) for h in next(reader, [])]
    if "item_sequence" not in header:  # Vendor Central's "PO Number" names the invoice's POs, not a line
        header = ["purchase_order" if h == "po_number" else h for h in header]
    missing = [c for c in ("payment_number", "payment_date", "invoice_number") if c not in header]
    if "paid_amount" not in header and "line_paid" not in header:
        missing.append("paid_amount")
    if missing:
        raise RemittanceFileError(f"line 1: missing column(s) {', '.join(missing)}; expected the sandbox's "
                                  "remittance columns or Vendor Central's payments export")
    vendor_central = "deduction_reasons" not in header and "line_paid" not in header
    parsed = ParsedFile()
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        parsed.count += 1
        raw = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}
        row, problems = _read_row(raw, reader.line_num, vendor_central)
        if problems:
            parsed.errors.extend((reader.line_num, c, p) for c, p in problems)
            parsed.incomplete.add((raw.get("payment_number", ""), raw.get("invoice_number", "")))
        else:
            parsed.rows.append(row)
    return parsed


def _read_row(raw: dict[str, str], line: int, vendor_central: bool) -> tuple[Row, list[tuple[str, str]]]:
    problems: list[tuple[str, str]] = []

    def get(parse: Callable[..., Any], column: str, **kw: Any) -> Any:
        try:
            return parse(raw.get(column, ""), column, **kw)
        except _Bad as bad:
            problems.append((bad.column, bad.problem))
            return None

    values = {"payment_number": get(_text, "payment_number"), "payment_date": get(_date, "payment_date"),
              "invoice_date": get(_date, "invoice_date", required=False),
              "currency": get(_currency, "currency", required=not vendor_central)}
    line_row = bool(raw.get("po_number"))
    row = Row(line=line, invoice_number=get(_text, "invoice_number") or "", values=values,
              vendor_central=vendor_central and not line_row)
    if line_row:
        _read_line(raw, row, get, problems)
    elif vendor_central:
        _read_vendor_central(row, get)
    else:
        _read_invoice_level(row, get)
    return row, problems


def _read_line(raw: dict[str, str], row: Row, get: Callable[..., Any], problems: list[tuple[str, str]]) -> None:
    v = row.values
    v["po_number"], v["item_sequence"] = get(_text, "po_number"), get(_text, "item_sequence")
    v["asin"] = raw.get("asin") or None
    for column in ("invoiced_quantity", "received_quantity"):
        v[column] = get(_count, column)
    for column in ("invoiced_unit_cost", "po_unit_cost"):
        v[column] = get(_amount, column, required=False, places=6)
    for column in ("line_amount", *DEDUCTIONS[:3]):
        v[column] = get(_amount, column, required=False) or ZERO
    v["line_paid"] = get(_amount, "line_paid")
    row.invoice_paid = get(_amount, "paid_amount", required=False)
    get(_amount, "deduction_amount", required=False)  # checked, not kept: the lines carry the deductions
    if v["line_paid"] is not None and not problems:  # with a bad amount the sum proves nothing
        expected = v["line_amount"] - sum((v[d] for d in DEDUCTIONS[:3]), ZERO)
        if abs(expected - v["line_paid"]) > CENT:
            get(_fail, "line_paid", problem=f"line_amount less the deductions is {expected}, not {v['line_paid']}")


def _read_invoice_level(row: Row, get: Callable[..., Any]) -> None:
    """A file with one row per invoice and payment: the reasons say what was deducted."""
    paid, by_kind = get(_amount, "paid_amount"), get(_reasons, "deduction_reasons")
    deducted = get(_amount, "deduction_amount", required=False) or ZERO
    if paid is None or by_kind is None:
        return
    if abs(sum(by_kind.values(), ZERO) - deducted) > CENT:
        get(_fail, "deduction_reasons", problem=f"the reasons add up to {sum(by_kind.values(), ZERO)}, "
                                                f"not deduction_amount {deducted}")
    row.values.update({f"{k}_deduction": by_kind.get(k, ZERO) for k in (*KINDS, "other")})
    row.values.update(line_paid=paid, line_amount=paid + deducted)


def _read_vendor_central(row: Row, get: Callable[..., Any]) -> None:
    """An invoice row (a terms discount is an *other* deduction) or a claim row (sorted out by its suffix)."""
    paid = get(_amount, "paid_amount")
    discount = abs(get(_amount, "discount_taken", required=False) or ZERO)
    if paid is not None:
        row.values.update({d: ZERO for d in DEDUCTIONS})
        row.values.update(other_deduction=discount, line_paid=paid, line_amount=paid + discount)


def _fail(value: str, column: str, *, problem: str) -> None:
    raise _Bad(column, problem)


def _text(value: str, column: str) -> str:
    if not value:
        raise _Bad(column, "missing")
    return value


def _date(value: str, column: str, *, required: bool = True) -> date | None:
    """ISO ``2026-03-11`` (a time after it is ignored) or US ``3/11/2026``, as Vendor Central US exports."""
    if not value:
        if required:
            raise _Bad(column, "missing")
        return None
    us = _US_DATE.match(value)
    if us and int(us[1]) > 12:
        raise _Bad(column, f"{value!r} looks like DD/MM/YYYY; export ISO (YYYY-MM-DD) or US (M/D/YYYY) dates")
    try:
        if us:
            return date(int(us[3]), int(us[1]), int(us[2]))
        if len(value) > 10 and value[10] not in "T ":
            raise ValueError(value)
        return date.fromisoformat(value[:10])
    except ValueError:
        raise _Bad(column, f"{value!r} is not a date (YYYY-MM-DD)") from None


def _currency(value: str, column: str, *, required: bool = True) -> str | None:
    if not value:
        if required:
            raise _Bad(column, "missing")
        return None
    if not re.fullmatch(r"[A-Z]{3}", value):
        raise _Bad(column, f"{value!r} is not an ISO 4217 currency code")
    return value


@overload
def _amount(value: str, column: str, *, required: Literal[True] = True, places: int = 2) -> Decimal: ...
@overload
def _amount(value: str, column: str, *, required: bool, places: int = 2) -> Decimal | None: ...
def _amount(value: str, column: str, *, required: bool = True, places: int = 2) -> Decimal | None:
    """``1,234.50``, ``$12.50`` or ``(12.50)`` (negative); never a float, at most ``places`` decimals."""
    text = value.replace("$", "").replace("€", "").replace("£", "").strip()
    if not text:
        if required:
            raise _Bad(column, "missing")
        return None
    negative = text.startswith("(") and text.endswith(")")
    text = text.strip("()").strip()
    if "," in text:
        if not _THOUSANDS.match(text):
            raise _Bad(column, f"{value!r} is not an amount (write 1234.50)")
        text = text.replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise _Bad(column, f"{value!r} is not an amount") from None
    exponent = amount.as_tuple().exponent  # "n", "N" or "F" when not finite
    if not isinstance(exponent, int) or -exponent > places or abs(amount) >= Decimal("1e12"):
        raise _Bad(column, f"{value!r} is not an amount with at most {places} decimals")
    return -amount if negative else amount


def _count(value: str, column: str) -> int | None:
    if not value:
        return None
    if not re.fullmatch(r"\d+", value):
        raise _Bad(column, f"{value!r} is not a whole number of units")
    return int(value)


def _reasons(value: str, column: str) -> dict[str, Decimal]:
    """``SHORTAGE_CLAIM:12.50;SHORTAGE_REVERSAL:5.00`` → {shortage: 7.50}; unknown types are *other*."""
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for part in filter(None, (p.strip() for p in value.split(";"))):
        reason, _, amount_text = part.partition(":")
        amount = _amount(amount_text, column)
        kind, _, what = reason.strip().upper().rpartition("_")
        if kind.lower() in KINDS and what in ("CLAIM", "REVERSAL"):
            out[kind.lower()] += -amount if what == "REVERSAL" else amount
        else:
            out["other"] += amount
    return dict(out)
