"""The vendor's day through the service layer, on the in-memory store and the fake Amazon."""

from __future__ import annotations

from typing import Any

from acorn.services.summary import lifecycle_counts

from .world import US, World


def _snapshot(world: World) -> tuple[Any, ...]:
    with world.units() as uow:
        outbox = sorted((e.idempotency_key, e.state, e.attempts, e.transaction_id) for e in uow.outbox.list())
    return lifecycle_counts(world.units, US), outbox, world.amazon.ledger()


def test_days_of_every_stage_ship_and_invoice_with_every_document_accepted_once(world: World) -> None:
    for as_of in world.run_times(3):
        world.day(as_of)
    counts = lifecycle_counts(world.units, US)
    assert counts["purchase_orders"] > 0
    assert counts["shipments"] > 0 and counts["cartons"] >= counts["shipments"]
    assert counts["asns"]["late"] == 0 and counts["asns"]["failed"] == 0 and counts["asns"]["on_time"] > 0
    assert counts["invoices"]["accepted"] > 0 and counts["invoices"]["rejected"] == 0
    assert counts["units"]["shipped"] <= counts["units"]["accepted"]
    for kind, entries in world.amazon.ledger().items():
        for entry in entries:
            assert entry["submissions"] == 1 and entry["accepted"] <= 1, (kind, entry)


def test_rerunning_a_day_changes_nothing(world: World) -> None:
    days = world.run_times(2)
    for as_of in days:
        world.day(as_of)
    before = _snapshot(world)
    world.day(days[-1])
    assert _snapshot(world) == before
