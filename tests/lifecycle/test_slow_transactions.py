"""Slow transactions: Amazon takes seconds to hours to finish one, and Acorn still loses nothing.

The sandbox draws each transaction's processing time from a realistic shape compressed to
this test's scale: within a run, seconds of wall time (so some documents are still
``Processing`` when a delivery run stops waiting), and for a share of applied documents a day
or more of simulated time (so some are still ``Processing`` at the next day's run, past
Acorn's stuck limit). Over several days Acorn must leave every document accepted once,
rejected with a reason, or open with an alert, and never post one twice. Amazon's ledger is
the judge.
"""

from __future__ import annotations

import copy
from collections import Counter
from datetime import datetime, timedelta

import pytest

from acorn.sandbox.transactions import ProcessingTimes
from acorn.services import acknowledge, asns, delivery, intake, invariants, invoices, shipments
from acorn.services.outbox import SILENT_SUCCESS_NOTE
from acorn.store import UnitOfWork
from lifecycle_world import US, World

KINDS = {"acknowledgement": "acknowledgements", "shipment_confirmation": "shipmentConfirmations",
         "invoice": "invoices"}
#: realistic in shape (lognormal, capped; a share of applied documents held for long), compressed in scale:
#: ordinary times are wall seconds around a delivery run's wait; the long ones 20-40 simulated hours, so
#: the next day's run (24 h later, past the 60-minute stuck limit) finds some done and some not
COMPRESSED = ProcessingTimes(median_s=0.4, spread=1.0, cap_s=3.0, long_share=0.3, long_s=(20 * 3600, 40 * 3600))
WAIT_S = 1.0  # how long a delivery run polls before leaving the rest to the next run


def _deliver(world: World, as_of: datetime, kind: str) -> delivery.DeliveryResult:
    return delivery.deliver(world.units, world.client, account_code=US, kind=kind, as_of=as_of,
                            stuck_after=timedelta(minutes=world.settings.transaction_stuck_minutes), wait_s=WAIT_S)


def _day(world: World, as_of: datetime, *, new_work: bool = True) -> list[delivery.DeliveryResult]:
    """The daily stages (as ``lifecycle_world.services_day``, with a short wait); without new work, only delivery."""
    world.set_clock(as_of)
    account = world.settings.account(US)
    docs = world.settings.resolved_documents_dir
    results = []
    if new_work:
        intake.intake_purchase_orders(world.units, world.client, account, as_of=as_of)
        acknowledge.decide_and_queue(world.units, account, as_of=as_of)
    results.append(_deliver(world, as_of, "acknowledgement"))
    if new_work:
        shipments.plan_shipments(world.units, world.settings, account, as_of=as_of)
        asns.queue_asns(world.units, account, as_of=as_of, documents_dir=docs)
    results.append(_deliver(world, as_of, "shipment_confirmation"))
    invoices.queue_invoices(world.units, account, as_of=as_of, documents_dir=docs, settings=world.settings)
    results.append(_deliver(world, as_of, "invoice"))
    invariants.sweep(world.units, account, as_of=as_of)
    return results


def _open_rows_are_alerted(world: World) -> None:
    with UnitOfWork(world.db) as uow:
        open_alerts = {a.dedupe_key for a in uow.alerts.list(status="open")}
        for entry in uow.outbox.list():
            if entry.state not in ("accepted", "failed"):
                assert any(k.endswith(":" + entry.idempotency_key) for k in open_alerts), \
                    f"{entry.idempotency_key} is {entry.state} with no open alert"


@pytest.mark.parametrize("world", [{"processing": COMPRESSED, "processing_polls": 0}], indirect=True)
def test_slow_transactions_end_accepted_once_and_are_never_posted_twice(world: World) -> None:
    days = world.run_times(7)
    left_processing: Counter[str] = Counter()  # documents a run left Processing, by kind
    for as_of in days[:4]:
        for result in _day(world, as_of):
            left_processing.update(r.kind for r in result.reports if r.state in ("submitted", "stuck"))
        _open_rows_are_alerted(world)  # at the end of every run: nothing open that nobody is told about
    for as_of in days[4:]:  # no new work: the days it takes the slowest transactions to finish
        _day(world, as_of, new_work=False)
        _open_rows_are_alerted(world)

    ledger = {kind: {e["id"]: e for e in entries} for kind, entries in world.ledger().items()}
    with UnitOfWork(world.db) as uow:
        rows = uow.outbox.list()
        all_alerts = uow.alerts.list(status=None)
        open_alerts = uow.alerts.list(status="open")
        audit = [e for r in rows for e in uow.audit.list(entity_id=r.idempotency_key)]
        shipped = uow.shipments.list(US, statuses=["accepted"])
        billed = {s.shipment_identifier: uow.invoices.for_shipment(s.shipment_identifier) for s in shipped}

    # every document Acorn queued ends accepted (once, in Amazon's ledger) or rejected with a reason
    assert Counter(r.kind for r in rows)["invoice"] >= 3, "too few documents for the test to prove anything"
    for row in rows:
        entry = ledger[KINDS[row.kind]].get(row.business_id)
        assert entry is not None, f"{row.idempotency_key} never reached Amazon"
        assert entry["submissions"] == 1, f"{row.idempotency_key} posted {entry['submissions']} times"
        if row.state == "accepted":
            assert entry["accepted"] == 1, row.idempotency_key
        else:
            assert row.state == "failed" and row.errors and entry["accepted"] == 0, (row.idempotency_key, row.state)
    assert not [a.dedupe_key for a in open_alerts if a.kind.startswith("outbox_")], "alerts left open"
    for shipment_id, invoice in billed.items():  # every accepted ASN billed, the invoice accepted by Amazon
        assert invoice is not None and ledger["invoices"][invoice.invoice_number]["accepted"] == 1, shipment_id

    # the slow paths really ran: left Processing by a run, read back (an acknowledgement at once, an ASN
    # past the stuck limit), an invoice still Processing the next day accepted by Amazon's 15-minute rule
    assert left_processing["shipment_confirmation"] and left_processing["invoice"], left_processing
    notes = Counter((e.action, (e.detail or {}).get("note")) for e in audit)
    assert notes[("acknowledgement.accepted", "transaction still Processing; Amazon shows it applied")], notes
    assert notes[("shipment_confirmation.accepted", "transaction stuck in Processing; Amazon shows it applied")], notes
    assert notes[("invoice.accepted", SILENT_SUCCESS_NOTE)], notes
    assert not [a.dedupe_key for a in all_alerts if a.kind == "outbox_stuck" and "invoice:" in a.dedupe_key], \
        "an invoice Processing past 15 minutes is Amazon's success, never stuck"


