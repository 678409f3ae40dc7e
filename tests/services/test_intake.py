"""PO intake from the fake Amazon: stored in eaches, read once, poison quarantined by name and field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from acorn.services import intake
from acorn.testing.amazon_orders import amazon_po, first_quantity

from .world import US, World

GOOD, BAD = "RAWGOOD1", "RAWBAD01"


def _amazon_po(number: str, created: datetime, *, changed: datetime | None = None) -> dict[str, Any]:
    return amazon_po(number, created, selling_party=US, changed=changed)


AMOUNT = "orderDetails.items[0].orderedQuantity.amount"
POISONS = [
    pytest.param(lambda o: o["orderDetails"]["items"][1].update(itemSequenceNumber="1"), BAD,
                 "orderDetails.items[1].itemSequenceNumber", id="repeated-item-sequence"),
    pytest.param(lambda o: first_quantity(o).update(amount=10**20), BAD, AMOUNT, id="quantity-1e20"),
    pytest.param(lambda o: first_quantity(o).update(amount=1e20), BAD, AMOUNT, id="quantity-1e20-as-float"),
    pytest.param(lambda o: first_quantity(o).update(amount=2.5), BAD, AMOUNT, id="fractional-quantity"),
    pytest.param(lambda o: o.update(purchaseOrderNumber=""), intake.NO_PO_NUMBER, "purchaseOrderNumber",
                 id="empty-po-number"),
    pytest.param(lambda o: o["orderDetails"]["items"][0]["netCost"].update(currencyCode="XXX"), BAD,
                 "orderDetails.items[0].netCost.currencyCode", id="currency-XXX"),
    pytest.param(lambda o: o["orderDetails"].update(items=[]), BAD, "orderDetails.items", id="no-items"),
]


def _stored(world: World) -> list[str]:
    with world.units() as uow:
        return [po.po_number for po in uow.purchase_orders.list(US)]


def _po_alerts(world: World, status: str | None = None) -> list[Any]:
    with world.units() as uow:
        return [a for a in uow.alerts.list(account_code=US, status=status) if a.kind == "po_malformed"]


def _quarantined(world: World, po: str) -> list[Any]:
    with world.units() as uow:
        return [e for e in uow.audit.list(entity="purchase_order", entity_id=po) if e.action == "po.quarantined"]


def test_every_po_amazon_placed_in_the_window_is_stored_in_eaches(world: World) -> None:
    as_of = world.run_times(1)[0]
    result = world.intake(as_of)
    start, end = result.window
    placed = {po.number for po in world.amazon.state.visible_orders()
              if po.selling_party == US and start <= po.created < end}
    assert placed and set(result.new) == placed == set(_stored(world))
    with world.units() as uow:
        for number in result.new:
            amazon = world.amazon.get_purchase_order(number).order_details
            assert amazon is not None
            ordered = {i.item_sequence_number: i.ordered_quantity.amount * (i.ordered_quantity.unit_size or 1)
                       if i.ordered_quantity.unit_of_measure == "Cases" else i.ordered_quantity.amount
                       for i in amazon.items if i.ordered_quantity is not None}
            po = uow.purchase_orders.get(US, number)
            assert {i.item_sequence: i.ordered_qty for i in uow.purchase_orders.items(po)} == ordered
            assert po.raw_payload["purchaseOrderNumber"] == number


def test_reading_the_same_window_again_changes_nothing(world: World) -> None:
    as_of = world.run_times(1)[0]
    first = world.intake(as_of)
    again = world.intake(as_of)
    assert (again.new, again.changed, again.quarantined) == ([], [], [])
    assert again.unchanged == len(first.new)


@pytest.mark.parametrize(("poison", "label", "field"), POISONS)
def test_a_poison_po_is_quarantined_by_name_and_field_and_the_rest_of_the_page_is_stored(
        world: World, poison: Callable[[dict[str, Any]], None], label: str, field: str) -> None:
    as_of = world.run_times(1)[0]
    bad = _amazon_po(BAD, as_of - timedelta(hours=3))
    poison(bad)
    world.amazon.serve_raw_orders(_amazon_po(GOOD, as_of - timedelta(hours=4)), bad)
    result = world.intake(as_of)

    assert result.quarantined == [label]
    stored = _stored(world)
    assert GOOD in stored and len(stored) > 1 and sorted(stored) == sorted(result.new)
    assert BAD not in stored and "" not in stored
    [alert] = _po_alerts(world)
    assert alert.dedupe_key == f"po-malformed:{US}:{label}" and label in alert.message and field in alert.message
    [entry] = _quarantined(world, label)
    assert entry.detail["field"] == field
    with world.units() as uow:
        assert uow.watermarks.get(f"po-intake:{US}") == as_of, "intake is not blocked by the bad PO"

    again = world.intake(as_of)  # the same bad PO next run: still quarantined, no second alert
    assert again.quarantined == [label] and again.new == []
    assert len(_po_alerts(world)) == 1 and len(_quarantined(world, label)) == 1


def test_a_quarantined_po_that_amazon_corrects_is_stored_and_its_alert_resolved(world: World) -> None:
    day_one, day_two = world.run_times(2)
    bad = _amazon_po(BAD, day_one - timedelta(hours=3))
    bad["orderDetails"]["items"][1]["itemSequenceNumber"] = "1"
    world.amazon.serve_raw_orders(bad)
    assert world.intake(day_one).quarantined == [BAD]

    world.at(day_two)
    corrected = _amazon_po(BAD, day_one - timedelta(hours=3), changed=day_one + timedelta(hours=2))
    assert world.amazon.serve_raw_orders(corrected) == [BAD]
    result = world.intake(day_two)

    assert BAD in result.new and result.released == [BAD] and result.quarantined == []
    with world.units() as uow:
        po = uow.purchase_orders.get(US, BAD)
        assert [(i.item_sequence, i.ordered_qty) for i in uow.purchase_orders.items(po)] == [("1", 24), ("2", 12)]
    assert _po_alerts(world, status="open") == []
    [alert] = _po_alerts(world, status="resolved")
    assert alert.resolved_at == day_two


def test_a_line_amazon_cancels_is_stored_as_cancelled_and_never_shipped(world: World) -> None:
    day_one, day_two = world.run_times(2)
    world.amazon.serve_raw_orders(_amazon_po(GOOD, day_one - timedelta(hours=3)))
    world.intake(day_one)
    world.at(day_two)
    changed = _amazon_po(GOOD, day_one - timedelta(hours=3), changed=day_one + timedelta(hours=1))
    changed["orderDetails"]["items"][1]["orderedQuantity"] = {"amount": 0, "unitOfMeasure": "Eaches"}
    world.amazon.serve_raw_orders(changed)
    assert world.intake(day_two).changed == [GOOD]
    with world.units() as uow:
        cancelled = uow.purchase_orders.item(uow.purchase_orders.get(US, GOOD), "2")
        assert cancelled.cancelled and cancelled.ordered_qty == 0
        assert all(i.item_sequence != "2" for i in uow.purchase_orders.open_items() if i.purchase_order_id ==
                   cancelled.purchase_order_id)
