"""Intake benchmark: ``.venv/bin/python benchmarks/intake.py [--faults]``.

Fetches ≥10,000 purchase orders (101 pages) from an in-process sandbox through
``acorn.spapi.SpApiClient`` at the published getPurchaseOrders rate and prints requests,
seconds, achieved / allowed rate, 429s seen and failures. Same code as ``acorn bench intake``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from acorn.spapi.bench import app

if __name__ == "__main__":
    app(["intake", *sys.argv[1:]])