@pytest.mark.parametrize("world", [{"processing": ProcessingTimes(median_s=60, cap_s=60), "processing_polls": 0}],
                         indirect=True)
def test_an_acknowledgement_still_processing_is_accepted_only_on_proof_and_never_reposted(world: World) -> None:
    as_of = world.run_times(1)[0]
    world.set_clock(as_of)
    account = world.settings.account(US)
    intake.intake_purchase_orders(world.units, world.client, account, as_of=as_of)
    decided = acknowledge.decide_and_queue(world.units, account, as_of=as_of).decided
    assert len(decided) >= 3
    with UnitOfWork(world.db) as uow:  # one acknowledgement Amazon will refuse: its PO is not Amazon's
        wrong = uow.outbox.list(kind="acknowledgement")[0]
        payload = copy.deepcopy(wrong.payload)
        payload["acknowledgements"][0]["purchaseOrderNumber"] = "9ZZZZZZZ"
        wrong.payload = payload
        uow.commit()
    first = delivery.deliver(world.units, world.client, account_code=US, kind="acknowledgement", as_of=as_of,
                             stuck_after=timedelta(hours=1), wait_s=0.3)
    states = {r.business_id: r.state for r in first.reports}
    # every transaction is still Processing (60 s); the PO status proves the applied ones, not the refused one
    assert states.pop(wrong.business_id) == "submitted"
    assert set(states.values()) == {"accepted"}
    later = as_of + timedelta(minutes=2)
    world.set_clock(later)
    second = delivery.deliver(world.units, world.client, account_code=US, kind="acknowledgement", as_of=later,
                              stuck_after=timedelta(hours=1), wait_s=0.3)
    [refused] = [r for r in second.reports if r.business_id == wrong.business_id]
    assert refused.state == "failed" and refused.errors[0]["code"] == "UnknownPurchaseOrder"
    acks = world.ledger()["acknowledgements"]
    assert {e["id"]: e["accepted"] for e in acks} == {**{po: 1 for po in states}, "9ZZZZZZZ": 0}
    assert {e["submissions"] for e in acks} == {1}


@pytest.mark.parametrize("world", [{"processing": "documented"}], indirect=True)
def test_with_amazons_documented_answers_acknowledgements_and_invoices_end_accepted_without_success(
        world: World) -> None:
    """Amazon never answers Success for acknowledgements and invoices: proof or its 15-minute rule settles them."""
    days = world.run_times(4)
    for as_of in days[:3]:
        _day(world, as_of)
    _day(world, days[3], new_work=False)
    settled = days[3] + timedelta(minutes=20)  # the last day's invoices, past Amazon's 15 minutes
    world.set_clock(settled)
    _deliver(world, settled, "invoice")
    ledger = {kind: {e["id"]: e for e in entries} for kind, entries in world.ledger().items()}
    with UnitOfWork(world.db) as uow:
        rows = [r for r in uow.outbox.list() if r.kind in ("acknowledgement", "invoice")]
        notes = {r.idempotency_key: [e.detail.get("note") for e in uow.audit.list(entity_id=r.idempotency_key)
                                     if e.action.endswith(".accepted")] for r in rows}
        stuck = [a.dedupe_key for a in uow.alerts.list(status=None) if a.kind == "outbox_stuck"]
    invoices_rows = [r for r in rows if r.kind == "invoice"]
    assert len(invoices_rows) >= 3 and stuck == []
    for row in rows:
        assert row.state == "accepted", (row.idempotency_key, row.state, row.errors)
        assert ledger[KINDS[row.kind]][row.business_id]["accepted"] == 1
        assert ledger[KINDS[row.kind]][row.business_id]["submissions"] == 1
    assert {n for r in invoices_rows for n in notes[r.idempotency_key]} == {SILENT_SUCCESS_NOTE}
