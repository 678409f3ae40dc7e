"""The short version of ``benchmarks/arriving_stock.py``: five days, judged on Amazon's order book."""

from __future__ import annotations

import importlib.util
import logging
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "arriving_stock.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("arriving_stock_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_accepting_against_arrivals_raises_what_amazon_holds_as_accepted_without_shipping_less(
        caplog: pytest.LogCaptureFixture) -> None:
    bench = _bench()
    caplog.set_level(logging.ERROR, logger="acorn")  # the runs' fill-rate warnings; put back after the test
    off = bench.run(5, 6, 0, accept_arriving=False)
    on = bench.run(5, 6, 0, accept_arriving=True)
    assert on.ordered == off.ordered > 0  # the same POs, acknowledged either way
    for view in (off, on):
        assert view.accepted + view.backordered + view.rejected == view.ordered
    # the demo ERP's low-stock SKUs have an arrival inside some POs' windows: accepted now, not rejected
    assert on.accepted > off.accepted and on.rejected < off.rejected
    assert on.fill_rate > off.fill_rate
    assert on.not_shipped_in_window <= off.not_shipped_in_window and on.received >= off.received
