"""The courier moves a batch of documents with a bounded number of SQL statements, and stays safe.

A fake Amazon answers every POST with a transaction id and every getTransaction with
Success, so what is counted is the store's work alone (``acorn.bench_day.StatementCounter``),
on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa

from acorn.bench_day import StatementCounter
from acorn.services.outbox import POSTS_PER_RECORD, OutboxCourier, enqueue
from acorn.store import UnitOfWork
from acorn.store.db import engine_for
from acorn.store.uow import units
from schemas.tables import OutboxEntry

NOW = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


class FakeAmazon:
    """Accepts every acknowledgement; ``during_post`` runs inside the POST of the document it names."""

    def __init__(self, during_post: dict[str, Any] | None = None) -> None:
        self.posted: list[str] = []
        self.during_post = during_post or {}

    def submit_acknowledgement(self, payload: dict[str, Any]) -> str:
        po = payload["acknowledgements"][0]["purchaseOrderNumber"]
        self.posted.append(po)
        if po in self.during_post:
            self.during_post[po]()
        return f"tx-{po}"

    def get_transaction(self, transaction_id: str) -> Any:
        return SimpleNamespace(status="Success", errors=[])


def _queue(url: str, numbers: range, *, state: str = "pending") -> list[str]:
    keys = []
    with UnitOfWork(url) as uow:
        for n in numbers:
            entry, _ = enqueue(uow, kind="acknowledgement", key=f"ack:ACRNUS:PO{n:05d}", account_code="ACRNUS",
                               business_id=f"PO{n:05d}",
                               payload={"acknowledgements": [{"purchaseOrderNumber": f"PO{n:05d}"}]})
            entry.state = state
            keys.append(entry.idempotency_key)
        uow.commit()
    return keys


def _courier(url: str, amazon: FakeAmazon, worker: str = "worker-a") -> OutboxCourier:
    return OutboxCourier(units(url), amazon, now=NOW, stuck_after=timedelta(hours=1), wait_s=0.0, poll_interval_s=0.0,
                         worker=worker)


def _statements_to_deliver(url: str, keys: list[str]) -> int:
    with StatementCounter(engine_for(url)) as counter:
        reports = _courier(url, FakeAmazon()).deliver_all(keys)
    assert {r.state for r in reports} == {"accepted"}
    return counter.count


def test_a_batch_ten_times_larger_costs_a_few_statements_per_chunk_not_per_document(migrated_url: str) -> None:
    small = _statements_to_deliver(migrated_url, _queue(migrated_url, range(0, 5)))
    large = _statements_to_deliver(migrated_url, _queue(migrated_url, range(100, 200)))
    extra_chunks = -(-100 // POSTS_PER_RECORD) - 1
    assert small <= 20
    # per further chunk of POSTS_PER_RECORD posts: ~5 statements to mark and record its POSTs, ~4 to
    # record the acceptances of the transactions read between them (the reads go beside the POSTs)
    assert large <= small + 10 * extra_chunks


def test_a_long_history_of_delivered_documents_costs_nothing_more(migrated_url: str) -> None:
    first = _statements_to_deliver(migrated_url, _queue(migrated_url, range(0, 5)))
    _queue(migrated_url, range(1000, 1500), state="accepted")
    again = _statements_to_deliver(migrated_url, _queue(migrated_url, range(5, 10)))
    assert again == first


def test_every_move_leaves_its_audit_row_and_each_document_is_posted_once(migrated_url: str) -> None:
    keys = _queue(migrated_url, range(0, 30))
    amazon = FakeAmazon()
    _courier(migrated_url, amazon).deliver_all(keys)
    _courier(migrated_url, amazon).deliver_all(keys)  # a rerun finds the work done
    assert sorted(amazon.posted) == [f"PO{n:05d}" for n in range(30)]
    with UnitOfWork(migrated_url) as uow:
        actions = [e.action for e in uow.audit.list(entity_id=keys[17])]
        entry = uow.outbox.get(keys[17])
    assert actions == ["acknowledgement.queued", "acknowledgement.sending", "acknowledgement.submitted",
                       "acknowledgement.accepted"]
    assert (entry.transaction_id, entry.attempts, entry.lease_owner) == ("tx-PO00017", 1, None)
    assert entry.applied_at == NOW and entry.completed_at == NOW


def test_a_row_taken_over_during_its_chunk_is_not_overwritten_by_the_batch_record(migrated_url: str) -> None:
    keys = _queue(migrated_url, range(0, 6))

    def another_worker_takes_po3() -> None:  # as if our lease had expired and another run claimed the row
        with engine_for(migrated_url).begin() as conn:
            conn.execute(sa.update(OutboxEntry).where(OutboxEntry.idempotency_key == keys[3])
                         .values(lease_owner="worker-b", version=OutboxEntry.version + 1))

    reports = _courier(migrated_url, FakeAmazon(during_post={"PO00003": another_worker_takes_po3})).deliver_all(keys)
    states = {r.key: r.state for r in reports}
    assert states.pop(keys[3]) == "sending"  # worker-b finds it mid-submission and reads it back
    assert set(states.values()) == {"accepted"}
    with UnitOfWork(migrated_url) as uow:
        taken = uow.outbox.get(keys[3])
    assert (taken.lease_owner, taken.transaction_id) == ("worker-b", None)


def test_compare_and_set_many_moves_only_the_rows_still_as_read_and_sets_each_its_own_value(
        migrated_url: str) -> None:
    keys = _queue(migrated_url, range(0, 3))
    with UnitOfWork(migrated_url) as uow:
        rows = uow.outbox.claim(keys, owner="me", until=NOW, states=["pending"], may_take=lambda e: True)
        uow.commit()
    stale = rows[1].model_copy(update={"version": rows[1].version - 1})
    with UnitOfWork(migrated_url) as uow:
        moved = uow.outbox.compare_and_set_many(
            [(rows[0], {"transaction_id": "t0", "posted_at": NOW}), (stale, {"transaction_id": "t1"}),
             (rows[2], {"transaction_id": "t2", "posted_at": NOW + timedelta(hours=2)})],
            state="submitted", owner="me", lease_until=NOW)
        uow.commit()
    assert [(m.idempotency_key, m.transaction_id, m.state, m.posted_at) for m in moved] == [
        (keys[0], "t0", "submitted", NOW), (keys[2], "t2", "submitted", NOW + timedelta(hours=2))]
    with UnitOfWork(migrated_url) as uow:
        assert (uow.outbox.get(keys[1]).state, uow.outbox.get(keys[1]).transaction_id) == ("pending", None)


class SlowAmazon(FakeAmazon):
    """Every transaction answers Processing: counts the reads of each."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: dict[str, int] = {}

    def get_transaction(self, transaction_id: str) -> Any:
        self.reads[transaction_id] = self.reads.get(transaction_id, 0) + 1
        return SimpleNamespace(status="Processing", errors=[])


