"""A stage costs what the day brings, not what the store remembers.

The stages after planning (ASNs, the ASN watch, invoices, receipts, the invariant sweep) select
only what is open; a store with ten times more settled shipments (accepted, invoiced, fully
received) must cost them the same number of SQL statements. And queueing ASNs and invoices reads
and writes a batch in the same number of statements whatever its size: three times the shipments
cost not one statement more (no probe of the outbox per key, no insert per row, no UPDATE per
shipment).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from acorn.bench_day import StatementCounter
from acorn.config import load_settings
from acorn.domain.sscc import make_sscc
from acorn.services import asn_watch, asns, invariants, invoices, receipts
from acorn.store import UnitOfWork
from acorn.store.db import engine_for
from acorn.store.uow import units
from schemas.tables import (
    Carton,
    GoodsReceipt,
    Invoice,
    OutboxEntry,
    PurchaseOrder,
    PurchaseOrderItem,
    Shipment,
    ShipmentLine,
)

US = "ACRNUS"
DAY = datetime(2026, 3, 2, 22, 0, tzinfo=UTC)
SLACK = 2  # statements a stage may vary by, whatever the history (e.g. a watermark row created once)


def _shipment(uow: UnitOfWork, n: int, *, status: str, received: bool, invoiced: bool, when: datetime,
              queued: bool = True) -> Shipment:
    """One shipment of one PO line (10 units at 2.50 USD), at ``status``, received and invoiced as told;
    ``queued``: its ASN is in the outbox (at ``status``)."""
    po = uow.purchase_orders.add(PurchaseOrder(
        account_code=US, po_number=f"PO{n:06d}", state="Acknowledged", selling_party="ACME1", ship_to="ABE8",
        marketplace="US", currency="USD", order_date=when - timedelta(days=3), acknowledged_at=when))
    uow.flush()
    uow.purchase_orders.add(PurchaseOrderItem(
        purchase_order_id=po.id, item_sequence="1", vendor_sku="ACR-CB-001", asin="B0ABCDEFGH", ordered_qty=10,
        net_cost=Decimal("2.50"), currency="USD", accepted_qty=10, shipped_qty=10,
        received_qty=10 if received else 0, invoiced_qty=10 if invoiced else 0))
    ident = f"SH{n:06d}"
    shipment = uow.shipments.add(Shipment(
        account_code=US, shipment_identifier=ident, ship_to="ABE8", status=status, structure="LooseCarton",
        transport_mode="SmallParcel", departure=when - timedelta(days=2), estimated_delivery=when - timedelta(days=1),
        asn_deadline=when - timedelta(days=2) + timedelta(hours=1), asn_submitted_at=when - timedelta(days=2)))
    uow.flush()
    uow.shipments.add(ShipmentLine(shipment_id=shipment.id, po_number=po.po_number, item_sequence="1",
                                   vendor_sku="ACR-CB-001", asin="B0ABCDEFGH", shipped_qty=10))
    if queued:
        uow.outbox.add(OutboxEntry(kind="shipment_confirmation", idempotency_key=f"asn:{ident}:r0", account_code=US,
                                   business_id=ident, payload={}, state=status))
    if received:
        uow.receipts.add(GoodsReceipt(account_code=US, po_number=po.po_number, item_sequence="1",
                                      receive_status="RECEIVED", received_qty=10, last_receive_date=when))
    if invoiced:
        number = f"INV{n:06d}"
        uow.invoices.add(Invoice(account_code=US, invoice_number=number, shipment_identifier=ident,
                                 invoice_date=when, currency="USD", subtotal=Decimal("25.00"),
                                 total=Decimal("25.00"), status="accepted"))
        uow.outbox.add(OutboxEntry(kind="invoice", idempotency_key=f"invoice:{US}:{number}", account_code=US,
                                   business_id=number, payload={}, state="accepted"))
    return shipment


def departed(url: str, first: int, count: int) -> None:
    """``count`` planned shipments, one labelled carton each, whose truck left an hour before ``DAY``."""
    with UnitOfWork(url) as uow:
        for n in range(first, first + count):
            shipment = _shipment(uow, n, status="planned", received=False, invoiced=False, when=DAY, queued=False)
            shipment.departure, shipment.estimated_delivery = DAY - timedelta(hours=1), DAY + timedelta(days=2)
            shipment.asn_submitted_at, shipment.carrier_scac, shipment.pro_number = None, "UPSN", f"1Z{n:08d}"
            shipment.total_weight_kg, shipment.structure = Decimal("5.0"), "LooseStandardCase"
            uow.shipments.add(Carton(shipment_id=shipment.id, sscc=str(make_sscc(extension_digit=0,
                                                                            company_prefix="0614141", serial=n)),
                                     weight_kg=Decimal("5.0"),
                                     items=[{"po_number": f"PO{n:06d}", "item_sequence": "1", "qty": 10}]))
        uow.commit()


def settled_history(url: str, first: int, count: int) -> None:
    """``count`` shipments Amazon accepted, received in full and paid for: history, nothing open."""
    with UnitOfWork(url) as uow:
        for n in range(first, first + count):
            _shipment(uow, n, status="accepted", received=True, invoiced=True, when=DAY - timedelta(days=30))
        uow.commit()


def statements(url: str, call: Any) -> int:
    with StatementCounter(engine_for(url)) as counter:
        call()
    return counter.count


def stage_costs(url: str, settings: Any) -> dict[str, int]:
    account = settings.account(US)
    return {
        "queue ASNs": statements(url, lambda: asns.queue_asns(units(url), account, as_of=DAY)),
        "watch ASNs": statements(url, lambda: asn_watch.watch_asns(units(url), account, now=DAY)),
        "queue invoices": statements(url, lambda: invoices.queue_invoices(units(url), account, as_of=DAY,
                                                                          settings=settings)),
        "awaiting receipt": statements(url, lambda: receipts.awaiting_receipt(units(url), account)),
        "record receipts": statements(url, lambda: receipts.record_receipts(units(url), account, [], as_of=DAY,
                                                                            alert_after_days=5)),
        "invariants": statements(url, lambda: invariants.sweep(units(url), account, as_of=DAY)),
    }


@pytest.fixture
def settings(migrated_url: str, tmp_path: Path) -> Any:
    return load_settings(database_url=migrated_url, home=tmp_path / ".acorn")


def test_the_stages_after_planning_cost_the_same_with_ten_times_the_history(migrated_url: str,
                                                                            settings: Any) -> None:
    settled_history(migrated_url, 0, 5)
    stage_costs(migrated_url, settings)  # a first run writes what it keeps (watermarks)
    short = stage_costs(migrated_url, settings)
    settled_history(migrated_url, 5, 45)
    long = stage_costs(migrated_url, settings)
    assert {stage: abs(long[stage] - n) <= SLACK for stage, n in short.items()} == {s: True for s in short}, \
        (short, long)


def test_queueing_three_times_the_asns_costs_the_same_statements(migrated_url: str, settings: Any) -> None:
    account = settings.account(US)

    def queue() -> tuple[int, list[str]]:
        found: list[str] = []
        count = statements(migrated_url,
                           lambda: found.extend(asns.queue_asns(units(migrated_url), account, as_of=DAY).queued))
        return count, found

    departed(migrated_url, 0, 4)
    few, queued_few = queue()
    departed(migrated_url, 100, 12)
    many, queued_many = queue()
    assert (len(queued_few), len(queued_many)) == (4, 12)
    assert many == few, (few, many)
    with UnitOfWork(migrated_url) as uow:
        assert {s.status for s in uow.shipments.list(US)} == {"queued"}
        rows = uow.outbox.list(kind="shipment_confirmation")
        notes = uow.audit.list(entity="outbox")
    assert [e.idempotency_key for e in rows] == [f"asn:SH{n:06d}:r0" for n in [*range(4), *range(100, 112)]]
    assert [(a.action, a.entity_id) for a in notes] == [("shipment_confirmation.queued", e.idempotency_key)
                                                        for e in rows]
    rerun, queued_again = queue()
    assert queued_again == [] and rerun < few  # nothing departed is left: nothing is probed or written


def test_invoicing_three_times_the_shipments_costs_the_same_statements(migrated_url: str, settings: Any) -> None:
    def accepted_not_invoiced(first: int, count: int) -> None:
        with UnitOfWork(migrated_url) as uow:
            for n in range(first, first + count):
                _shipment(uow, n, status="accepted", received=False, invoiced=False, when=DAY)
            uow.commit()

    account = settings.account(US)

    def queue() -> tuple[int, list[str]]:
        found: list[str] = []
        count = statements(migrated_url, lambda: found.extend(
            invoices.queue_invoices(units(migrated_url), account, as_of=DAY, settings=settings).queued))
        return count, found

    accepted_not_invoiced(0, 3)
    few, queued_few = queue()
    accepted_not_invoiced(100, 9)
    many, queued_many = queue()
    assert (len(queued_few), len(queued_many)) == (3, 9)
    assert many == few, (few, many)
    with UnitOfWork(migrated_url) as uow:
        billed = {i.shipment_identifier: i for i in uow.invoices.list(US)}
        items = [i for po in uow.purchase_orders.list(US) for i in uow.purchase_orders.items(po)]
        lines = {number: uow.invoices.lines(billed[number]) for number in billed}
        queued = {e.business_id for e in uow.outbox.list(kind="invoice")}
        issued = [a.entity_id for a in uow.audit.list(entity="invoice")]
    assert len(billed) == 12 and all(i.invoiced_qty == 10 for i in items)
    assert all(len(found) == 1 and found[0].quantity == 10 for found in lines.values())
    assert queued == {i.invoice_number for i in billed.values()} == set(issued) and len(issued) == 12


def test_the_dashboard_history_costs_the_same_for_a_quarter_as_for_a_month(migrated_url: str, settings: Any) -> None:
    from acorn.services.day_figures import history

    settled_history(migrated_url, 0, 3)  # the first order 33 days before DAY
    month = statements(migrated_url, lambda: history(units(migrated_url), settings.accounts, DAY))
    with UnitOfWork(migrated_url) as uow:  # an order 80 days back stretches the history to its 92 days
        _shipment(uow, 3, status="accepted", received=True, invoiced=True, when=DAY - timedelta(days=77))
        uow.commit()
    days = history(units(migrated_url), settings.accounts, DAY)
    quarter = statements(migrated_url, lambda: history(units(migrated_url), settings.accounts, DAY))
    assert len(days) == 81 and sum(f.purchase_orders for _, f in days) == 4
    assert quarter == month, (month, quarter)


def test_recording_more_receipts_adds_one_statement_per_new_receipt(migrated_url: str, settings: Any) -> None:
    from types import SimpleNamespace as Status

    account = settings.account(US)

    def arrived(first: int, count: int) -> int:
        with UnitOfWork(migrated_url) as uow:
            for n in range(first, first + count):
                _shipment(uow, n, status="accepted", received=False, invoiced=True, when=DAY)
            uow.commit()
        got = Status(receive_status="RECEIVED", received_quantity=Status(amount=10), last_receive_date=DAY)
        statuses = [Status(purchase_order_number=f"PO{n:06d}",
                           item_status=[Status(item_sequence_number="1", receiving_status=got)])
                    for n in range(first, first + count)]
        return statements(migrated_url, lambda: receipts.record_receipts(units(migrated_url), account, statuses,
                                                                         as_of=DAY, alert_after_days=5))

    few, many = arrived(0, 2), arrived(100, 8)
    assert many - few <= (8 - 2) + SLACK, (few, many)  # the new receipt rows; snapshots and audit in one each
    with UnitOfWork(migrated_url) as uow:
        kept = [uow.receipts.history(US, f"PO{n:06d}", "1") for n in (*range(2), *range(100, 108))]
        items = [i for po in uow.purchase_orders.list(US) for i in uow.purchase_orders.items(po)]
        observed = uow.audit.list(entity="purchase_order_item")
    assert [len(k) for k in kept] == [1] * 10 and all(k[0].received_qty == 10 for k in kept)
    assert all(i.received_qty == 10 for i in items) and len(observed) == 10
