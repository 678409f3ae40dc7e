"""Vendor metrics from rows put straight into the store; every expected figure worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from acorn.services.metrics import Rate, metrics_rows, vendor_metrics
from acorn.store import UnitOfWork
from acorn.store.uow import units
from schemas.tables import (
    Acknowledgement,
    Claim,
    GoodsReceipt,
    Invoice,
    OutboxEntry,
    PurchaseOrder,
    PurchaseOrderItem,
    ReceiptSnapshot,
    RemittanceLine,
    Shipment,
    ShipmentLine,
)

US, CA = "ACRNUS", "ACRNCA"
MARCH = {"start": date(2025, 3, 1), "end": date(2025, 3, 31)}


def at(day: int, hour: int = 12, minute: int = 0, *, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=UTC)


def add_po(uow: UnitOfWork, number: str, ordered_on: datetime, items: list[tuple[int, int, bool]], *,
           account: str = US, deadline: datetime, applied: datetime | None, state: str = "accepted") -> None:
    """A PO with (ordered, accepted, cancelled) items, its acknowledgement and the outbox row that sent it."""
    po = PurchaseOrder(account_code=account, po_number=number, state="Acknowledged", selling_party=account,
                       ship_to="ABE8", marketplace="US", currency="USD", order_date=ordered_on)
    uow.purchase_orders.add(po)
    uow.flush()
    for n, (ordered, accepted, cancelled) in enumerate(items, start=1):
        uow.purchase_orders.add(PurchaseOrderItem(purchase_order_id=po.id, item_sequence=str(n), ordered_qty=ordered,
                                                  accepted_qty=accepted, cancelled=cancelled))
    key = f"ack:{account}:{number}"
    uow.acknowledgements.add(Acknowledgement(account_code=account, po_number=number, decided_at=ordered_on,
                                             deadline=deadline, outbox_key=key))
    uow.outbox.add(OutboxEntry(kind="acknowledgement", idempotency_key=key, account_code=account, business_id=number,
                               payload={}, state=state, attempts=1, applied_at=applied))


def add_shipment(uow: UnitOfWork, ident: str, departed: datetime, *, status: str = "accepted",
                 deadline: datetime, sent: datetime | None, delivery: datetime,
                 lines: list[tuple[str, str, int]], account: str = US) -> None:
    shipment = Shipment(account_code=account, shipment_identifier=ident, ship_to="ABE8", status=status,
                        structure="PalletizedAssortmentCase", transport_mode="LessThanTruckLoad", departure=departed,
                        estimated_delivery=delivery, asn_deadline=deadline, asn_submitted_at=sent)
    uow.shipments.add(shipment)
    uow.flush()
    for po_number, seq, qty in lines:
        uow.shipments.add(ShipmentLine(shipment_id=shipment.id, po_number=po_number, item_sequence=seq,
                                       shipped_qty=qty))


def receipt(uow: UnitOfWork, po_number: str, seq: str, received: int) -> None:
    uow.receipts.add(GoodsReceipt(account_code=US, po_number=po_number, item_sequence=seq,
                                  receive_status="RECEIVED", received_qty=received))


def snapshot(uow: UnitOfWork, po_number: str, seq: str, observed: datetime, received: int) -> None:
    uow.receipts.add(ReceiptSnapshot(account_code=US, po_number=po_number, item_sequence=seq, observed_at=observed,
                                     receive_status="RECEIVED" if received else "NOT_RECEIVED",
                                     received_qty=received))


def add_invoice(uow: UnitOfWork, number: str, dated: datetime, total: str, *, state: str, attempts: int,
                account: str = US) -> None:
    uow.invoices.add(Invoice(account_code=account, invoice_number=number, invoice_date=dated, currency="USD",
                             subtotal=Decimal(total), total=Decimal(total), status=state))
    uow.outbox.add(OutboxEntry(kind="invoice", idempotency_key=f"invoice:{account}:{number}", account_code=account,
                               business_id=number, payload={}, state=state, attempts=attempts))


def paid(uow: UnitOfWork, payment: str, on: date, invoice: str, seq: str, *, account: str = US,
         **deductions: str) -> None:
    uow.remittances.add(RemittanceLine(
        account_code=account, payment_number=payment, payment_date=on, invoice_number=invoice, currency="USD",
        po_number="P", item_sequence=seq, **{f"{k}_deduction": Decimal(v) for k, v in deductions.items()}))


def claim(uow: UnitOfWork, key: str, kind: str, amount: str, status: str, disputed_on: date | None,
          recovered: str = "0", account: str = US) -> None:
    uow.claims.add(Claim(claim_key=key, account_code=account, kind=kind, invoice_number="I0", payment_number="P-1",
                         deducted_on=date(2025, 2, 1), amount=Decimal(amount), recovered=Decimal(recovered),
                         currency="USD", status=status, disputed_on=disputed_on))


def march_world(uow: UnitOfWork) -> None:
    # acknowledgements: P1 early, P2 exactly at its deadline (on time), P3 an hour late, P4 never applied;
    # P0 was ordered in February and CA-1 belongs to the other account
    add_po(uow, "P1", at(3), [(10, 10, False)], deadline=at(4), applied=at(4, 11))
    add_po(uow, "P2", at(10), [(20, 20, False), (5, 0, True)], deadline=at(11), applied=at(11))
    add_po(uow, "P3", at(20), [(8, 4, False)], deadline=at(21), applied=at(21, 13))
    add_po(uow, "P4", at(25), [(12, 12, False)], deadline=at(26), applied=None, state="pending")
    add_po(uow, "P0", at(27, month=2), [(100, 0, False)], deadline=at(28, month=2), applied=at(28, 1, month=2))
    add_po(uow, "CA-1", at(5), [(10, 0, False)], deadline=at(6), applied=at(6, 1), account=CA)
    # shipments: S1 sent before its deadline, S2 at it, S3 after it, S6 accepted with no recorded submission;
    # S4 failed and S5 left in February (out of range, but its P2/1 units belong to the same PO line)
    add_shipment(uow, "S1", at(5, 10), deadline=at(5, 10, 30), sent=at(5, 10, 20), delivery=at(7, 8),
                 lines=[("P1", "1", 10)])
    add_shipment(uow, "S2", at(12, 10), deadline=at(12, 10, 30), sent=at(12, 10, 30), delivery=at(14, 8),
                 lines=[("P2", "1", 15)])
    add_shipment(uow, "S3", at(18, 10), deadline=at(18, 10, 30), sent=at(18, 11), delivery=at(20, 8),
                 lines=[("P4", "1", 6)])
    add_shipment(uow, "S4", at(22, 10), status="failed", deadline=at(22, 10, 30), sent=None, delivery=at(24, 8),
                 lines=[("P3", "1", 4)])
    add_shipment(uow, "S5", at(28, 10, month=2), deadline=at(28, 10, 30, month=2), sent=at(28, 10, month=2),
                 delivery=at(1, 8), lines=[("P2", "1", 5)])
    add_shipment(uow, "S6", at(28, 10), deadline=at(28, 10, 30), sent=None, delivery=at(31, 8),
                 lines=[("P4", "1", 6)])
    receipt(uow, "P1", "1", 10)
    receipt(uow, "P2", "1", 17)
    receipt(uow, "P3", "1", 4)  # only on the failed shipment: not counted
    snapshot(uow, "P1", "1", at(7, 20), 0)      # nothing received yet: not a receipt
    snapshot(uow, "P1", "1", at(8, 8), 10)      # S1: 1.0 day after its estimated delivery
    snapshot(uow, "P1", "1", at(9, 8), 10)
    snapshot(uow, "P2", "1", at(1, 8), 5)       # S5's units, before S2 left: not S2's receipt
    snapshot(uow, "P2", "1", at(17, 20), 17)    # S2: 3.5 days
    snapshot(uow, "P4", "1", at(22, 8), 6)      # S3: 2.0 days (S6 departs later: not its receipt)
    # invoices: I1 accepted first time, I2 on the second POST, I3 refused, I4 undecided, I0 from February
    add_invoice(uow, "I1", at(6), "300.00", state="accepted", attempts=1)
    add_invoice(uow, "I2", at(13), "200.00", state="accepted", attempts=2)
    add_invoice(uow, "I3", at(19), "150.00", state="failed", attempts=1)
    add_invoice(uow, "I4", at(29), "90.00", state="pending", attempts=0)
    add_invoice(uow, "I0", at(20, month=2), "500.00", state="accepted", attempts=1)
    # remittances in March: I0 (two lines) and I1, then a reversal on I0; one February payment; one CA payment
    paid(uow, "PAY-1", date(2025, 3, 10), "I0", "1", shortage="20.10", damage="5.20")
    paid(uow, "PAY-1", date(2025, 3, 10), "I0", "2", price="3.30")
    paid(uow, "PAY-2", date(2025, 3, 24), "I1", "1", shortage="10.00")
    paid(uow, "PAY-3", date(2025, 3, 28), "I0", "1", shortage="-8.10")
    paid(uow, "PAY-0", date(2025, 2, 25), "I2", "1", shortage="99.00")
    paid(uow, "PAY-CA", date(2025, 3, 12), "CA-I", "1", shortage="40.00", account=CA)
    # claims disputed in March: recovered in full, won, partly recovered, lost; one open, one disputed in February
    claim(uow, "A", "shortage", "100.00", "recovered", date(2025, 3, 5), recovered="100.00")
    claim(uow, "B", "damage", "40.00", "won", date(2025, 3, 15))
    claim(uow, "C", "price", "30.00", "disputed", date(2025, 3, 20), recovered="12.50")
    claim(uow, "D", "shortage", "50.00", "lost", date(2025, 3, 25))
    claim(uow, "E", "shortage", "70.00", "open", None)
    claim(uow, "F", "price", "25.00", "won", date(2025, 2, 20))


@pytest.fixture
def world(migrated_url: str) -> str:
    with UnitOfWork(migrated_url) as uow:
        march_world(uow)
        uow.commit()
    return migrated_url


def test_march_metrics_for_one_account_match_the_hand_count(world: str) -> None:
    m = vendor_metrics(units(world), account_code=US, **MARCH)
    assert m.acknowledgement_on_time == Rate(2, 4)  # P1 and P2 (at the deadline) of P1..P4
    assert m.fill_rate == Rate(10 + 20 + 4 + 12, 10 + 20 + 8 + 12)  # the cancelled P2/2 is left out
    assert m.asn_on_time == Rate(2, 4)  # S1, S2 (at the deadline) of S1, S2, S3, S6
    assert m.asn_accuracy == Rate(10 + 17, 10 + 15 + 5)  # P1/1 and P2/1 (all its accepted units); P4/1 not received
    assert m.invoice_first_pass == Rate(1, 3)  # I1 of I1, I2, I3
    days = m.delivery_to_receipt_days
    assert (days.count, days.mean, days.median) == (3, Decimal("2.2"), Decimal("2.0"))  # 1.0, 3.5, 2.0
    deducted = Decimal("20.10") + Decimal("5.20") + Decimal("3.30") + Decimal("10.00") - Decimal("8.10")
    assert m.deductions_of_invoiced == Rate(deducted, Decimal("800.00"))  # I0 (counted once) + I1
    assert m.dispute_recovery == Rate(Decimal("152.50"), Decimal("220.00"))  # 100 + 40 (won) + 12.50 of A..D


def test_rates_print_as_percent_with_their_counts(world: str) -> None:
    m = vendor_metrics(units(world), account_code=US, **MARCH)
    assert str(m.fill_rate) == "92.0% (46/50)"
    assert str(m.deductions_of_invoiced) == "3.8% (30.50/800.00)"  # 3.8125 %
    assert str(m.dispute_recovery) == "69.3% (152.50/220.00)"  # 69.318 %
    assert str(m.delivery_to_receipt_days) == "mean 2.2 d, median 2.0 d (3 shipments)"
    assert metrics_rows(m)[0] == ("Acknowledgements on time", "50.0%", "2/4")
    assert metrics_rows(m)[5] == ("Days from delivery to receipt", "mean 2.2 d, median 2.0 d", "3 shipments")


def test_all_accounts_together_include_the_other_account(world: str) -> None:
    m = vendor_metrics(units(world), **MARCH)
    assert m.acknowledgement_on_time == Rate(3, 5)  # CA-1 was applied before its deadline
    assert m.fill_rate == Rate(46, 60)
    assert m.deductions_of_invoiced.numerator == Decimal("70.50")  # + CA's 40.00 on an invoice Acorn never saw


def test_a_range_with_nothing_in_it_has_no_rates_rather_than_zero(world: str) -> None:
    m = vendor_metrics(units(world), start=date(2024, 1, 1), end=date(2024, 1, 31), account_code=US)
    assert m.acknowledgement_on_time == Rate(0, 0) and m.acknowledgement_on_time.value is None
    assert m.dispute_recovery.value is None and str(m.dispute_recovery) == "n/a (0.00/0.00)"
    assert m.delivery_to_receipt_days.count == 0 and m.delivery_to_receipt_days.mean is None


def test_one_day_ranges_include_both_ends(world: str) -> None:
    m = vendor_metrics(units(world), start=date(2025, 3, 10), end=date(2025, 3, 10), account_code=US)
    assert m.acknowledgement_on_time == Rate(1, 1)  # P2, ordered 2025-03-10 12:00
    assert m.deductions_of_invoiced.numerator == Decimal("28.60")  # PAY-1 only


def test_a_range_that_ends_before_it_starts_is_refused(sqlite_url: str) -> None:
    with pytest.raises(ValueError, match="end 2025-03-01 is before start 2025-03-31"):
        vendor_metrics(units(sqlite_url), start=date(2025, 3, 31), end=date(2025, 3, 1))
