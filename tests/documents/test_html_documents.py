"""Invoice and bill of lading HTML from the SP-API payloads: totals to the cent, text escaped."""

from __future__ import annotations

import re
from typing import Any

import pytest

from acorn import contract
from acorn.documents import DocumentError, render_invoice_html


def invoice_payload(vendor: dict, **extra: Any) -> dict[str, Any]:
    payload = {
        "invoiceType": "Invoice",
        "id": "INV-2026-0001",
        "date": "2026-03-05T10:00:00Z",
        "remitToParty": {**vendor, "address": {**vendor["address"], "postalOrZipCode": "07102"}},
        "billToParty": {"partyId": "AMZN-US"},
        "paymentTerms": {"type": "Basic", "netDueDays": 60.0},
        "invoiceTotal": {"currencyCode": "USD", "amount": "1294.5"},
        "items": [
            {"itemSequenceNumber": 1, "purchaseOrderNumber": "4Z32PABC", "amazonProductIdentifier": "B0ABCDEFGH",
             "vendorProductIdentifier": "ACR-CB-001", "invoicedQuantity": {"amount": 100, "unitOfMeasure": "Eaches"},
             "netCost": {"currencyCode": "USD", "amount": "12.345"}},
            {"itemSequenceNumber": 2, "purchaseOrderNumber": "4Z32PABC", "vendorProductIdentifier": "ACR-MG-002",
             "invoicedQuantity": {"amount": 2, "unitOfMeasure": "Cases", "unitSize": 12},
             "netCost": {"currencyCode": "USD", "amount": "2.5"}},
        ],
    }
    payload.update(extra)
    return payload


def test_the_invoice_prints_lines_and_total_with_two_decimals(vendor: dict) -> None:
    html = render_invoice_html(invoice_payload(vendor))
    assert "Invoice INV-2026-0001" in html
    assert ">1,234.50<" in html  # 100 x 12.345
    assert ">12.345<" in html  # a sub-cent unit cost is shown as sent, not rounded
    assert ">60.00<" in html  # 2 cases of 12 at 2.50
    assert ">1,294.50<" in html  # the invoice total
    assert "net 60 days" in html and "2026-03-05" in html and "4Z32PABC" in html
    assert "add up to" not in html


def test_a_vendor_name_with_markup_is_escaped_on_the_invoice(vendor: dict) -> None:
    html = render_invoice_html(invoice_payload(vendor))
    assert "Smith &lt;Tools&gt; &amp; Co" in html
    assert "<Tools>" not in html


def test_an_invoice_whose_lines_do_not_make_its_total_says_so(vendor: dict) -> None:
    html = render_invoice_html(invoice_payload(vendor, invoiceTotal={"currencyCode": "USD", "amount": "1300"}))
    assert ">1,300.00<" in html
    assert re.search(r"add up to 1,294.50 USD, not the invoice total", html)


def test_charges_allowances_and_taxes_make_up_the_total(vendor: dict) -> None:
    html = render_invoice_html(invoice_payload(
        vendor,
        chargeDetails=[{"type": "Freight", "chargeAmount": {"currencyCode": "USD", "amount": "10"}}],
        allowanceDetails=[{"type": "Discount", "allowanceAmount": {"currencyCode": "USD", "amount": "4.5"}}],
        taxDetails=[{"taxType": "ST", "taxRate": "7", "taxAmount": {"currencyCode": "USD", "amount": "0"}}],
        invoiceTotal={"currencyCode": "USD", "amount": "1300.00"},
    ))
    assert ">10.00<" in html and ">-4.50<" in html
    assert "add up to" not in html


@pytest.mark.parametrize(
    ("change", "field"),
    [
        pytest.param({"id": ""}, "id", id="no-number"),
        pytest.param({"invoiceTotal": {"currencyCode": "USD", "amount": "abc"}}, "invoiceTotal", id="bad-total"),
    ],
)
def test_an_invoice_without_number_or_total_is_refused(vendor: dict, change: dict, field: str) -> None:
    with pytest.raises(DocumentError) as caught:
        render_invoice_html(invoice_payload(vendor, **change))
    assert caught.value.field == field


def test_every_amazon_example_invoice_that_amazon_accepts_renders() -> None:
    examples = [e for e in contract.sandbox_examples("invoices")
                if e.operation_id == "submitInvoices" and e.status == "202"]
    bodies = [e.request["parameters"]["body"].get("value", {}) for e in examples]
    invoices = [inv for body in bodies for inv in body.get("invoices", [])]
    assert invoices
    for inv in invoices:
        html = render_invoice_html(inv)
        assert inv["id"] in html
