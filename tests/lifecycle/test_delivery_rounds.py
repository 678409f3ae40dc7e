"""Delivery in rounds: a round stops when its time budget is spent, and the next one picks up the rest.

At Amazon's real rates (the sandbox at rate scale 1: 10 acknowledgements a second, burst 10)
the first chunk of 25 POSTs takes at least 1.5 s, so a round with 1 s for posting posts exactly
one chunk whatever the machine; the rows it did not reach stay pending and untouched. Rounds
then run until none is left, and Amazon's ledger shows every acknowledgement accepted once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest

from acorn.services import acknowledge, delivery, intake
from acorn.services.outbox import POSTING_SHARE, POSTS_PER_RECORD
from acorn.spapi import SpApiClient
from acorn.store import UnitOfWork
from lifecycle_world import US, World

BUDGET_S = 1.0 / POSTING_SHARE  # 1 s of posting: less than one chunk takes at 10 POSTs a second


def _acknowledgements_queued(world: World) -> tuple[datetime, int]:
    """The first run's business time, with that day's POs fetched and their acknowledgements queued."""
    as_of = world.run_times(1)[0]
    world.set_clock(as_of)
    account = world.settings.account(US)
    intake.intake_purchase_orders(world.units, world.client, account, as_of=as_of)
    return as_of, len(acknowledge.decide_and_queue(world.units, account, as_of=as_of).decided)


def _round(world: World, as_of) -> delivery.DeliveryResult:
    return delivery.deliver(world.units, world.client, account_code=US, kind="acknowledgement", as_of=as_of,
                            stuck_after=timedelta(minutes=60), wait_s=1.0, budget_s=BUDGET_S)


@pytest.mark.parametrize("world", [{"rate_scale": 1.0, "pos_per_day": 12}], indirect=True)
def test_a_round_stops_at_its_budget_and_the_next_rounds_deliver_the_rest_once(world: World) -> None:
    as_of, queued = _acknowledgements_queued(world)
    assert queued > POSTS_PER_RECORD + 5  # more than one chunk, or the budget is never reached

    first = _round(world, as_of)
    with UnitOfWork(world.db) as uow:
        rows = [uow.outbox.get(r.key) for r in first.reports]
    posted = [r for r in rows if r.attempts]
    assert len(posted) == POSTS_PER_RECORD  # one chunk: the budget stopped the second before it started
    untouched = [r for r in rows if not r.attempts]
    assert {r.state for r in untouched} == {"pending"} and all(r.posted_at is None for r in untouched)
    assert {r.idempotency_key for r in untouched} <= set(first.deferred)
    assert not first.retryable  # deferred is not a failure: no task retry, the next round

    rounds, work_left = 1, first.work_left
    assert work_left >= 2 * len(untouched)  # each unposted row still wants a POST and a read
    while work_left:  # it falls every round (asserted), so the loop ends
        rounds += 1
        following = _round(world, as_of)
        assert following.work_left < work_left, f"round {rounds} moved nothing forward"
        work_left = following.work_left

    with UnitOfWork(world.db) as uow:
        keys = [r.key for r in first.reports]
        stored = uow.outbox.by_keys(keys)
    assert {r.state for r in stored.values()} <= {"accepted", "submitted"}
    assert all(r.attempts == 1 for r in stored.values())  # nothing posted twice, nothing left unposted
    ledger = world.ledger()["acknowledgements"]
    pos = {r.business_id for r in stored.values()}
    assert {e["id"] for e in ledger} >= pos
    assert all(e["submissions"] == 1 for e in ledger if e["id"] in pos)


class _Recording(httpx.HTTPTransport):
    """The order in which calls reached the sandbox."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.calls.append((request.method, request.url.path))
        return super().handle_request(request)


@pytest.mark.parametrize("world", [{"rate_scale": 1.0, "pos_per_day": 12}], indirect=True)
def test_transactions_are_read_between_the_posts_on_their_own_usage_plan(world: World) -> None:
    as_of, queued = _acknowledgements_queued(world)
    assert queued > POSTS_PER_RECORD + 5
    route, transport = world.settings.route(world.settings.account(US)), _Recording()
    with SpApiClient(base_url=route.base_url, credentials=route.credentials(), token_url=route.token_url,
                     transport=transport) as client:
        result = delivery.deliver(world.units, client, account_code=US, kind="acknowledgement", as_of=as_of,
                                  stuck_after=timedelta(minutes=60), wait_s=30.0)

    calls = [(method, path) for method, path in transport.calls if path.startswith("/vendor/")]
    posts = [n for n, (method, _) in enumerate(calls) if method == "POST"]
    reads = [n for n, (_, path) in enumerate(calls) if "/transactions/" in path]
    assert len(posts) == queued
    # the first chunk's transactions are read while the second chunk is posted: a read after each POST
    second_chunk = posts[POSTS_PER_RECORD:]
    assert sum(second_chunk[0] < n < second_chunk[-1] for n in reads) >= len(second_chunk) - 1
    assert result.count("accepted") == queued and not result.deferred
    ledger = {e["id"]: e for e in world.ledger()["acknowledgements"]}
    assert all(ledger[r.business_id]["submissions"] == 1 for r in result.reports)


def test_rounds_go_on_while_each_leaves_less_for_the_next() -> None:
    def rounds(work_left_after_each: list[int]) -> list[int]:
        left = iter(work_left_after_each)
        return list(delivery.in_rounds(lambda: next(left), lambda work_left: work_left))

    assert rounds([0]) == [0]
    assert rounds([60, 35, 10, 0]) == [60, 35, 10, 0]
    assert rounds([60, 60, 0]) == [60, 60]  # a round that moved nothing forward ends them


@pytest.mark.parametrize("world", [{"pos_per_day": 3}], indirect=True)
def test_lost_answers_are_read_back_by_the_stages_next_round_and_posted_once(world: World) -> None:
    as_of, queued = _acknowledgements_queued(world)
    assert queued
    world.faults(drop_after_commit_rate=1.0)  # Amazon applies every POST, and no answer comes back
    rounds: list[delivery.DeliveryResult] = []

    def one_round() -> delivery.DeliveryResult:
        rounds.append(delivery.deliver(world.units, world.client, account_code=US, kind="acknowledgement", as_of=as_of,
                                       stuck_after=timedelta(minutes=60), wait_s=1.0))
        world.faults(drop_after_commit_rate=0.0)  # answers come back from the next round on
        return rounds[-1]

    for _ in delivery.in_rounds(one_round, lambda result: result.work_left):
        pass

    first, last = rounds[0], rounds[-1]
    assert len(first.retryable) == queued == first.count("unknown")  # every answer lost: none re-posted blind
    assert first.work_left == queued  # a read-back each
    assert len(rounds) == 2 and last.work_left == 0 and last.count("accepted") == queued
    ledger = {e["id"]: e for e in world.ledger()["acknowledgements"]}
    assert all(ledger[r.business_id]["submissions"] == 1 for r in last.reports)  # read back, not posted again
