"""Acknowledgements: decided from ERP stock, queued once, delivered once, lost answers read back."""

from __future__ import annotations

from .world import US, World


def test_acknowledgements_follow_erp_stock_and_amazon_accepts_each_once(world: World) -> None:
    as_of = world.run_times(1)[0]
    queued = world.acknowledge(as_of)
    delivered = world.deliver("acknowledgement", as_of)
    with world.units() as uow:
        pos = uow.purchase_orders.list(US)
        items = [i for po in pos for i in uow.purchase_orders.items(po)]
        acks = uow.outbox.list(kind="acknowledgement", account_code=US)
        live = [po for po in pos if any(not i.cancelled for i in uow.purchase_orders.items(po))]
    assert live and sorted(queued.decided) == sorted(po.po_number for po in live)
    assert all(po.acknowledged_at is not None for po in live)
    assert all(i.accepted_qty + i.backordered_qty + i.rejected_qty == i.ordered_qty for i in items if not i.cancelled)
    # Amazon's terms: a backorder only where the PO line allows one, and always with a date
    assert all(i.backorder_allowed and i.scheduled_ship_date for i in items if i.backordered_qty)
    sent = [item for e in acks for ack in e.payload["acknowledgements"] for item in ack["items"]]
    assert all(part["acknowledgedQuantity"]["amount"] > 0 for item in sent for part in item["itemAcknowledgements"])
    assert {e.state for e in acks} == {"accepted"} and delivered.count("accepted") == len(acks) == len(live)
    ledger = {e["id"]: e for e in world.amazon.ledger()["acknowledgements"]}
    assert {po.po_number for po in live} == set(ledger)
    assert all((e["submissions"], e["accepted"]) == (1, 1) for e in ledger.values())


def test_a_decision_is_queued_once_and_sent_once(world: World) -> None:
    as_of = world.run_times(1)[0]
    first = world.acknowledge(as_of)
    again = world.acknowledge(as_of)
    assert first.decided and again.decided == [] and again.outbox_keys == []
    world.deliver("acknowledgement", as_of)
    posted = world.amazon.requests()["submitAcknowledgement"]
    assert world.deliver("acknowledgement", as_of).reports == []  # nothing left to send
    assert world.amazon.requests()["submitAcknowledgement"] == posted == len(first.decided)


def test_lost_answers_are_read_back_by_the_next_round_and_never_posted_again(world: World) -> None:
    as_of = world.run_times(1)[0]
    queued = len(world.acknowledge(as_of).decided)
    world.amazon.faults(drop_after_commit_rate=1.0)  # Amazon applies every POST, and no answer comes back
    first = world.deliver("acknowledgement", as_of)
    assert len(first.retryable) == queued == first.count("unknown")  # every answer lost: none re-posted blind
    assert first.work_left == queued  # a read-back each
    world.amazon.faults()
    second = world.deliver("acknowledgement", as_of)
    assert second.work_left == 0 and second.count("accepted") == queued
    ledger = {e["id"]: e for e in world.amazon.ledger()["acknowledgements"]}
    assert all(ledger[r.business_id]["submissions"] == 1 for r in second.reports)  # read back, not posted again
