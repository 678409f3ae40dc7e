"""Reconciliation benchmark: ``.venv/bin/python benchmarks/reconcile.py [--lines 1000000] [--database sqlite]``.

Builds a month of PO lines (ASNs, receipts, invoices, remittances) into a fresh store,
reconciles it with ``acorn.services.reconcile`` and with the same join written directly in
DuckDB, each in its own process, and prints seconds, peak memory and the totals per
category side by side, with PASS/MISS per target (under 20 s, under 2 GiB, within 3x of
DuckDB). Exits 1 when the two disagree. Same code as ``acorn bench reconcile`` (see
``acorn/reconcile_bench.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from acorn.reconcile_bench import register
from acorn.spapi.bench import app

register(app)

if __name__ == "__main__":
    app(["reconcile", *sys.argv[1:]])
