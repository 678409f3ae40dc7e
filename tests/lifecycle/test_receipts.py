"""Goods receipts: recorded from PO status, shortages and missing receipts alerted once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from acorn.services import receipts
from acorn.store import UnitOfWork
from lifecycle_world import US, World, run_day


def _alerts(world: World, kind: str) -> list:
    with UnitOfWork(world.db) as uow:
        return [a for a in uow.alerts.list() if a.kind == kind]


def test_received_goods_are_recorded_against_their_po_items(world: World) -> None:
    for as_of in world.run_times(6):
        run_day(world, as_of)
    with UnitOfWork(world.db) as uow:
        rows = uow.receipts.list(US)
        received = [r for r in rows if r.received_qty > 0]
        item = uow.purchase_orders.item(uow.purchase_orders.get(US, received[0].po_number), received[0].item_sequence)
    assert received and item.received_qty == received[0].received_qty <= item.shipped_qty
    assert _alerts(world, "shortage") == [] and _alerts(world, "not_received") == []


@pytest.mark.parametrize("world", [pytest.param({"shortage_rate": 0.6}, id="sixty-percent-short")], indirect=True)
def test_a_short_receipt_becomes_one_shortage_alert_with_the_evidence_to_dispute(world: World) -> None:
    days = world.run_times(9)
    for as_of in days:
        run_day(world, as_of)
    shortages = _alerts(world, "shortage")
    assert shortages
    assert len({a.dedupe_key for a in shortages}) == len(shortages)
    assert all("units short" in a.subject and "SSCC" in a.next_step for a in shortages)


def test_goods_never_reported_received_raise_a_not_received_alert(world: World) -> None:
    world.faults(missing_receiving_status_rate=1.0)
    for as_of in world.run_times(9):
        run_day(world, as_of)
    missing = _alerts(world, "not_received")
    assert missing and all("proof of delivery" in a.next_step for a in missing)
    with UnitOfWork(world.db) as uow:
        assert all(r.received_qty == 0 for r in uow.receipts.list(US))


def test_status_windows_never_exceed_amazons_seven_days() -> None:
    start = datetime(2026, 3, 1, tzinfo=UTC)
    windows = receipts.status_windows(start, datetime(2026, 3, 20, tzinfo=UTC))
    assert windows[0][0] == start and windows[-1][1] == datetime(2026, 3, 20, tzinfo=UTC)
    assert all(b - a <= receipts.STATUS_WINDOW for a, b in windows)
    assert all(prev[1] == nxt[0] for prev, nxt in zip(windows, windows[1:]))
