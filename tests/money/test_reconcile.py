"""The monthly four-way match on a real store: every category on a hand-made month, SQLite and PostgreSQL.

The month (October 2026, reconciled on 15 December) is built row by row below; each line's
expected units and money are worked out beside it from the rules in
``acorn.domain.reconciliation``. A second test draws random lines and holds the SQL engine
to the domain's executable rules (``classify``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

import schemas.tables as t
from acorn.config import DEFAULT_ACCOUNTS
from acorn.domain import InvalidRecord, NaiveDatetime
from acorn.domain.reconciliation import EXCEPTIONS, Category, Finding, LineFacts, classify
from acorn.services.reconcile import load_run, reconcile_month
from acorn.store import UnitOfWork
from acorn.store.uow import units

UTC = UTC
US, CA = DEFAULT_ACCOUNTS  # ACRNUS (USD) and ACRNCA
C = Category
AS_OF = datetime(2026, 12, 15, 12, 0, tzinfo=UTC)  # receipt cutoff 10 Dec 12:00, invoice cutoff 13 Dec 12:00
ORDERED = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)
OLD = datetime(2026, 10, 10, 15, 0, tzinfo=UTC)  # departed long ago: due for receipt and invoice
RECENT = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)  # invoice due (ASN applied 8 Dec), receipt not (arrives 12 Dec)
FUTURE = datetime(2026, 12, 20, 15, 0, tzinfo=UTC)  # not departed yet
PAST_DUE, NOT_DUE = date(2026, 12, 10), date(2027, 1, 10)
D = Decimal


class Store:
    """Rows straight into the store, the way the services leave them."""

    def __init__(self, uow: UnitOfWork, account: str = US.code) -> None:
        self.uow, self.account = uow, account

    def po(self, number: str, *lines: tuple, ordered: datetime = ORDERED) -> None:
        """``lines``: (seq, ordered, cost) or (seq, ordered, cost, {accepted, rejected, cancelled, ...})."""
        po = self.uow.purchase_orders.add(t.PurchaseOrder(
            account_code=self.account, po_number=number, state="Acknowledged", selling_party=self.account,
            ship_to="ABE8", marketplace="US", currency="USD", order_date=ordered))
        self.uow.flush()
        for seq, qty, cost, *extra in lines:
            fields = {"accepted_qty": qty, **(extra[0] if extra else {})}
            self.uow.purchase_orders.add(t.PurchaseOrderItem(
                purchase_order_id=po.id, item_sequence=seq, ordered_qty=qty, currency="USD",
                net_cost=None if cost is None else D(cost), **fields))

    def shipment(self, ident: str, departed: datetime, *lines: tuple, status: str = "accepted",
                 arrives: datetime | None = None) -> None:
        arrives = arrives or departed + timedelta(days=3)
        ship = self.uow.shipments.add(t.Shipment(
            account_code=self.account, shipment_identifier=ident, ship_to="ABE8", status=status,
            structure="PalletizedAssortmentCase", transport_mode="LessThanTruckLoad", departure=departed,
            estimated_delivery=arrives, asn_deadline=departed + timedelta(minutes=30),
            asn_submitted_at=departed + timedelta(minutes=20) if status == "accepted" else None))
        self.uow.flush()
        for po, seq, qty in lines:
            self.uow.shipments.add(t.ShipmentLine(shipment_id=ship.id, po_number=po, item_sequence=seq,
                                                  shipped_qty=qty))

    def invoice(self, number: str, due: date | None, *lines: tuple, status: str = "accepted") -> None:
        total = sum((qty * D(cost) for _, _, qty, cost in lines), D(0))
        inv = self.uow.invoices.add(t.Invoice(
            account_code=self.account, invoice_number=number, invoice_date=OLD, currency="USD", subtotal=total,
            total=total, payment_due=due, status=status))
        self.uow.flush()
        for n, (po, seq, qty, cost) in enumerate(lines, start=1):
            self.uow.invoices.add(t.InvoiceLine(invoice_id=inv.id, item_sequence=str(n), po_number=po,
                                                po_item_sequence=seq, quantity=qty, unit_cost=D(cost),
                                                amount=qty * D(cost)))

    def received(self, po: str, seq: str, qty: int) -> None:
        self.uow.receipts.add(t.GoodsReceipt(account_code=self.account, po_number=po, item_sequence=seq,
                                             receive_status="RECEIVED", received_qty=qty))

    def remitted(self, invoice: str, po: str = "", seq: str = "", *, paid: str = "0", shortage: str = "0",
                 damage: str = "0", price: str = "0", payment: str = "PMT-1") -> None:
        self.uow.remittances.add(t.RemittanceLine(
            account_code=self.account, payment_number=payment, payment_date=PAST_DUE, invoice_number=invoice,
            currency="USD", po_number=po, item_sequence=seq, line_paid=D(paid), shortage_deduction=D(shortage),
            damage_deduction=D(damage), price_deduction=D(price)))


def build_october(url: str) -> None:
    with UnitOfWork(url) as uow:
        us = Store(uow)
        us.po("PO1", ("1", 10, "10.00"), ("2", 10, "10.00"), ("3", 10, "10.00"), ("4", 10, "10.00"))
        us.po("PO2", ("1", 6, "7.25"), ("2", 5, "10.00"), ("3", 4, "12.00"), ("4", 3, "10.00"), ("5", 3, "10.00"))
        us.po("PO3", ("1", 5, "10.00"), ("2", 2, "15.00", {"cancelled": True, "accepted_qty": 0}),
              ("3", 8, "10.00"), ("4", 6, "10.00"), ("5", 4, "10.00", {"accepted_qty": 0, "rejected_qty": 4}))
        us.shipment("S1", OLD, ("PO1", "1", 10), ("PO1", "2", 10), ("PO1", "3", 10), ("PO1", "4", 10))
        us.shipment("S-FAILED", OLD, ("PO2", "1", 6), status="failed")
        us.shipment("S2", OLD, ("PO2", "2", 5), ("PO2", "3", 4), ("PO2", "4", 3), ("PO2", "5", 3))
        us.shipment("S3", RECENT, ("PO3", "1", 5), ("PO3", "2", 2), ("PO3", "4", 6))
        us.shipment("S4", FUTURE, ("PO3", "3", 8), status="planned")
        us.invoice("INV-A", PAST_DUE, ("PO1", "1", 10, "10.00"), ("PO1", "2", 10, "10.00"),
                   ("PO1", "3", 10, "10.50"), ("PO1", "4", 10, "10.00"))
        us.invoice("INV-B", NOT_DUE, ("PO2", "2", 5, "10.00"), ("PO2", "5", 5, "10.00"))
        us.invoice("INV-C", date(2026, 12, 1), ("PO2", "4", 3, "10.00"))
        us.invoice("INV-D", NOT_DUE, ("PO3", "1", 5, "10.00"), ("PO3", "4", 6, "10.00"))
        us.invoice("INV-E", NOT_DUE, ("PO3", "1", 5, "10.00"))
        us.invoice("INV-X", PAST_DUE, ("PO1", "1", 10, "10.00"), status="failed")  # Amazon refused it: not billed
        for seq, qty in (("1", 10), ("2", 8), ("3", 9), ("4", 12)):
            us.received("PO1", seq, qty)
        for seq in ("3", "4", "5"):
            us.received("PO2", seq, {"3": 4, "4": 3, "5": 3}[seq])
        us.received("PO3", "1", 5)
        us.remitted("INV-A", "PO1", "1", paid="100.00")
        us.remitted("INV-A", "PO1", "2", paid="80.00", shortage="20.00")
        us.remitted("INV-A", "PO1", "3", paid="90.00", shortage="10.50", price="4.50")
        us.remitted("INV-A", "PO1", "4", paid="100.00")
        # outside the month: the last second of September and the first of November
        us.po("PO8", ("1", 5, "10.00"), ordered=datetime(2026, 9, 30, 23, 59, 59, tzinfo=UTC))
        us.po("PO9", ("1", 5, "10.00"), ordered=datetime(2026, 11, 1, tzinfo=UTC))
        # another account reuses our PO and invoice numbers; none of it may leak into ours
        ca = Store(uow, CA.code)
        ca.po("PO1", ("1", 7, "10.00"))
        ca.shipment("CA-S1", OLD, ("PO1", "1", 30))
        ca.invoice("INV-A", PAST_DUE, ("PO1", "1", 50, "10.00"))
        ca.received("PO1", "1", 99)
        ca.remitted("INV-C", "PO2", "4", paid="30.00")  # pays *its* INV-C: ours stays unpaid
        uow.commit()


#: every line of October with the categories worked out by hand (units, money)
EXPECTED = {
    ("PO1", "1"): {C.MATCHED: (10, D("100.00"))},  # shipped = received = invoiced = 10, remitted
    ("PO1", "2"): {C.SHORTAGE: (10 - 8, 2 * D("10.00"))},
    ("PO1", "3"): {C.SHORTAGE: (10 - 9, 1 * D("10.50")),  # billed cost 105.00 / 10
                   C.PRICE_VARIANCE: (10, 10 * D("10.50") - 10 * D("10.00"))},
    ("PO1", "4"): {C.OVERAGE: (12 - 10, 2 * D("10.00"))},
    ("PO2", "1"): {C.MISSING_ASN: (6, 6 * D("7.25"))},  # departed, ASN failed
    ("PO2", "2"): {C.MISSING_RECEIPT: (5, 5 * D("10.00"))},  # arrived 13 Oct, nothing received
    ("PO2", "3"): {C.MISSING_INVOICE: (4, 4 * D("12.00"))},
    ("PO2", "4"): {C.UNPAID_PAST_DUE: (3, 3 * D("10.00"))},  # due 1 Dec, no remittance of ours
    ("PO2", "5"): {C.MISSING_ASN: (5 - 3, 2 * D("10.00"))},  # one invoice bills 5, the ASN says 3
    ("PO3", "1"): {C.DUPLICATE_INVOICE: (10 - 5, 5 * D("10.00"))},  # INV-D and INV-E both bill 5
    ("PO3", "2"): {C.CANCELLED_BUT_SHIPPED: (2, 2 * D("15.00"))},
    ("PO3", "3"): {C.OPEN: (8, 8 * D("10.00"))},  # ships on 20 Dec
    ("PO3", "4"): {C.OPEN: (6, 6 * D("10.00"))},  # arrives 12 Dec, inside the receipt window
    ("PO3", "5"): {C.MATCHED: (0, D("0.00"))},  # every unit rejected, nothing moved
}


def _found(url: str, month: str = "2026-10") -> dict:
    run, lines = load_run(units(url), US.code, month)
    found: dict = {}
    for ln in lines:
        found.setdefault((ln.po_number, ln.item_sequence), {})[Category(ln.category)] = (ln.units, ln.amount)
    return found


def test_every_category_gets_the_units_and_money_worked_out_by_hand(migrated_url: str) -> None:
    build_october(migrated_url)
    run = reconcile_month(units(migrated_url), US, "2026-10", as_of=AS_OF)

    stored = {k: v for k, v in EXPECTED.items() if C.MATCHED not in v}
    assert _found(migrated_url) == stored
    assert run.status == "done" and run.as_of == AS_OF and run.finished_at is not None
    totals = run.totals
    assert totals["currency"] == "USD" and totals["lines"] == len(EXPECTED) == 14
    for category in Category:
        hits = [v[category] for v in EXPECTED.values() if category in v]
        assert totals["categories"][category] == {
            "lines": len(hits), "units": sum(u for u, _ in hits),
            "amount": f"{sum((a for _, a in hits), D('0')):.2f}"}, category
    assert totals["categories"][C.SHORTAGE]["amount"] == "30.50"  # 20.00 + 10.50, to the cent
    # INV-A 405.00 + INV-B 100.00 + INV-C 30.00 + INV-D 110.00 + INV-E 50.00; the refused INV-X is not billed
    assert totals["invoiced"] == "695.00"
    assert totals["paid"] == "370.00"  # 100 + 80 + 90 + 100
    assert totals["deducted"] == {"shortage": "30.50", "damage": "0.00", "price": "4.50", "other": "0.00"}


def test_a_line_row_carries_the_four_way_facts_beside_its_category(migrated_url: str) -> None:
    build_october(migrated_url)
    reconcile_month(units(migrated_url), US, "2026-10", as_of=AS_OF)
    _, lines = load_run(units(migrated_url), US.code, "2026-10")
    short = next(ln for ln in lines if (ln.po_number, ln.item_sequence, ln.category) == ("PO1", "3", C.SHORTAGE))
    assert (short.ordered_qty, short.accepted_qty, short.shipped_qty, short.received_qty, short.invoiced_qty) == (
        10, 10, 10, 9, 10)
    assert (short.invoiced_amount, short.paid_amount, short.deducted_amount) == (D("105.00"), D("90.00"),
                                                                                 D("10.50") + D("4.50"))
    assert short.currency == "USD" and isinstance(short.amount, Decimal) and short.amount == D("10.50")
    assert {ln.po_number for ln in lines}.isdisjoint({"PO8", "PO9"})
    assert load_run(units(migrated_url), CA.code, "2026-10") is None


def test_a_bad_month_or_a_naive_as_of_is_refused_before_the_store_is_touched(sqlite_url: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        reconcile_month(units(sqlite_url), US, "2026-13", as_of=AS_OF)
    assert caught.value.field == "month"
    with pytest.raises(NaiveDatetime):
        reconcile_month(units(sqlite_url), US, "2026-10", as_of=datetime(2026, 12, 15))
    assert not Path(sqlite_url.split("///", 1)[1]).exists()


def _snapshot(url: str) -> dict:
    with UnitOfWork(url) as uow:
        s = uow.reconciliations.session
        counts = {name: s.execute(sa.text(f"SELECT COUNT(*) FROM {name}")).scalar() for name in (
            "purchase_order", "purchase_order_item", "shipment", "shipment_line", "invoice", "invoice_line",
            "goods_receipt", "remittance_line", "claim", "alert", "audit_log", "outbox", "reconciliation_run")}
    return counts


def _rows(url: str, month: str) -> tuple:
    run, lines = load_run(units(url), US.code, month)
    keep = ("po_number", "item_sequence", "category", "units", "amount", "shipped_qty", "received_qty",
            "invoiced_qty", "paid_amount", "deducted_amount")
    return run.id, run.totals, sorted(tuple(getattr(ln, k) for k in keep) for ln in lines)


def test_a_rerun_replaces_the_month_and_changes_nothing_else(migrated_url: str) -> None:
    build_october(migrated_url)
    september = reconcile_month(units(migrated_url), US, "2026-09", as_of=AS_OF)
    first = reconcile_month(units(migrated_url), US, "2026-10", as_of=AS_OF)
    before, sept_before, rows_before = _snapshot(migrated_url), _rows(migrated_url, "2026-09"), _rows(
        migrated_url, "2026-10")

    again = reconcile_month(units(migrated_url), US, "2026-10", as_of=AS_OF)

    assert again.id == first.id and again.totals == first.totals
    assert _rows(migrated_url, "2026-10") == rows_before  # same lines, none twice
    assert len(rows_before[2]) == len(set(rows_before[2])) == 13
    assert _snapshot(migrated_url) == before
    assert _rows(migrated_url, "2026-09") == sept_before and september.totals["lines"] == 1  # PO8 only
    with UnitOfWork(migrated_url) as uow:
        assert uow.reconciliations.get(US.code, "2026-09").finished_at == september.finished_at

    # a later rerun sees what changed since: Amazon paid INV-C, so PO2/4 is matched now
    with UnitOfWork(migrated_url) as uow:
        Store(uow).remitted("INV-C", "PO2", "4", paid="30.00", payment="PMT-2")
        uow.commit()
    later = reconcile_month(units(migrated_url), US, "2026-10", as_of=AS_OF + timedelta(days=1))
    assert ("PO2", "4") not in _found(migrated_url)
    assert later.totals["categories"][C.MATCHED]["lines"] == 3 and later.as_of == AS_OF + timedelta(days=1)
    assert later.totals["categories"][C.UNPAID_PAST_DUE] == {"lines": 0, "units": 0, "amount": "0.00"}


# -- the engine against the domain's executable rules, on random lines --------------------------------------

#: (identifier, status, departure): due for receipt and invoice / invoice only / neither / not departed
SHIPMENTS = [("R-OLD", "accepted", OLD), ("R-RECENT", "accepted", RECENT),
             ("R-NEW", "accepted", AS_OF - timedelta(days=1)), ("R-FAILED", "failed", OLD),
             ("R-SUBMITTED", "submitted", RECENT), ("R-PLANNED", "planned", FUTURE)]
#: (number, status, due, remitted)
INVOICES = [("R-PAID", "accepted", PAST_DUE, True), ("R-LATE", "accepted", PAST_DUE, False),
            ("R-QUEUED", "queued", NOT_DUE, False), ("R-REFUSED", "failed", PAST_DUE, False),
            ("R-RECEIPT-TERMS", "accepted", None, False), ("R-PAID-NO-LINES", "accepted", NOT_DUE, True)]


@dataclass
class RandomLine:
    po: str
    seq: str
    cost: Decimal | None
    item: dict
    shipped: dict = field(default_factory=dict)  # shipment -> units
    billed: dict = field(default_factory=dict)  # invoice -> (units, unit cost)
    received: int | None = None
    paid: Decimal = D(0)

    def facts(self) -> LineFacts:
        status = {ident: st for ident, st, _ in SHIPMENTS}
        ok = {k: v for k, v in self.shipped.items() if status[k] == "accepted"}
        bills = {k: v for k, v in self.billed.items() if k != "R-REFUSED"}
        unremitted = {k: v for k, v in bills.items() if k not in ("R-PAID", "R-PAID-NO-LINES")}
        late = {k: v for k, v in unremitted.items() if k == "R-LATE"}
        costs = [c for _, c in bills.values()]
        return LineFacts(
            accepted=self.item["accepted_qty"], backordered=self.item["backordered_qty"],
            rejected=self.item["rejected_qty"], cancelled=self.item["cancelled"], po_cost=self.cost,
            shipped=sum(ok.values()), shipped_receipt_due=ok.get("R-OLD", 0),
            shipped_invoice_due=ok.get("R-OLD", 0) + ok.get("R-RECENT", 0),
            unconfirmed=self.shipped.get("R-FAILED", 0) + self.shipped.get("R-SUBMITTED", 0),
            received=self.received or 0, invoiced=sum(q for q, _ in bills.values()),
            invoiced_amount=sum((q * c for q, c in bills.values()), D(0)), invoices=len(bills),
            max_invoiced_cost=max(costs, default=None), min_invoiced_cost=min(costs, default=None),
            unremitted=sum(q for q, _ in unremitted.values()), unpaid_past_due=sum(q for q, _ in late.values()),
            unpaid_past_due_amount=sum((q * c for q, c in late.values()), D(0)))


def _random_lines(rng: random.Random, count: int) -> list[RandomLine]:
    lines = []
    for n in range(count):
        cost = None if rng.random() < 0.05 else D(rng.choice(["9.99", "10.00", "12.35"]))
        accepted = rng.randint(0, 10)
        item = {"accepted_qty": accepted, "backordered_qty": rng.choice([0, 0, 2]),
                "rejected_qty": rng.choice([0, 0, 3]), "cancelled": rng.random() < 0.1}
        line = RandomLine(f"RPO{n // 8}", str(n % 8 + 1), cost, item)
        for ident, _, _ in rng.sample(SHIPMENTS, rng.randint(0, 2)):
            line.shipped[ident] = rng.randint(1, 6)
        for number, _, _, _ in rng.sample(INVOICES, rng.choice([0, 1, 1, 1, 2])):
            base = cost or D("11.00")
            line.billed[number] = (rng.randint(1, 8), base + rng.choice([D(0), D(0), D(0), D("0.50"), D("-1.01")]))
        line.received = rng.choice([None, 0, rng.randint(0, 12), sum(line.shipped.values())])
        lines.append(line)
    return lines


def _store_random(url: str, lines: list[RandomLine]) -> None:
    with UnitOfWork(url) as uow:
        store = Store(uow)
        for po in dict.fromkeys(ln.po for ln in lines):
            store.po(po, *[(ln.seq, 10, ln.cost and str(ln.cost), ln.item) for ln in lines if ln.po == po])
        for ident, status, departed in SHIPMENTS:
            store.shipment(ident, departed, *[(ln.po, ln.seq, ln.shipped[ident]) for ln in lines
                                              if ident in ln.shipped], status=status)
        for number, status, due, remitted in INVOICES:
            store.invoice(number, due, *[(ln.po, ln.seq, *ln.billed[number]) for ln in lines
                                         if number in ln.billed], status=status)
            if remitted:
                store.remitted(number, paid="1.00")  # invoice-level: no line detail in this file
        for ln in lines:
            if ln.received is not None:
                store.received(ln.po, ln.seq, ln.received)
            if "R-PAID" in ln.billed:
                ln.paid = D(ln.billed["R-PAID"][0]) * ln.billed["R-PAID"][1]
                store.remitted("R-PAID", ln.po, ln.seq, paid=str(ln.paid))
        uow.commit()


def test_the_sql_engine_follows_the_domain_rules_on_random_lines(migrated_url: str) -> None:
    lines = _random_lines(random.Random(20261015), 160)
    _store_random(migrated_url, lines)
    expected = {(ln.po, ln.seq): classify(ln.facts()) for ln in lines}

    run = reconcile_month(units(migrated_url), US, "2026-10", as_of=AS_OF)

    found = {k: {c: Finding(*v) for c, v in cats.items()} for k, cats in _found(migrated_url).items()}
    assert found == {k: v for k, v in expected.items() if C.MATCHED not in v}
    for category in Category:
        hits = [v[category] for v in expected.values() if category in v]
        assert run.totals["categories"][category] == {
            "lines": len(hits), "units": sum(f.units for f in hits),
            "amount": f"{sum((f.amount for f in hits), D('0')):.2f}"}, category
    assert all(run.totals["categories"][c]["lines"] for c in EXCEPTIONS), "the draw should reach every category"
    assert run.totals["paid"] == f"{sum((ln.paid for ln in lines), D(0)):.2f}"
