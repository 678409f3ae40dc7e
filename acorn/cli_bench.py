"""`acorn bench`: benchmarks that print their figures, each imported only when it runs.

The benchmarks live with what they measure; ``benchmarks/*.py`` run them outside the CLI.
"""

from __future__ import annotations

import typer

from acorn.cli_lazy import Lazy, LazyGroup


class _Benchmarks(LazyGroup):
    lazy = {
        "intake": Lazy("acorn.spapi.bench:intake", "Fetch ≥10,000 POs from an in-process sandbox at the published "
                                                   "getPurchaseOrders rate."),
        "chaos": Lazy("acorn.chaos.cli:chaos", "Chaos: real `acorn run` processes killed at random against a faulty "
                                               "sandbox."),
        "reconcile": Lazy("acorn.reconcile_bench:reconcile_command", "Reconcile a month of PO lines with Acorn and "
                                                                     "with the same join in DuckDB; print both side by "
                                                                     "side."),
        "replenish": Lazy("acorn.replenish_bench:replenish_command", "Backtest the replenishment suggestions on "
                                                                     "the sandbox's orders beside a naive reorder; "
                                                                     "print both side by side."),
    }


bench_app = typer.Typer(cls=_Benchmarks, add_completion=False, help="Benchmarks that print their figures.")


@bench_app.callback(invoke_without_command=True)
def suite(ctx: typer.Context,
          json_out: bool = typer.Option(False, "--json", help="Print the figures as JSON instead of a table."),
          quick: bool = typer.Option(False, "--quick", help="Small sizes: the whole table in minutes."),
          only: str = typer.Option("", metavar="NAMES", help="Comma-separated subset of: intake, day, prefect, "
                                                               "history, gates, reconcile, cli."),
          markdown: bool = typer.Option(False, "--markdown", help="Print the table as Markdown (the README's).")
          ) -> None:
    """Benchmarks that print their figures: without a sub-command, every one in one table."""
    if ctx.invoked_subcommand is not None:
        return
    import json

    from rich.console import Console

    from acorn import bench_suite

    names = tuple(n.strip() for n in only.split(",") if n.strip()) or bench_suite.BENCHMARKS
    unknown = sorted(set(names) - set(bench_suite.BENCHMARKS))
    if unknown:
        raise typer.BadParameter(f"{', '.join(unknown)}: not one of {', '.join(bench_suite.BENCHMARKS)}",
                                 param_hint="--only")
    err = Console(stderr=True)
    result = bench_suite.run_suite(bench_suite.QUICK if quick else bench_suite.FULL, only=names, say=err.print)
    if json_out:
        typer.echo(json.dumps(result.as_dict(), indent=2, default=str))
    elif markdown:
        typer.echo(bench_suite.markdown(result), nl=False)
    else:
        Console().print(bench_suite.table(result))

