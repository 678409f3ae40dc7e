"""The running totals counted by the database equal the same counts made row by row in Python.

The store is two days of both accounts, then a few rows moved into the states the days did not
reach (a late acknowledgement and ASN, a failed and a needs-review ASN, a rejected invoice, a
resolved alert), so every branch of every count is exercised.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from acorn.domain.deadlines import acknowledgement_is_on_time, asn_is_on_time
from acorn.services.asns import gate_alert_key
from acorn.services.summary import lifecycle_counts, lifecycle_counts_by_account
from acorn.store import UnitOfWork
from acorn.store.uow import units
from lifecycle_world import US, World, cut_a_packed_line, run_day
from schemas.tables import (
    Acknowledgement,
    Alert,
    Carton,
    GoodsReceipt,
    Invoice,
    OutboxEntry,
    Pallet,
    PurchaseOrder,
    PurchaseOrderItem,
    Shipment,
)

CA = "ACRNCA"


def recount(database_url: str, account: str | None) -> dict[str, Any]:
    """The counts the slow way: every row loaded, each judged in Python."""
    with UnitOfWork(database_url) as uow:
        s = uow.outbox.session

        def rows(table: Any, column: Any = None) -> list[Any]:
            column = table.account_code if column is None else column
            return list(s.exec(select(table).where(column == account) if account else select(table)).all())

        items = [i for i, po in s.exec(select(PurchaseOrderItem, PurchaseOrder).join(PurchaseOrder)).all()
                 if account in (None, po.account_code)]
        shipments, alerts, outbox, invoices = rows(Shipment), rows(Alert), rows(OutboxEntry), rows(Invoice)
        receipts, acks = rows(GoodsReceipt), [e for e in outbox if e.kind == "acknowledgement"]
        deadlines = {a.outbox_key: a.deadline for a in rows(Acknowledgement)}
        ship_ids = {sh.id for sh in shipments}
        cartons = sum(c.shipment_id in ship_ids for c in s.exec(select(Carton)).all())
        pallets = sum(p.shipment_id in ship_ids for p in s.exec(select(Pallet)).all())
        return {
            "purchase_orders": len(rows(PurchaseOrder)),
            "items": {"total": len(items), **{k: sum(getattr(i, f"{k}_qty") > 0 for i in items)
                                              for k in ("accepted", "backordered", "rejected")},
                      "cancelled": sum(bool(i.cancelled) for i in items)},
            "units": {k: sum(getattr(i, f"{k}_qty") for i in items)
                      for k in ("ordered", "accepted", "backordered", "rejected", "shipped", "received", "invoiced")},
            "acknowledgements": {
                "accepted": sum(e.state == "accepted" for e in acks), "failed": sum(e.state == "failed" for e in acks),
                "open": sum(e.state not in ("accepted", "failed") for e in acks),
                "late": sum(e.state == "accepted" and e.applied_at is not None
                            and deadlines.get(e.idempotency_key) is not None
                            and not acknowledgement_is_on_time(e.applied_at, deadlines[e.idempotency_key])
                            for e in acks)},
            "shipments": len(shipments), "cartons": cartons, "pallets": pallets,
            "asns": asn_buckets(shipments, {a.dedupe_key for a in alerts if a.status == "open"}),
            "invoices": {"accepted": sum(i.status == "accepted" for i in invoices),
                         "rejected": sum(i.status == "failed" for i in invoices),
                         "open": sum(i.status not in ("accepted", "failed") for i in invoices),
                         "billed": str(sum((i.total for i in invoices if i.status == "accepted"), start=0))},
            "receipts": {"items": len(receipts), "fully_received": sum(
                r.receive_status.upper().replace("_", "") == "RECEIVED" for r in receipts)},
            "alerts": {"open": sum(a.status == "open" for a in alerts), "total": len(alerts),
                       "by_kind": dict(sorted(Counter(a.kind for a in alerts if a.status == "open").items()))},
            "submissions": {"posts": sum(e.attempts for e in outbox), "documents": len(outbox)},
        }


def asn_buckets(shipments: list[Shipment], held: set[str]) -> dict[str, int]:
    asn = dict.fromkeys(("on_time", "late", "failed", "needs_review", "held", "pending"), 0)
    for sh in shipments:
        if sh.status == "accepted":
            on_time = sh.asn_submitted_at is not None and asn_is_on_time(sh.asn_submitted_at, sh.asn_deadline)
            asn["on_time" if on_time else "late"] += 1
        elif sh.status in ("failed", "needs_review"):
            asn[sh.status] += 1
        else:
            asn["held" if gate_alert_key(sh) in held else "pending"] += 1
    return asn


def move_a_few_rows_into_the_other_states(database_url: str) -> None:
    """The states two good days do not reach, one row each, so every branch is counted."""
    with UnitOfWork(database_url) as uow:
        s = uow.outbox.session
        accepted = s.exec(select(Shipment).where(Shipment.status == "accepted").order_by(Shipment.id)).all()
        accepted[0].asn_submitted_at = accepted[0].asn_deadline + timedelta(minutes=1)  # late
        accepted[1].status, accepted[2].status = "failed", "needs_review"
        ack = s.exec(select(OutboxEntry).where(OutboxEntry.kind == "acknowledgement",
                                               OutboxEntry.state == "accepted").order_by(OutboxEntry.id)).first()
        deadline = s.exec(select(Acknowledgement.deadline)
                          .where(Acknowledgement.outbox_key == ack.idempotency_key)).one()
        ack.applied_at = deadline + timedelta(seconds=1)
        s.exec(select(Invoice).where(Invoice.status == "accepted").order_by(Invoice.id)).first().status = "failed"
        s.exec(select(Alert).where(Alert.status == "open").order_by(Alert.id)).first().status = "resolved"
        uow.commit()


@pytest.fixture
def two_days_of_both_accounts(world: World) -> World:
    first, second = world.run_times(2)
    for account in (US, CA):
        run_day(world, first, account)
    cut_a_packed_line(world, second)  # one ASN held back by the quality gate
    for account in (US, CA):
        run_day(world, second, account)
    move_a_few_rows_into_the_other_states(world.db)
    return world


def test_the_database_counts_equal_the_counts_made_row_by_row(two_days_of_both_accounts: World) -> None:
    db = two_days_of_both_accounts.db
    by_account = lifecycle_counts_by_account(units(db), [US, CA, "NOSUCH"])
    for account in (None, US, CA):
        expected = recount(db, account)
        assert lifecycle_counts(units(db), account) == expected, account
        assert by_account[account] == expected, account
    assert by_account["NOSUCH"] == lifecycle_counts(units(db), "NOSUCH") == recount(db, "NOSUCH")
    every = by_account[None]
    # the store reached every state counted, so the comparison above covers every branch
    assert every["asns"]["late"] and every["asns"]["failed"] and every["asns"]["needs_review"]
    assert every["asns"]["held"] and every["acknowledgements"]["late"] and every["invoices"]["rejected"]
    assert every["alerts"]["open"] < every["alerts"]["total"] and every["pallets"] >= 0


def _day_report_cost(world: World, as_of: Any) -> tuple[int, Counter]:
    """SQL statements of the day report step (report and dashboard), and the store rows it loaded, by table."""
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from acorn.bench_day import StatementCounter
    from acorn.services.daily_report import day_report, write_dashboard
    from acorn.store.db import engine_for

    loaded: Counter = Counter()

    def seen(_session: Any, instance: Any) -> None:
        loaded[type(instance).__name__] += 1

    sa.event.listen(Session, "loaded_as_persistent", seen)
    try:
        with StatementCounter(engine_for(world.db)) as counter:
            write_dashboard(world.units, world.settings, as_of, day_report(world.units, world.settings, as_of))
    finally:
        sa.event.remove(Session, "loaded_as_persistent", seen)
    return counter.count, loaded


def test_the_day_reports_statements_do_not_grow_with_history(world: World) -> None:
    days = world.run_times(4)
    run_day(world, days[0])
    statements, loaded = _day_report_cost(world, days[0])
    for as_of in days[1:]:
        run_day(world, as_of)
    more_statements, more_loaded = _day_report_cost(world, days[-1])
    assert more_statements == statements
    # history is aggregated in the database: only open rows come back whole (open alerts, open shipments)
    assert set(loaded) | set(more_loaded) <= {"Alert", "Shipment"}
    assert lifecycle_counts(world.units, US)["shipments"] > more_loaded["Shipment"]
