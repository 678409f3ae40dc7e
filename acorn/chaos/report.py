"""The chaos figures as one rich table per database, and as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from rich.table import Table

from acorn.chaos.harness import ChaosResult, DatabaseFigures
from acorn.chaos.measure import LABEL, LEDGER_KIND, StoreFigures


def table(fig: DatabaseFigures, result: ChaosResult) -> Table:
    """One database's figures, under a title that states how the run was set up."""
    o = result.options
    t = Table(title=f"Acorn chaos — {fig.database}: {fig.days} days, kill rate {o.kill_rate:g} within "
                    f"{o.kill_window:g} s, seed {o.seed}, faults {'on' if o.faults else 'off'}, "
                    f"concurrent {'on' if o.concurrent else 'off'}")
    t.add_column("metric")
    t.add_column("value", justify="right")
    for what, value in _rows(fig):
        t.add_row(what, value)
    return t


def _rows(fig: DatabaseFigures) -> list[tuple[str, str]]:
    """(metric, value) in the order the table shows them: the runs, the documents, then the checks."""
    s, exits, problems = fig.store, fig.exits, fig.problems()
    other = sum(n for code, n in exits.items() if code not in (0, 1))
    twice = {k: len(v) for k, v in s.accepted_twice.items()}
    return [
        ("days (then 1 settling run)", str(fig.days)),
        ("runs started", str(len(fig.runs))),
        ("runs killed (SIGKILL, process group)", str(fig.kills)),
        ("concurrent runs", str(fig.concurrent_runs)),
        ("ended: exit 0 / exit 1 / other / hung", f"{exits.get(0, 0)} / {exits.get(1, 0)} / {other} / {fig.hung}"),
        ("median run, s", f"{fig.typical_run_seconds:.1f}"),
        *[(f"{LABEL[kind]} in outbox: accepted / failed / open", _documents(s, kind)) for kind in LEDGER_KIND],
        ("ledger accepted: acks / ASNs / invoices", _per_kind(s.ledger_accepted)),
        ("accepted twice: acks / ASNs / invoices", _per_kind(twice)),
        ("posted > once: acks / ASNs / invoices", _per_kind(s.posted_more_than_once)),
        ("ASNs accepted, never invoiced (alerted)", f"{len(s.never_invoiced)} ({len(s.never_invoiced_alerted)})"),
        ("outbox rows non-final without alert", str(len(s.non_final_without_alert))),
        ("late ASNs: Acorn / ledger", f"{s.late_acorn} / {s.late_ledger}"),
        ("settling run exit code", str(fig.settle_exit)),
        ("wall time, s", f"{fig.seconds:.1f}"),
        ("verdict", "[green]OK[/green]" if not problems else f"[red]FAIL[/red] ({len(problems)})"),
    ]


def _documents(s: StoreFigures, kind: str) -> str:
    """``total: accepted / failed / open`` for one kind of outbox document."""
    d = s.documents.get(kind) or {}
    rest = d.get("total", 0) - d.get("accepted", 0) - d.get("failed", 0)
    return f"{d.get('total', 0)}: {d.get('accepted', 0)} / {d.get('failed', 0)} / {rest}"


def _per_kind(values: dict[str, int]) -> str:
    return " / ".join(str(values.get(v, 0)) for v in LEDGER_KIND.values())


def write_json(result: ChaosResult, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result.as_json(), indent=2, default=str), encoding="utf-8")
