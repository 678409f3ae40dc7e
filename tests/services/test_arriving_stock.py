"""Accepting and backordering against stock that arrives: Amazon takes the promise, the units wait for
the goods and ship once they have come."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from acorn.services.stock import SkuResolver, free_stock, sku_master
from acorn.store import UnitOfWork

from .world import US, World

ARRIVING = 100_000  # units the ERP says come in on the arrival day: more than any test here asks for


def _arrival_for_everything(world: World, arrives: date, *, on_hand: int = 0, units: int | None = ARRIVING,
                            accept: bool = True) -> None:
    """Every SKU of the account's warehouse: ``on_hand`` on the shelf, ``units`` arriving on ``arrives``;
    ``accept``: the account accepts against arrivals in time (else it backorders where the PO allows)."""
    world.settings = world.settings.model_copy(update={"accounts": [
        a.model_copy(update={"accept_arriving_stock": accept}) if a.code == US else a
        for a in world.settings.accounts]})
    with world.units() as uow:
        for row in uow.inventory.all():
            if row.warehouse == world.account.erp_warehouse:
                row.on_hand, row.restock_date, row.restock_units = on_hand, arrives, units
        uow.commit()


def test_amazon_accepts_units_promised_from_an_arrival_and_they_ship_once_it_has_come(world: World) -> None:
    days = world.run_times(10)
    arrives = days[0].date() + timedelta(days=2)
    _arrival_for_everything(world, arrives)
    queued = world.acknowledge(days[0])
    world.deliver("acknowledgement", days[0])
    with world.units() as uow:
        items = [i for po in uow.purchase_orders.list(US) for i in uow.purchase_orders.items(po) if not i.cancelled]
        sent = [part for e in uow.outbox.list(kind="acknowledgement", account_code=US)
                for ack in e.payload["acknowledgements"] for item in ack["items"]
                for part in item["itemAcknowledgements"]]
    promised = [i for i in items if i.arriving_qty]
    assert queued.decided and promised, "nothing was accepted against the arrival"
    assert all(i.arriving_qty == i.accepted_qty and i.scheduled_ship_date == arrives for i in promised)
    dated = [p for p in sent if p["acknowledgementCode"] == "Accepted" and p.get("scheduledShipDate")]
    assert dated and {p["scheduledShipDate"][:10] for p in dated} == {arrives.isoformat()}
    assert all((e["submissions"], e["accepted"]) == (1, 1) for e in world.amazon.ledger()["acknowledgements"])

    before = world.plan(days[0])
    assert before.shipments == [] and before.waiting  # nothing on the shelf: every PO waits for its goods
    after = next(day for day in days if day.date() >= arrives)
    world.at(after)
    planned = world.plan(after)
    with world.units() as uow:
        shipments = {s.shipment_identifier: s for s in uow.shipments.list(US)}
        shipped = sum(line.shipped_qty for s in shipments.values() for line in uow.shipments.lines(s))
    assert planned.shipments and all(shipments[s].departure.date() >= arrives for s in planned.shipments)
    assert shipped <= sum(i.accepted_qty for i in promised)


def test_the_shelf_ships_now_and_the_arrivals_part_of_the_same_line_later(world: World) -> None:
    days = world.run_times(10)
    arrives = days[0].date() + timedelta(days=2)
    _arrival_for_everything(world, arrives, on_hand=1)  # one unit each: most lines are short
    world.acknowledge(days[0])
    world.deliver("acknowledgement", days[0])
    first = world.plan(days[0])
    with world.units() as uow:
        split = [i for po in uow.purchase_orders.list(US) for i in uow.purchase_orders.items(po)
                 if i.arriving_qty and i.accepted_qty > i.arriving_qty]
        assert all(i.shipped_qty == i.accepted_qty - i.arriving_qty for i in split)  # the shelf's part left
    assert split and first.shipments


def test_units_promised_from_an_arrival_are_not_free_to_promise_again(world: World) -> None:
    as_of = world.run_times(1)[0]
    arrives = as_of.date() + timedelta(days=2)
    _arrival_for_everything(world, arrives)
    world.acknowledge(as_of)
    with world.units() as uow:
        taken = _by_erp_sku(uow, "arriving_qty")
        levels = free_stock(uow, world.account.erp_warehouse, today=as_of.date())
    assert taken and all(levels[sku].restock_units == ARRIVING - n for sku, n in taken.items())
    assert all(level.on_hand == 0 for level in levels.values())  # promised from the arrival, not the shelf


def _by_erp_sku(uow: UnitOfWork, column: str) -> dict[str, int]:
    """``column``'s units over the account's lines, by the ERP's SKU (Amazon names items by EAN), SKUs with some."""
    resolve, units = SkuResolver(sku_master(uow)), defaultdict(int)
    for po in uow.purchase_orders.list(US):
        for i in uow.purchase_orders.items(po):
            units[resolve.erp_sku(i.vendor_sku, i.asin) or "?"] += getattr(i, column)
    return {sku: n for sku, n in units.items() if n}


