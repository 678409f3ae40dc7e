"""Replenishment backtest: ``.venv/bin/python benchmarks/replenish.py [--seed 7] [--weeks 26] [...]``.

Options: ``--seed 7 --weeks 26 --lead-time-days 21 --service-level 0.8 --pos-per-day 6`` (the defaults).

Replays the sandbox's purchase orders for the seed, day by day, through the vendor's warehouse
under the replenishment suggestions and under a naive "reorder what Amazon ordered last month",
from the same opening stock, and prints fill rate, stock-out days, average stock and units
ordered from production side by side, in all and per vendor account. Same code as
``acorn bench replenish`` (see ``acorn/replenish_bench.py`` and ``acorn/replenish_backtest.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import typer

from acorn.replenish_bench import replenish_command

if __name__ == "__main__":
    typer.run(replenish_command)
