"""Amazon accepts invoices that differ from the PO or the receipt and settles the difference at payment.

Every figure below is worked out by hand from a purchase order loaded with round costs:
line 1 at 10.00 and line 2 at 4.50 a unit, 10 units each, ordered 2026-03-01 (the clock
starts 2026-03-02T14:00:00Z for seed 7).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest

from acorn.sandbox import SandboxConfig
from acorn.sandbox.remittance import COLUMNS

ASN = "/vendor/shipping/v1/shipmentConfirmations"
INVOICE = "/vendor/payments/v1/invoices"
PO = "SETTLE01"

EXACT = SandboxConfig(seed=7, rate_scale=100, shortage_rate=0, damage_rate=0, shortage_reversal_rate=0)
ON_RECEIPT = SandboxConfig(seed=7, rate_scale=100, shortage_rate=0, damage_rate=0, shortage_reversal_rate=0,
                           payment_basis="receipt")
ALL_LOST_ALL_FOUND = SandboxConfig(seed=7, rate_scale=100, shortage_rate=1, damage_rate=0,
                                   shortage_reversal_rate=1, reversal_days=21)


def _item(seq: str, asin: str, gtin: str, cost: str) -> dict[str, Any]:
    return {"itemSequenceNumber": seq, "amazonProductIdentifier": asin, "vendorProductIdentifier": gtin,
            "orderedQuantity": {"amount": 10, "unitOfMeasure": "Eaches", "unitSize": 1},
            "isBackOrderAllowed": False, "netCost": {"amount": cost, "currencyCode": "USD"}}


def _start(make_sandbox: Any, config: SandboxConfig) -> tuple[Any, Any, dict[str, Any]]:
    sb, vendor = make_sandbox(config)
    order = {"purchaseOrderNumber": PO, "purchaseOrderState": "New", "orderDetails": {
        "purchaseOrderDate": "2026-03-01T00:00:00Z", "purchaseOrderType": "RegularOrder",
        "paymentMethod": "Invoice", "buyingParty": {"partyId": "AMZN"}, "sellingParty": {"partyId": "ACRNUS"},
        "shipToParty": {"partyId": "ABE8"}, "billToParty": {"partyId": "AMZN"},
        "items": [_item("1", "B0SETTLE01", "0614141000012", "10.00"),
                  _item("2", "B0SETTLE02", "0614141000029", "4.50")]}}
    assert vendor.http.post("/_sandbox/purchaseOrders", json={"orders": [order]}).status_code == 200
    return sb, vendor, vendor.order(PO)


def _ship(vendor: Any, order: dict[str, Any], shipment_id: str, units: dict[str, int] | None,
          delivery: str | None = None) -> None:
    outcome = vendor.submit(ASN, vendor.shipment(order, shipment_id, quantities=units, delivery=delivery))
    assert outcome["status"] == "Success", outcome


def _invoice(vendor: Any, order: dict[str, Any], invoice_id: str, lines: dict[str, tuple[int, str]], *,
             net_days: int = 30) -> dict[str, Any]:
    """An invoice billing ``lines[seq] = (units, unit cost)``, its total adding up."""
    body = vendor.invoice(order, invoice_id, quantities={seq: units for seq, (units, _) in lines.items()},
                          net_days=net_days)
    invoice = body["invoices"][0]
    total = Decimal("0")
    for item, (units, cost) in zip(invoice["items"], lines.values(), strict=True):
        item["netCost"] = {"amount": cost, "currencyCode": "USD"}
        total += units * Decimal(cost)
    invoice["invoiceTotal"]["amount"] = str(total)
    return body


def _accepted(vendor: Any, body: dict[str, Any]) -> None:
    outcome = vendor.submit(INVOICE, body)
    assert outcome["status"] == "Success", outcome


def _set_clock(vendor: Any, moment: str) -> None:
    assert vendor.http.post("/_sandbox/clock", json={"set": moment}).status_code == 200
    vendor.refresh()


def _remittance(vendor: Any, month: str) -> list[dict[str, str]]:
    r = vendor.http.get("/_sandbox/remittances", params={"month": month})
    assert r.status_code == 200
    reader = csv.DictReader(io.StringIO(r.text))
    assert tuple(reader.fieldnames or ()) == COLUMNS
    return list(reader)


def _invoice_level(row: dict[str, str]) -> tuple[str, ...]:
    return tuple(row[c] for c in ("payment_number", "payment_date", "invoice_number", "invoice_amount",
                                  "deduction_amount", "deduction_reasons", "paid_amount"))


def _line(row: dict[str, str]) -> tuple[str, ...]:
    return tuple(row[c] for c in ("item_sequence", "invoiced_quantity", "received_quantity", "invoiced_unit_cost",
                                  "po_unit_cost", "line_amount", "shortage_deduction", "damage_deduction",
                                  "price_deduction", "line_paid"))


def _received(vendor: Any, seq: str) -> int:
    item = next(i for i in vendor.status(PO)["itemStatus"] if i["itemSequenceNumber"] == seq)
    return item["receivingStatus"]["receivedQuantity"]["amount"]


def test_billing_more_units_than_received_is_accepted_and_paid_short(make_sandbox: Any) -> None:
    _, vendor, order = _start(make_sandbox, EXACT)
    _ship(vendor, order, "S-SHORT", {"1": 3, "2": 10})
    _accepted(vendor, _invoice(vendor, order, "INV-SHORT", {"1": (5, "10.00"), "2": (10, "4.50")}))
    _set_clock(vendor, "2026-04-01T00:00:00Z")  # invoiced 2026-03-02, Net 30
    rows = _remittance(vendor, "2026-04")
    # line 1: 5 x 10.00 = 50.00 billed, 3 received: 2 x 10.00 = 20.00 short, 3 x 10.00 = 30.00 paid
    assert [_line(r) for r in rows] == [
        ("1", "5", "3", "10.00", "10.00", "50.00", "20.00", "0.00", "0.00", "30.00"),
        ("2", "10", "10", "4.50", "4.50", "45.00", "0.00", "0.00", "0.00", "45.00")]
    # invoice: 50.00 + 45.00 = 95.00, less 20.00
    assert {_invoice_level(r) for r in rows} == {
        ("PMT-20260401-USD", "2026-04-01", "INV-SHORT", "95.00", "20.00", "SHORTAGE_CLAIM:20.00", "75.00")}
    assert {(r["po_number"], r["purchase_order"], r["asin"]) for r in rows} == {
        (PO, PO, "B0SETTLE01"), (PO, PO, "B0SETTLE02")}


def test_an_invoice_above_the_po_cost_is_accepted_and_paid_at_the_po_cost(make_sandbox: Any) -> None:
    _, vendor, order = _start(make_sandbox, EXACT)
    _ship(vendor, order, "S-PRICE", {"1": 10, "2": 10})
    _accepted(vendor, _invoice(vendor, order, "INV-PRICE", {"1": (10, "11.25"), "2": (10, "4.00")}))
    _set_clock(vendor, "2026-04-01T00:00:00Z")
    rows = _remittance(vendor, "2026-04")
    # line 1: 10 x 11.25 = 112.50 billed, PO says 10.00: 10 x 1.25 = 12.50 kept, 100.00 paid;
    # line 2 is billed below the PO cost (4.00 < 4.50): paid as invoiced, 10 x 4.00 = 40.00
    assert [_line(r) for r in rows] == [
        ("1", "10", "10", "11.25", "10.00", "112.50", "0.00", "0.00", "12.50", "100.00"),
        ("2", "10", "10", "4.00", "4.50", "40.00", "0.00", "0.00", "0.00", "40.00")]
    assert {_invoice_level(r) for r in rows} == {
        ("PMT-20260401-USD", "2026-04-01", "INV-PRICE", "152.50", "12.50", "PRICE_CLAIM:12.50", "140.00")}


def test_a_line_both_short_and_overpriced_is_paid_the_lesser_units_at_the_lesser_cost(make_sandbox: Any) -> None:
    _, vendor, order = _start(make_sandbox, EXACT)
    _ship(vendor, order, "S-BOTH", {"1": 3})
    _accepted(vendor, _invoice(vendor, order, "INV-BOTH", {"1": (5, "10.40")}))
    _set_clock(vendor, "2026-04-01T00:00:00Z")
    (row,) = _remittance(vendor, "2026-04")
    # billed 5 x 10.40 = 52.00; short 2 x 10.40 = 20.80; price (10.40 - 10.00) x 3 received = 1.20;
    # paid 52.00 - 20.80 - 1.20 = 30.00 = min(5, 3) x min(10.40, 10.00)
    assert _line(row) == ("1", "5", "3", "10.40", "10.00", "52.00", "20.80", "0.00", "1.20", "30.00")
    assert _invoice_level(row) == ("PMT-20260401-USD", "2026-04-01", "INV-BOTH", "52.00", "22.00",
                                   "SHORTAGE_CLAIM:20.80;PRICE_CLAIM:1.20", "30.00")


def test_receipt_terms_run_from_the_delivery_and_goods_that_never_arrive_are_paid_30_days_late(
        make_sandbox: Any) -> None:
    _, vendor, order = _start(make_sandbox, ON_RECEIPT)
    _ship(vendor, order, "S-LATER", {"1": 10}, delivery="2026-03-07T09:00:00Z")
    _accepted(vendor, _invoice(vendor, order, "INV-RECEIPT", {"1": (10, "10.00")}))
    _accepted(vendor, _invoice(vendor, order, "INV-NEVER", {"2": (4, "4.50")}))  # line 2 is never shipped
    _set_clock(vendor, "2026-04-05T23:59:59Z")
    assert _remittance(vendor, "2026-04") == []  # on invoice terms it would have been paid 2026-04-01
    _set_clock(vendor, "2026-04-06T00:00:00Z")  # received 2026-03-07 + 30 days
    (row,) = _remittance(vendor, "2026-04")
    assert _invoice_level(row) == ("PMT-20260406-USD", "2026-04-06", "INV-RECEIPT", "100.00", "0.00", "", "100.00")
    _set_clock(vendor, "2026-05-01T00:00:00Z")  # invoiced 2026-03-02 + 30 + 30 days
    (never,) = _remittance(vendor, "2026-05")
    assert _line(never) == ("2", "4", "0", "4.50", "4.50", "18.00", "18.00", "0.00", "0.00", "0.00")
    assert _invoice_level(never) == ("PMT-20260501-USD", "2026-05-01", "INV-NEVER", "18.00", "18.00",
                                     "SHORTAGE_CLAIM:18.00", "0.00")


def test_units_found_later_are_credited_on_a_later_remittance_and_show_as_received(make_sandbox: Any) -> None:
    _, vendor, order = _start(make_sandbox, ALL_LOST_ALL_FOUND)  # the FC loses every unit, later finds them
    _ship(vendor, order, "S-LOST", {"1": 1, "2": 1})
    _accepted(vendor, _invoice(vendor, order, "INV-LOST", {"1": (1, "10.00"), "2": (1, "5.00")}, net_days=20))
    _set_clock(vendor, "2026-04-11T23:00:00Z")
    assert (_received(vendor, "1"), _received(vendor, "2")) == (0, 0)
    rows = _remittance(vendor, "2026-03")  # paid 2026-03-22: nothing received, 10.00 + 5.00 short
    assert [_line(r) for r in rows] == [
        ("1", "1", "0", "10.00", "10.00", "10.00", "10.00", "0.00", "0.00", "0.00"),
        ("2", "1", "0", "5.00", "4.50", "5.00", "5.00", "0.00", "0.00", "0.00")]
    assert {_invoice_level(r) for r in rows} == {
        ("PMT-20260322-USD", "2026-03-22", "INV-LOST", "15.00", "15.00", "SHORTAGE_CLAIM:15.00", "0.00")}
    assert _remittance(vendor, "2026-04") == []
    _set_clock(vendor, "2026-04-12T00:00:00Z")  # 21 days after the payment
    credit = _remittance(vendor, "2026-04")
    # the 10.00 and 5.00 deducted come back; the found unit of line 2 is paid at the PO's 4.50
    assert [_line(r) for r in credit] == [
        ("1", "0", "1", "10.00", "10.00", "0.00", "-10.00", "0.00", "0.00", "10.00"),
        ("2", "0", "1", "5.00", "4.50", "0.00", "-5.00", "0.00", "0.50", "4.50")]
    assert {_invoice_level(r) for r in credit} == {
        ("PMT-20260412-USD", "2026-04-12", "INV-LOST", "15.00", "-14.50", "SHORTAGE_REVERSAL:15.00;PRICE_CLAIM:0.50",
         "14.50")}
    assert (_received(vendor, "1"), _received(vendor, "2")) == (1, 1)
    assert len(_remittance(vendor, "2026-03")) == 2  # the first payment is as it was


def test_units_paid_short_on_one_invoice_are_not_deducted_again_from_the_next(make_sandbox: Any) -> None:
    _, vendor, order = _start(make_sandbox, EXACT)
    _ship(vendor, order, "S-FIRST", {"1": 3})
    _accepted(vendor, _invoice(vendor, order, "INV-FIRST", {"1": (5, "10.00")}))
    _set_clock(vendor, "2026-04-02T00:00:00Z")
    april = _remittance(vendor, "2026-04")
    assert [_line(r) for r in april] == [("1", "5", "3", "10.00", "10.00", "50.00", "20.00", "0.00", "0.00", "30.00")]
    _ship(vendor, order, "S-SECOND", {"1": 5})
    _accepted(vendor, _invoice(vendor, order, "INV-SECOND", {"1": (5, "10.00")}))
    assert _remittance(vendor, "2026-04") == april  # a payment made never changes
    _set_clock(vendor, "2026-05-02T00:00:00Z")
    (row,) = _remittance(vendor, "2026-05")
    # 8 received in all: 3 went to INV-FIRST (paid for 3), the other 5 are INV-SECOND's
    assert _line(row) == ("1", "5", "5", "10.00", "10.00", "50.00", "0.00", "0.00", "0.00", "50.00")
    assert row["paid_amount"] == "50.00"


@pytest.mark.parametrize(("invoice_id", "po_number", "code"), [
    pytest.param("INV-ONCE", PO, "DuplicateInvoiceNumber", id="duplicate-number"),
    pytest.param("INV-ELSEWHERE", "NOPE1234", "UnknownPurchaseOrder", id="unknown-po"),
])
def test_duplicates_and_unknown_purchase_orders_are_still_refused(make_sandbox: Any, invoice_id: str,
                                                                   po_number: str, code: str) -> None:
    _, vendor, order = _start(make_sandbox, EXACT)
    _ship(vendor, order, "S-REFUSE", {"1": 10})
    _accepted(vendor, _invoice(vendor, order, "INV-ONCE", {"1": (10, "10.00")}))
    body = _invoice(vendor, order, invoice_id, {"1": (10, "10.00")})
    body["invoices"][0]["items"][0]["purchaseOrderNumber"] = po_number
    outcome = vendor.submit(INVOICE, body)
    assert outcome["status"] == "Failure"
    assert [e["code"] for e in outcome["errors"]] == [code]
    _set_clock(vendor, "2026-04-01T00:00:00Z")
    assert [(r["invoice_number"], r["paid_amount"]) for r in _remittance(vendor, "2026-04")] == [
        ("INV-ONCE", "100.00")]  # the refused invoice is never paid, the first one once


def _busy_month(make_sandbox: Any, config: SandboxConfig) -> dict[str, str]:
    sb, vendor = make_sandbox(config)
    orders = [o for o in vendor.orders(orderingVendorCode="ACRNUS", sortOrder="ASC")
              if "purchaseOrderChangedDate" not in o["orderDetails"]][:3]
    for n, order in enumerate(orders):
        _ship(vendor, order, f"S-BUSY-{n}", None)
        _accepted(vendor, vendor.invoice(order, f"INV-BUSY-{n}", net_days=20 + n))
    _set_clock(vendor, "2026-05-31T00:00:00Z")
    return {month: vendor.http.get("/_sandbox/remittances", params={"month": month}).text
            for month in ("2026-03", "2026-04", "2026-05")}


def test_the_same_seed_settles_the_same_way(make_sandbox: Any) -> None:
    config = SandboxConfig(seed=7, rate_scale=100, shortage_rate=0.3, damage_rate=0.1, shortage_reversal_rate=0.5)
    first = _busy_month(make_sandbox, config)
    assert _busy_month(make_sandbox, config) == first
    rows = [row for text in first.values() for row in csv.DictReader(io.StringIO(text))]
    assert {r["deduction_reasons"].split(":")[0] for r in rows} >= {"SHORTAGE_CLAIM", "SHORTAGE_REVERSAL"}
    payments: dict[tuple[str, str], list[dict[str, str]]] = {}
    for r in rows:
        payments.setdefault((r["payment_number"], r["invoice_number"]), []).append(r)
        kept = sum(Decimal(r[c]) for c in ("shortage_deduction", "damage_deduction", "price_deduction"))
        assert Decimal(r["line_amount"]) - kept == Decimal(r["line_paid"])
    for lines in payments.values():
        kept = sum(Decimal(r[c]) for r in lines for c in ("shortage_deduction", "damage_deduction",
                                                             "price_deduction"))
        assert Decimal(lines[0]["deduction_amount"]) == kept
