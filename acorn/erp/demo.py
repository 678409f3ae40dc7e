"""Demo ERP exports that agree with the sandbox's catalogue.

The sandbox (simulated Vendor Central) orders items from ``acorn.sandbox.catalogue``;
the demo ERP must know every one of them, at the same ASIN, EAN, case pack, weight and
cost, or the demo would reject its own purchase orders. :func:`write_demo_files` derives
both CSVs from the catalogue for a seed, deterministically, and shapes the stock so the
demo shows each path of the business:

- most SKUs plentiful (200 to 400 cartons on hand, a fortnight of the sandbox's demand);
- a few low on stock (1 to 3 cartons) with a restock date 5 to 21 days after ``as_of`` and a
  hundred cases arriving then;
- one or two out of stock with no restock date (to be rejected or backordered);
- one discontinued (a little stock left, no restock);
- exactly one deliberately bad row in each file, so the demo shows quarantine: an
  extra SKU whose EAN has a wrong check digit, and a negative stock count for a SKU in a
  second warehouse. Neither is a catalogue SKU's only row, so every catalogue SKU loads.

The generated files for seed 0 are kept in ``acorn/demo_data/``
(``python -m acorn.erp.demo`` rewrites them).
"""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from stdnum import ean

from acorn.domain.measures import round_to_gram
from acorn.domain.money import round_cents
from acorn.erp.csv_source import INVENTORY_COLUMNS, SKU_COLUMNS, CsvErp

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo_data"
SKU_FILE = "skus.csv"
INVENTORY_FILE = "inventory.csv"

#: day restock dates count from when the sandbox clock cannot say (its epoch's day)
DEMO_AS_OF = date(2026, 3, 2)
MAIN_WAREHOUSE = "NJ1"
SECOND_WAREHOUSE = "PA2"
CURRENCY = "USD"

#: the deliberately bad rows (one per file), so tests and the demo can name them
BAD_SKU = "DEMO-BAD-EAN"
BAD_STOCK_WAREHOUSE = SECOND_WAREHOUSE

_CARTON_TARE_KG = Decimal("0.350")


@dataclass(frozen=True)
class DemoStockPlan:
    """Which catalogue SKUs the demo marks as discontinued, low or out of stock."""

    discontinued: str
    low_stock: tuple[str, ...]
    out_of_stock: tuple[str, ...]


def demo_erp() -> CsvErp:
    """The committed seed-0 demo exports as an ERP source."""
    return CsvErp(DEMO_DIR / SKU_FILE, DEMO_DIR / INVENTORY_FILE)


def write_demo_files(out_dir: Path | str, seed: int = 0, *, as_of: date | None = None) -> tuple[Path, Path]:
    """Write ``skus.csv`` and ``inventory.csv`` for the sandbox catalogue of ``seed`` (default: the
    sandbox's ``DEMO_SEED``, 0, which the committed files were written for; a test keeps them equal).

    Restock dates count from ``as_of``, by default the day the sandbox's clock starts
    for ``seed``, so low-stock SKUs are restocked during a simulation, not before it.
    Returns the two paths. Same seed and ``as_of``, same bytes.
    """
    items = list(_sandbox_catalogue(seed))
    as_of = as_of or _sandbox_start(seed)
    rng = random.Random(f"acorn-demo-erp:{seed}")
    plan = plan_stock([item.vendor_sku for item in items], rng)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sku_path, stock_path = out / SKU_FILE, out / INVENTORY_FILE
    _write(sku_path, SKU_COLUMNS, _sku_rows(items, plan, rng))
    _write(stock_path, INVENTORY_COLUMNS, _stock_rows(items, plan, rng, as_of))
    return sku_path, stock_path


def _sandbox_catalogue(seed: int) -> list[Any]:
    # the sandbox is the source of truth for the items (imported late: it is a large package)
    from acorn import sandbox

    found = getattr(sandbox, "catalogue", None)
    if found is None or not callable(found):  # package without re-export: use the module
        from acorn.sandbox.catalogue import catalogue as found
    return list(found(seed))


