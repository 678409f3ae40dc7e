"""Planning reads only what is open and writes a batch in a bounded number of statements."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

import schemas.tables as t
from acorn.bench_day import StatementCounter
from acorn.config import load_settings
from acorn.services.acknowledge import ack_key
from acorn.services.shipments import plan_shipments
from acorn.store import UnitOfWork, upgrade
from acorn.store.db import engine_for
from acorn.store.uow import units

AS_OF = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
ACCOUNT = "ACRNUS"


def _add_po(uow: UnitOfWork, number: str, *, shipped: bool, ack_state: str = "accepted") -> None:
    """An acknowledged PO of two lines whose ship window is open; ``shipped``: history, nothing left to ship."""
    po = uow.purchase_orders.add(t.PurchaseOrder(
        account_code=ACCOUNT, po_number=number, state="Acknowledged", selling_party="ACRN1", ship_to="ABE8",
        marketplace="US", currency="USD", order_date=AS_OF - timedelta(days=2),
        ship_window_start=AS_OF - timedelta(days=1), ship_window_end=AS_OF + timedelta(days=5),
        acknowledged_at=AS_OF - timedelta(days=1)))
    uow.flush()
    for seq, sku, qty in (("1", "ACR-MG-001", 36), ("2", "ACR-PL-002", 16)):
        uow.purchase_orders.add(t.PurchaseOrderItem(
            purchase_order_id=po.id, item_sequence=seq, vendor_sku=sku, ordered_qty=qty, accepted_qty=qty,
            shipped_qty=qty if shipped else 0, net_cost=Decimal("10.00"), currency="USD"))
    uow.outbox.add(t.OutboxEntry(kind="acknowledgement", idempotency_key=ack_key(ACCOUNT, number),
                                 account_code=ACCOUNT, business_id=number, payload={}, state=ack_state))


def _store(url: str, *, history: int, open_pos: int) -> None:
    upgrade(url)
    with UnitOfWork(url) as uow:
        uow.skus.upsert(vendor_sku="ACR-MG-001", asin="B09BOEWNUS", case_pack=36, unit_weight_kg=Decimal("0.310"),
                        unit_cost=Decimal("22.90"), currency="USD")
        uow.skus.upsert(vendor_sku="ACR-PL-002", asin="B0WTSCF3SN", case_pack=16, unit_weight_kg=Decimal("0.404"),
                        carton_weight_kg=Decimal("7.073"), unit_cost=Decimal("18.07"), currency="USD")
        for n in range(history):
            _add_po(uow, f"H{n:07d}", shipped=True)
        for n in range(open_pos):
            _add_po(uow, f"P{n:07d}", shipped=False)
        _add_po(uow, "NOTYET01", shipped=False, ack_state="pending")  # Amazon has not confirmed it: not planned
        uow.commit()


def _planned_with_statements(url: str, tmp_path: Path) -> tuple[list[str], int]:
    settings = load_settings(home=tmp_path, database_url=url)
    with StatementCounter(engine_for(url)) as counter:
        result = plan_shipments(units(url), settings, settings.account(ACCOUNT), as_of=AS_OF)
    assert not result.problems, result.problems
    return result.shipments, counter.count


def _url(database_url: str, tmp_path: Path, name: str) -> str:
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / name}.db"
    return database_url  # a fresh PostgreSQL database per test: one store only


def test_planning_costs_the_same_statements_with_ten_times_the_history(database_url: str, tmp_path: Path) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("two stores side by side: SQLite files (PostgreSQL: see the test below)")
    short, long = _url(database_url, tmp_path, "short"), _url(database_url, tmp_path, "long")
    _store(short, history=5, open_pos=3)
    _store(long, history=50, open_pos=3)
    planned_short, statements_short = _planned_with_statements(short, tmp_path)
    planned_long, statements_long = _planned_with_statements(long, tmp_path)
    assert len(planned_short) == len(planned_long) == 3
    assert not [s for s in planned_long if s.startswith(("H", "NOTYET"))]
    assert abs(statements_long - statements_short) <= 2, (statements_short, statements_long)


def test_a_batch_of_pos_is_planned_in_a_bounded_number_of_statements(database_url: str, tmp_path: Path) -> None:
    """Ten times the POs to plan, about the same statements: reads and writes go by the batch, not the PO."""
    few, many = _url(database_url, tmp_path, "few"), _url(database_url, tmp_path, "many")
    if few == many:  # PostgreSQL: plan the small batch, then add ten times as many to the same store
        _store(few, history=0, open_pos=2)
        _, statements_few = _planned_with_statements(few, tmp_path)
        with UnitOfWork(few) as uow:
            for n in range(20):
                _add_po(uow, f"Q{n:07d}", shipped=False)
            uow.commit()
        planned, statements_many = _planned_with_statements(few, tmp_path)
    else:
        _store(few, history=0, open_pos=2)
        _store(many, history=0, open_pos=20)
        _, statements_few = _planned_with_statements(few, tmp_path)
        planned, statements_many = _planned_with_statements(many, tmp_path)
    assert len(planned) == 20
    assert statements_many <= statements_few + 4, (statements_few, statements_many)
    with UnitOfWork(few if few == many else many) as uow:
        po = uow.purchase_orders.get(ACCOUNT, planned[-1].split("-")[0])
        assert all(i.shipped_qty == i.accepted_qty for i in uow.purchase_orders.items(po))
        shipment = uow.shipments.get(planned[-1])
        assert uow.shipments.cartons(shipment) and len(uow.shipments.lines(shipment)) == 2
    assert _planned_with_statements(few if few == many else many, tmp_path)[0] == []  # a rerun plans nothing


def test_the_open_lines_are_found_from_the_partial_index_not_by_walking_the_accounts_pos(tmp_path: Path) -> None:
    """SQLite's plans for the planning read: the open lines' index drives it; no PO of the history is visited."""
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'acorn.db'}"
    _store(url, history=30, open_pos=2)
    sent: list[tuple[str, tuple]] = []
    engine = engine_for(url)

    def seen(_conn, _cursor, statement, parameters, _context, _many):
        sent.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        with UnitOfWork(url) as uow:
            assert [po.po_number for po, _ in uow.purchase_orders.lines_to_ship(ACCOUNT)] == [
                "NOTYET01", "P0000000", "P0000001"]
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert len(sent) == 2  # the open lines' POs, then those POs with their open lines
    with engine.connect() as conn:
        plans = [[row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
                 for statement, parameters in sent]
    assert any("ix_purchase_order_item_open" in step for step in plans[0]), plans
    assert any("purchase_order USING INTEGER PRIMARY KEY" in step for step in plans[1]), plans
    assert not any(step.startswith("SCAN purchase_order ") or "(account_code=?)" in step
                   for plan in plans for step in plan), plans
