"""How long transactions answer Processing: the drawn times, the clocks they count on, the long tail.

The distribution is checked straight on ``TransactionBook`` over many draws; what a client
sees is checked over HTTP (every answer is checked against Amazon's model by the ``vendor``
client), moving the simulated clock or waiting a fraction of a second of wall time.
"""

from __future__ import annotations

import copy
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from acorn.sandbox import SandboxConfig
from acorn.sandbox.errors import RuleViolation
from acorn.sandbox.transactions import PRESETS, ProcessingTimes, TransactionBook

ACK = "/vendor/orders/v1/acknowledgements"
INVOICE = "/vendor/payments/v1/invoices"
T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
REFUSED = [RuleViolation("UnknownPurchaseOrder", "acknowledgements[0].purchaseOrderNumber", "not found")]


# -- the distribution, straight from the book ---------------------------------------------------------------
def _times(times: ProcessingTimes, n: int, *, applied: bool = True, seed: int = 7) -> list[float]:
    book = TransactionBook(seed, 0, times)
    return [book.open("submitInvoices", now=T0, violations=[] if applied else REFUSED, stuck=False,
                      business_ids=[]).processing_s for _ in range(n)]


def test_realistic_times_are_seconds_to_minutes_capped_at_15_minutes_with_hours_for_one_percent() -> None:
    realistic = PRESETS["realistic"]
    applied = _times(realistic, 20_000)
    refused = _times(realistic, 20_000, applied=False)
    base = [s for s in applied if s <= realistic.cap_s]
    assert 18.5 <= statistics.median(applied) <= 21.5            # median 20 s
    assert 0.74 <= sum(s <= 60 for s in applied) / len(applied) <= 0.79  # most within a minute
    assert 0.008 <= sum(s > 3600 for s in applied) / len(applied) <= 0.012  # ~1% for hours
    assert not [s for s in applied if realistic.cap_s < s < 3600]  # the cap holds: nothing in between
    assert max(applied) <= 6 * 3600 and max(base) == realistic.cap_s  # the tail is cut, and reaches the cap
    assert max(refused) == realistic.cap_s  # a failure always comes within 15 minutes (Amazon's figure)
    assert 0.003 <= sum(s == realistic.cap_s for s in refused) / len(refused) <= 0.009  # P(lognormal > cap)


def test_the_long_share_is_a_share_of_applied_documents_only() -> None:
    times = ProcessingTimes(median_s=1, spread=1, cap_s=10, long_share=0.25, long_s=(7200, 14400))
    applied = _times(times, 20_000)
    long = [s for s in applied if s >= 7200]
    assert 0.24 <= len(long) / len(applied) <= 0.26
    assert 7200 <= min(long) and max(long) <= 14400 and 10_200 <= statistics.mean(long) <= 11_400  # uniform
    assert max(_times(times, 5_000, applied=False)) <= 10


def test_instant_waits_for_nothing_and_is_the_default() -> None:
    assert SandboxConfig().processing == PRESETS["instant"] == ProcessingTimes()
    assert set(_times(PRESETS["instant"], 100)) == {0.0}


def test_times_repeat_by_seed_and_do_not_depend_on_earlier_outcomes() -> None:
    realistic = PRESETS["realistic"]
    assert _times(realistic, 200) == _times(realistic, 200)
    assert _times(realistic, 200) != _times(realistic, 200, seed=8)
    # the n-th time is the same whether the documents before it were applied or refused (long draws aside)
    applied, refused = _times(realistic, 500), _times(realistic, 500, applied=False)
    assert [a for a, r in zip(applied, refused, strict=True) if a <= realistic.cap_s] == \
        [r for a, r in zip(applied, refused, strict=True) if a <= realistic.cap_s]
    # transaction ids come from their own stream: the same with or without processing times
    ids = [[TransactionBook(7, 1, t).open("submitInvoices", now=T0, violations=[], stuck=False,
                                          business_ids=[]).transaction_id for _ in range(1)] for t in PRESETS.values()]
    assert ids[0] == ids[1] == ids[2]


