"""Poison POs from the sandbox over loopback: quarantined by name and field, never blocking intake.

The sandbox's ``POST /_sandbox/rawPurchaseOrders`` serves a PO exactly as given, so a
malformed PO sits in a page of good ones (the seed's own POs plus one good raw PO), as it
would on Amazon's side.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from acorn.services import intake
from acorn.store import UnitOfWork
from acorn.testing.amazon_orders import amazon_po, first_quantity
from lifecycle_world import US, World

GOOD = "RAWGOOD1"
BAD = "RAWBAD01"


def _amazon_po(number: str, created: datetime, *, changed: datetime | None = None) -> dict[str, Any]:
    return amazon_po(number, created, selling_party=US, changed=changed)


def _repeat_sequence(o: dict) -> None:
    o["orderDetails"]["items"][1]["itemSequenceNumber"] = "1"


def _amount_1e20_integer(o: dict) -> None:
    first_quantity(o)["amount"] = 10**20  # JSON 100000000000000000000: fits the wire model's int


def _amount_1e20_float(o: dict) -> None:
    first_quantity(o)["amount"] = 1e20  # JSON 1e+20: does not fit the wire model (the client's `unreadable`)


def _amount_fractional(o: dict) -> None:
    first_quantity(o)["amount"] = 2.5


def _no_number(o: dict) -> None:
    o["purchaseOrderNumber"] = ""


def _unknown_currency(o: dict) -> None:
    o["orderDetails"]["items"][0]["netCost"]["currencyCode"] = "XXX"


def _no_items(o: dict) -> None:
    o["orderDetails"]["items"] = []


AMOUNT = "orderDetails.items[0].orderedQuantity.amount"
POISONS = [
    pytest.param(_repeat_sequence, BAD, "orderDetails.items[1].itemSequenceNumber", id="repeated-item-sequence"),
    pytest.param(_amount_1e20_integer, BAD, AMOUNT, id="quantity-1e20"),
    pytest.param(_amount_1e20_float, BAD, AMOUNT, id="quantity-1e20-as-float"),
    pytest.param(_amount_fractional, BAD, AMOUNT, id="fractional-quantity"),
    pytest.param(_no_number, intake.NO_PO_NUMBER, "purchaseOrderNumber", id="empty-po-number"),
    pytest.param(_unknown_currency, BAD, "orderDetails.items[0].netCost.currencyCode", id="currency-XXX"),
    pytest.param(_no_items, BAD, "orderDetails.items", id="no-items"),
]


def _store_raw(world: World, *orders: dict[str, Any]) -> dict[str, Any]:
    response = world.operator.post("/_sandbox/rawPurchaseOrders", json={"orders": list(orders)})
    assert response.status_code == 200, response.text
    return response.json()


def _poisoned_day(world: World, poison: Callable[[dict], None]) -> datetime:
    """Day one's run time, with one good and one poisoned raw PO among the seed's POs."""
    as_of = world.run_times(1)[0]
    world.set_clock(as_of)
    bad = _amazon_po(BAD, as_of - timedelta(hours=3))
    poison(bad)
    _store_raw(world, _amazon_po(GOOD, as_of - timedelta(hours=4)), bad)
    return as_of


def _intake(world: World, as_of: datetime) -> intake.IntakeResult:
    world.set_clock(max(as_of, world.clock()))
    return intake.intake_purchase_orders(world.units, world.client, world.settings.account(US), as_of=as_of)


def _stored_numbers(world: World) -> list[str]:
    with UnitOfWork(world.db) as uow:
        return [po.po_number for po in uow.purchase_orders.list(US)]


def _po_alerts(world: World, status: str | None = None) -> list[Any]:
    with UnitOfWork(world.db) as uow:
        return [a for a in uow.alerts.list(account_code=US, status=status) if a.kind == "po_malformed"]


def _quarantine_entries(world: World, po: str) -> list[Any]:
    with UnitOfWork(world.db) as uow:
        return [e for e in uow.audit.list(entity="purchase_order", entity_id=po) if e.action == "po.quarantined"]


@pytest.mark.parametrize(("poison", "label", "field"), POISONS)
def test_a_poison_po_is_quarantined_by_name_and_field_and_the_rest_of_the_page_is_stored(
        world: World, poison: Callable[[dict], None], label: str, field: str) -> None:
    as_of = _poisoned_day(world, poison)
    result = _intake(world, as_of)

    assert result.quarantined == [label]
    stored = _stored_numbers(world)
    assert GOOD in stored and len(stored) > 1, "the good POs of the page are stored"
    assert sorted(stored) == sorted(result.new)
    assert BAD not in stored and "" not in stored
    [alert] = _po_alerts(world)
    assert alert.dedupe_key == f"po-malformed:{US}:{label}"
    assert label in alert.message and field in alert.message
    [entry] = _quarantine_entries(world, label)
    assert entry.detail["field"] == field
    with UnitOfWork(world.db) as uow:
        assert uow.watermarks.get(f"po-intake:{US}") == as_of, "intake is not blocked by the bad PO"

    # the next run meets the same bad PO: still quarantined, no second alert, nothing re-logged
    again = _intake(world, as_of)
    assert again.quarantined == [label] and again.new == []
    assert len(_po_alerts(world)) == 1 and len(_quarantine_entries(world, label)) == 1


@pytest.mark.parametrize("poison", [
    pytest.param(_repeat_sequence, id="repeated-item-sequence"),
    pytest.param(_amount_1e20_float, id="quantity-1e20-as-float"),
])
def test_a_quarantined_po_that_amazon_corrects_is_stored_and_its_alert_resolved(
        world: World, poison: Callable[[dict], None]) -> None:
    day_one, day_two = world.run_times(2)
    world.set_clock(day_one)
    bad = _amazon_po(BAD, day_one - timedelta(hours=3))
    poison(bad)
    _store_raw(world, bad)
    assert _intake(world, day_one).quarantined == [BAD]

    world.set_clock(day_two)
    corrected = _amazon_po(BAD, day_one - timedelta(hours=3), changed=day_one + timedelta(hours=2))
    assert _store_raw(world, corrected)["replaced"] == [BAD]
    result = _intake(world, day_two)

    assert BAD in result.new and result.released == [BAD] and result.quarantined == []
    with UnitOfWork(world.db) as uow:
        po = uow.purchase_orders.get(US, BAD)
        assert [(i.item_sequence, i.ordered_qty) for i in uow.purchase_orders.items(po)] == [("1", 24), ("2", 12)]
    assert _po_alerts(world, status="open") == []
    [alert] = _po_alerts(world, status="resolved")
    assert alert.dedupe_key == f"po-malformed:{US}:{BAD}" and alert.resolved_at == day_two


def test_two_intake_runs_of_one_account_at_once_both_finish_and_store_each_po_once(world: World) -> None:
    as_of = _poisoned_day(world, _repeat_sequence)
    world.set_clock(as_of)
    account = world.settings.account(US)
    start = threading.Barrier(2)
    results: list[intake.IntakeResult] = []
    failures: list[BaseException] = []

    def run() -> None:
        try:
            start.wait(timeout=30)
            results.append(intake.intake_purchase_orders(world.units, world.client, account, as_of=as_of))
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert failures == [] and len(results) == 2

    with UnitOfWork(world.db) as uow:
        rows = [po.po_number for po in uow.purchase_orders.list(US)]
    assert GOOD in rows and len(rows) == len(set(rows)), "each PO stored once"
    first, second = results
    assert sorted(first.new + second.new) == sorted(rows), "every PO is new to exactly one of the runs"
    assert first.quarantined == second.quarantined == [BAD]
    assert len(_po_alerts(world)) == 1 and len(_quarantine_entries(world, BAD)) == 1


def test_the_raw_order_endpoint_serves_the_order_as_given(world: World) -> None:
    as_of = world.run_times(1)[0]
    world.set_clock(as_of)
    order = _amazon_po(BAD, as_of - timedelta(hours=1))
    _repeat_sequence(order)
    _amount_1e20_integer(order)
    order["orderDetails"]["dealCode"] = "PRIMEDAY"
    _store_raw(world, order)
    served = world.client.get_purchase_order(BAD).to_wire()
    sent = copy.deepcopy(order)
    assert served["orderDetails"]["items"] == sent["orderDetails"]["items"]
    assert served["orderDetails"]["dealCode"] == "PRIMEDAY"
    assert served["purchaseOrderNumber"] == BAD
    refused = world.operator.post("/_sandbox/rawPurchaseOrders", json={"orders": [{"purchaseOrderNumber": 7}]})
    assert refused.status_code == 400 and "purchaseOrderNumber" in refused.text