def test_a_restock_date_without_units_promises_nothing_in_time(world: World) -> None:
    as_of = world.run_times(1)[0]
    _arrival_for_everything(world, as_of.date() + timedelta(days=2), units=None)
    world.acknowledge(as_of)
    with world.units() as uow:
        items = [i for po in uow.purchase_orders.list(US) for i in uow.purchase_orders.items(po) if not i.cancelled]
    assert items and all(i.arriving_qty == 0 and i.accepted_qty == 0 for i in items)


def _backordered(world: World) -> dict[tuple[str, str], tuple[int, int]]:
    """``(PO, line) -> (backordered, shipped)`` of every line with a backorder."""
    with world.units() as uow:
        return {(po.po_number, i.item_sequence): (i.backordered_qty, i.shipped_qty)
                for po in uow.purchase_orders.list(US) for i in uow.purchase_orders.items(po) if i.backordered_qty}


def test_backordered_units_ship_once_their_arrival_has_come_and_amazon_takes_their_asn(world: World) -> None:
    days = world.run_times(10)
    arrives = days[0].date() + timedelta(days=2)
    _arrival_for_everything(world, arrives, accept=False)  # nothing on the shelf: backorder where allowed
    world.acknowledge(days[0])
    world.deliver("acknowledgement", days[0])
    backorders = _backordered(world)
    assert backorders, "no line was backordered"
    world.plan(days[0])
    assert all(shipped == 0 for _, shipped in _backordered(world).values())  # the goods have not come

    after = next(day for day in days if day.date() >= arrives)
    world.at(after)
    planned = world.plan(after)
    with world.units() as uow:
        departs = max(s.departure for s in uow.shipments.list(US) if s.shipment_identifier in planned.shipments)
    left = world.at(next(day for day in days if day >= departs))
    queued = world.queue_asns(left).queued
    world.deliver("shipment_confirmation", left)
    assert {line: shipped for line, (_, shipped) in _backordered(world).items()} == \
        {line: backordered for line, (backordered, _) in backorders.items()}
    confirmations = [world.amazon.ledger_entry("shipmentConfirmations", sid) for sid in queued]
    assert confirmations and all((e["submissions"], e["accepted"]) == (1, 1) for e in confirmations), confirmations


def test_backordered_units_are_promised_from_the_arrival_then_from_the_shelf_once_it_has_come(world: World) -> None:
    as_of = world.run_times(1)[0]
    arrives = as_of.date() + timedelta(days=2)
    _arrival_for_everything(world, arrives, accept=False)
    world.acknowledge(as_of)
    with world.units() as uow:
        taken = _by_erp_sku(uow, "backordered_qty")
        before = free_stock(uow, world.account.erp_warehouse, today=as_of.date())
        for row in uow.inventory.all():  # the goods came: the ERP moves them onto the shelf
            if row.warehouse == world.account.erp_warehouse:
                row.on_hand, row.restock_date, row.restock_units = ARRIVING, None, None
        uow.commit()
        come = free_stock(uow, world.account.erp_warehouse, today=arrives)
    assert taken and all(before[sku].restock_units == ARRIVING - n for sku, n in taken.items())
    assert all(come[sku].on_hand == ARRIVING - n for sku, n in taken.items())