def test_a_transaction_is_done_when_its_time_has_passed_on_either_clock() -> None:
    wall, sim = [100.0], [T0]
    book = TransactionBook(7, 0, ProcessingTimes(median_s=60, cap_s=60), sim_now=lambda: sim[0],
                           wall=lambda: wall[0])
    by_wall = book.open("submitAcknowledgement", now=T0, violations=[], stuck=False, business_ids=[])
    assert by_wall.processing_s == 60 and not book.done(by_wall)
    wall[0] += 59.9
    assert not book.done(by_wall)
    wall[0] += 0.1
    assert book.done(by_wall)  # a realtime client: sixty real seconds, the simulated clock standing still
    book2 = TransactionBook(7, 0, ProcessingTimes(median_s=60, cap_s=60), sim_now=lambda: sim[0],
                            wall=lambda: 0.0)
    by_sim = book2.open("submitAcknowledgement", now=T0, violations=[], stuck=False, business_ids=[])
    sim[0] = T0 + timedelta(seconds=59)
    assert not book2.done(by_sim)
    sim[0] = T0 + timedelta(days=1)
    assert book2.done(by_sim)  # an operator advanced a day: yesterday's transaction is done
    stuck = book2.open("submitAcknowledgement", now=T0, violations=[], stuck=True, business_ids=[])
    assert not book2.done(stuck, now=T0 + timedelta(days=30))  # the stuck fault still wins


