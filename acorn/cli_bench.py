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
    }


bench_app = typer.Typer(cls=_Benchmarks, no_args_is_help=True, add_completion=False,
                        help="Benchmarks that print their figures.")
