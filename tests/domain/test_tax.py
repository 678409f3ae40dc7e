"""Which tax an invoice to Amazon carries: by the fulfilment centre's place, to the cent."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from acorn.domain.errors import InvalidRecord
from acorn.domain.invoice import PaymentTerms, ShippedLine, build_invoice
from acorn.domain.tax import TaxRate, tax_rate_for


def rate(country: str, region: str | None = None, *, ship_from: str = "CA", registered: bool = True,
         override: str = "0") -> TaxRate | None:
    return tax_rate_for(ship_to_country=country, ship_to_region=region, ship_from_country=ship_from,
                        registered=registered, override=Decimal(override), record="CA-1")


@pytest.mark.parametrize(("country", "region", "ship_from", "expected"), [
    pytest.param("CA", "ON", "US", TaxRate("GST", Decimal("0.13"), "HST (ON)"), id="ontario-hst-13"),
    pytest.param("CA", "NS", "CA", TaxRate("GST", Decimal("0.14"), "HST (NS)"), id="nova-scotia-hst-14"),
    pytest.param("CA", "AB", "CA", TaxRate("GST", Decimal("0.05"), "GST (AB)"), id="alberta-gst-only"),
    pytest.param("CA", "BC", "CA", TaxRate("GST", Decimal("0.05"), "GST (BC)"), id="bc-gst-no-pst-on-resale"),
    pytest.param("DE", None, "DE", TaxRate("VAT", Decimal("0.19"), "VAT (DE)"), id="germany-vat-19"),
    pytest.param("FR", None, "GB", TaxRate("VAT", Decimal("0.20"), "VAT (FR)"), id="france-vat-import"),
    pytest.param("GB", None, "GB", TaxRate("VAT", Decimal("0.20"), "VAT (GB)"), id="uk-vat-20"),
])
def test_the_rate_follows_the_fulfilment_centres_place(country, region, ship_from, expected):
    assert rate(country, region, ship_from=ship_from) == expected


def test_the_us_has_no_tax_on_sales_for_resale():
    assert rate("US", "NJ", ship_from="US") is None


def test_an_intra_eu_supply_carries_no_vat_the_buyer_reverse_charges_it():
    assert rate("FR", None, ship_from="DE") is None


def test_a_vendor_without_a_tax_registration_charges_no_tax():
    assert rate("CA", "ON", registered=False) is None


def test_a_non_zero_account_rate_overrides_the_table_and_keeps_its_type():
    assert rate("CA", "ON", override="0.05") == TaxRate("GST", Decimal("0.05"), "HST (ON)")


@pytest.mark.parametrize(("country", "region", "field"), [
    pytest.param("CA", "QC", "shipToParty.stateOrRegion", id="quebec-needs-qst"),
    pytest.param("CA", "", "shipToParty.stateOrRegion", id="canada-without-province"),
    pytest.param("BR", None, "shipToParty.countryCode", id="unknown-country"),
])
def test_a_place_without_a_rule_is_an_error_naming_the_invoice_and_field(country, region, field):
    with pytest.raises(InvalidRecord) as err:
        rate(country, region)
    assert (err.value.record, err.value.field) == ("CA-1", field)


def _draft(costs_and_qty: list[tuple[str, int]], tax: TaxRate):
    ordered = datetime(2026, 3, 1, tzinfo=UTC)
    lines = [ShippedLine("PO1", str(n), f"SKU{n}", f"B00000000{n}", qty, Decimal(cost), "CAD", ordered)
             for n, (cost, qty) in enumerate(costs_and_qty, start=1)]
    return build_invoice(invoice_number="CA-1", invoice_date=date(2026, 3, 2), shipped_lines=lines, tax=tax,
                         payment_terms=PaymentTerms(net_days=60), currency="CAD")


def test_ontario_hst_is_rounded_to_the_cent_per_line_and_the_total_adds_up_exactly():
    hst = rate("CA", "ON")
    # 3 x 3.35 = 10.05 -> 1.3065 -> 1.31; 7 x 1.15 = 8.05 -> 1.0465 -> 1.05 (1.3065 + 1.0465 = 2.353 on the total)
    draft = _draft([("3.35", 3), ("1.15", 7)], hst)
    assert [ln.tax_amount for ln in draft.lines] == [Decimal("1.31"), Decimal("1.05")]
    assert (draft.subtotal, draft.tax_amount, draft.total) == (Decimal("18.10"), Decimal("2.36"), Decimal("20.46"))
    assert draft.tax == hst


def test_gst_only_province_is_five_percent_rounded_half_up():
    # 0.10 x 1 at 5 % = 0.005 -> 0.01 (half up, not banker's 0.00)
    draft = _draft([("0.10", 1)], rate("CA", "AB"))
    assert (draft.tax_amount, draft.total) == (Decimal("0.01"), Decimal("0.11"))


def test_a_tax_and_a_bare_rate_together_are_refused():
    ordered = datetime(2026, 3, 1, tzinfo=UTC)
    with pytest.raises(InvalidRecord) as err:
        build_invoice(invoice_number="CA-1", invoice_date=date(2026, 3, 2),
                      shipped_lines=[ShippedLine("PO1", "1", "S", "B", 1, Decimal(1), "CAD", ordered)],
                      tax=rate("CA", "ON"), tax_rate=Decimal("0.1"), payment_terms=PaymentTerms(net_days=60),
                      currency="CAD")
    assert err.value.field == "tax_rate"


def test_a_cases_line_is_invoiced_in_whole_cases_and_in_eaches_otherwise():
    ordered = datetime(2026, 3, 1, tzinfo=UTC)
    lines = [ShippedLine("PO1", "1", "S1", "B1", 24, Decimal(1), "CAD", ordered, "Cases", 12),
             ShippedLine("PO1", "2", "S2", "B2", 10, Decimal(1), "CAD", ordered, "Cases", 12)]
    draft = build_invoice(invoice_number="CA-1", invoice_date=date(2026, 3, 2), shipped_lines=lines,
                          payment_terms=PaymentTerms(net_days=60), currency="CAD")
    assert [ln.invoiced_quantity for ln in draft.lines] == [(2, "Cases", 12), (10, "Eaches", 1)]
    assert draft.subtotal == Decimal(34)
