"""Remittances: what Amazon paid for each invoice, loaded from the remittance CSV.

SP-API has no endpoint for payments, so finance exports them from Vendor Central (or the
sandbox serves them) and drops the file here. Two header styles are read:

======================  ==========================================  ===========================
Acorn / sandbox column  Vendor Central "Payments > Remittance"       meaning
                        export (Export to a Spreadsheet)
======================  ==========================================  ===========================
payment_number          Payment Number                               the remittance (payment)
payment_date            Payment Date                                 the day Amazon paid
invoice_number          Invoice Number (+ SC/SCR/PC/PCR suffix)      the invoice paid
invoice_date            Invoice Date                                 optional
purchase_order          PO Number, Purchase Order Number             optional, ``;``-separated
currency                Invoice Currency, Currency                   optional in Vendor Central
invoice_amount          Invoice Amount                               the invoice's total
paid_amount             Amount Paid, Net Amount Paid, Paid Amount     what this payment paid
deduction_amount        (a separate row per claim, see below)        net deductions this payment
deduction_reasons       (invoice-number suffix, see below)           ``SHORTAGE_CLAIM:12.50;...``
(none)                  Discount Taken, Terms Discount Taken          kept as an *other* deduction
(ignored)               Remaining Amount, Description, Invoice Status
======================  ==========================================  ===========================

Amazon publishes no schema for the export: the Vendor Central names above are those of
the US export as public descriptions and importers of it show them (headers are matched
case- and punctuation-blind); an export that names a column differently needs one entry
in ``acorn.services.remittance_csv.ALIASES``.

Acorn's (the sandbox's) file adds one row per invoice line: ``po_number, item_sequence,
asin, invoiced_quantity, received_quantity, invoiced_unit_cost, po_unit_cost,
line_amount, shortage_deduction, damage_deduction, price_deduction, line_paid``; a
reversal is a later row with a negative deduction and a positive ``line_paid``. The
invoice's tax, paid with it and on no line, is kept as one invoice-level line of the
payment that paid it, so the lines add up to what Amazon paid.

Vendor Central lists a deduction as its own row whose invoice number carries a suffix:
``12345678SC`` a shortage claim, ``…SCR`` its reversal (a credit), ``…SCRSC`` a revised
claim, ``…PC`` / ``…PCR`` a price claim and its reversal; the amount's sign is ignored,
the suffix decides. Each stays a line of its own (no PO, the suffix in ``item_sequence``).
Dates are ISO (``2026-03-11``) or US ``M/D/YYYY``; amounts may carry ``$`` and
thousands separators; ``(12.50)`` is negative.

A row's vendor account is the one that issued its invoice, else the ``account_code``
given, else the row is refused. Bad rows are reported ``(line, column, problem)`` and
the rest load; the same file (same bytes) loads once, and lines already stored from
an overlapping file are counted as duplicates, never added twice.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from acorn.config import VendorAccountSettings
from acorn.domain.states import InvoiceStatus
from acorn.services.ports import Units
from acorn.services.remittance_csv import KINDS, ZERO, RemittanceFileError, Row, parse_remittance
from acorn.store import UnitOfWork
from acorn.store.ids import stored_id
from schemas.tables import Invoice, RemittanceImport, RemittanceLine

__all__ = ["InvoicePayment", "RemittanceFileError", "RemittanceImportResult", "import_inbox", "import_remittance",
           "invoice_payments"]

log = logging.getLogger("acorn.remittances")

#: ``SC`` shortage claim, ``SCR`` its reversal, ``PC``/``PCR`` price claim and its reversal (Vendor Central)
_SUFFIX = re.compile(r"^(?P<base>.+?)(?P<suffix>(?:SCR|SC|PCR|PC)+)$")
_SUFFIX_MEANING = {"SC": ("shortage", 1), "SCR": ("shortage", -1), "PC": ("price", 1), "PCR": ("price", -1)}


@dataclass
class RemittanceImportResult:
    file: str
    rows: int = 0
    loaded: int = 0
    duplicates: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    already_imported: bool = False


@dataclass
class InvoicePayment:
    """One invoice as the remittances tell it: what was billed, paid, kept, and whether it is late."""

    account_code: str
    invoice_number: str
    currency: str
    invoice_date: date | None
    due: date | None
    invoiced: Decimal
    paid: Decimal
    #: deductions Amazon still keeps (all kinds, less the reversals credited back)
    short_paid: Decimal
    #: gross deductions by kind: shortage, damage, price, other
    deducted: dict[str, Decimal]
    recovered: Decimal
    #: billed and neither paid nor deducted yet
    unpaid: Decimal
    last_paid_on: date | None
    overdue_days: int
    known_invoice: bool = True


def import_remittance(units: Units, path: Path, accounts: list[VendorAccountSettings], *,
                      account_code: str | None = None) -> RemittanceImportResult:
    """Load one remittance file; see the module docstring for the columns and the rules.

    Raises :class:`RemittanceFileError` when the file is not a remittance at all (nothing
    is recorded then, so the corrected file loads normally).
    """
    by_code = {a.code: a for a in accounts}
    if account_code is not None and account_code not in by_code:
        raise ValueError(f"account {account_code!r} is not configured ({', '.join(by_code)})")
    data = Path(path).read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    result = RemittanceImportResult(file=str(path))
    with units() as uow:
        uow.stage_lock("remittance-import")
        if uow.remittances.import_for(sha) is not None:
            result.already_imported = True
            return result
        parsed = parse_remittance(data)
        result.rows, result.errors = parsed.count, list(parsed.errors)
        lines = _resolve(uow, parsed.rows, by_code, account_code, result, parsed.incomplete)
        record = uow.remittances.add(RemittanceImport(sha256=sha, file_name=Path(path).name[:300]))
        uow.flush()
        _store(uow, lines, stored_id(record), result)
        result.errors.sort()
        record.rows, record.loaded = result.rows, result.loaded
        record.errors = [{"line": n, "field": f, "problem": p} for n, f, p in result.errors]
        uow.audit.append(action="remittance.imported", entity="remittance_import", entity_id=sha[:16],
                         detail={"file": record.file_name, "rows": result.rows, "loaded": result.loaded,
                                 "duplicates": result.duplicates, "errors": len(result.errors)})
        uow.commit()
    log.info("%s: %d rows, %d loaded, %d duplicates, %d errors", path, result.rows, result.loaded,
             result.duplicates, len(result.errors))
    return result


def import_inbox(units: Units, inbox: Path, accounts: list[VendorAccountSettings]) -> list[RemittanceImportResult]:
    """Every ``*.csv`` in the watched folder by name; one that is no remittance is reported and left there."""
    results = []
    for path in sorted(Path(inbox).glob("*.csv")) if Path(inbox).is_dir() else []:
        try:
            results.append(import_remittance(units, path, accounts))
        except (OSError, RemittanceFileError) as exc:
            results.append(RemittanceImportResult(file=str(path), errors=[(1, "file", str(exc))]))
    return results


# -- accounts, tax lines, storing -------------------------------------------------------------------------------

def _resolve(uow: UnitOfWork, rows: list[Row], by_code: dict[str, VendorAccountSettings], account_code: str | None,
             result: RemittanceImportResult, incomplete: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """Each good row as RemittanceLine fields with its account, plus the invoices' tax lines."""
    candidates = {r.invoice_number for r in rows} | {m["base"] for r in rows if (m := _SUFFIX.match(r.invoice_number))}
    issued = uow.remittances.invoice_accounts(candidates)
    lines: list[dict[str, Any]] = []
    for row in rows:
        if row.vendor_central:
            _claim_row(row, issued)
        issuers = [code for code in issued.get(row.invoice_number, []) if code in by_code]
        code = _account_for(issuers, account_code)
        currency = row.values["currency"] or (by_code[code].currency if code else None)
        if code is None:
            result.errors.append((row.line, "invoice_number", _no_account(row.invoice_number, issuers)))
        elif currency != by_code[code].currency:
            result.errors.append((row.line, "currency", f"{currency}, but account {code} is paid in "
                                                         f"{by_code[code].currency}"))
        else:
            lines.append({"po_number": "", "item_sequence": "", **row.values, "account_code": code,
                          "invoice_number": row.invoice_number, "currency": currency, "row_number": row.line})
            continue
        incomplete.add((row.values["payment_number"], row.invoice_number))
    return lines + _tax_lines(uow, lines, rows, incomplete)


