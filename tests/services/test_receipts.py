"""Goods receipts polled from Amazon's PO status: recorded per line, shortages and missing receipts alerted once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from .world import US, World

AFTER_DELIVERY = timedelta(days=6)  # past the estimated delivery and the two days' receipt alert


def _alerts(world: World, kind: str) -> list[Any]:
    with world.units() as uow:
        return [a for a in uow.alerts.list() if a.kind == kind]


def test_received_goods_are_recorded_against_their_po_items(world: World) -> None:
    shipped_at, shipments = world.confirm_shipments()
    polled = world.poll_receipts(shipped_at + AFTER_DELIVERY)
    with world.units() as uow:
        received = [r for r in uow.receipts.list(US) if r.received_qty > 0]
        items = {(r.po_number, r.item_sequence): uow.purchase_orders.item(uow.purchase_orders.get(US, r.po_number),
                                                                         r.item_sequence) for r in received}
    assert shipments and received and polled.units_received == sum(r.received_qty for r in received)
    assert all(items[r.po_number, r.item_sequence].received_qty == r.received_qty
               == items[r.po_number, r.item_sequence].shipped_qty for r in received)  # nothing short, nothing lost
    assert _alerts(world, "shortage") == [] and _alerts(world, "not_received") == []
    again = world.poll_receipts(shipped_at + AFTER_DELIVERY + timedelta(hours=1))
    assert (again.items_received, again.units_received) == (0, 0)  # seen once


@pytest.mark.parametrize("world", [pytest.param({"shortage_rate": 0.6}, id="sixty-percent-short")], indirect=True)
def test_a_short_receipt_becomes_one_shortage_alert_with_the_evidence_to_dispute(world: World) -> None:
    shipped_at, _ = world.confirm_shipments()
    world.poll_receipts(shipped_at + AFTER_DELIVERY)
    shortages = _alerts(world, "shortage")
    assert shortages and len({a.dedupe_key for a in shortages}) == len(shortages)
    assert all("units short" in a.subject and "SSCC" in a.next_step for a in shortages)
    world.poll_receipts(shipped_at + AFTER_DELIVERY + timedelta(days=1))  # polled again: no second alert
    assert len(_alerts(world, "shortage")) == len(shortages)


def test_goods_never_reported_received_raise_a_not_received_alert(world: World) -> None:
    world.amazon.faults(missing_receiving_status_rate=1.0)
    shipped_at, shipments = world.confirm_shipments()
    world.poll_receipts(shipped_at + AFTER_DELIVERY)
    missing = _alerts(world, "not_received")
    assert missing and {a.shipment_identifier for a in missing} <= set(shipments)
    assert all("proof of delivery" in a.next_step for a in missing)
    with world.units() as uow:
        assert all(r.received_qty == 0 for r in uow.receipts.list(US))
