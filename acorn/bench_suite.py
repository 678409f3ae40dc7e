"""`acorn bench`: every benchmark in one table, each figure beside the issue's target.

Rows, in order: PO intake against Amazon's published rate (clean and with injected faults); a
daily cycle as real Prefect runs at two volumes (seconds, SQL statements, flow and task runs);
the same days without Prefect (the overhead ratio); a long run at constant volume (the last day
over day 2: does a day cost more as history grows?); the quality gates on 100,000 lines against
the same checks in plain pandas; the monthly reconciliation of 1,000,000 lines; the CLI's start.

``quick`` shrinks every size so the whole table comes in minutes (`test_bench_suite` runs it so);
the README's table is a full run. Figures vary with the machine: the table names it.
"""

from __future__ import annotations

import os
import platform
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Sizes:
    """How big each benchmark is; :data:`FULL` is what the issue asks, :data:`QUICK` a rehearsal."""

    intake_pos_per_day: int
    day_volumes: tuple[int, int]  # POs per account per day, for the two daily-cycle rows
    day_rate_scale: float  # 1.0: Amazon's real rates
    cycle_days: int  # the daily-cycle rows (day 1 is a part day)
    ratio_days: int  # the Prefect ratio (day 1, with the sandbox's history, is left out)
    long_days: int
    long_volume: int
    gate_lines: int
    reconcile_lines: int


FULL = Sizes(intake_pos_per_day=715, day_volumes=(100, 1_000), day_rate_scale=1.0, cycle_days=2, ratio_days=3,
             long_days=30, long_volume=50, gate_lines=100_000, reconcile_lines=1_000_000)
QUICK = Sizes(intake_pos_per_day=50, day_volumes=(5, 20), day_rate_scale=1000.0, cycle_days=2, ratio_days=2,
              long_days=3, long_volume=5, gate_lines=2_000, reconcile_lines=2_000)


@dataclass
class Row:
    """One line of the table: what was measured, the figure, the target and whether it is met."""

    name: str
    figure: str
    target: str = ""
    met: bool | None = None
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class SuiteResult:
    machine: str
    sizes: Sizes
    rows: list[Row] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"machine": self.machine, "sizes": asdict(self.sizes), "rows": [asdict(r) for r in self.rows]}


def machine() -> str:
    """``2 cores, 24 GiB, Linux x86_64, Python 3.11.7``: what the figures were measured on."""
    pages, page_size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    return (f"{os.cpu_count()} cores, {pages * page_size / 2**30:.0f} GiB, {platform.system()} "
            f"{platform.machine()}, Python {platform.python_version()}")


BENCHMARKS: tuple[str, ...] = ("intake", "day", "prefect", "history", "gates", "reconcile", "cli")


def run_suite(sizes: Sizes = FULL, *, only: tuple[str, ...] = BENCHMARKS,
              say: Callable[[str], None] = lambda _: None) -> SuiteResult:
    """Run the chosen benchmarks in the table's order; ``say`` hears what starts (a CLI prints it on stderr)."""
    result = SuiteResult(machine=machine(), sizes=sizes)
    steps: dict[str, Callable[[Sizes], list[Row]]] = {
        "intake": _intake, "day": _days, "prefect": _prefect_ratio, "history": _history, "gates": _gates,
        "reconcile": _reconcile, "cli": _cli}
    for name in BENCHMARKS:
        if name in only:
            say(f"bench {name}…")
            result.rows.extend(steps[name](sizes))
    return result


def _intake(sizes: Sizes) -> list[Row]:
    from acorn.spapi.bench import run_intake

    rows = []
    for faults in (False, True):
        f = run_intake(faults=faults, pos_per_day=sizes.intake_pos_per_day, seed=0)
        rows.append(Row(f"PO intake / Amazon's allowed rate ({'10% 429 + 5% 5xx' if faults else 'no faults'})",
                        f"{f.ratio:.3f} ({f.fetched_pos:,} POs, {f.seconds:.1f} s, {f.throttled} × 429)",
                        "≥ 0.98" if not faults else "", (f.ratio >= 0.98 and not f.missing_pos) if not faults else None,
                        {"ratio": f.ratio, "pos": f.fetched_pos, "seconds": f.seconds, "throttled": f.throttled,
                         "missing": f.missing_pos}))
    return rows


def _days(sizes: Sizes) -> list[Row]:
    from acorn.bench_day import run_cycle

    rows = []
    for volume in sizes.day_volumes:
        # no history before day 1, which is a part day: the last day is a whole, normal one
        cycle = run_cycle(pos_per_day=volume, days=sizes.cycle_days, with_prefect=True,
                          rate_scale=sizes.day_rate_scale, history_days=0)
        day = cycle.days[-1]
        rates = "Amazon's rates" if sizes.day_rate_scale == 1.0 else f"rates × {sizes.day_rate_scale:g}"
        # run_cycle raises when a run fails, as one does when a task outlives its timeout
        rows.append(Row(f"daily cycle, {volume:,} POs/day per account ({rates}), day {day.day}",
                        f"{day.seconds:.1f} s, {day.statements:,} SQL ({day.statements_per_po:.1f}/PO), "
                        f"{day.flow_runs} flow + {day.task_runs} task runs; longest task "
                        f"{day.longest_task_seconds:.0f} s ({day.longest_task})",
                        "≤ 5 SQL/PO, tasks within timeouts", day.statements_per_po <= 5, asdict(day)))
    return rows