def _account_for(issuers: list[str], account_code: str | None) -> str | None:
    """The account that issued the invoice; the one given when none did (or to choose among several)."""
    if len(issuers) == 1:
        return issuers[0]
    return account_code if account_code is not None and (not issuers or account_code in issuers) else None


def _no_account(invoice: str, accounts: list[str]) -> str:
    if accounts:
        return f"invoice {invoice} was issued by accounts {', '.join(accounts)}; pass --account to choose"
    return f"invoice {invoice} is not one of Acorn's invoices; pass --account to load it anyway"


def _claim_row(row: Row, issued: dict[str, list[str]]) -> None:
    """``12345678SC`` is a shortage claim on invoice 12345678 (unless 12345678SC is itself an invoice).

    The row stays a line of its own, keyed by its suffix, so an overlapping export never
    adds it twice; the amount's sign is ignored because the suffix says which way it goes.
    """
    match = _SUFFIX.match(row.invoice_number)
    if row.invoice_number in issued or not match:
        return
    kind, sign = _SUFFIX_MEANING[re.findall(r"SCR|SC|PCR|PC", match["suffix"])[-1]]
    amount = abs(row.values["line_paid"])
    row.invoice_number = match["base"]
    row.values.update({"item_sequence": match["suffix"][:10], "line_amount": ZERO, "other_deduction": ZERO,
                       f"{kind}_deduction": sign * amount, "line_paid": -sign * amount})


