"""`acorn bench --quick`: the whole table at small sizes, as a user runs it (a fresh process).

The figures at these sizes say nothing about speed (the README's table is a full run); what is
checked is that every benchmark ran, measured something real and is reported in the table's order.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from acorn.bench_suite import BENCHMARKS, QUICK

REPO = Path(__file__).resolve().parents[2]


def _acorn(*args: str) -> subprocess.CompletedProcess[str]:
    # as a user runs it: without the test harness's settings that other modules leave in this process's
    # environment (a server without its task-run recorder would report no task runs)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    return subprocess.run([str(Path(sys.executable).parent / "acorn"), *args], cwd=REPO, capture_output=True, text=True,
                          timeout=900, check=False, env=env)


@pytest.mark.flows
@pytest.mark.timeout(900)
def test_the_quick_suite_runs_every_benchmark_and_reports_real_figures() -> None:
    done = _acorn("bench", "--quick", "--json")
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    rows = {r["name"]: r for r in result["rows"]}
    names = list(rows)
    assert "cores" in result["machine"] and result["sizes"]["day_volumes"] == list(QUICK.day_volumes)
    # every benchmark announced itself on stderr, in the table's order
    assert [ln.strip() for ln in done.stderr.splitlines() if ln.startswith("bench ")] == \
        [f"bench {b}…" for b in BENCHMARKS]

    intake = [r for n, r in rows.items() if n.startswith("PO intake")]
    assert len(intake) == 2 and all(r["values"]["pos"] > 0 and not r["values"]["missing"] for r in intake)
    days = [r["values"] for n, r in rows.items() if n.startswith("daily cycle")]
    assert [d["day"] for d in days] == [QUICK.cycle_days] * 2
    for day in days:  # one flow run a day, with its steps as task runs, and the statements it sent
        assert day["pos"] > 0 and day["statements"] > 0 and day["flow_runs"] == 1 and day["task_runs"] > 0
    assert days[1]["pos"] > days[0]["pos"]  # the two volumes are two volumes
    prefect = next(r for n, r in rows.items() if n.startswith("with Prefect"))["values"]
    assert prefect["with_s"] > 0 and prefect["without_s"] > 0
    history = next(r for n, r in rows.items() if n.startswith(f"day {QUICK.long_days} / day 2"))["values"]
    assert len(history["days"]) == QUICK.long_days and history["statements_ratio"] > 0
    gates = next(r for n, r in rows.items() if n.startswith("quality gate"))["values"]
    assert gates["gx_pass_s"] > 0 and gates["gx_fail_s"] > 0 and gates["pandas_s"] > 0
    reconcile = next(r for n, r in rows.items() if n.startswith("monthly reconciliation"))["values"]
    assert reconcile["mismatches"] == [] and reconcile["seconds"] > 0
    assert names[-1].startswith("`acorn --help`") and rows[names[-1]]["values"]
    assert all(r["target"] == "" or r["met"] in (True, False) for r in rows.values())


def test_an_unknown_benchmark_is_named_and_nothing_runs() -> None:
    done = _acorn("bench", "--only", "cli,speed")
    assert done.returncode == 2
    said = " ".join(done.stderr.replace("│", " ").split())  # rich wraps the error in a box
    assert "speed: not one of intake, day, prefect, history, gates, reconcile, cli" in said
    assert "bench cli" not in said


def test_history_compares_whole_weeks_once_the_pipeline_is_full() -> None:
    from acorn.bench_suite import history_row

    def day(n: int, seconds: float) -> dict:
        return {"day": n, "seconds": seconds, "cpu_seconds": seconds / 2, "statements": int(seconds * 10)}

    week = [20.0, 20.0, 20.0, 20.0, 20.0, 5.0, 5.0]  # weekends are light
    # day 2 is half a day (the pipeline fills in week 1); weeks 2 to 5 cost the same
    days = [day(1, 30.0), day(2, 10.0)] + [day(n, week[(n - 1) % 7]) for n in range(3, 31)]
    row = history_row(days, 50)
    assert row.name.startswith("days 24–30 / days 9–15")
    assert row.values["ratio"] == pytest.approx(1.0) and row.met
    assert row.values["last_over_day2"] == pytest.approx(2.0)  # what day 30 / day 2 alone would say
    days[-1] = day(30, 60.0)  # the last day costs three times more: a week of history slows it
    assert not history_row(days, 50).met
