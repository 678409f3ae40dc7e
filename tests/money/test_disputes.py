"""Claims and disputes on a real store: deadlines, reversals, expiry, alerts, ordering, the package.

The world (account ACRNUS, vendor day in America/New_York), built row by row:
  PO1/1  10 units at 12.50, shipped in 2 cartons on S1 (ODFL, PRO 0451234, BOL 9001122), received 6 then 8
  PO1/2   4 units, PO cost 5.00, invoiced at 5.25
  US-A   invoiced 10 January 2026, due 11 March (net 60): 146.00
  PMT-0311 (11 March) kept 25.00 shortage (2 units × 12.50) on PO1/1 and 1.00 price (4 × 0.25) on PO1/2
Deadlines by hand: shortage = due 11 March + 30 days = 10 April; price = 11 March + 60 days = 10 May.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

import schemas.tables as t
from acorn.config import DEFAULT_ACCOUNTS, DisputeSettings
from acorn.domain.claims import ClaimTransitionError
from acorn.domain.sscc import make_sscc
from acorn.services.disputes import disputes, mark_claim, refresh_claims, write_dispute_packages
from acorn.services.remittances import import_remittance
from acorn.store import UnitOfWork, upgrade
from acorn.store.uow import units

US = DEFAULT_ACCOUNTS[0]
WINDOWS = DisputeSettings()  # 30 days after due, 60 after a price deduction, 730 at most, alert 7 days before
D = Decimal
UTC = UTC
SHORTAGE, PRICE = "ACRNUS:US-A:PMT-0311:shortage", "ACRNUS:US-A:PMT-0311:price"
SSCC1, SSCC2, PALLET = (make_sscc(extension_digit=0, company_prefix="0614141", serial=n).value for n in (11, 12, 90))


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def store(sqlite_url: str) -> str:
    upgrade(sqlite_url)
    build(sqlite_url)
    return sqlite_url


def build(url: str) -> None:
    with UnitOfWork(url) as uow:
        po = uow.purchase_orders.add(t.PurchaseOrder(
            account_code="ACRNUS", po_number="PO1", state="Acknowledged", selling_party="ACRNUS", ship_to="ABE8",
            marketplace="US", currency="USD", order_date=datetime(2026, 1, 2, 9, tzinfo=UTC)))
        uow.flush()
        for seq, qty, cost in (("1", 10, "12.50"), ("2", 4, "5.00")):
            uow.purchase_orders.add(t.PurchaseOrderItem(purchase_order_id=po.id, item_sequence=seq, ordered_qty=qty,
                                                        accepted_qty=qty, shipped_qty=qty, net_cost=D(cost),
                                                        asin=f"B00000000{seq}"))
        uow.acknowledgements.add(t.Acknowledgement(account_code="ACRNUS", po_number="PO1", outbox_key="ack:PO1",
                                                   decided_at=datetime(2026, 1, 2, 10, tzinfo=UTC),
                                                   accepted_units=14))
        uow.outbox.add(t.OutboxEntry(kind="acknowledgement", idempotency_key="ack:PO1", account_code="ACRNUS",
                                     business_id="PO1", payload={}, state="accepted", transaction_id="TX-ACK-1",
                                     applied_at=datetime(2026, 1, 2, 10, 5, tzinfo=UTC)))
        ship = uow.shipments.add(t.Shipment(
            account_code="ACRNUS", shipment_identifier="S1", ship_to="ABE8", status="accepted",
            structure="PalletizedAssortmentCase", transport_mode="LessThanTruckLoad", carrier_scac="ODFL",
            pro_number="0451234", bill_of_lading="9001122", departure=datetime(2026, 1, 8, 15, tzinfo=UTC),
            estimated_delivery=datetime(2026, 1, 11, 15, tzinfo=UTC), asn_deadline=datetime(2026, 1, 8, 15, 30,
                                                                                          tzinfo=UTC)))
        uow.flush()
        for seq, qty in (("1", 10), ("2", 4)):
            uow.shipments.add(t.ShipmentLine(shipment_id=ship.id, po_number="PO1", item_sequence=seq, shipped_qty=qty))
        pallet = uow.shipments.add(t.Pallet(shipment_id=ship.id, sscc=PALLET, weight_kg=D("80")))
        uow.flush()
        for sscc, qty in ((SSCC1, 6), (SSCC2, 4)):
            uow.shipments.add(t.Carton(shipment_id=ship.id, pallet_id=pallet.id, sscc=sscc, weight_kg=D("9"),
                                       items=[{"po_number": "PO1", "item_sequence": "1", "asin": "B000000001",
                                               "qty": qty}]))
        for when, status, received in ((datetime(2026, 1, 12, 18, tzinfo=UTC), "PARTIALLY_RECEIVED", 6),
                                       (datetime(2026, 1, 15, 18, tzinfo=UTC), "RECEIVED", 8)):
            uow.receipts.add(t.ReceiptSnapshot(account_code="ACRNUS", po_number="PO1", item_sequence="1",
                                               observed_at=when, receive_status=status, received_qty=received))
        invoice(uow, "US-A", date(2026, 1, 10), date(2026, 3, 11), [("1", 10, "12.50"), ("2", 4, "5.25")])
        paid(uow, "US-A", "PMT-0311", date(2026, 3, 11), "1", shortage="25.00", line_amount="125.00",
             qty=(10, 8), costs=("12.50", "12.50"))
        paid(uow, "US-A", "PMT-0311", date(2026, 3, 11), "2", price="1.00", line_amount="21.00",
             qty=(4, 4), costs=("5.25", "5.00"))
        uow.commit()


def invoice(uow: UnitOfWork, number: str, dated: date, due: date | None, lines: list[tuple]) -> None:
    total = sum((qty * D(cost) for _, qty, cost in lines), D(0))
    row = uow.invoices.add(t.Invoice(account_code="ACRNUS", invoice_number=number, invoice_date=at(dated, 0),
                                     currency="USD", subtotal=total, total=total, payment_due=due, status="accepted",
                                     shipment_identifier="S1" if number == "US-A" else None))
    uow.flush()
    for n, (seq, qty, cost) in enumerate(lines, start=1):
        uow.invoices.add(t.InvoiceLine(invoice_id=row.id, item_sequence=str(n), po_number="PO1", po_item_sequence=seq,
                                       quantity=qty, unit_cost=D(cost), amount=qty * D(cost)))


def paid(uow: UnitOfWork, invoice_number: str, payment: str, on: date, seq: str, *, shortage: str = "0",
         price: str = "0", line_amount: str = "0", qty: tuple = (None, None), costs: tuple = (None, None)) -> None:
    amount = D(line_amount) - D(shortage) - D(price)
    uow.remittances.add(t.RemittanceLine(
        account_code="ACRNUS", payment_number=payment, payment_date=on, invoice_number=invoice_number,
        invoice_date=date(2026, 1, 10), currency="USD", po_number="PO1", item_sequence=seq, asin=f"B00000000{seq}",
        invoiced_quantity=qty[0], received_quantity=qty[1], invoiced_unit_cost=costs[0] and D(costs[0]),
        po_unit_cost=costs[1] and D(costs[1]), line_amount=D(line_amount), shortage_deduction=D(shortage),
        price_deduction=D(price), line_paid=amount))


def add(url: str, fill) -> None:
    with UnitOfWork(url) as uow:
        fill(uow)
        uow.commit()


def claims(url: str) -> dict[str, t.Claim]:
    with UnitOfWork(url) as uow:
        return {c.claim_key: c for c in uow.claims.list()}


def open_alerts(url: str) -> list[t.Alert]:
    with UnitOfWork(url) as uow:
        return [a for a in uow.alerts.list(status="open") if a.kind == "dispute_deadline"]


def test_each_deduction_becomes_a_claim_with_its_evidence_and_deadline(store):
    result = refresh_claims(units(store), US, WINDOWS, as_of=at(date(2026, 3, 12)))

    assert (result.created, result.open, result.open_amount) == (2, 2, "26.00")
    found = claims(store)
    shortage, price = found[SHORTAGE], found[PRICE]
    assert (shortage.amount, shortage.units, shortage.deducted_on, shortage.invoice_due) == (
        D("25.00"), 2, date(2026, 3, 11), date(2026, 3, 11))
    assert shortage.dispute_deadline == date(2026, 4, 10)  # due 11 March + 30
    assert shortage.lines == [{"po_number": "PO1", "item_sequence": "1", "asin": "B000000001",
                               "invoiced_quantity": 10, "received_quantity": 8, "invoiced_unit_cost": "12.50",
                               "po_unit_cost": "12.50", "units": 2, "amount": "25.00"}]
    assert (price.amount, price.units, price.dispute_deadline) == (D("1.00"), 4, date(2026, 5, 10))  # 11 Mar + 60


def test_no_claim_can_be_disputed_more_than_two_years_after_its_invoice(store):
    # OLD-1: invoiced 1 March 2024, due date unknown, 10.00 deducted 20 February 2026
    # 20 Feb + 30 = 22 March 2026, but 1 March 2024 + 730 days = 1 March 2026 comes first
    add(store, lambda uow: (invoice(uow, "OLD-1", date(2024, 3, 1), None, [("1", 1, "10.00")]),
                            paid(uow, "OLD-1", "PMT-0220", date(2026, 2, 20), "1", shortage="10.00",
                                 line_amount="10.00")))

    refresh_claims(units(store), US, WINDOWS, as_of=at(date(2026, 2, 21)))

    assert claims(store)["ACRNUS:OLD-1:PMT-0220:shortage"].dispute_deadline == date(2026, 3, 1)


def test_a_reversal_credits_the_claim_and_a_full_credit_recovers_it(store):
    refresh_claims(units(store), US, WINDOWS, as_of=at(date(2026, 3, 12)))
    add(store, lambda uow: paid(uow, "US-A", "PMT-0420", date(2026, 4, 20), "1", shortage="-12.50"))

    refresh_claims(units(store), US, WINDOWS, as_of=at(date(2026, 4, 21)))
    one_unit = claims(store)[SHORTAGE]
    add(store, lambda uow: paid(uow, "US-A", "PMT-0501", date(2026, 5, 1), "1", shortage="-12.50"))
    result = refresh_claims(units(store), US, WINDOWS, as_of=at(date(2026, 5, 2)))

    assert (one_unit.recovered, one_unit.status) == (D("12.50"), "expired")  # past 10 April with 12.50 at stake
    both = claims(store)[SHORTAGE]
    assert (both.recovered, both.status, result.recovered) == (D("25.00"), "recovered", 1)


def test_an_open_claim_expires_after_the_last_local_day_of_its_window(store):
    # the shortage window closes at the end of 10 April in New York (UTC−4 in April)
    late_evening = refresh_claims(units(store), US, WINDOWS, as_of=datetime(2026, 4, 11, 3, 30, tzinfo=UTC))
    next_morning = refresh_claims(units(store), US, WINDOWS, as_of=datetime(2026, 4, 11, 4, 30, tzinfo=UTC))

    assert (late_evening.expired, next_morning.expired) == (0, 1)
    found = claims(store)
    assert (found[SHORTAGE].status, found[SHORTAGE].resolved_on) == ("expired", date(2026, 4, 11))
    assert found[PRICE].status == "open"


def test_an_alert_opens_seven_days_before_the_window_closes_and_closes_when_disputed(store):
    eight_days = refresh_claims(units(store), US, WINDOWS, as_of=at(date(2026, 4, 2)))
    seven_days = refresh_claims(units(store), US, WINDOWS, as_of=at(date(2026, 4, 3)))

    assert (eight_days.alerts_raised, seven_days.alerts_raised) == (0, 1)
    [alert] = open_alerts(store)
    assert alert.dedupe_key == f"dispute-deadline:{SHORTAGE}"
    assert alert.subject == "Dispute shortage on invoice US-A: 25.00 USD by 2026-04-10"
    assert "7 days left" in alert.message and "Payments > Invoices" in alert.next_step

    mark_claim(units(store), SHORTAGE, status="disputed", on=date(2026, 4, 4), note="case 123", by="dana")
    again = refresh_claims(units(store), US, WINDOWS, as_of=at(date(2026, 4, 5)))

    assert open_alerts(store) == [] and again.alerts_raised == 0
    disputed = claims(store)[SHORTAGE]
    assert (disputed.status, disputed.disputed_on) == ("disputed", date(2026, 4, 4))
    assert "dana: disputed - case 123" in disputed.note
    with UnitOfWork(store) as uow:
        [event] = uow.audit.list(entity="claim", entity_id=SHORTAGE)[-1:]
    assert (event.action, event.actor) == ("claim.disputed", "dana")


def test_a_person_cannot_record_an_outcome_before_the_dispute(store):
    refresh_claims(units(store), US, WINDOWS, as_of=at(date(2026, 3, 12)))
    with pytest.raises(ClaimTransitionError, match="the claim is open: it can move to disputed, not won"):
        mark_claim(units(store), PRICE, status="won", on=date(2026, 3, 20), note="", by="dana")
    with pytest.raises(KeyError, match="no claim"):
        mark_claim(units(store), "ACRNUS:NOPE:P:price", status="disputed", on=date(2026, 3, 20), note="", by="dana")
    assert claims(store)[PRICE].status == "open"


def test_disputes_list_the_most_money_at_stake_first_then_the_nearest_deadline(store):
    # US-B: 25.00 short too, but due 20 March → deadline 19 April, later than US-A's 10 April
    add(store, lambda uow: (invoice(uow, "US-B", date(2026, 1, 20), date(2026, 3, 20), [("1", 2, "12.50")]),
                            paid(uow, "US-B", "PMT-0320", date(2026, 3, 20), "1", shortage="25.00",
                                 line_amount="25.00")))
    refresh_claims(units(store), US, WINDOWS, as_of=at(date(2026, 3, 21)))

    listed = disputes(units(store), as_of=date(2026, 3, 21))
    assert [c.claim_key for c in listed] == [SHORTAGE, "ACRNUS:US-B:PMT-0320:shortage", PRICE]

    add(store, lambda uow: paid(uow, "US-A", "PMT-0325", date(2026, 3, 25), "1", shortage="-12.50"))
    refresh_claims(units(store), US, WINDOWS, as_of=at(date(2026, 3, 26)))  # US-A now has 12.50 at stake
    assert [c.claim_key for c in disputes(units(store), as_of=date(2026, 3, 26))][:2] == [
        "ACRNUS:US-B:PMT-0320:shortage", SHORTAGE]
    # within 7 days of 5 April: only US-A's window (10 April) closes by 12 April
    due_soon = disputes(units(store), as_of=date(2026, 4, 5), due_within=timedelta(days=7))
    assert [c.claim_key for c in due_soon] == [SHORTAGE]


def test_refreshing_twice_changes_nothing(store):
    first = refresh_claims(units(store), US, WINDOWS, as_of=at(date(2026, 4, 3)))
    before = {k: (c.updated_at, c.amount, c.recovered, c.status) for k, c in claims(store).items()}

    second = refresh_claims(units(store), US, WINDOWS, as_of=at(date(2026, 4, 3)))

    assert (first.created, first.alerts_raised) == (2, 1)
    assert (second.created, second.updated, second.recovered, second.expired, second.alerts_raised) == (0, 0, 0, 0, 0)
    assert {k: (c.updated_at, c.amount, c.recovered, c.status) for k, c in claims(store).items()} == before
    assert len(open_alerts(store)) == 1


def test_the_dispute_package_carries_the_asn_cartons_carrier_and_receipt_history(store, tmp_path):
    refresh_claims(units(store), US, WINDOWS, as_of=at(date(2026, 3, 12)))

    written = write_dispute_packages(units(store), US, tmp_path / "disputes", as_of=at(date(2026, 3, 12)))

    assert [p.name for p in written] == ["US-A-price.html", "US-A-shortage.html"]
    html = (tmp_path / "disputes" / "US-A-shortage.html").read_text(encoding="utf-8")
    for fact in (SSCC1, SSCC2, PALLET, "ODFL", "0451234", "9001122", "2026-01-08 15:00 UTC", "PARTIALLY_RECEIVED",
                 "2026-01-12 18:00 UTC", "2026-01-15 18:00 UTC", "TX-ACK-1", "PMT-0311", "2026-04-10", "25.00"):
        assert fact in html, fact
    rows = list(csv.DictReader(io.StringIO((tmp_path / "disputes" / "US-A-shortage.csv").read_text())))
    cartons = [(r["sscc"], r["quantity"]) for r in rows if r["section"] == "carton"]
    receipts = [(r["date"], r["quantity"]) for r in rows if r["section"] == "receipt"]
    assert cartons == [(SSCC1, "6"), (SSCC2, "4")]
    assert receipts == [("2026-01-12 18:00 UTC", "6"), ("2026-01-15 18:00 UTC", "8")]
    [shipment] = [r for r in rows if r["section"] == "shipment"]
    assert "PRO 0451234" in shipment["detail"] and "BOL 9001122" in shipment["detail"]
    assert [(r["section"], r["amount"]) for r in rows if r["section"] in ("claim", "invoice")] == [
        ("claim", "25.00"), ("invoice", "146.00")]
    assert {r["item_sequence"] for r in rows if r["section"] == "remittance"} == {"1", "2"}
    assert claims(store)[SHORTAGE].package_path == str(tmp_path / "disputes" / "US-A-shortage.html")


def test_import_and_refresh_on_both_databases(migrated_url, tmp_path):
    build(migrated_url)
    header = ("payment_number,payment_date,invoice_number,invoice_date,purchase_order,currency,invoice_amount,"
              "deduction_amount,deduction_reasons,paid_amount,po_number,item_sequence,asin,invoiced_quantity,"
              "received_quantity,invoiced_unit_cost,po_unit_cost,line_amount,shortage_deduction,damage_deduction,"
              "price_deduction,line_paid")
    # one unit of PO1/1 found: 12.50 back on 20 April (the 11 March lines are in the store already)
    path = tmp_path / "april.csv"
    path.write_text(header + "\nPMT-0420,2026-04-20,US-A,2026-01-10,PO1,USD,146.00,-12.50,SHORTAGE_REVERSAL:12.50,"
                             "12.50,PO1,1,B000000001,0,1,12.50,12.50,0.00,-12.50,0.00,0.00,12.50\n")

    imported = import_remittance(units(migrated_url), path, list(DEFAULT_ACCOUNTS))
    result = refresh_claims(units(migrated_url), US, WINDOWS, as_of=at(date(2026, 4, 3)))
    again = import_remittance(units(migrated_url), path, list(DEFAULT_ACCOUNTS))
    rerun = refresh_claims(units(migrated_url), US, WINDOWS, as_of=at(date(2026, 4, 3)))
    written = write_dispute_packages(units(migrated_url), US, tmp_path / "out", as_of=at(date(2026, 4, 3)))

    assert (imported.loaded, again.already_imported) == (1, True)
    assert (result.created, result.alerts_raised, result.open_amount) == (2, 1, "13.50")  # 12.50 + 1.00
    assert (rerun.created, rerun.updated, rerun.alerts_raised) == (0, 0, 0)
    assert claims(migrated_url)[SHORTAGE].recovered == D("12.50")
    assert SSCC1 in written[1].read_text(encoding="utf-8")  # US-A-price, US-A-shortage
