"""Chaos benchmark: ``.venv/bin/python benchmarks/chaos.py [--days 30] [--database both] ...``.

Runs real ``acorn run`` processes for N simulated days against a sandbox process with faults
on, SIGKILLs runs at random (deterministically from ``--seed``), runs each day twice
concurrently, then prints per database: runs, kills, documents, accepted twice, posted more
than once, ASNs accepted but never invoiced, outbox rows non-final without an alert, late
ASNs by Acorn vs the ledger, wall time. Exits 1 when a check fails. Same code as
``acorn bench chaos`` (see ``acorn/chaos/``).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from acorn.chaos.cli import register
from acorn.spapi.bench import app

register(app)

if __name__ == "__main__":
    app(["chaos", *sys.argv[1:]])