@pytest.mark.parametrize("settings, problem", [
    ({"long_s": (10, 5)}, "long_s"),
    ({"median_s": 60, "cap_s": 30}, "cap_s"),
    ({"silent_success": {"getTransaction"}}, "unknown operations"),
    ("sluggish", "unknown processing preset"),
])
def test_incoherent_processing_settings_are_refused(settings: Any, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        SandboxConfig(processing=settings)


def test_presets_are_accepted_by_name() -> None:
    assert SandboxConfig(processing="realistic").processing == PRESETS["realistic"]
    documented = SandboxConfig(processing="documented").processing
    assert documented.silent_success == {"submitAcknowledgement", "submitInvoices"}
    assert documented.model_copy(update={"silent_success": frozenset()}) == PRESETS["realistic"]


# -- over HTTP ------------------------------------------------------------------------------------------------
def _orders(vendor: Any, n: int) -> list[dict[str, Any]]:
    found = [o for o in vendor.orders(orderingVendorCode="ACRNUS", sortOrder="ASC")
             if "purchaseOrderChangedDate" not in o["orderDetails"]]
    assert len(found) >= n, f"only {len(found)} unchanged US orders"
    return found[:n]


def _post(vendor: Any, path: str, body: Any) -> str:
    r = vendor.post(path, body)
    assert r.status_code == 202, r.text
    return r.json()["payload"]["transactionId"]


def _status(vendor: Any, transaction_id: str) -> dict[str, Any]:
    r = vendor.http.get(f"/vendor/transactions/v1/transactions/{transaction_id}")
    assert r.status_code == 200, r.text
    return r.json()["payload"]["transactionStatus"]


def _refused_ack(vendor: Any, order: dict[str, Any]) -> dict[str, Any]:
    body = copy.deepcopy(vendor.acknowledgement(order))
    body["acknowledgements"][0]["purchaseOrderNumber"] = "9ZZZZZZZ"
    return body


def _config(times: ProcessingTimes | str, **more: Any) -> SandboxConfig:
    return SandboxConfig(seed=7, rate_scale=100.0, processing_polls=0, processing=times, **more)


def test_a_transaction_answers_processing_until_its_time_has_passed_on_the_simulated_clock(
        make_sandbox: Any) -> None:
    _, vendor = make_sandbox(_config(ProcessingTimes(median_s=600, cap_s=600)))
    order = _orders(vendor, 1)[0]
    applied = _post(vendor, ACK, vendor.acknowledgement(order))
    refused = _post(vendor, ACK, _refused_ack(vendor, order))
    assert {_status(vendor, t)["status"] for t in (applied, refused)} == {"Processing"}
    vendor.advance(599)
    assert {_status(vendor, t)["status"] for t in (applied, refused)} == {"Processing"}
    assert vendor.order(order["purchaseOrderNumber"])["purchaseOrderState"] == "Acknowledged"  # applied at once
    vendor.advance(1)
    assert _status(vendor, applied) == {"transactionId": applied, "status": "Success"}
    failure = _status(vendor, refused)
    assert failure["status"] == "Failure" and failure["errors"][0]["code"] == "UnknownPurchaseOrder"


def test_a_transaction_is_done_after_its_time_in_real_seconds_with_the_clock_standing_still(
        make_sandbox: Any) -> None:
    # three real seconds: room for a loaded machine between the POST and the first look
    _, vendor = make_sandbox(_config(ProcessingTimes(median_s=3.0, cap_s=3.0)))
    order = _orders(vendor, 1)[0]
    transaction_id = _post(vendor, ACK, vendor.acknowledgement(order))
    answered = time.monotonic()  # the sandbox started timing before it answered the POST
    clock = vendor.now()
    assert _status(vendor, transaction_id)["status"] == "Processing"
    time.sleep(max(0.0, answered + 3.0 - time.monotonic()) + 0.05)
    assert _status(vendor, transaction_id)["status"] == "Success"
    assert vendor.now() == clock  # manual clock: only the wall clock moved


def test_an_applied_document_may_answer_processing_for_hours_before_success(make_sandbox: Any) -> None:
    times = ProcessingTimes(long_share=1.0, long_s=(7200, 7200))  # every applied document: two hours
    _, vendor = make_sandbox(_config(times))
    order = _orders(vendor, 1)[0]
    applied = _post(vendor, ACK, vendor.acknowledgement(order))
    refused = _post(vendor, ACK, _refused_ack(vendor, order))
    assert _status(vendor, refused)["status"] == "Failure"  # a refusal is never held back
    vendor.advance(3600)
    assert _status(vendor, applied)["status"] == "Processing"
    status = vendor.status(order["purchaseOrderNumber"])  # what a client cross-checks meanwhile
    assert {i["acknowledgementStatus"]["confirmationStatus"] for i in status["itemStatus"]} == {"ACCEPTED"}
    ledger = vendor.ledger()["acknowledgements"][order["purchaseOrderNumber"]]
    assert ledger["accepted"] == 1 and ledger["submissions"] == 1
    vendor.advance(3600)
    assert _status(vendor, applied)["status"] == "Success"


def test_the_long_processing_share_over_http_matches_the_documents_applied(make_sandbox: Any) -> None:
    times = ProcessingTimes(median_s=5, spread=1, cap_s=60, long_share=0.5, long_s=(3600, 7200))
    sb, vendor = make_sandbox(_config(times))
    orders = _orders(vendor, 12)
    applied = [_post(vendor, ACK, vendor.acknowledgement(o)) for o in orders]
    refused = [_post(vendor, ACK, _refused_ack(vendor, o)) for o in orders[:6]]
    vendor.advance(60)  # past every ordinary time
    still = [t for t in applied if _status(vendor, t)["status"] == "Processing"]
    assert {_status(vendor, t)["status"] for t in refused} == {"Failure"}
    with sb.state.lock:
        drawn_long = [t for t in applied if sb.state.transactions.by_id[t].processing_s >= 3600]
    assert still == drawn_long and 2 <= len(still) <= 10
    vendor.advance(7200)
    assert {_status(vendor, t)["status"] for t in applied} == {"Success"}


def test_the_same_seed_gives_the_same_processing_over_http(make_sandbox: Any) -> None:
    def run() -> list[list[str]]:
        _, vendor = make_sandbox(_config("realistic"))
        ids = [_post(vendor, ACK, vendor.acknowledgement(o)) for o in _orders(vendor, 8)]
        seen = []
        for step in (10, 20, 30, 240, 900):  # simulated seconds since the posts, cumulative 10 s .. 20 min
            vendor.advance(step)
            seen.append([_status(vendor, t)["status"] for t in ids])
        return seen

    first, second = run(), run()
    assert first == second
    assert "Processing" in first[0] and "Success" in first[0]  # some done within 10 s, some not: not trivial


def test_an_applied_document_of_a_silent_success_operation_never_answers_success(
        make_sandbox: Any) -> None:
    times = ProcessingTimes(silent_success=frozenset({"submitAcknowledgement"}))
    _, vendor = make_sandbox(_config(times))
    order, other = _orders(vendor, 2)
    ack = _post(vendor, ACK, vendor.acknowledgement(order))
    refused = _post(vendor, ACK, _refused_ack(vendor, other))
    invoice = _post(vendor, INVOICE, vendor.invoice(order, "SLOWINV1"))
    vendor.advance(86_400)
    assert _status(vendor, ack)["status"] == "Processing"  # applied: Processing is all Amazon ever says
    assert _status(vendor, refused)["status"] == "Failure"  # a refusal still says so
    assert _status(vendor, invoice)["status"] == "Success"  # an operation not in silent_success
