"""The vendor's day through the service layer, against the sandbox over loopback."""

from __future__ import annotations

from collections import Counter

import pytest

from acorn.domain.sscc import is_valid_sscc
from acorn.services.summary import lifecycle_counts
from acorn.store import UnitOfWork
from lifecycle_world import US, World, run_day


def _snapshot(world: World) -> tuple:
    with UnitOfWork(world.db) as uow:
        outbox = sorted((e.idempotency_key, e.state, e.attempts, e.transaction_id) for e in uow.outbox.list())
    return lifecycle_counts(world.units), outbox, world.ledger()


@pytest.mark.parametrize("world", [pytest.param({}, id="sqlite"),
                                   pytest.param({"database": "postgres"}, id="postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_a_week_ships_invoices_and_receives_with_every_document_accepted_once(world: World) -> None:
    for as_of in world.run_times(7):
        run_day(world, as_of)
    counts = lifecycle_counts(world.units, US)
    assert counts["purchase_orders"] > 0
    assert counts["shipments"] > 0 and counts["cartons"] >= counts["shipments"]
    assert counts["asns"]["late"] == 0 and counts["asns"]["failed"] == 0
    assert counts["asns"]["on_time"] > 0
    assert counts["invoices"]["accepted"] > 0 and counts["invoices"]["rejected"] == 0
    assert counts["receipts"]["items"] > 0
    assert counts["units"]["shipped"] <= counts["units"]["accepted"]
    for kind, entries in world.ledger().items():
        for entry in entries:
            assert entry["submissions"] == 1 and entry["accepted"] <= 1, (kind, entry)


def test_every_carton_and_pallet_has_its_own_valid_sscc(world: World) -> None:
    for as_of in world.run_times(3):
        run_day(world, as_of)
    with UnitOfWork(world.db) as uow:
        labels = [c.sscc for s in uow.shipments.list(US) for c in uow.shipments.cartons(s)]
        labels += [p.sscc for s in uow.shipments.list(US) for p in uow.shipments.pallets(s)]
    assert labels and all(is_valid_sscc(x) for x in labels)
    assert [k for k, n in Counter(labels).items() if n > 1] == []


def test_rerunning_a_day_changes_nothing(world: World) -> None:
    days = world.run_times(3)
    for as_of in days:
        run_day(world, as_of)
    before = _snapshot(world)
    run_day(world, days[-1])
    assert _snapshot(world) == before


def test_acknowledgements_follow_erp_stock_and_amazon_accepts_them(world: World) -> None:
    run_day(world, world.run_times(1)[0])
    with UnitOfWork(world.db) as uow:
        pos = uow.purchase_orders.list(US)
        items = [i for po in pos for i in uow.purchase_orders.items(po)]
        acks = uow.outbox.list(kind="acknowledgement", account_code=US)
        live = [po for po in pos if any(not i.cancelled for i in uow.purchase_orders.items(po))]
    assert live and all(po.acknowledged_at is not None for po in live)
    assert all(i.accepted_qty + i.backordered_qty + i.rejected_qty == i.ordered_qty for i in items if not i.cancelled)
    # Amazon's terms: a backorder only where the PO line allows one, and always with a date
    assert all(i.backorder_allowed and i.scheduled_ship_date for i in items if i.backordered_qty)
    assert any(not i.backorder_allowed for i in items), "the sandbox orders some lines without backorders"
    sent = [item for e in acks for ack in e.payload["acknowledgements"] for item in ack["items"]]
    assert all(part["acknowledgedQuantity"]["amount"] > 0 for item in sent for part in item["itemAcknowledgements"])
    assert {e.state for e in acks} == {"accepted"}
    assert len(acks) == len(live)


def test_every_asn_and_invoice_sent_is_archived_with_its_labels(world: World) -> None:
    import json

    for as_of in world.run_times(4):
        run_day(world, as_of)
    docs = world.settings.resolved_documents_dir / US
    with UnitOfWork(world.db) as uow:
        sent = [s for s in uow.shipments.list(US) if s.status == "accepted"]
        invoices = uow.invoices.list(US)
        cartons = {s.shipment_identifier: uow.shipments.cartons(s) for s in sent}
    assert sent and invoices
    for shipment in sent:
        folder = docs / "shipments" / shipment.shipment_identifier
        [asn] = folder.glob("asn-original-*.json")
        assert json.loads(asn.read_text())["shipmentConfirmations"][0]["shipmentIdentifier"] == \
            shipment.shipment_identifier
        labels = (folder / "labels.zpl").read_text()
        assert all(c.sscc in labels for c in cartons[shipment.shipment_identifier])
    for invoice in invoices:
        html = (docs / "invoices" / invoice.invoice_number / "invoice.html").read_text()
        assert invoice.invoice_number in html and f"{invoice.total:,.2f}" in html
