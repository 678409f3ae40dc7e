"""The operator's ledger of submissions and the remittance CSV of what Amazon paid."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest

from acorn.sandbox import SandboxConfig
from acorn.sandbox.remittance import COLUMNS

ACK = "/vendor/orders/v1/acknowledgements"
ASN = "/vendor/shipping/v1/shipmentConfirmations"
INVOICE = "/vendor/payments/v1/invoices"


def _remittance(vendor: Any, month: str) -> list[dict[str, str]]:
    r = vendor.http.get("/_sandbox/remittances", params={"month": month})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    reader = csv.DictReader(io.StringIO(r.text))
    assert tuple(reader.fieldnames or ()) == COLUMNS
    return list(reader)


def test_the_ledger_has_one_entry_per_business_id_with_counts_and_status(vendor: Any, us_order: Any) -> None:
    assert vendor.ledger() == {"acknowledgements": {}, "shipmentConfirmations": {}, "invoices": {},
                              "shipments": {}}
    vendor.submit(ACK, vendor.acknowledgement(us_order))
    vendor.submit(ACK, vendor.acknowledgement(us_order))
    bad = vendor.shipment(us_order, "LEDGER-1", shipped="2030-01-01T00:00:00Z")
    vendor.submit(ASN, bad)
    raw = vendor.http.get("/_sandbox/ledger").json()
    assert set(raw) == {"acknowledgements", "shipmentConfirmations", "invoices", "shipments"}
    (ack,) = raw["acknowledgements"]
    assert {k: ack[k] for k in ("id", "submissions", "accepted", "status")} == {
        "id": us_order["purchaseOrderNumber"], "submissions": 2, "accepted": 1, "status": "Accepted"}
    assert len(ack["transactionIds"]) == 2
    (asn,) = raw["shipmentConfirmations"]
    assert (asn["id"], asn["submissions"], asn["accepted"], asn["status"]) == ("LEDGER-1", 1, 0, "Rejected")
    assert asn["lastErrorCodes"] == ["ShippedDateInFuture"]


def test_the_ledger_marks_an_asn_sent_more_than_30_minutes_after_departure_as_late(vendor: Any,
                                                                                  us_order: Any) -> None:
    seq = us_order["orderDetails"]["items"][0]["itemSequenceNumber"]
    vendor.submit(ASN, vendor.shipment(us_order, "ON-TIME", quantities={seq: 1}, shipped="2026-03-02T13:30:00Z",
                                       delivery="2026-03-04T16:00:00Z"))
    vendor.submit(ASN, vendor.shipment(us_order, "LATE", quantities={seq: 1}, shipped="2026-03-02T13:29:59Z"))
    entries = vendor.ledger()["shipmentConfirmations"]
    assert entries["ON-TIME"]["late"] is False and entries["LATE"]["late"] is True
    assert entries["ON-TIME"]["shippedDate"] == "2026-03-02T13:30:00Z"
    assert entries["ON-TIME"]["estimatedDeliveryDate"] == "2026-03-04T16:00:00Z"


def test_remittances_pay_on_terms_less_shortage_and_damage_claims(make_sandbox: Any) -> None:
    sb, vendor = make_sandbox(SandboxConfig(seed=7, shortage_rate=0.2, damage_rate=0.1, rate_scale=100,
                                            shortage_reversal_rate=0))
    orders = vendor.orders(orderingVendorCode="ACRNUS", sortOrder="ASC")
    order = max(orders, key=lambda o: sum(it["orderedQuantity"]["amount"] for it in o["orderDetails"]["items"]))
    vendor.submit(ACK, vendor.acknowledgement(order))
    vendor.submit(ASN, vendor.shipment(order, "PAY-1", delivery="2026-03-03T10:00:00Z"))
    body = vendor.invoice(order, "PAY-INV-1", net_days=30)
    assert vendor.submit(INVOICE, body)["status"] == "Success"
    vendor.submit(INVOICE, vendor.invoice(_other_shipped(vendor, orders, order), "PAY-INV-2"))  # default Net 60
    assert _remittance(vendor, "2026-04") == []  # due 2026-04-01, clock still in March
    vendor.advance(31 * 86400)
    rows = _remittance(vendor, "2026-04")
    items = order["orderDetails"]["items"]
    assert [(r["po_number"], r["item_sequence"]) for r in rows] == [
        (order["purchaseOrderNumber"], it["itemSequenceNumber"]) for it in items]  # one row per invoice line
    row = rows[0]
    assert {tuple(r[c] for c in COLUMNS[:10]) for r in rows} == {tuple(row[c] for c in COLUMNS[:10])}
    assert (row["invoice_number"], row["payment_date"], row["invoice_date"]) == ("PAY-INV-1", "2026-04-01",
                                                                                 "2026-03-02")
    assert row["purchase_order"] == order["purchaseOrderNumber"] and row["currency"] == "USD"
    with sb.state.lock:
        lines = sb.state.purchase_order(order["purchaseOrderNumber"]).lines
        outcome = {ln.sequence: (ln.shipped[0].received, ln.shipped[0].damaged, ln.shipped[0].short, ln.net_cost)
                   for ln in lines}
    short = sum(s * cost for _, _, s, cost in outcome.values())
    damaged = sum(d * cost for _, d, _, cost in outcome.values())
    assert short > 0 and damaged > 0
    for r in rows:
        received, d, s, cost = outcome[r["item_sequence"]]
        assert (int(r["invoiced_quantity"]), int(r["received_quantity"])) == (received + d + s, received)
        assert Decimal(r["shortage_deduction"]) == s * cost and Decimal(r["damage_deduction"]) == d * cost
        assert Decimal(r["price_deduction"]) == 0 and Decimal(r["line_paid"]) == received * cost
    assert row["invoice_amount"] == body["invoices"][0]["invoiceTotal"]["amount"]
    assert Decimal(row["deduction_amount"]) == short + damaged
    assert row["deduction_reasons"] == f"SHORTAGE_CLAIM:{short:.2f};DAMAGE_CLAIM:{damaged:.2f}"
    assert Decimal(row["paid_amount"]) == Decimal(row["invoice_amount"]) - short - damaged
    vendor.advance(31 * 86400)
    net60 = _remittance(vendor, "2026-05")
    assert {(r["invoice_number"], r["payment_date"]) for r in net60} == {("PAY-INV-2", "2026-05-01")}


def _other_shipped(vendor: Any, orders: list[dict[str, Any]], taken: dict[str, Any]) -> dict[str, Any]:
    other = next(o for o in orders if o["purchaseOrderNumber"] != taken["purchaseOrderNumber"]
                 and "purchaseOrderChangedDate" not in o["orderDetails"])
    vendor.submit(ASN, vendor.shipment(other, "PAY-2"))
    return other


def test_a_fully_received_invoice_is_paid_in_full(make_sandbox: Any) -> None:
    _, vendor = make_sandbox(SandboxConfig(seed=7, shortage_rate=0, damage_rate=0, rate_scale=100))
    order = vendor.orders(orderingVendorCode="ACRNCA")[0]
    vendor.submit(ASN, vendor.shipment(order, "CA-1"))
    body = vendor.invoice(order, "CA-INV-1", net_days=1)
    assert vendor.submit(INVOICE, body)["status"] == "Success"
    vendor.advance(86400)
    rows = _remittance(vendor, "2026-03")
    assert len(rows) == len(body["invoices"][0]["items"])
    for row in rows:
        assert row["currency"] == "CAD" and row["deduction_amount"] == "0.00" and row["deduction_reasons"] == ""
        total = f"{Decimal(body['invoices'][0]['invoiceTotal']['amount']):.2f}"
        assert row["paid_amount"] == row["invoice_amount"] == total
        assert row["line_paid"] == row["line_amount"] and row["received_quantity"] == row["invoiced_quantity"]


@pytest.mark.parametrize("month", ["2026-13", "March", ""])
def test_a_bad_month_is_refused_400(vendor: Any, month: str) -> None:
    r = vendor.http.get("/_sandbox/remittances", params={"month": month})
    assert r.status_code == 400 and "YYYY-MM" in r.json()["errors"][0]["message"]
