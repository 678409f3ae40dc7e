"""Chaos, the CI version of ``acorn bench chaos``: no silent loss, no double acceptance.

Real processes: a sandbox process with faults on (429s, 5xx, answers dropped after commit,
transactions stuck in Processing, receiving status missing), one Prefect server, and
``acorn run`` subprocesses for 3 simulated days, two per day started concurrently, SIGKILLed
(whole process group) at moments drawn from a fixed seed, each rerun until a run of the day
ends by itself; then a settling run the next day with faults off. Same harness as the
benchmark (``acorn.chaos``), small numbers. The four checks are the benchmark's: nothing
accepted twice, every accepted ASN invoiced, every open outbox row alerted, and late ASNs
counted alike by Acorn and by the sandbox's ledger.

The fast tests at the end prove the judgement itself on hand-made ledgers.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from acorn.chaos import measure
from acorn.chaos.harness import ChaosOptions, ChaosResult, kill_plan, run_and_settle_times, run_chaos

#: seed 0 plans two kills over the six runs of days 1-3: day 2 run a at ~30 s (ASNs and invoices
#: being delivered) and day 3 run a at ~17 s; runs last > 40 s here with faults and a peer, so
#: both land inside a run
CI = {"days": 3, "kill_rate": 0.35, "kill_window": 30.0, "concurrent": True, "faults": True, "seed": 0}
PLANNED_KILLS = 2
#: PostgreSQL: a shorter variant (2 days); seed 9 plans two kills of day 2's concurrent run (at
#: ~16 s, then its rerun), so the kill, the rerun and the peer all meet on one day
CI_POSTGRES = {**CI, "days": 2, "kill_window": 25.0, "seed": 9}


def _planned_kills(options: ChaosOptions) -> int:
    n = 0
    for day in range(1, options.days + 1):
        for slot in ("a", "b") if options.concurrent else ("a",):
            attempt = 0
            while kill_plan(options.seed, day, slot, attempt, kill_rate=options.kill_rate,
                            kill_window=options.kill_window, max_attempts=options.max_attempts) is not None:
                n, attempt = n + 1, attempt + 1
    return n


def _report(result: ChaosResult) -> str:
    import json

    fig = result.databases[0].as_json()
    fig.pop("run_log")
    return json.dumps(fig, indent=1, default=str)


def _assert_no_loss_no_double_acceptance(result: ChaosResult) -> None:
    assert len(result.databases) == 1, result.problems()
    fig = result.databases[0]
    s = fig.store
    figures = _report(result)
    # the harness did what it says: every planned kill was tried, at least one landed inside a run (a run
    # that ends before its moment, 28 s against a kill at ~30 s once in CI, counts as a missed kill), and
    # both runs of every day ended by themselves
    assert fig.kills >= 1 and fig.kills + fig.kills_missed >= PLANNED_KILLS, figures
    assert fig.concurrent_runs >= 2, figures
    assert fig.hung == 0 and set(fig.exits) <= {0, 1}, figures
    assert s.documents.get("shipment_confirmation", {}).get("total", 0) > 0, figures
    # the four checks
    assert {k: v for k, v in s.accepted_twice.items() if v} == {}, figures
    assert s.never_invoiced == [], figures
    assert s.non_final_without_alert == [], figures
    assert s.late_acorn == s.late_ledger, figures


def test_a_scale_run_settles_hours_after_its_last_day_not_a_whole_day_of_orders_later() -> None:
    clock = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    usual, scale = run_and_settle_times(2, clock), run_and_settle_times(2, clock, settle_hours=2)
    assert len(usual) == len(scale) == 3 and usual[:2] == scale[:2]
    assert usual[2] - usual[1] == timedelta(days=1)  # the next day's run, with its orders
    assert scale[2] - scale[1] == timedelta(hours=2)


def test_the_ci_kill_plans_have_at_least_two_kills() -> None:
    assert _planned_kills(ChaosOptions(databases=("sqlite",), **CI)) == PLANNED_KILLS
    assert _planned_kills(ChaosOptions(databases=("postgres",), **CI_POSTGRES)) == PLANNED_KILLS


@pytest.mark.flows
@pytest.mark.timeout(1200)
def test_chaos_on_sqlite_loses_nothing_and_accepts_nothing_twice(tmp_path: Path) -> None:
    t0 = time.monotonic()
    result = run_chaos(ChaosOptions(databases=("sqlite",), workdir=tmp_path / "chaos", **CI), say=print)
    print(f"chaos sqlite: {time.monotonic() - t0:.0f} s\n{_report(result)}")
    _assert_no_loss_no_double_acceptance(result)


@pytest.mark.flows
@pytest.mark.postgres
@pytest.mark.timeout(1200)
def test_chaos_on_postgresql_loses_nothing_and_accepts_nothing_twice(postgres_server: str, tmp_path: Path) -> None:
    t0 = time.monotonic()
    result = run_chaos(ChaosOptions(databases=("postgres",), workdir=tmp_path / "chaos",
                                    postgres_server=postgres_server, **CI_POSTGRES), say=print)
    print(f"chaos postgres: {time.monotonic() - t0:.0f} s\n{_report(result)}")
    _assert_no_loss_no_double_acceptance(result)


# -- the judgement, on hand-made ledgers -----------------------------------------------------------

def _asn(sid: str, accepted: int = 1, submissions: int = 1, late: bool = False) -> dict:
    return {"id": sid, "accepted": accepted, "submissions": submissions, "late": late}


def _inv(number: str, ref: str | None, accepted: int = 1) -> dict:
    return {"id": number, "accepted": accepted, "submissions": 1, "invoiceType": "Invoice", "referenceNumber": ref}


def _row(kind: str, key: str, bid: str, state: str, payload: dict | None = None) -> measure.OutboxRow:
    return measure.OutboxRow(kind, key, bid, state, payload or {})


def test_double_acceptance_counts_replaces_as_legitimate() -> None:
    ledger = {"acknowledgements": [{"id": "PO1", "accepted": 2, "submissions": 2}],
              "shipmentConfirmations": [_asn("S1", accepted=2), _asn("S2", accepted=2)],
              "invoices": [_inv("I1", "S1", accepted=1)]}
    replace = {"shipmentConfirmations": [{"shipmentIdentifier": "S2", "shipmentConfirmationType": "Replace"}]}
    rows = [_row("shipment_confirmation", "asn:S2:r1", "S2", "accepted", replace)]
    assert measure.accepted_twice(ledger, measure.replace_counts(rows)) == {
        "acknowledgements": ["PO1"], "shipmentConfirmations": ["S1"], "invoices": []}


def test_an_accepted_asn_without_an_accepted_invoice_naming_it_is_never_invoiced() -> None:
    ledger = {"acknowledgements": [],
              "shipmentConfirmations": [_asn("S1"), _asn("S2"), _asn("S3"), _asn("S4", accepted=0)],
              "invoices": [_inv("I1", "S1"), _inv("I2", "S2", accepted=0), _inv("I3", None)]}
    assert measure.never_invoiced(ledger) == ["S2", "S3"]


def test_an_open_outbox_row_counts_unless_an_open_alert_ends_with_its_key() -> None:
    rows = [_row("shipment_confirmation", "asn:S1:r0", "S1", "stuck"),
            _row("shipment_confirmation", "asn:S2:r0", "S2", "unknown"),
            _row("invoice", "invoice:ACRNUS:I1", "I1", "submitted"),
            _row("invoice", "invoice:ACRNUS:I2", "I2", "accepted"),
            _row("acknowledgement", "ack:ACRNUS:PO1", "PO1", "failed")]
    alerts = ["outbox-stuck:asn:S1:r0", "outbox-unknown:xasn:S2:r0", "asn-late:S2"]
    assert measure.non_final_without_alert(rows, alerts) == ["asn:S2:r0 (unknown)",
                                                              "invoice:ACRNUS:I1 (submitted)"]


def test_judge_adds_it_up() -> None:
    ledger = {"acknowledgements": [{"id": "PO1", "accepted": 1, "submissions": 2}],
              "shipmentConfirmations": [_asn("S1", late=True), _asn("S2", submissions=3)],
              "invoices": [_inv("I1", "S1")]}
    rows = [_row("acknowledgement", "ack:A:PO1", "PO1", "accepted"),
            _row("shipment_confirmation", "asn:S1:r0", "S1", "accepted"),
            _row("shipment_confirmation", "asn:S2:r0", "S2", "stuck"),
            _row("invoice", "invoice:A:I1", "I1", "accepted")]
    fig = measure.judge(ledger, rows, ["outbox-stuck:asn:S2:r0"], late_acorn=1)
    assert fig.documents["shipment_confirmation"] == {"total": 2, "accepted": 1, "stuck": 1}
    assert fig.never_invoiced == ["S2"] and fig.never_invoiced_alerted == ["S2"]
    assert fig.non_final_without_alert == []
    assert fig.posted_more_than_once == {"acknowledgements": 1, "shipmentConfirmations": 1, "invoices": 0}
    assert (fig.late_acorn, fig.late_ledger) == (1, 1)


def test_the_kill_plan_is_a_function_of_the_seed_alone() -> None:
    plan = [kill_plan(3, day, slot, attempt, kill_rate=0.35, kill_window=25, max_attempts=8)
            for day in range(1, 31) for slot in "ab" for attempt in range(3)]
    again = [kill_plan(3, day, slot, attempt, kill_rate=0.35, kill_window=25, max_attempts=8)
             for day in range(1, 31) for slot in "ab" for attempt in range(3)]
    assert plan == again
    kills = [k for k in plan if k is not None]
    assert all(1 <= k <= 25 for k in kills)
    assert 0.2 < len(kills) / len(plan) < 0.5
    assert kill_plan(3, 1, "a", 7, kill_rate=0.99, kill_window=25, max_attempts=8) is None  # the last attempt lives
    assert Counter(k is None for k in plan)[False] == len(kills)