def _sandbox_start(seed: int) -> date:
    try:
        from acorn.sandbox.clock import start_of
    except ImportError:
        return DEMO_AS_OF
    return start_of(seed).date()


def plan_stock(vendor_skus: Sequence[str], rng: random.Random) -> DemoStockPlan:
    """Pick the discontinued, low-stock and out-of-stock SKUs (fewer when the catalogue is tiny)."""
    if not vendor_skus:
        raise ValueError("the sandbox catalogue is empty: nothing to build demo ERP files from")
    n = len(vendor_skus)
    low_n, out_n = min(3, n // 4), min(2, n // 6)  # 20 SKUs: 1 discontinued, 3 low, 2 out
    picked = rng.sample(list(vendor_skus), k=1 + low_n + out_n)
    return DemoStockPlan(
        discontinued=picked[0],
        low_stock=tuple(picked[1 : 1 + low_n]),
        out_of_stock=tuple(picked[1 + low_n : 1 + low_n + out_n]),
    )


def _sku_rows(items: list[Any], plan: DemoStockPlan, rng: random.Random) -> list[dict[str, str]]:
    rows = []
    for item in items:
        unit_weight = Decimal(item.unit_weight_kg)
        # a quarter of the SKUs leave the optional carton weight blank, as real exports do
        carton_weight = (
            ""
            if rng.random() < 0.25
            else str(round_to_gram(item.case_pack * unit_weight * Decimal("1.04") + _CARTON_TARE_KG))
        )
        rows.append(
            {
                "vendor_sku": item.vendor_sku,
                "asin": item.asin,
                "ean": item.ean,
                "title": item.title,
                "case_pack": str(item.case_pack),
                "unit_weight_kg": str(unit_weight),
                "carton_weight_kg": carton_weight,
                "unit_cost": str(round_cents(Decimal(item.net_cost))),
                "currency": CURRENCY,
                "discontinued": "true" if item.vendor_sku == plan.discontinued else "false",
            }
        )
    body = "061414199999"
    wrong_check = str((int(ean.calc_check_digit(body)) + 1) % 10)
    bad = {
        "vendor_sku": BAD_SKU,
        "asin": "B0DEMOBAD1",
        "ean": body + wrong_check,
        "title": "Demo row with a mistyped EAN (quarantined on load)",
        "case_pack": "6",
        "unit_weight_kg": "0.5",
        "carton_weight_kg": "",
        "unit_cost": "9.99",
        "currency": CURRENCY,
        "discontinued": "false",
    }
    rows.insert(min(3, len(rows)), bad)
    return rows


def _stock_rows(items: list[Any], plan: DemoStockPlan, rng: random.Random, as_of: date) -> list[dict[str, str]]:
    rows = []
    for item in items:
        sku, pack = item.vendor_sku, item.case_pack
        restock, arriving = "", ""
        if sku in plan.out_of_stock:
            on_hand = 0
        elif sku in plan.low_stock:
            on_hand = pack * rng.randint(1, 3)
            restock = (as_of + timedelta(days=rng.randint(5, 21))).isoformat()
            arriving = str(pack * 100)  # a production run of a hundred cases (no draw: the seed's files stay)
        elif sku == plan.discontinued:
            on_hand = pack * 2
        else:
            on_hand = pack * rng.randint(200, 400)
        rows.append({"vendor_sku": sku, "warehouse": MAIN_WAREHOUSE, "on_hand": str(on_hand), "restock_date": restock,
                     "restock_units": arriving})
    # a stocktake adjustment keyed in with the wrong sign, in the second warehouse
    special = {plan.discontinued, *plan.low_stock, *plan.out_of_stock}
    plentiful = next((item.vendor_sku for item in items if item.vendor_sku not in special), items[0].vendor_sku)
    bad = {"vendor_sku": plentiful, "warehouse": BAD_STOCK_WAREHOUSE, "on_hand": "-12", "restock_date": "",
           "restock_units": ""}
    rows.insert(min(4, len(rows)), bad)
    return rows


def _write(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    for written in write_demo_files(DEMO_DIR):
        print(written)
