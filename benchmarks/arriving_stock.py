"""Accepting against arriving stock, measured by Amazon: ``.venv/bin/python benchmarks/arriving_stock.py``.

Options: ``[--days 21] [--pos-per-day 6] [--seed 0]``.

Runs the same vendor twice over ``days`` of the sandbox's purchase orders, on the in-memory
store and the fake Amazon (the sandbox's own rules, no HTTP; the Great Expectations gates
run for real): once with ``accept_arriving_stock`` off, once on. Both start from the demo
ERP's stock, whose low-stock SKUs have a hundred cases arriving 5 to 21 days in. Every
figure is read from Amazon's side (the sandbox's order book), not from Acorn's store:

* **fill rate**: units Amazon holds as accepted or backordered / units it ordered, over the
  POs acknowledged;
* **accepted, not shipped in the window**: accepted units that no accepted ASN carried with
  a departure inside the PO's ship window, over POs whose window closed before the run
  ended. This is the over-promising the option must not cause;
* **received**: units the fulfilment centres received.

Prints the two runs side by side; exits 1 when the option promised units it did not ship in
the window.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from tempfile import TemporaryDirectory

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from acorn.config import AcornSettings, load_settings
from acorn.demo import DEMO_DATA
from acorn.erp import CsvErp
from acorn.sandbox.config import SandboxConfig
from acorn.sandbox.orders import PurchaseOrder
from acorn.services.erp import load_erp
from acorn.store.uow import in_memory_units
from acorn.testing.fake_amazon import FakeAmazon
from acorn.testing.world import World


@dataclass(frozen=True)
class AmazonsView:
    """What the sandbox's order book says about the vendor's promises and deliveries."""

    ordered: int
    accepted: int
    backordered: int
    rejected: int
    not_shipped_in_window: int
    received: int
    seconds: float

    @property
    def fill_rate(self) -> float:
        return (self.accepted + self.backordered) / self.ordered if self.ordered else 1.0


def _settings(home: Path, *, accept_arriving: bool) -> AcornSettings:
    settings = load_settings(home=home, transaction_stuck_minutes=60, receipt_alert_days=2)
    return settings.model_copy(update={"accounts": [
        a.model_copy(update={"accept_arriving_stock": accept_arriving}) for a in settings.accounts]})


def run(days: int, pos_per_day: int, seed: int, *, accept_arriving: bool) -> AmazonsView:
    """``days`` of the daily stages for the US account, then Amazon's view of them."""
    started = time.perf_counter()
    with TemporaryDirectory() as home:
        amazon = FakeAmazon(SandboxConfig(seed=seed, pos_per_day=pos_per_day, history_days=1, processing_polls=0,
                                          shortage_rate=0.0, damage_rate=0.0))
        world = World(in_memory_units(), amazon, _settings(Path(home), accept_arriving=accept_arriving))
        load_erp(world.units, CsvErp(DEMO_DATA / "skus.csv", DEMO_DATA / "inventory.csv"), as_of=amazon.now())
        times = world.run_times(days)
        for as_of in times:
            world.day(as_of)
        selling_party = world.account.selling_party
        with amazon.state.lock:
            orders = [po for po in amazon.state.book.orders if po.selling_party == selling_party and po.acknowledged_at]
            return _view(orders, times[-1], time.perf_counter() - started)


def _view(orders: Iterable[PurchaseOrder], ended: datetime, seconds: float) -> AmazonsView:
    ordered = accepted = backordered = rejected = late = received = 0
    for po in orders:
        closed = po.ship_window is not None and po.ship_window[1] < ended
        for line in po.lines:
            if line.ack is None:
                continue
            ordered += line.quantity * line.factor
            accepted, backordered, rejected = (accepted + line.ack.accepted, backordered + line.ack.backordered,
                                               rejected + line.ack.rejected)
            received += sum(s.quantity for s in line.shipped if s.delivered_at <= ended)
            if closed:
                late += max(line.ack.accepted - line.shipped_total, 0)
    return AmazonsView(ordered, accepted, backordered, rejected, late, received, seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=21)
    parser.add_argument("--pos-per-day", type=int, default=6)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    logging.getLogger("acorn").setLevel(logging.ERROR)  # the runs' own warnings (fill rates under 80 %) are noise here
    off = run(args.days, args.pos_per_day, args.seed, accept_arriving=False)
    on = run(args.days, args.pos_per_day, args.seed, accept_arriving=True)
    print(f"accepting against arriving stock: {args.days} days, {args.pos_per_day} POs/day, seed {args.seed}, "
          f"US account, demo ERP stock; Amazon's figures")
    print(f"{'':42}{'off':>12}{'on':>12}")
    rows = [("units ordered (POs acknowledged)", "ordered"), ("units accepted", "accepted"),
            ("units backordered", "backordered"), ("units rejected", "rejected"),
            ("accepted, not shipped in the window", "not_shipped_in_window"), ("units received", "received")]
    for label, name in rows:
        print(f"{label:42}{getattr(off, name):>12,}{getattr(on, name):>12,}")
    print(f"{'fill rate (accepted + backordered)':42}{off.fill_rate:>12.3f}{on.fill_rate:>12.3f}")
    print(f"{'seconds':42}{off.seconds:>12.1f}{on.seconds:>12.1f}")
    return 1 if on.not_shipped_in_window > off.not_shipped_in_window else 0


if __name__ == "__main__":
    raise SystemExit(main())
