"""Invoices: queued only once Amazon accepted the ASN, billed as shipped at the PO's cost, sent once."""

from __future__ import annotations

from decimal import Decimal

from .world import US, World


def test_an_invoice_waits_for_its_asn_to_be_accepted_and_bills_what_was_shipped(world: World) -> None:
    as_of, shipment = world.ship_one()
    assert shipment in world.queue_asns(as_of).queued
    assert world.queue_invoices(as_of).queued == []  # the ASN is queued, not accepted: nothing to bill yet
    world.deliver("shipment_confirmation", as_of)
    queued = world.queue_invoices(as_of).queued
    assert queued and world.queue_invoices(as_of).queued == []  # queued once
    with world.units() as uow:
        invoice = uow.invoices.for_shipment(shipment)
        assert invoice is not None and invoice.invoice_number in queued
        shipped = {(line.po_number, line.item_sequence): line.shipped_qty
                   for line in uow.shipments.lines(uow.shipments.get(shipment))}
        costs = {(po.po_number, i.item_sequence): i.net_cost
                 for po in uow.purchase_orders.list(US) for i in uow.purchase_orders.items(po)}
        lines = uow.invoices.lines(invoice)
    assert {(ln.po_number, ln.po_item_sequence): ln.quantity for ln in lines} == shipped
    assert all(ln.unit_cost == costs[ln.po_number, ln.po_item_sequence] for ln in lines)
    assert invoice.total == sum((ln.quantity * ln.unit_cost for ln in lines), Decimal("0"))
    assert isinstance(invoice.total, Decimal)


def test_queued_invoices_are_accepted_by_amazon_once(world: World) -> None:
    as_of, shipment = world.ship_one()
    world.queue_asns(as_of)
    world.deliver("shipment_confirmation", as_of)
    queued = world.queue_invoices(as_of).queued
    assert world.deliver("invoice", as_of).count("accepted") == len(queued)
    world.deliver("invoice", as_of)
    with world.units() as uow:
        assert {i.status for i in uow.invoices.list(US)} == {"accepted"}
    ledger = {e["id"]: e for e in world.amazon.ledger()["invoices"]}
    assert set(ledger) == set(queued)
    assert all((e["submissions"], e["accepted"]) == (1, 1) for e in ledger.values())
