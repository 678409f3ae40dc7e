"""What the simulated Amazon paid: the remittance CSV ops would export from Vendor Central.

One row per (payment, invoice, invoice line), for the payments dated in the month and not
after the sandbox clock (how each invoice is settled: ``acorn.sandbox.settlement``). Columns:

``payment_number, payment_date, invoice_number, invoice_date, purchase_order, currency,
invoice_amount, deduction_amount, deduction_reasons, paid_amount`` describe what this payment
did for the whole invoice, repeated on each of its rows: ``purchase_order`` lists the
invoice's POs separated by ``;``, ``deduction_reasons`` reads
``SHORTAGE_CLAIM:12.50;DAMAGE_CLAIM:3.00;PRICE_CLAIM:1.20`` (empty when nothing was
deducted), ``paid_amount`` = ``invoice_amount - deduction_amount`` (taxes and charges are
paid with the invoice, never deducted);

``po_number, item_sequence, asin, invoiced_quantity, received_quantity, invoiced_unit_cost,
po_unit_cost, line_amount, shortage_deduction, damage_deduction, price_deduction, line_paid``
describe the line (``item_sequence`` is the PO line's; unit costs keep their decimals, at least
2; ``po_unit_cost`` is empty when the PO states no cost): ``line_paid = line_amount - the three deductions``.

A shortage reversal is a row on a later payment (``PMT-`` of that day) with
``invoiced_quantity`` and ``line_amount`` 0, ``received_quantity`` the units found, a negative
``shortage_deduction`` (the units at the invoiced cost, as deducted) and, when the line was
invoiced above the PO cost, the price claim on those units; the invoice-level reasons read
``SHORTAGE_REVERSAL:<credit>`` (plus ``PRICE_CLAIM:<amount>`` then). Money has 2 decimals.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from decimal import Decimal

from acorn.domain.money import round_cents
from acorn.sandbox.errors import InvalidRequest
from acorn.sandbox.records import InvoiceLine, InvoiceRecord
from acorn.sandbox.settlement import LineSettlement, Settlement

INVOICE_COLUMNS = ("payment_number", "payment_date", "invoice_number", "invoice_date", "purchase_order", "currency",
                   "invoice_amount", "deduction_amount", "deduction_reasons", "paid_amount")
LINE_COLUMNS = ("po_number", "item_sequence", "asin", "invoiced_quantity", "received_quantity", "invoiced_unit_cost",
                "po_unit_cost", "line_amount", "shortage_deduction", "damage_deduction", "price_deduction", "line_paid")
COLUMNS = INVOICE_COLUMNS + LINE_COLUMNS
_CENT = Decimal("0.01")
_ZERO = Decimal("0")


def remittance_rows(settlements: list[Settlement], month: str, now: datetime) -> list[dict[str, str]]:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month or ""):
        raise InvalidRequest("month must be YYYY-MM", details=f"month: {month!r}")
    runs: list[tuple[datetime, str, str, list[dict[str, str]]]] = []
    for s in settlements:
        invoice = s.invoice
        if _shown(s.paid_at, month, now):
            runs.append((s.paid_at, invoice.currency or "", invoice.invoice_id, _payment_rows(s)))
        if s.reversals and _shown(s.reversed_at, month, now):
            runs.append((s.reversed_at, invoice.currency or "", invoice.invoice_id, _reversal_rows(s)))
    runs.sort(key=lambda run: run[:3])
    return [row for *_, rows in runs for row in rows]


def to_csv(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _shown(at: datetime, month: str, now: datetime) -> bool:
    return at.strftime("%Y-%m") == month and at <= now


def _money(amount: Decimal) -> str:
    return str(round_cents(amount) + 0)  # + 0 turns -0.00 into 0.00


def _unit_cost(cost: Decimal) -> str:
    """A unit cost with at least 2 decimals, and every decimal it was invoiced with."""
    return str(cost if cost.as_tuple().exponent < -2 else cost.quantize(_CENT))  # type: ignore[operator]


def _price_gap(entry: InvoiceLine) -> Decimal:
    """What Amazon keeps per paid unit invoiced above the PO cost."""
    return max(entry.net_cost - entry.po_cost, _ZERO) if entry.po_cost is not None else _ZERO


def _payment_rows(s: Settlement) -> list[dict[str, str]]:
    reasons = {"SHORTAGE_CLAIM": _ZERO, "DAMAGE_CLAIM": _ZERO, "PRICE_CLAIM": _ZERO}
    lines = []
    for ls in s.lines:
        columns, shortage, damage, price = _line_row(ls)
        reasons["SHORTAGE_CLAIM"] += shortage
        reasons["DAMAGE_CLAIM"] += damage
        reasons["PRICE_CLAIM"] += price
        lines.append(columns)
    return _rows(s.invoice, s.paid_at, reasons, lines)


def _line_row(ls: LineSettlement) -> tuple[dict[str, str], Decimal, Decimal, Decimal]:
    entry = ls.entry
    amount = round_cents(entry.quantity * entry.net_cost)
    shortage = round_cents(ls.short * entry.net_cost)
    damage = round_cents(ls.damaged * entry.net_cost)
    price = round_cents(ls.received * _price_gap(entry))
    columns = _line_columns(entry, invoiced=entry.quantity, received=ls.received, amount=amount,
                            shortage=shortage, damage=damage, price=price)
    return columns, shortage, damage, price


def _reversal_rows(s: Settlement) -> list[dict[str, str]]:
    reasons = {"SHORTAGE_REVERSAL": _ZERO, "PRICE_CLAIM": _ZERO}
    lines = []
    for r in s.reversals:
        credit = round_cents(r.units * r.entry.net_cost)
        price = round_cents(r.units * _price_gap(r.entry))
        reasons["SHORTAGE_REVERSAL"] += credit
        reasons["PRICE_CLAIM"] += price
        lines.append(_line_columns(r.entry, invoiced=0, received=r.units, amount=_ZERO, shortage=-credit,
                                   damage=_ZERO, price=price))
    return _rows(s.invoice, s.reversed_at, reasons, lines)


def _line_columns(entry: InvoiceLine, *, invoiced: int, received: int, amount: Decimal, shortage: Decimal,
                  damage: Decimal, price: Decimal) -> dict[str, str]:
    return {
        "po_number": entry.po.number,
        "item_sequence": entry.line.sequence,
        "asin": entry.line.asin or "",
        "invoiced_quantity": str(invoiced),
        "received_quantity": str(received),
        "invoiced_unit_cost": _unit_cost(entry.net_cost),
        "po_unit_cost": "" if entry.po_cost is None else _unit_cost(entry.po_cost),
        "line_amount": _money(amount),
        "shortage_deduction": _money(shortage),
        "damage_deduction": _money(damage),
        "price_deduction": _money(price),
        "line_paid": _money(amount - shortage - damage - price),
    }


def _rows(invoice: InvoiceRecord, at: datetime, reasons: dict[str, Decimal],
          lines: list[dict[str, str]]) -> list[dict[str, str]]:
    """The invoice-level columns of one payment, repeated on each of its line rows."""
    net = sum(-amount if kind == "SHORTAGE_REVERSAL" else amount for kind, amount in reasons.items())
    first_payment = "SHORTAGE_REVERSAL" not in reasons
    head = {
        "payment_number": f"PMT-{at:%Y%m%d}-{invoice.currency or 'XXX'}",
        "payment_date": at.date().isoformat(),
        "invoice_number": invoice.invoice_id,
        "invoice_date": invoice.date.date().isoformat(),
        "purchase_order": ";".join(dict.fromkeys(entry.po.number for entry in invoice.lines)),
        "currency": invoice.currency or "",
        "invoice_amount": _money(invoice.total),
        "deduction_amount": _money(net),
        "deduction_reasons": ";".join(f"{kind}:{_money(amount)}" for kind, amount in reasons.items() if amount),
        "paid_amount": _money((round_cents(invoice.total) if first_payment else _ZERO) - net),
    }
    return [{**head, **line} for line in lines or [dict.fromkeys(LINE_COLUMNS, "")]]  # an invoice without items
