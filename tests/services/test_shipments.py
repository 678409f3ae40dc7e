"""Shipments planned from accepted lines: cartons, pallets and SSCCs, planned once."""

from __future__ import annotations

from collections import Counter

from acorn.domain.sscc import is_valid_sscc

from .world import US, World


def test_every_carton_and_pallet_has_its_own_valid_sscc(world: World) -> None:
    for as_of in world.run_times(2):
        world.day(as_of)
    with world.units() as uow:
        planned = uow.shipments.list(US)
        cartons = [c for s in planned for c in uow.shipments.cartons(s)]
        labels = [c.sscc for c in cartons] + [p.sscc for s in planned for p in uow.shipments.pallets(s)]
    assert planned and len(cartons) >= len(planned)
    assert labels and all(is_valid_sscc(x) for x in labels)
    assert [k for k, n in Counter(labels).items() if n > 1] == []


def test_a_shipment_carries_no_more_than_amazon_accepted_and_planning_again_plans_nothing(world: World) -> None:
    as_of = world.run_times(1)[0]
    world.acknowledge(as_of)
    world.deliver("acknowledgement", as_of)
    first = world.plan(as_of)
    assert first.shipments and first.cartons >= len(first.shipments)
    assert world.plan(as_of).shipments == []
    with world.units() as uow:
        shipped = Counter[tuple[str, str]]()
        for shipment in uow.shipments.list(US):
            for line in uow.shipments.lines(shipment):
                shipped[line.po_number, line.item_sequence] += line.shipped_qty
        accepted = {(po.po_number, i.item_sequence): i.accepted_qty
                    for po in uow.purchase_orders.list(US) for i in uow.purchase_orders.items(po)}
    assert shipped and all(0 < qty <= accepted[key] for key, qty in shipped.items())
