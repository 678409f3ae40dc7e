"""The four-way match rules, one PO line at a time (the SQL engine is held to these in tests/money)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from acorn.domain import InvalidRecord, NaiveDatetime
from acorn.domain.reconciliation import (
    EXCEPTIONS,
    Category,
    CategoryTotal,
    Finding,
    LineFacts,
    classify,
    cutoffs,
    parse_month,
    totals_document,
)

UTC = UTC
C = Category
D = Decimal
TEN = D("10.00")


def line(**kw) -> LineFacts:
    """A line accepted for 10 at 10.00, unless told otherwise."""
    return LineFacts(**{"accepted": 10, "po_cost": TEN, **kw})


def billed(qty: int, cost: str = "10.00", *, invoices: int = 1, unremitted: int | None = None, **kw) -> dict:
    """Facts of ``qty`` units invoiced at one unit cost (remitted unless ``unremitted`` says otherwise)."""
    return {"invoiced": qty, "invoiced_amount": qty * D(cost), "invoices": invoices, "max_invoiced_cost": D(cost),
            "min_invoiced_cost": D(cost), "unremitted": 0 if unremitted is None else unremitted, **kw}


def shipped(qty: int, *, receipt_due: int | None = None, invoice_due: int | None = None) -> dict:
    return {"shipped": qty, "shipped_receipt_due": qty if receipt_due is None else receipt_due,
            "shipped_invoice_due": qty if invoice_due is None else invoice_due}


# -- the month ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("month", "start", "end"), [
    pytest.param("2026-11", datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC), id="november"),
    pytest.param("2026-12", datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC), id="into-next-year"),
    pytest.param("2028-02", datetime(2028, 2, 1, tzinfo=UTC), datetime(2028, 3, 1, tzinfo=UTC), id="leap-february"),
])
def test_a_month_is_its_half_open_utc_bounds(month, start, end):
    assert parse_month(month) == (start, end)
    assert parse_month(month)[0].tzinfo is not None


@pytest.mark.parametrize("bad", ["2026-13", "2026-1", "26-11", "2026/11", "2026-11-01", "", None])
def test_a_month_not_written_yyyy_mm_is_refused_naming_the_field(bad):
    with pytest.raises(InvalidRecord) as caught:
        parse_month(bad)
    assert caught.value.field == "month" and "YYYY-MM" in str(caught.value)


def test_cutoffs_count_back_from_business_time():
    as_of = datetime(2026, 12, 15, 12, 0, tzinfo=timezone(timedelta(hours=-5)))  # 17:00 UTC
    clock = cutoffs(as_of, receipt_window_days=5, invoice_grace_days=2)
    assert clock.as_of == datetime(2026, 12, 15, 17, 0, tzinfo=UTC)
    assert clock.receipt_cutoff == datetime(2026, 12, 10, 17, 0, tzinfo=UTC)
    assert clock.invoice_cutoff == datetime(2026, 12, 13, 17, 0, tzinfo=UTC)
    assert clock.today == date(2026, 12, 15)


def test_cutoffs_refuse_a_naive_as_of_and_a_negative_window():
    with pytest.raises(NaiveDatetime):
        cutoffs(datetime(2026, 12, 15), receipt_window_days=5, invoice_grace_days=2)
    with pytest.raises(InvalidRecord) as caught:
        cutoffs(datetime(2026, 12, 15, tzinfo=UTC), receipt_window_days=-1, invoice_grace_days=2)
    assert caught.value.field == "receipt_window_days"


# -- one rule at a time -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("facts", "expected"), [
    pytest.param(line(**shipped(10), received=10, **billed(10)), {C.MATCHED: Finding(10, D("100.00"))},
                 id="matched-shipped-received-invoiced-and-paid"),
    pytest.param(line(accepted=0, rejected=10), {C.MATCHED: Finding(0, D("0"))}, id="matched-rejected-untouched"),
    pytest.param(line(**shipped(10), received=7, **billed(10, "10.00")), {C.SHORTAGE: Finding(3, D("30.00"))},
                 id="shortage-at-billed-cost"),
    pytest.param(line(**shipped(10, receipt_due=0), received=7, **billed(10)), {C.SHORTAGE: Finding(3, D("30.00"))},
                 id="shortage-once-remitted-even-inside-the-window"),
    pytest.param(line(**shipped(10), received=12, **billed(10)), {C.OVERAGE: Finding(2, D("20.00"))},
                 id="overage-at-po-cost"),
    pytest.param(line(**shipped(10), received=10, **billed(10, "9.50")),
                 {C.PRICE_VARIANCE: Finding(10, D("-5.00"))}, id="price-variance-below-po-is-negative"),
    pytest.param(line(unconfirmed=6), {C.MISSING_ASN: Finding(6, D("60.00"))}, id="missing-asn-departed-unconfirmed"),
    pytest.param(line(**shipped(3), received=3, **billed(5)), {C.MISSING_ASN: Finding(2, D("20.00"))},
                 id="missing-asn-billed-beyond-the-asn"),
    pytest.param(line(**shipped(5), **billed(5, unremitted=5)), {C.MISSING_RECEIPT: Finding(5, D("50.00"))},
                 id="missing-receipt-nothing-received-after-the-window"),
    pytest.param(line(**shipped(4), received=4), {C.MISSING_INVOICE: Finding(4, D("40.00"))},
                 id="missing-invoice-after-the-grace"),
    pytest.param(line(**shipped(3), received=3, **billed(3, unremitted=3, unpaid_past_due=3,
                                                          unpaid_past_due_amount=D("30.00"))),
                 {C.UNPAID_PAST_DUE: Finding(3, D("30.00"))}, id="unpaid-past-due"),
    pytest.param(line(**shipped(5, receipt_due=0), received=5, **billed(10, invoices=2, unremitted=10)),
                 {C.DUPLICATE_INVOICE: Finding(5, D("50.00"))}, id="duplicate-invoice-billed-twice"),
    pytest.param(line(accepted=0, cancelled=True, **shipped(2, receipt_due=0, invoice_due=2)),
                 {C.CANCELLED_BUT_SHIPPED: Finding(2, D("20.00"))}, id="cancelled-but-shipped-not-to-invoice"),
    pytest.param(line(accepted=8), {C.OPEN: Finding(8, D("80.00"))}, id="open-not-shipped-yet"),
    pytest.param(line(accepted=6, **shipped(6, receipt_due=0), **billed(6, unremitted=6)),
                 {C.OPEN: Finding(6, D("60.00"))}, id="open-on-its-way"),
])
def test_each_rule_puts_its_units_and_money_on_the_line(facts, expected):
    assert classify(facts) == expected


def test_a_line_can_be_short_and_overbilled_at_once():
    facts = line(**shipped(10), received=9, **billed(10, "10.50"))
    assert classify(facts) == {C.SHORTAGE: Finding(1, D("10.50")),  # one unit at the billed 10.50
                               C.PRICE_VARIANCE: Finding(10, D("5.00"))}  # 10 × (10.50 − 10.00)


def test_nothing_received_past_the_window_is_a_missing_receipt_not_also_a_shortage():
    facts = line(**shipped(5), **billed(5, unremitted=5))
    assert set(classify(facts)) == {C.MISSING_RECEIPT}
    # once Amazon paid (and deducted), the same gap is a shortage
    assert classify(line(**shipped(5), **billed(5))) == {C.SHORTAGE: Finding(5, D("50.00"))}


def test_units_billed_twice_are_a_duplicate_not_also_a_missing_asn_or_a_shortage():
    facts = line(**shipped(5), received=5, **billed(10, invoices=2))
    assert classify(facts) == {C.DUPLICATE_INVOICE: Finding(5, D("50.00"))}


def test_money_at_billed_cost_rounds_half_up_once_per_line():
    # 3 units billed for 10.00 in total: 3.333... each; one short unit is 3.33, two are 6.67
    facts = line(po_cost=None, **shipped(3), received=1, **billed(3, "3.3333", invoiced_amount=D("10.00")))
    assert classify(facts)[C.SHORTAGE] == Finding(2, D("6.67"))


def test_without_a_po_cost_value_is_the_invoiced_cost_and_no_price_variance_is_claimed():
    facts = line(po_cost=None, **shipped(5), received=7, **billed(5, "12.00"))
    assert classify(facts) == {C.OVERAGE: Finding(2, D("24.00"))}


def test_an_unacknowledged_line_is_open_with_nothing_promised_yet():
    assert classify(LineFacts(po_cost=TEN)) == {C.OPEN: Finding(0, D("0.00"))}


# -- the totals -----------------------------------------------------------------------------------------------
def test_totals_list_every_category_with_zeros_and_money_as_text():
    doc = totals_document(currency="USD", lines=3, categories={C.SHORTAGE: CategoryTotal(1, 2, D("20.5"))},
                          invoiced=D("100"), paid=D("79.5"), deducted={"shortage": D("20.5"), "price": D("0")})
    assert list(doc["categories"]) == [c.value for c in Category]
    assert doc["categories"]["shortage"] == {"lines": 1, "units": 2, "amount": "20.50"}
    assert doc["categories"]["open"] == {"lines": 0, "units": 0, "amount": "0.00"}
    assert (doc["currency"], doc["lines"], doc["invoiced"], doc["paid"]) == ("USD", 3, "100.00", "79.50")
    assert doc["deducted"] == {"shortage": "20.50", "price": "0.00"}


def test_matched_and_open_are_not_exceptions():
    assert C.MATCHED not in EXCEPTIONS and C.OPEN not in EXCEPTIONS
    assert len(EXCEPTIONS) == len(Category) - 2 == 9
