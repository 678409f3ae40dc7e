from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from acorn.domain import (
    CurrencyMismatch,
    DuplicateRecord,
    InvalidRecord,
    InvoiceDatedBeforeOrder,
    OrderLine,
    PaymentTerms,
    ShippedLine,
    build_invoice,
    invoice_number_for,
    round_money,
)

UTC = UTC
ORDERED = datetime(2026, 3, 10, 15, 51, tzinfo=UTC)
NET_60 = PaymentTerms(net_days=60)
NET_90_RECEIPT = PaymentTerms(net_days=90, basis="receipt")


def shipped(seq="1", qty=3, cost="10.005", currency="USD", po="PO000001", ordered=ORDERED):
    return ShippedLine(po, seq, f"SKU-{seq}", f"B00000000{seq}", qty, Decimal(cost), currency, ordered)


def invoice(lines, *, rate="0", currency="USD", on=date(2026, 3, 20), terms=NET_60):
    return build_invoice(
        invoice_number="INV-1", invoice_date=on, shipped_lines=lines, tax_rate=Decimal(rate),
        payment_terms=terms, currency=currency,
    )


@pytest.mark.parametrize(
    ("amount", "currency", "rounded"),
    [
        pytest.param("0.005", "USD", "0.01", id="half-cent-rounds-up"),
        pytest.param("0.0049", "USD", "0.00", id="below-half-rounds-down"),
        pytest.param("-0.005", "EUR", "-0.01", id="half-up-is-away-from-zero"),
        pytest.param("1234.5", "JPY", "1235", id="yen-has-no-cents"),
        pytest.param("2.675", "GBP", "2.68", id="no-binary-float-surprise"),
    ],
)
def test_money_rounds_half_up_to_the_currencys_minor_unit(amount, currency, rounded):
    assert round_money(Decimal(amount), currency) == Decimal(rounded)
    assert str(round_money(Decimal(amount), currency)) == rounded


def test_a_line_bills_the_shipped_quantity_at_the_po_net_cost_rounded_per_line():
    draft = invoice([shipped(qty=3, cost="10.005")])
    (line,) = draft.lines
    assert (line.quantity, line.unit_net_cost, line.line_amount) == (3, Decimal("10.005"), Decimal("30.02"))


def test_tax_is_rounded_per_line_and_the_totals_add_up_the_rounded_lines():
    # 3 lines of 0.15 at 10 %: each line's tax 0.015 → 0.02, so 0.06 (not 0.045 → 0.05 on the total)
    draft = invoice([shipped(str(n), qty=1, cost="0.15") for n in (1, 2, 3)], rate="0.10")
    assert [ln.tax_amount for ln in draft.lines] == [Decimal("0.02")] * 3
    assert (draft.subtotal, draft.tax_amount, draft.total) == (Decimal("0.45"), Decimal("0.06"), Decimal("0.51"))
    assert draft.tax_rate_percent == Decimal("10.0")


def test_a_yen_invoice_has_whole_yen():
    draft = invoice([shipped(qty=3, cost="333.5", currency="JPY")], rate="0.10", currency="JPY")
    assert (draft.subtotal, draft.tax_amount, draft.total) == (Decimal("1001"), Decimal("100"), Decimal("1101"))


def test_an_invoice_dated_on_the_po_date_is_fine_and_one_dated_before_it_is_refused():
    assert invoice([shipped()], on=date(2026, 3, 10)).invoice_date == date(2026, 3, 10)
    with pytest.raises(InvoiceDatedBeforeOrder) as raised:
        invoice([shipped()], on=date(2026, 3, 9))
    assert (raised.value.record, raised.value.field) == ("INV-1", "invoice_date")
    assert "PO000001" in str(raised.value)


@pytest.mark.parametrize(
    ("lines", "error"),
    [
        pytest.param([shipped(currency="EUR")], CurrencyMismatch, id="line-in-another-currency"),
        pytest.param([shipped(), shipped()], DuplicateRecord, id="same-po-line-twice"),
        pytest.param([], InvalidRecord, id="nothing-shipped"),
    ],
)
def test_an_invoice_that_would_not_match_is_refused(lines, error):
    with pytest.raises(error):
        invoice(lines)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        pytest.param({"qty": 0}, "shipped_qty", id="zero-shipped"),
        pytest.param({"cost": "0"}, "net_cost", id="zero-cost"),
    ],
)
def test_amazon_refuses_zero_quantities_and_prices_so_acorn_does_too(kwargs, field):
    with pytest.raises(InvalidRecord) as raised:
        shipped(**kwargs)
    assert (raised.value.record, raised.value.field) == ("PO000001/1", field)