def _prefect_ratio(sizes: Sizes) -> list[Row]:
    from acorn.bench_day import run_cycle

    volume = sizes.day_volumes[0]
    runs = {mode: run_cycle(pos_per_day=volume, days=sizes.ratio_days, with_prefect=mode, rate_scale=1000.0)
            for mode in (False, True)}
    seconds = {mode: sum(d.seconds for d in c.days[1:]) for mode, c in runs.items()}
    ratio = seconds[True] / seconds[False] if seconds[False] else 0.0
    return [Row(f"with Prefect / without, {volume:,} POs/day per account (days 2–{sizes.ratio_days})",
                f"{ratio:.2f} ({seconds[True]:.1f} s / {seconds[False]:.1f} s; Prefect start "
                f"{runs[True].start_seconds:.0f} s)", "≤ 1.25", ratio <= 1.25,
                {"ratio": ratio, "with_s": seconds[True], "without_s": seconds[False],
                 "start_with_s": runs[True].start_seconds})]


def _history(sizes: Sizes) -> list[Row]:
    from acorn.bench_day import run_cycle

    cycle = run_cycle(pos_per_day=sizes.long_volume, days=sizes.long_days, with_prefect=False)
    return [history_row([asdict(d) for d in cycle.days], sizes.long_volume)]


def history_row(days: list[dict[str, Any]], volume: int) -> Row:
    """Does a day cost more as history grows? The last week over the second, at constant volume.

    Whole weeks, because a vendor's days differ by weekday (no trucks at weekends, Monday's
    backlog), and from the second week, because the first fills the pipeline (receipts,
    invoices, remittances start to flow only then): day 30 over day 2 compares a full day
    with one that has half the work. Fewer than 21 days: the last day over day 2.
    """
    if len(days) >= 21:
        early, late = days[8:15], days[-7:]
        name = f"days {late[0]['day']}–{late[-1]['day']} / days 9–15 at {volume} POs/day per account"
    else:
        early, late = days[1:2], days[-1:]
        name = f"day {late[0]['day']} / day 2 at {volume} POs/day per account"

    def ratio(key: str) -> float:
        before = sum(d[key] for d in early)
        return sum(d[key] for d in late) / before if before else 0.0

    seconds, cpu, statements = ratio("seconds"), ratio("cpu_seconds"), ratio("statements")
    literal = days[-1]["seconds"] / days[1]["seconds"] if len(days) > 1 and days[1]["seconds"] else 0.0
    return Row(name, f"{seconds:.2f} in seconds, {cpu:.2f} in CPU, {statements:.2f} in SQL "
                     f"(day {days[-1]['day']} / day 2: {literal:.2f} in seconds)",
               "≤ 1.2", seconds <= 1.2,
               {"ratio": seconds, "cpu_ratio": cpu, "statements_ratio": statements, "last_over_day2": literal,
                "days": days})


def _gates(sizes: Sizes) -> list[Row]:
    from acorn.gates.bench import gate_figures

    f = gate_figures(sizes.gate_lines)
    return [Row(f"quality gate on {sizes.gate_lines:,} invoice lines (Great Expectations)",
                f"pass {f['gx_pass_s']:.2f} s, 1% failing {f['gx_fail_s']:.2f} s "
                f"({f['fail_over_pass']:.2f}×); plain pandas {f['pandas_s']:.2f} s",
                "failing ≤ 2× passing", f["fail_over_pass"] <= 2.0, f)]


def _reconcile(sizes: Sizes) -> list[Row]:
    from acorn.reconcile_bench import TARGET_SECONDS, run
    from acorn.store import upgrade

    with tempfile.TemporaryDirectory(prefix="acorn-bench-reconcile-") as work:
        url = f"sqlite:///{Path(work) / 'acorn.db'}"
        upgrade(url)
        r = run(url, lines=sizes.reconcile_lines, seed=0, database="sqlite", say=lambda _: None)
    return [Row(f"monthly reconciliation of {sizes.reconcile_lines:,} lines (SQLite)",
                f"{r.acorn.seconds:.1f} s, {r.acorn.memory_mib:,.0f} MiB; {r.ratio:.1f}× DuckDB (load + query)",
                f"< {TARGET_SECONDS:.0f} s", r.acorn.seconds < TARGET_SECONDS and not r.mismatches(),
                {"seconds": r.acorn.seconds, "memory_mib": r.acorn.memory_mib, "duckdb_ratio": r.ratio,
                 "mismatches": r.mismatches()})]


def _cli(sizes: Sizes) -> list[Row]:
    from acorn.bench_cli import cli_start_seconds

    help_s = cli_start_seconds(["--help"])
    return [Row("`acorn --help` start", f"{help_s:.2f} s", "≤ 0.25 s", help_s <= 0.25, {"seconds": help_s})]


def table(result: SuiteResult) -> Any:
    """The rich table `acorn bench` prints."""
    from rich.table import Table

    out = Table(title=f"acorn bench · {result.machine}")
    for column in ("benchmark", "figure", "target", "met"):
        out.add_column(column)
    for row in result.rows:
        out.add_row(row.name, row.figure, row.target, "" if row.met is None else ("yes" if row.met else "NO"))
    return out


def markdown(result: SuiteResult) -> str:
    """The same table as Markdown, for the README."""
    lines = [f"Measured on {result.machine}.", "", "| benchmark | figure | target | met |", "|---|---|---|---|"]
    for row in result.rows:
        met = "" if row.met is None else ("yes" if row.met else "**no**")
        lines.append(f"| {row.name} | {row.figure} | {row.target} | {met} |")
    return "\n".join(lines) + "\n"
