"""What the simulated Amazon paid: the remittance CSV ops would export from Vendor Central.

An accepted invoice is paid on its invoice date + ``paymentTerms.netDueDays`` (60 when the
invoice states no terms), once the sandbox clock has reached that day. Amazon pays for what
its warehouse received: billed units not received by the payment date are deducted at the
invoiced unit cost, as ``DAMAGE_CLAIM`` for units refused damaged at the dock and
``SHORTAGE_CLAIM`` for the rest. Received units are matched to invoices oldest first.
Credit notes are not paid out and do not appear.

Columns (one row per paid invoice):
``payment_number, payment_date, invoice_number, invoice_date, purchase_order, currency,
invoice_amount, deduction_amount, deduction_reasons, paid_amount`` where ``purchase_order``
lists the invoice's POs separated by ``;`` and ``deduction_reasons`` reads
``SHORTAGE_CLAIM:12.50;DAMAGE_CLAIM:3.00`` (empty when nothing was deducted).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

from acorn.sandbox.errors import InvalidRequest
from acorn.sandbox.records import InvoiceRecord, Registry

COLUMNS = ("payment_number", "payment_date", "invoice_number", "invoice_date", "purchase_order", "currency",
           "invoice_amount", "deduction_amount", "deduction_reasons", "paid_amount")
_CENT = Decimal("0.01")


def payment_moment(invoice: InvoiceRecord) -> datetime:
    day = (invoice.date + timedelta(days=invoice.net_days)).date()
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


def _deductions(invoice: InvoiceRecord, registry: Registry, paid_at: datetime) -> dict[str, Decimal]:
    """Units this invoice bills that the FC had not received by ``paid_at``, priced, by reason."""
    out = {"SHORTAGE_CLAIM": Decimal("0"), "DAMAGE_CLAIM": Decimal("0")}
    earlier = sorted((inv for inv in registry.invoices.values() if inv.invoice_type == "Invoice"),
                     key=lambda inv: (inv.date, inv.invoice_id))
    for entry in invoice.lines:
        receipts = [s for s in entry.line.shipped if s.delivered_at <= paid_at]
        received_pool = sum(s.received for s in receipts)
        damaged_pool = sum(s.damaged for s in receipts)
        for other in earlier:
            for billed in other.lines:
                if billed.line is not entry.line:
                    continue
                covered = min(billed.quantity, received_pool)
                received_pool -= covered
                missing = billed.quantity - covered
                damaged = min(missing, damaged_pool)
                damaged_pool -= damaged
                if billed is entry:
                    out["DAMAGE_CLAIM"] += damaged * entry.net_cost
                    out["SHORTAGE_CLAIM"] += (missing - damaged) * entry.net_cost
            if other is invoice:
                break
    return {reason: amount.quantize(_CENT, ROUND_HALF_UP) for reason, amount in out.items() if amount}


def remittance_rows(registry: Registry, month: str, now: datetime) -> list[dict[str, str]]:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month or ""):
        raise InvalidRequest("month must be YYYY-MM", details=f"month: {month!r}")
    rows = []
    paid = [(payment_moment(inv), inv) for inv in registry.invoices.values() if inv.invoice_type == "Invoice"]
    for paid_at, invoice in sorted(paid, key=lambda p: (p[0], p[1].invoice_id)):
        if paid_at.strftime("%Y-%m") != month or paid_at > now:
            continue
        deductions = _deductions(invoice, registry, paid_at)
        deducted = sum(deductions.values(), Decimal("0"))
        pos = list(dict.fromkeys(entry.po.number for entry in invoice.lines))
        rows.append({
            "payment_number": f"PMT-{paid_at:%Y%m%d}-{invoice.currency or 'XXX'}",
            "payment_date": paid_at.date().isoformat(),
            "invoice_number": invoice.invoice_id,
            "invoice_date": invoice.date.date().isoformat(),
            "purchase_order": ";".join(pos),
            "currency": invoice.currency or "",
            "invoice_amount": str(invoice.total.quantize(_CENT, ROUND_HALF_UP)),
            "deduction_amount": str(deducted.quantize(_CENT)),
            "deduction_reasons": ";".join(f"{reason}:{amount}" for reason, amount in deductions.items()),
            "paid_amount": str((invoice.total - deducted).quantize(_CENT, ROUND_HALF_UP)),
        })
    return rows


def to_csv(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