def test_a_tax_rate_is_a_fraction_not_a_percentage():
    with pytest.raises(InvalidRecord, match="fraction"):
        invoice([shipped()], rate="19")


def test_a_shipped_line_takes_its_cost_and_currency_from_the_po_line():
    po_line = OrderLine("PO000001", "4", "B0000000X4", "SKU-4", 10, Decimal("7.25"), "EUR")
    line = ShippedLine.from_order_line(po_line, shipped_qty=6, order_date=ORDERED)
    assert (line.shipped_qty, line.net_cost, line.currency) == (6, Decimal("7.25"), "EUR")


@pytest.mark.parametrize(
    ("terms", "invoice_date", "receipt_date", "due"),
    [
        pytest.param(NET_60, date(2026, 3, 20), None, date(2026, 5, 19), id="net-60-from-invoice"),
        pytest.param(NET_90_RECEIPT, date(2026, 3, 20), date(2026, 3, 25), date(2026, 6, 23), id="net-90-from-receipt"),
        pytest.param(NET_90_RECEIPT, date(2026, 3, 20), None, None, id="receipt-terms-before-receipt"),
    ],
)
def test_payment_is_due_net_days_after_the_terms_basis(terms, invoice_date, receipt_date, due):
    assert terms.due_date(invoice_date=invoice_date, receipt_date=receipt_date) == due


def test_an_early_payment_discount_has_its_own_date_and_rounded_amount():
    terms = PaymentTerms(net_days=60, discount_percent=Decimal("2"), discount_days=10)
    assert terms.discount_due_date(invoice_date=date(2026, 3, 20)) == date(2026, 3, 30)
    assert terms.discount_amount(Decimal("1234.56"), "USD") == Decimal("24.69")
    assert NET_60.discount_due_date(invoice_date=date(2026, 3, 20)) is None
    draft = invoice([shipped()], terms=terms)
    assert draft.due_date() == date(2026, 5, 19)


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"net_days": 30, "discount_days": 45, "discount_percent": Decimal("1")}, id="discount-after-due"),
        pytest.param({"net_days": 30, "basis": "shipment"}, id="unknown-basis"),
        pytest.param({"net_days": 30, "discount_percent": Decimal("100")}, id="free-goods"),
    ],
)
def test_payment_terms_that_cannot_be_honoured_are_refused(kwargs):
    with pytest.raises(InvalidRecord):
        PaymentTerms(**kwargs)


def test_an_invoice_number_is_readable_prefix_and_shipment_id_when_it_fits():
    assert invoice_number_for(prefix="INV", shipment_id="SHP-000123") == "INV-SHP-000123"


@pytest.mark.parametrize(
    "shipment_id",
    [
        pytest.param("SHIPMENT-2026-03-10-000123", id="too-long"),
        pytest.param("shp 12/3", id="unreadable-characters"),
        pytest.param("shp-123", id="lower-case"),
    ],
)
def test_an_invoice_number_for_an_awkward_shipment_id_is_a_stable_20_character_digest(shipment_id):
    number = invoice_number_for(prefix="INV", shipment_id=shipment_id)
    assert len(number) == 20
    assert number.startswith("INV.")
    assert number == invoice_number_for(prefix="INV", shipment_id=shipment_id)


def test_distinct_shipments_never_share_an_invoice_number():
    ids = [f"SHP-{n:06d}" for n in range(2000)] + [f"SHIPMENT-LONG-ID-{n:08d}" for n in range(2000)] + ["shp-000001"]
    numbers = [invoice_number_for(prefix="ACME", shipment_id=i) for i in ids]
    assert len(set(numbers)) == len(ids)
    assert max(map(len, numbers)) <= 20


@pytest.mark.parametrize(
    "prefix",
    [pytest.param("", id="empty"), pytest.param("INV-", id="hyphen"), pytest.param("INVOICES1", id="nine-characters")],
)
def test_an_invoice_prefix_is_short_and_plain(prefix):
    with pytest.raises(InvalidRecord):
        invoice_number_for(prefix=prefix, shipment_id="SHP-1")
