"""The month's four-way match over what the vendor's own run left in the store, Amazon's receipts included."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from acorn.domain.reconciliation import Category
from acorn.services.reconcile import load_run, reconcile_month

from .world import US, World

MONTH = "2026-03"  # the fake Amazon's clock starts on 2 March 2026


def _run_the_month(world: World) -> tuple:
    """Ship the first departures with accepted ASNs and invoices, poll receipts after delivery, reconcile."""
    shipped_at, shipments = world.confirm_shipments()
    invoiced = world.queue_invoices(shipped_at).queued
    world.deliver("invoice", shipped_at)
    world.poll_receipts(shipped_at + timedelta(days=6))
    as_of = world.at(shipped_at + timedelta(days=10))  # past the receipt window of every departure so far
    run = reconcile_month(world.units, world.account, MONTH, as_of=as_of)
    found = load_run(world.units, US, MONTH)
    assert found is not None and shipments and invoiced
    return run, found[1]


def test_a_clean_month_shows_no_exception_and_bills_what_the_invoices_bill(world: World) -> None:
    run, lines = _run_the_month(world)
    assert run.status == "done" and run.totals["currency"] == "USD"
    assert {ln.category for ln in lines} <= {Category.OPEN}  # matched lines are counted, not stored
    assert run.totals["categories"][Category.MATCHED]["lines"] > 0
    with world.units() as uow:
        billed = sum((i.total for i in uow.invoices.list(US, statuses=["accepted"])), Decimal("0"))
    assert run.totals["invoiced"] == f"{billed:.2f}"


@pytest.mark.parametrize("world", [pytest.param({"shortage_rate": 0.6}, id="sixty-percent-short")], indirect=True)
def test_each_short_line_is_the_units_amazon_did_not_receive_at_the_pos_cost(world: World) -> None:
    run, lines = _run_the_month(world)
    short = [ln for ln in lines if ln.category == Category.SHORTAGE]
    assert short
    with world.units() as uow:
        cost = {(po.po_number, i.item_sequence): i.net_cost
                for po in uow.purchase_orders.list(US) for i in uow.purchase_orders.items(po)}
    for line in short:
        assert line.units == line.shipped_qty - line.received_qty > 0
        assert line.amount == line.units * cost[line.po_number, line.item_sequence]
    totals = run.totals["categories"][Category.SHORTAGE]
    assert totals["lines"] == len(short) and totals["units"] == sum(ln.units for ln in short)
    assert totals["amount"] == f"{sum((ln.amount for ln in short), Decimal('0')):.2f}"