def test_a_transaction_still_processing_is_read_at_growing_intervals_not_every_round(sqlite_url: str) -> None:
    from acorn.store import upgrade

    upgrade(sqlite_url)
    keys = _queue(sqlite_url, range(0, 3))
    amazon = SlowAmazon()
    courier = OutboxCourier(units(sqlite_url), amazon, now=NOW, stuck_after=timedelta(hours=1), wait_s=1.0,
                            poll_interval_s=0.05, worker="worker-a")
    reports = courier.deliver_all(keys)
    assert {r.state for r in reports} == {"submitted"}
    # reads at 0, .05, .15, .35, .75 s (the next would be 1.55 s, past the wait) and the final round's:
    # at most 6, where a read every 50 ms would have made ~20
    assert set(amazon.reads) == {f"tx-PO0000{n}" for n in range(3)}
    assert max(amazon.reads.values()) <= 6


def test_delivery_reads_the_open_rows_of_a_kind_through_an_index_not_its_whole_history(sqlite_url: str) -> None:
    from acorn.domain.documents import DELIVERABLE
    from acorn.store import upgrade

    upgrade(sqlite_url)
    _queue(sqlite_url, range(0, 50), state="accepted")
    open_keys = _queue(sqlite_url, range(50, 53))
    sent: list[tuple[str, Any]] = []
    engine = engine_for(sqlite_url)

    def keep(_conn: Any, _cursor: Any, sql: str, params: Any, *_: Any) -> None:
        sent.append((sql, params))

    sa.event.listen(engine, "before_cursor_execute", keep)
    try:
        with UnitOfWork(sqlite_url) as uow:
            assert uow.outbox.open_keys(kind="acknowledgement", states=DELIVERABLE, account_code="ACRNUS") == open_keys
    finally:
        sa.event.remove(engine, "before_cursor_execute", keep)
    [(sql, params)] = sent
    with engine.connect() as conn:
        plan = " ".join(row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
    # ix_outbox_kind_state, or a day-window index that starts with the account, kind and state
    assert re.search(r"USING (COVERING )?INDEX ix_outbox_\w+ \((account_code=\? AND )?kind=\? AND state=\?", plan), plan