def _tax_lines(uow: UnitOfWork, lines: list[dict[str, Any]], rows: list[Row], incomplete: set[tuple[str, str]]
               ) -> list[dict[str, Any]]:
    """The invoice's tax, paid with it and on no line, as one invoice-level line of the payment that paid it.

    Kept only when what the payment paid beyond its lines is exactly the invoice's tax: a
    file holding part of a payment (a bad row, an overlapping export) shows some other
    difference, which belongs to lines, not to tax.
    """
    first_row = {row.line: row for row in rows}
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for line in lines:
        if line["po_number"] and first_row[line["row_number"]].invoice_paid is not None:
            groups[(line["account_code"], line["payment_number"], line["invoice_number"])].append(line)
    extra = []
    for (account, payment, number), group in groups.items():
        invoice = uow.invoices.get(account, number)
        if (payment, number) in incomplete or invoice is None or not invoice.tax_amount:
            continue
        head = min(group, key=lambda ln: ln["row_number"])
        invoice_paid = first_row[head["row_number"]].invoice_paid
        assert invoice_paid is not None  # grouped above only when it is
        beyond = invoice_paid - sum((ln["line_paid"] for ln in group), ZERO)
        if beyond == invoice.tax_amount:
            extra.append({**{k: head[k] for k in _INVOICE_FIELDS}, "po_number": "", "item_sequence": "",
                          "line_amount": beyond, "line_paid": beyond, "tax": True})
    return extra


_INVOICE_FIELDS = ("account_code", "payment_number", "payment_date", "invoice_number", "invoice_date", "currency",
                   "row_number")
_COLUMNS = set(RemittanceLine.model_fields) - {"id", "import_id", "imported_at"}


def _store(uow: UnitOfWork, lines: list[dict[str, Any]], import_id: int, result: RemittanceImportResult) -> None:
    by_account: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in lines:
        by_account[line["account_code"]].append(line)
    for account, group in by_account.items():
        seen = uow.remittances.existing_keys(account, (ln["payment_number"] for ln in group))
        for line in sorted(group, key=lambda ln: (ln["row_number"], ln["po_number"] == "")):
            key = (line["payment_number"], line["invoice_number"], line["po_number"], line["item_sequence"])
            counted = not line.get("tax")  # rows counts the file's rows; the tax line is not one
            if key in seen:
                result.duplicates += counted
                continue
            seen.add(key)
            uow.remittances.add(RemittanceLine(import_id=import_id, **{k: v for k, v in line.items() if k in _COLUMNS}))
            result.loaded += counted


# -- what each invoice was paid ----------------------------------------------------------------------------------

def invoice_payments(units: Units, account_code: str, *, as_of: date) -> list[InvoicePayment]:
    """Per invoice: billed, paid, deducted by kind, credited back, still unpaid, and days overdue at ``as_of``.

    An invoice no payment has touched is overdue once its due date has passed; one paid
    short is not overdue but short-paid (its deductions are claims, see ``disputes``).
    Remittance lines for invoices Acorn did not issue (loaded with ``account_code``) are
    listed too, billed at what the remittance says.
    """
    with units() as uow:
        invoices = {i.invoice_number: i for i in uow.invoices.list(account_code) if i.status != InvoiceStatus.FAILED}
        paid_lines: dict[str, list[RemittanceLine]] = defaultdict(list)
        for line in uow.remittances.for_account(account_code):
            paid_lines[line.invoice_number].append(line)
    out = []
    for number in sorted(set(invoices) | set(paid_lines)):
        invoice, lines = invoices.get(number), paid_lines.get(number, [])
        out.append(_invoice_payment(account_code, number, invoice, lines, as_of))
    return sorted(out, key=lambda p: (p.invoice_date or date.max, p.invoice_number))


def _invoice_payment(account_code: str, number: str, invoice: Invoice | None, lines: list[RemittanceLine],
                     as_of: date) -> InvoicePayment:
    def total(values: Iterable[Decimal]) -> Decimal:
        return sum(values, ZERO)

    deducted = {kind: total(max(getattr(ln, f"{kind}_deduction"), ZERO) for ln in lines)
                for kind in (*KINDS, "other")}
    recovered = total(-min(getattr(ln, f"{kind}_deduction"), ZERO) for ln in lines for kind in (*KINDS, "other"))
    paid = total(ln.line_paid for ln in lines)
    invoiced = invoice.total if invoice is not None else total(ln.line_amount for ln in lines)
    short_paid = total(deducted.values()) - recovered
    due = invoice.payment_due if invoice is not None else None
    overdue = (as_of - due).days if due is not None and not lines and as_of > due else 0
    return InvoicePayment(
        account_code=account_code, invoice_number=number,
        currency=invoice.currency if invoice is not None else lines[0].currency,
        invoice_date=invoice.invoice_date.date() if invoice is not None else lines[0].invoice_date, due=due,
        invoiced=invoiced, paid=paid, short_paid=short_paid, deducted=deducted, recovered=recovered,
        unpaid=invoiced - paid - short_paid, last_paid_on=max((ln.payment_date for ln in lines), default=None),
        overdue_days=overdue, known_invoice=invoice is not None)
