"""The invoice finance accepts: parties with full addresses, SKU/ASIN/EAN columns, the tax
line and the due date, the same in the HTML and the PDF, from a payload Amazon's model accepts."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader

from acorn import contract
from acorn.config import DEFAULT_ACCOUNTS, Address, load_settings
from acorn.documents import invoice_view, render_invoice_html, render_invoice_pdf
from acorn.domain.invoice import PaymentTerms, ShippedLine, build_invoice
from acorn.services.invoices import invoice_payload, invoice_tax
from schemas.tables import Shipment

CA = next(a for a in DEFAULT_ACCOUNTS if a.code == "ACRNCA").model_copy(update={
    "remit_to_address": Address(name="Acorn Demo Goods Co. Receivables", line1="PO Box 4410", city="Newark",
                                state_or_region="NJ", postal_code="07101", country_code="US")})
US = next(a for a in DEFAULT_ACCOUNTS if a.code == "ACRNUS")
ORDERED = datetime(2026, 3, 1, tzinfo=UTC)


def canadian_invoice() -> tuple[dict, dict]:
    tables = load_settings()
    lines = [ShippedLine("4Z32PABC", "1", "0614141000012", "B0ABCDEFGH", 24, Decimal("3.35"), "CAD", ORDERED,
                         "Cases", 12),
             ShippedLine("4Z32PABC", "2", "0614141000029", "B0ZYXWVUTS", 7, Decimal("1.15"), "CAD", ORDERED)]
    draft = build_invoice(invoice_number="CA-4Z32PABC-260302", invoice_date=date(2026, 3, 2), shipped_lines=lines,
                          tax=invoice_tax(CA, tables.fulfilment_centre("YYZ4"), record="CA-1"),
                          payment_terms=PaymentTerms(net_days=60), currency="CAD")
    shipment = Shipment(account_code=CA.code, shipment_identifier="4Z32PABC-260302", ship_to="YYZ4")
    payload = invoice_payload(CA, draft, shipment, tables)
    contract.validate("invoices", "SubmitInvoicesRequest", payload)
    printed = {"4Z32PABC/1": {"vendor_sku": "ACR-CB-001", "ean": "0614141000012"},
               "4Z32PABC/2": {"vendor_sku": "ACR-MG-002", "ean": "0614141000029"}}
    return payload["invoices"][0], printed


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_payload_names_every_party_with_its_address_and_carries_hst_per_item_and_in_total():
    invoice, _ = canadian_invoice()
    assert invoice["billToParty"]["partyId"] == "AMZNCA"
    assert invoice["billToParty"]["address"]["addressLine1"] == "40 King Street West"
    assert invoice["billToParty"]["address"]["postalOrZipCode"] == "M5H 3Y2"
    assert invoice["shipToParty"]["address"]["addressLine1"] == "8050 Heritage Road"
    assert invoice["remitToParty"]["address"]["addressLine1"] == "PO Box 4410"
    assert invoice["shipFromParty"]["address"]["addressLine1"] == "100 Harbor Way"
    assert invoice["taxDetails"] == [{"taxType": "GST", "taxRate": "13",
                                      "taxAmount": {"currencyCode": "CAD", "amount": "11.50"},
                                      "taxableAmount": {"currencyCode": "CAD", "amount": "88.45"}}]
    # 24 x 3.35 = 80.40 -> HST 10.452 -> 10.45; 7 x 1.15 = 8.05 -> 1.0465 -> 1.05; 11.50 in all
    item_taxes = [Decimal(i["taxDetails"][0]["taxAmount"]["amount"]) for i in invoice["items"]]
    assert sum(item_taxes) == Decimal(invoice["taxDetails"][0]["taxAmount"]["amount"])
    assert Decimal(invoice["invoiceTotal"]["amount"]) == Decimal("88.45") + sum(item_taxes)
    assert invoice["items"][0]["invoicedQuantity"] == {"amount": 2, "unitOfMeasure": "Cases", "unitSize": 12}
    assert invoice["items"][1]["invoicedQuantity"] == {"amount": 7, "unitOfMeasure": "Eaches"}


def test_a_us_invoice_has_no_tax_but_still_its_bill_to_entity():
    tables = load_settings()
    draft = build_invoice(invoice_number="US-1", invoice_date=date(2026, 3, 2),
                          shipped_lines=[ShippedLine("PO1", "1", "X", "B0ABCDEFGH", 5, Decimal(2), "USD", ORDERED)],
                          tax=invoice_tax(US, tables.fulfilment_centre("ABE8"), record="US-1"),
                          payment_terms=PaymentTerms(net_days=60), currency="USD")
    payload = invoice_payload(US, draft, Shipment(account_code=US.code, shipment_identifier="PO1-1", ship_to="ABE8"),
                              load_settings())
    contract.validate("invoices", "SubmitInvoicesRequest", payload)
    invoice = payload["invoices"][0]
    assert "taxDetails" not in invoice and invoice["invoiceTotal"]["amount"] == "10.00"
    assert invoice["billToParty"]["address"]["name"] == "Amazon.com Services LLC"


@pytest.mark.parametrize("render", [
    pytest.param(lambda inv, lines: render_invoice_html(inv, lines=lines), id="html"),
    pytest.param(lambda inv, lines: pdf_text(render_invoice_pdf(inv, lines=lines)), id="pdf"),
])
def test_the_printed_invoice_shows_parties_columns_tax_and_due_date(render):
    invoice, printed = canadian_invoice()
    text = render(invoice, printed)
    for expected in ("Amazon.com.ca ULC", "40 King Street West",  # bill-to entity and street
                     "8050 Heritage Road", "Brampton",  # the FC's street
                     "PO Box 4410", "Receivables",  # remit-to
                     "100 Harbor Way",  # ship-from
                     "ACR-CB-001", "B0ABCDEFGH", "0614141000012",  # vendor SKU, ASIN, EAN
                     "GST/HST 13%", "11.50", "99.95",  # the tax line, its amount, the total
                     "GST 123456789RT0001",  # the vendor's GST/HST number
                     "2026-05-01"):  # due: 2026-03-02 + 60 days
        assert expected in text, expected
    assert "Cases of 12" in text  # the Cases line, in cases of its unit size
    assert "99.95" in text and "88.45" in text  # total and subtotal; no "do not add up" warning
    assert "add up to" not in text


def test_vendor_sku_asin_and_ean_are_each_in_their_own_column():
    invoice, printed = canadian_invoice()
    line = invoice_view(invoice, lines=printed)["lines"][0]
    assert (line["vendor_sku"], line["asin"], line["ean"]) == ("ACR-CB-001", "B0ABCDEFGH", "0614141000012")
    html = render_invoice_html(invoice, lines=printed)
    assert "<td>ACR-CB-001</td>\n      <td>B0ABCDEFGH</td>\n      <td>0614141000012</td>" in html


def test_receipt_based_terms_print_the_rule_instead_of_a_day():
    invoice, printed = canadian_invoice()
    assert invoice_view(invoice, lines=printed, payment_basis="receipt")["due"] == \
        "60 days after Amazon receives the goods"
