"""Remittance import on a real SQLite store: both header styles, bad rows named, idempotence, money per invoice.

The invoices below are written by hand; every expected amount is worked out beside it.
Invoice US-A (ACRNUS, due 11 March 2026) bills two PO lines:
  PO1/1: 10 units × 12.50 = 125.00; Amazon received 8 → shortage 2 × 12.50 = 25.00, paid 100.00
  PO1/2:  4 units × 5.25  =  21.00; PO cost 5.00   → price 4 × 0.25 = 1.00,       paid  20.00
  total 146.00; payment PMT-0311 deducts 26.00 and pays 120.00.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import select

import schemas.tables as t
from acorn.config import DEFAULT_ACCOUNTS
from acorn.services.remittances import RemittanceFileError, import_inbox, import_remittance, invoice_payments
from acorn.store import UnitOfWork, upgrade
from acorn.store.uow import units

US, CA = DEFAULT_ACCOUNTS
ACCOUNTS = list(DEFAULT_ACCOUNTS)
D = Decimal
HEADER = ("payment_number,payment_date,invoice_number,invoice_date,purchase_order,currency,invoice_amount,"
          "deduction_amount,deduction_reasons,paid_amount,po_number,item_sequence,asin,invoiced_quantity,"
          "received_quantity,invoiced_unit_cost,po_unit_cost,line_amount,shortage_deduction,damage_deduction,"
          "price_deduction,line_paid")
PAYMENT_ROWS = [
    "PMT-0311,2026-03-11,US-A,2026-01-10,PO1,USD,146.00,26.00,SHORTAGE_CLAIM:25.00;PRICE_CLAIM:1.00,120.00,"
    "PO1,1,B000000001,10,8,12.50,12.50,125.00,25.00,0.00,0.00,100.00",
    "PMT-0311,2026-03-11,US-A,2026-01-10,PO1,USD,146.00,26.00,SHORTAGE_CLAIM:25.00;PRICE_CLAIM:1.00,120.00,"
    "PO1,2,B000000002,4,4,5.25,5.00,21.00,0.00,0.00,1.00,20.00",
]
# one unit of PO1/1 found later: 12.50 credited back on a later payment
REVERSAL_ROW = ("PMT-0420,2026-04-20,US-A,2026-01-10,PO1,USD,146.00,-12.50,SHORTAGE_REVERSAL:12.50,12.50,"
                "PO1,1,B000000001,0,1,12.50,12.50,0.00,-12.50,0.00,0.00,12.50")


@pytest.fixture
def store(sqlite_url: str) -> str:
    upgrade(sqlite_url)
    with UnitOfWork(sqlite_url) as uow:
        invoice(uow, US.code, "US-A", "146.00", due=date(2026, 3, 11), lines=[("PO1", "1", 10, "12.50"),
                                                                             ("PO1", "2", 4, "5.25")])
        invoice(uow, US.code, "US-B", "50.00", due=date(2026, 3, 1), lines=[("PO2", "1", 5, "10.00")])
        invoice(uow, CA.code, "CA-A", "105.00", due=date(2026, 3, 20), tax="5.00",
                lines=[("PO7", "1", 10, "10.00")], currency="CAD")
        uow.commit()
    return sqlite_url


def invoice(uow: UnitOfWork, account: str, number: str, total: str, *, due: date, lines: list[tuple],
            tax: str = "0", currency: str = "USD") -> None:
    row = uow.invoices.add(t.Invoice(account_code=account, invoice_number=number, currency=currency,
                                     invoice_date=datetime(2026, 1, 10, tzinfo=UTC),
                                     subtotal=D(total) - D(tax), tax_amount=D(tax), total=D(total), payment_due=due,
                                     status="accepted"))
    uow.flush()
    for n, (po, seq, qty, cost) in enumerate(lines, start=1):
        uow.invoices.add(t.InvoiceLine(invoice_id=row.id, item_sequence=str(n), po_number=po, po_item_sequence=seq,
                                       quantity=qty, unit_cost=D(cost), amount=qty * D(cost)))


def csv_file(tmp_path: Path, name: str, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def stored(url: str) -> list[t.RemittanceLine]:
    with UnitOfWork(url) as uow:
        return list(uow.remittances.session.exec(select(t.RemittanceLine).order_by(t.RemittanceLine.id)).all())


def test_the_sandbox_format_loads_one_line_per_invoice_line(store, tmp_path):
    result = import_remittance(units(store), csv_file(tmp_path, "march.csv", *PAYMENT_ROWS), ACCOUNTS)

    assert (result.rows, result.loaded, result.duplicates, result.errors) == (2, 2, 0, [])
    first, second = stored(store)
    assert (first.account_code, first.payment_number, first.payment_date, first.po_number, first.item_sequence) == (
        "ACRNUS", "PMT-0311", date(2026, 3, 11), "PO1", "1")
    assert (first.invoiced_quantity, first.received_quantity, first.shortage_deduction, first.line_paid) == (
        10, 8, D("25.00"), D("100.00"))
    assert (second.price_deduction, second.po_unit_cost, second.line_paid) == (D("1.00"), D("5.00"), D("20.00"))


def test_vendor_centrals_export_loads_with_its_claim_rows_kept_apart(store, tmp_path):
    # Vendor Central lists the invoice paid in full and the shortage claim as a row "US-ASC" of its own
    header = "Payment Number,Payment Date,Invoice Number,Invoice Date,Invoice Amount,Amount Paid,Remaining Amount"
    path = csv_file(tmp_path, "vc.csv", "PMT-9,3/11/2026,US-A,1/10/2026,146.00,$146.00,0.00",
                    'PMT-9,3/11/2026,US-ASC,3/11/2026,25.00,"(25.00)",0.00', header=header)

    result = import_remittance(units(store), path, ACCOUNTS)

    assert (result.rows, result.loaded, result.errors) == (2, 2, [])
    paid_row, claim_row = stored(store)
    assert (paid_row.invoice_number, paid_row.item_sequence, paid_row.line_paid) == ("US-A", "", D("146.00"))
    assert (claim_row.invoice_number, claim_row.item_sequence, claim_row.shortage_deduction, claim_row.line_paid) == (
        "US-A", "SC", D("25.00"), D("-25.00"))
    assert claim_row.currency == "USD" and paid_row.payment_date == date(2026, 3, 11)
    [us_a] = [p for p in invoice_payments(units(store), US.code, as_of=date(2026, 3, 31)) if p.invoice_number == "US-A"]
    assert (us_a.paid, us_a.short_paid, us_a.unpaid) == (D("121.00"), D("25.00"), D("0.00"))  # 146 − 25 paid


def test_bad_rows_are_named_by_line_and_column_and_the_rest_load(store, tmp_path):
    good = PAYMENT_ROWS[0]
    bad_date = PAYMENT_ROWS[1].replace("2026-03-11", "2026-13-11")
    bad_amount = REVERSAL_ROW.replace(",-12.50,0.00,0.00,12.50", ",-12.5x,0.00,0.00,12.50")
    wrong_sum = PAYMENT_ROWS[1].replace("PMT-0311", "PMT-0312").replace(",20.00", ",19.00")
    path = csv_file(tmp_path, "mixed.csv", good, bad_date, "", bad_amount, wrong_sum)

    result = import_remittance(units(store), path, ACCOUNTS)

    # header is line 1, then lines 2, 3, a blank line 4, 5 and 6
    assert result.errors == [(3, "payment_date", "'2026-13-11' is not a date (YYYY-MM-DD)"),
                             (5, "shortage_deduction", "'-12.5x' is not an amount"),
                             (6, "line_paid", "line_amount less the deductions is 20.00, not 19.00")]
    assert (result.rows, result.loaded) == (4, 1)
    assert [(r.payment_number, r.item_sequence) for r in stored(store)] == [("PMT-0311", "1")]


def test_importing_the_same_file_twice_changes_nothing(store, tmp_path):
    path = csv_file(tmp_path, "march.csv", *PAYMENT_ROWS)
    import_remittance(units(store), path, ACCOUNTS)
    before = [(r.id, r.line_paid) for r in stored(store)]

    again = import_remittance(units(store), path, ACCOUNTS)

    assert again.already_imported and (again.loaded, again.rows) == (0, 0)
    assert [(r.id, r.line_paid) for r in stored(store)] == before
    with UnitOfWork(store) as uow:
        assert len(uow.remittances.session.exec(select(t.RemittanceImport)).all()) == 1


def test_an_overlapping_file_adds_only_the_lines_not_loaded_before(store, tmp_path):
    import_remittance(units(store), csv_file(tmp_path, "march.csv", *PAYMENT_ROWS), ACCOUNTS)

    result = import_remittance(units(store), csv_file(tmp_path, "march-april.csv", PAYMENT_ROWS[1], REVERSAL_ROW),
                               ACCOUNTS)

    assert (result.rows, result.loaded, result.duplicates, result.already_imported) == (2, 1, 1, False)
    assert [(r.payment_number, r.item_sequence) for r in stored(store)] == [
        ("PMT-0311", "1"), ("PMT-0311", "2"), ("PMT-0420", "1")]


def test_the_account_is_the_invoices_issuer_else_the_one_given_else_the_row_is_refused(store, tmp_path):
    ca_row = ("P-CA,2026-03-20,CA-A,2026-01-10,PO7,CAD,105.00,0.00,,105.00,"
              "PO7,1,B000000007,10,10,10.00,10.00,100.00,0.00,0.00,0.00,100.00")
    stranger = PAYMENT_ROWS[0].replace("US-A", "OLD-77")
    path = csv_file(tmp_path, "accounts.csv", ca_row, stranger)

    refused = import_remittance(units(store), path, ACCOUNTS)
    assert refused.errors == [(3, "invoice_number",
                               "invoice OLD-77 is not one of Acorn's invoices; pass --account to load it anyway")]
    assert [(r.account_code, r.invoice_number) for r in stored(store)] == [("ACRNCA", "CA-A"), ("ACRNCA", "CA-A")]

    chosen = import_remittance(units(store), csv_file(tmp_path, "again.csv", stranger), ACCOUNTS, account_code=US.code)
    assert (chosen.loaded, chosen.errors) == (1, [])
    assert ("ACRNUS", "OLD-77") in [(r.account_code, r.invoice_number) for r in stored(store)]


def test_tax_paid_with_the_invoice_is_kept_so_the_lines_add_up_to_what_was_paid(store, tmp_path):
    # CA-A: 10 × 10.00 = 100.00 + 5.00 tax = 105.00; 1 unit short (10.00) → paid 95.00, of which 5.00 is tax
    row = ("P-CA,2026-03-20,CA-A,2026-01-10,PO7,CAD,105.00,10.00,SHORTAGE_CLAIM:10.00,95.00,"
           "PO7,1,B000000007,10,9,10.00,10.00,100.00,10.00,0.00,0.00,90.00")

    result = import_remittance(units(store), csv_file(tmp_path, "ca.csv", row), ACCOUNTS)

    assert (result.rows, result.loaded) == (1, 1)  # the tax line is not a row of the file
    assert sorted((r.item_sequence, r.line_paid) for r in stored(store)) == [("", D("5.00")), ("1", D("90.00"))]
    [ca] = invoice_payments(units(store), CA.code, as_of=date(2026, 3, 31))
    assert (ca.invoiced, ca.paid, ca.short_paid, ca.unpaid) == (D("105.00"), D("95.00"), D("10.00"), D("0.00"))


def test_the_one_row_per_invoice_format_reads_its_deduction_reasons(store, tmp_path):
    header = HEADER.split(",po_number")[0]
    # US-B: 50.00 billed, 12.50 short and 3.00 damaged → 34.50 paid
    path = csv_file(tmp_path, "old.csv", "PMT-5,2026-03-01,US-B,2026-01-10,PO2,USD,50.00,15.50,"
                    "SHORTAGE_CLAIM:12.50;DAMAGE_CLAIM:3.00,34.50", header=header)

    import_remittance(units(store), path, ACCOUNTS)

    [line] = stored(store)
    assert (line.shortage_deduction, line.damage_deduction, line.line_paid, line.line_amount) == (
        D("12.50"), D("3.00"), D("34.50"), D("50.00"))


def test_money_per_invoice_paid_deducted_recovered_and_overdue(store, tmp_path):
    import_remittance(units(store), csv_file(tmp_path, "m.csv", *PAYMENT_ROWS, REVERSAL_ROW), ACCOUNTS)

    payments = {p.invoice_number: p for p in invoice_payments(units(store), US.code, as_of=date(2026, 3, 31))}

    us_a = payments["US-A"]
    # paid 100.00 + 20.00 + 12.50 credited; kept 25.00 + 1.00 − 12.50 back = 13.50; 146 − 132.50 − 13.50 = 0
    assert us_a.paid == D("132.50")
    assert us_a.deducted == {"shortage": D("25.00"), "damage": D("0"), "price": D("1.00"), "other": D("0")}
    assert (us_a.recovered, us_a.short_paid, us_a.unpaid) == (D("12.50"), D("13.50"), D("0.00"))
    assert (us_a.overdue_days, us_a.last_paid_on) == (0, date(2026, 4, 20))
    us_b = payments["US-B"]  # due 1 March, nothing paid by 31 March: 30 days late
    assert (us_b.paid, us_b.unpaid, us_b.overdue_days) == (D("0"), D("50.00"), 30)


def test_a_file_that_is_no_remittance_is_refused_whole(store, tmp_path):
    with pytest.raises(RemittanceFileError, match="missing column"):
        import_remittance(units(store), csv_file(tmp_path, "x.csv", "a,b", header="invoice,amount"), ACCOUNTS)
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes((HEADER + "\n").encode() + "Müller".encode("latin-1"))
    with pytest.raises(RemittanceFileError, match="not UTF-8"):
        import_remittance(units(store), latin1, ACCOUNTS)


def test_the_inbox_loads_new_files_once_and_reports_the_unreadable(store, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    csv_file(inbox, "a.csv", *PAYMENT_ROWS)
    csv_file(inbox, "b.csv", "junk", header="not,a,remittance")

    first = import_inbox(units(store), inbox, ACCOUNTS)
    second = import_inbox(units(store), inbox, ACCOUNTS)

    assert [(Path(r.file).name, r.loaded, r.already_imported, bool(r.errors)) for r in first] == [
        ("a.csv", 2, False, False), ("b.csv", 0, False, True)]
    assert [(Path(r.file).name, r.already_imported) for r in second] == [("a.csv", True), ("b.csv", False)]
    assert len(stored(store)) == 2


def test_a_row_in_another_currency_than_its_account_is_refused(store, tmp_path):
    usd_for_ca = ("P-CA,2026-03-20,CA-A,2026-01-10,PO7,USD,105.00,0.00,,105.00,"
                  "PO7,1,B000000007,10,10,10.00,10.00,100.00,0.00,0.00,0.00,100.00")

    result = import_remittance(units(store), csv_file(tmp_path, "fx.csv", usd_for_ca), ACCOUNTS)

    assert result.errors == [(2, "currency", "USD, but account ACRNCA is paid in CAD")]
    assert stored(store) == []
