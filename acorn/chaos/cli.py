"""``acorn bench chaos``: registered on the ``bench`` app; heavy imports happen when it runs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from acorn.chaos.harness import ChaosOptions


def chaos(
    days: int = typer.Option(30, min=1, max=120, help="Simulated days (then one settling run the day after)."),
    database: str = typer.Option("both", help="sqlite, postgres or both."),
    kill_rate: float = typer.Option(0.35, min=0.0, max=0.99, help="Chance that a run is SIGKILLed."),
    kill_window: float = typer.Option(None, min=1.0, show_default=False,
                                      help="T: a kill lands uniformly between 1 and T s after the run starts "
                                           "(default 60 s, a typical run measured here)."),
    concurrent: bool = typer.Option(True, "--concurrent/--no-concurrent",
                                    help="Start a second run of each day 0-3 s after the first."),
    faults: bool = typer.Option(True, "--faults/--no-faults", help="Sandbox faults while the days run."),
    seed: int = typer.Option(0, help="Seed of the harness's RNG: same seed, same kill plan."),
    rate_scale: float = typer.Option(20.0, min=0.000001, help="Sandbox --rate-scale."),
    run_timeout: float = typer.Option(900.0, min=10.0, help="A run alive after this many seconds counts as hung."),
    pos_per_day: int = typer.Option(None, min=0, max=100_000, show_default=False,
                                    help="New POs per account per day (default: the sandbox's); stock scales "
                                         "with it."),
    history_days: int = typer.Option(None, min=0, max=180, show_default=False,
                                     help="Days of orders before the first day (default: the sandbox's)."),
    settle_hours: float = typer.Option(None, min=1.0, show_default=False,
                                       help="Settle this many hours after the last day's run (default: the next "
                                            "day's run time, with its new orders)."),
    json_path: Path = typer.Option(None, "--json", help="Also write the figures here as JSON."),
    workdir: Path = typer.Option(None, help="Keep logs, SQLite file and ledgers here (default: a temporary "
                                            "directory, removed unless a check failed)."),
    keep: bool = typer.Option(False, "--keep", help="Keep the temporary work directory."),
) -> None:
    """Chaos: real `acorn run` processes killed at random against a faulty sandbox.

    Exits 1 on double acceptance, ASNs never invoiced, open outbox rows without alert or differing late counts.
    """
    from acorn.chaos.harness import DATABASES, DEFAULT_KILL_WINDOW, ChaosOptions

    if database not in (*DATABASES, "both"):
        raise typer.BadParameter(f"{database!r} is not sqlite, postgres or both", param_hint="--database")
    options = ChaosOptions(
        days=days, databases=DATABASES if database == "both" else (database,), kill_rate=kill_rate,
        kill_window=kill_window or DEFAULT_KILL_WINDOW, concurrent=concurrent, faults=faults, seed=seed,
        rate_scale=rate_scale, run_timeout=run_timeout, workdir=workdir, keep=keep, pos_per_day=pos_per_day,
        history_days=history_days, settle_hours=settle_hours)
    _run_and_report(options, json_path)


def _run_and_report(options: ChaosOptions, json_path: Path | None) -> None:
    """Run the chaos days, print a table per database, and exit 1 when a check failed (2: no PostgreSQL)."""
    from rich.console import Console

    from acorn.chaos.harness import run_chaos
    from acorn.chaos.report import table, write_json

    console = Console()
    if "postgres" in options.databases:
        from acorn.testing.postgres import unavailable_reason

        why = unavailable_reason()
        if why:
            console.print(f"[red]cannot run on PostgreSQL: {why}[/red] (use --database sqlite)")
            raise typer.Exit(2)
    result = run_chaos(options, say=lambda line: console.print(line, highlight=False))
    for fig in result.databases:
        console.print(table(fig, result))
    if json_path is not None:
        write_json(result, json_path)
        console.print(f"figures written to {json_path}")
    problems = result.problems()
    if problems:
        console.print(f"[red]chaos check failed[/red] ({result.seconds:.0f} s; logs kept in {result.workdir}):")
        for p in problems:
            console.print(f"  - {p}", highlight=False)
        raise typer.Exit(1)
    console.print(f"[green]chaos check OK[/green] in {result.seconds:.0f} s")


def register(bench_app: typer.Typer) -> None:
    bench_app.command("chaos")(chaos)
