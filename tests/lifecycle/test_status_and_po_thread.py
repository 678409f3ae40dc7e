"""`acorn status` and `acorn po` read a store filled by the real lifecycle against the sandbox."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from acorn.services import acknowledge, asns, delivery, intake, shipments
from acorn.services.po_thread import po_thread
from acorn.services.status import day_status
from acorn.services.summary import lifecycle_counts
from acorn.store import UnitOfWork
from lifecycle_world import US, World, run_day

ACORN = str(Path(sys.executable).with_name("acorn"))
SECOND = timedelta(seconds=1)
ON_BOTH_DATABASES = pytest.mark.parametrize(
    "world", [pytest.param({}, id="sqlite"),
              pytest.param({"database": "postgres"}, id="postgres", marks=pytest.mark.postgres)], indirect=True)


def _deliver(world: World, kind: str, as_of: datetime) -> None:
    world.set_clock(as_of)
    delivery.deliver(world.units, world.client, account_code=US, kind=kind, as_of=as_of, stuck_after=timedelta(hours=1))


def _acorn(world: World, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "ACORN_DATABASE_URL": world.db,
           "ACORN_HOME": str(tmp_path / "cli-home"), "COLUMNS": "200", "PYTHONPATH": str(Path(__file__).parents[2])}
    return subprocess.run([ACORN, *args], capture_output=True, text=True, timeout=120, env=env)


@ON_BOTH_DATABASES
def test_new_purchase_orders_are_listed_by_acknowledgement_deadline_until_amazon_accepts(world: World) -> None:
    t0 = world.run_times(1)[0]
    world.set_clock(t0)
    intake.intake_purchase_orders(world.units, world.client, world.settings.account(US), as_of=t0)
    with UnitOfWork(world.db) as uow:
        pos = {po.po_number: po for po in uow.purchase_orders.list(US)
               if any(not i.cancelled for i in uow.purchase_orders.items(po))}
    assert pos, "the sandbox issued purchase orders"
    day = day_status(world.units, as_of=t0, account_code=US)
    assert {r.po_number for r in day.purchase_orders} == set(pos)
    assert all(r.deadline == pos[r.po_number].order_date + timedelta(hours=24) for r in day.purchase_orders)
    assert all(r.acknowledgement == "not decided" for r in day.purchase_orders)

    first = day.purchase_orders[0]  # sorted by deadline
    buckets = {when: day_status(world.units, as_of=when, account_code=US).purchase_orders[0].bucket
               for when in (first.deadline - timedelta(hours=4), first.deadline - timedelta(hours=4) + SECOND,
                            first.deadline, first.deadline + SECOND)}
    assert list(buckets.values()) == ["later", "due_soon", "due_soon", "overdue"]
    overdue = day_status(world.units, as_of=first.deadline + SECOND, account_code=US)
    assert overdue.acknowledgement_counts()["overdue"] == sum(
        po.order_date + timedelta(hours=24) < first.deadline + SECOND for po in pos.values())

    acknowledge.decide_and_queue(world.units, world.settings.account(US), as_of=t0)
    queued = day_status(world.units, as_of=t0, account_code=US)
    assert {r.acknowledgement for r in queued.purchase_orders} == {"pending"}
    assert {t.kind for t in queued.transactions} == {"acknowledgement"} and len(queued.transactions) == len(pos)
    _deliver(world, "acknowledgement", t0)
    done = day_status(world.units, as_of=t0, account_code=US)
    assert done.purchase_orders == [] and done.transactions == []


@ON_BOTH_DATABASES
def test_a_shipment_moves_from_waiting_for_the_truck_to_accepted(world: World) -> None:
    t0 = world.run_times(1)[0]
    account = world.settings.account(US)
    world.set_clock(t0)
    intake.intake_purchase_orders(world.units, world.client, account, as_of=t0)
    acknowledge.decide_and_queue(world.units, account, as_of=t0)
    _deliver(world, "acknowledgement", t0)
    shipments.plan_shipments(world.units, world.settings, account, as_of=t0)
    with UnitOfWork(world.db) as uow:
        planned = uow.shipments.list(US)
    assert planned
    sh = planned[0]

    def standing(when: datetime) -> tuple[str, timedelta | None]:
        row = next(r for r in day_status(world.units, as_of=when, account_code=US).shipments
                   if r.shipment_identifier == sh.shipment_identifier)
        return row.bucket, row.time_left

    assert standing(sh.departure - SECOND) == ("waiting_for_truck", sh.asn_deadline - sh.departure + SECOND)
    assert standing(sh.departure) == ("due", sh.asn_deadline - sh.departure)
    assert standing(sh.asn_deadline + SECOND) == ("late", -SECOND)  # overdue, nothing sent

    sent_at = sh.departure + timedelta(minutes=5)
    world.set_clock(sent_at)
    asns.queue_asns(world.units, account, as_of=sent_at)
    assert standing(sh.asn_deadline + SECOND)[0] == "in_flight"  # queued: judged when Amazon answers
    pending = day_status(world.units, as_of=sent_at, account_code=US).transactions
    assert f"asn:{sh.shipment_identifier}:r0" in {t.key for t in pending}
    assert all(t.state == "pending" and timedelta(0) <= t.age < timedelta(minutes=5) for t in pending)

    _deliver(world, "shipment_confirmation", sent_at)
    day = day_status(world.units, as_of=sent_at, account_code=US)
    # accepted with no alert open: history, so counted below but no longer listed
    assert sh.shipment_identifier not in {r.shipment_identifier for r in day.shipments}
    counts = lifecycle_counts(world.units, US)["asns"]
    assert day.asn_counts()["accepted"] == counts["on_time"] == len(planned)
    assert day.transactions == []

    with UnitOfWork(world.db) as uow:
        po_number = uow.shipments.lines(sh)[0].po_number
    thread = po_thread(world.units, po_number, as_of=sent_at, account_code=US)
    ours = next(s for s in thread.shipments if s["shipment_identifier"] == sh.shipment_identifier)
    assert ours["asn"]["standing"] == "accepted" and ours["asn"]["submitted_at"] == sent_at
    assert ours["asn"]["outbox_state"] == "accepted" and ours["asn"]["late"] is False
    assert thread.invoices == [] and thread.acknowledgement["outbox_state"] == "accepted"


def test_status_and_a_po_thread_after_four_days_agree_with_the_store(world: World, tmp_path: Path) -> None:
    days = world.run_times(4)
    for as_of in days:
        run_day(world, as_of)
    last = days[-1]
    day = day_status(world.units, as_of=last)
    counts = lifecycle_counts(world.units)
    asn = day.asn_counts()
    assert asn["accepted"] == counts["asns"]["on_time"] > 0
    assert asn["held"] == counts["asns"]["held"] and asn["failed"] == counts["asns"]["failed"]
    unsent = asn["waiting_for_truck"] + asn["due"] + asn["in_flight"]
    assert unsent + sum(r.bucket == "late" and r.status != "accepted" for r in day.shipments) \
        == counts["asns"]["pending"]
    assert day.alert_counts() == _open_alerts_by_severity(world)

    with UnitOfWork(world.db) as uow:
        invoice = uow.invoices.list(US, statuses=["accepted"])[0]
        line = uow.invoices.lines(invoice)[0]
        po_number = line.po_number
        po = uow.purchase_orders.get(US, po_number)
        items = uow.purchase_orders.items(po)
        ours = [s for s in uow.shipments.list(US) if any(ln.po_number == po_number for ln in uow.shipments.lines(s))]
        cartons = {s.shipment_identifier: [c.sscc for c in uow.shipments.cartons(s)
                                           if any(i["po_number"] == po_number for i in c.items)] for s in ours}
        billed = sum((ln.amount for inv in uow.invoices.list(US) for ln in uow.invoices.lines(inv)
                      if ln.po_number == po_number), Decimal("0"))
        ack_entry = uow.outbox.get(acknowledge.ack_key(US, po_number))
        receipts = [r for r in uow.receipts.list(US) if r.po_number == po_number]
        named_alerts = [a for a in uow.alerts.list(account_code=US, status=None)
                        if po_number in a.subject or any(s.shipment_identifier in a.subject for s in ours)]
    thread = po_thread(world.units, po_number, as_of=last)
    assert thread is not None and len(thread.lines) == len(items)
    assert thread.acknowledgement["outbox_state"] == "accepted"
    assert thread.acknowledgement["transaction_id"] == ack_entry.transaction_id
    assert {s["shipment_identifier"]: s["carton_ssccs"] for s in thread.shipments} == cartons
    assert all(s["asn"]["standing"] == "accepted" and s["asn"]["late"] is False for s in thread.shipments)
    assert sum(i["amount_for_this_po"] for i in thread.invoices) == billed
    assert sum(s["units_of_this_po"] for s in thread.shipments) == sum(i.shipped_qty for i in items)
    by_line = {i.item_sequence: i for i in items}
    assert {r["item_sequence"] for r in thread.receipts} == {i.item_sequence for i in items if i.shipped_qty} | {
        r.item_sequence for r in receipts}
    assert all(r["received"] == by_line[r["item_sequence"]].received_qty and r["not_received"] == max(
        r["shipped"] - r["received"] - r["damaged"], 0) for r in thread.receipts)
    assert {a.id for a in thread.alerts} >= {a.id for a in named_alerts} and named_alerts

    shown = json.loads(_acorn(world, tmp_path, "po", po_number, "--json", "--as-of", last.isoformat()).stdout)
    assert shown["purchase_order"]["po_number"] == po_number
    assert [s["cartons"] for s in shown["shipments"]] == [len(v) for v in cartons.values()]
    assert sum(Decimal(i["amount_for_this_po"]) for i in shown["invoices"]) == billed
    every = _acorn(world, tmp_path, "po", po_number, "--all").stdout
    assert all(sscc in every for ssccs in cartons.values() for sscc in ssccs)
    first_sscc = next(iter(cartons.values()))[0]
    assert first_sscc not in _acorn(world, tmp_path, "po", po_number).stdout  # SSCCs only with --all
    unknown = _acorn(world, tmp_path, "po", "NOPE0000")
    assert unknown.returncode == 1 and "no purchase order NOPE0000" in unknown.stdout

    status = json.loads(_acorn(world, tmp_path, "status", "--json", "--as-of", last.isoformat()).stdout)
    assert status["asns"] == asn and status["alerts"] == day.alert_counts()
    rows = list(csv.DictReader(io.StringIO(_acorn(world, tmp_path, "status", "--csv", "--as-of",
                                                  last.isoformat()).stdout)))
    assert sum(r["section"] == "shipment" for r in rows) == len(day.shipments)
    table = _acorn(world, tmp_path, "status", "--as-of", last.isoformat())
    assert table.returncode == 0 and f"accepted {asn['accepted']}" in table.stdout


def _open_alerts_by_severity(world: World) -> dict[str, int]:
    with UnitOfWork(world.db) as uow:
        alerts = uow.alerts.list(status="open")
    found: dict[str, int] = {}
    for a in alerts:
        found[a.severity] = found.get(a.severity, 0) + 1
    return found
