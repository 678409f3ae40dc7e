"""`acorn replenish` as ops run it: ERP files and Amazon's reports loaded by their own commands, then the plan.

Each command is the installed `acorn` in its own process on one SQLite store: the table, one SKU's
explanation, the CSV and HTML written where `--out` says, the cover alert raised once however often it
runs, a SKU without stock set aside (exit 1), wrong options refused naming them (exit 2).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

ACORN = str(Path(sys.executable).with_name("acorn"))
REPO = Path(__file__).resolve().parents[2]
WEEK = date(2026, 3, 1)  # Amazon's week holding Wednesday 2026-03-04, the day planned


def _acorn(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "ACORN_DATABASE_URL": f"sqlite:///{home / 'acorn.db'}",
           "ACORN_HOME": str(home / ".acorn"), "COLUMNS": "200"}
    return subprocess.run([ACORN, *args], capture_output=True, text=True, timeout=120, env=env, cwd=home)


def _spec(report_type: str, **dated: str) -> dict[str, Any]:
    options = {"sellingProgram": "RETAIL"}
    if dated:
        options |= {"distributorView": "MANUFACTURING", "reportPeriod": "WEEK"}
    return {"reportType": report_type, "reportOptions": options, "lastUpdatedDate": "2026-03-02", **dated,
            "marketplaceIds": ["ATVPDKIKX0DER"]}


def _reports(home: Path) -> list[Path]:
    """Last week's sales (30 and 4 units) and a 13-week forecast (P80 40 and 2 a week) for the two ASINs."""
    start, end = WEEK - timedelta(days=7), WEEK - timedelta(days=1)
    row = {"startDate": start.isoformat(), "endDate": end.isoformat(),
           "shippedCogs": {"amount": 0.0, "currencyCode": "USD"}, "shippedRevenue": {"amount": 0.0,
                                                                                       "currencyCode": "USD"}}
    sales = {"reportSpecification": _spec("GET_VENDOR_SALES_REPORT", dataStartTime=start.isoformat(),
                                          dataEndTime=end.isoformat()),
             "salesAggregate": [{**row, "shippedUnits": 34}],
             "salesByAsin": [{**row, "asin": "B0000000AA", "shippedUnits": 30},
                             {**row, "asin": "B0000000BB", "shippedUnits": 4}]}
    weeks = [WEEK + timedelta(days=7 * k) for k in range(13)]
    forecast = {"reportSpecification": _spec("GET_VENDOR_FORECASTING_REPORT"), "forecastByAsin": [
        {"forecastGenerationDate": "2026-03-02", "asin": asin, "startDate": w.isoformat(),
         "endDate": (w + timedelta(days=6)).isoformat(), "meanForecastUnits": mean, "p70ForecastUnits": mean,
         "p80ForecastUnits": p80, "p90ForecastUnits": p80 + 5}
        for asin, mean, p80 in (("B0000000AA", 35.0, 40.0), ("B0000000BB", 1.0, 2.0)) for w in weeks]}
    paths = [home / "sales.json", home / "forecast.json"]
    for path, document in zip(paths, (sales, forecast), strict=True):
        path.write_text(json.dumps(document))
    return paths


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A store with two SKUs (SKU-A short of stock, SKU-B covered), a third with no stock row, and the reports."""
    (tmp_path / "skus.csv").write_text(
        "vendor_sku,asin,ean,title,case_pack,unit_weight_kg,carton_weight_kg,unit_cost,currency,discontinued\n"
        "SKU-A,B0000000AA,0614141707959,Mug,12,0.3,,2.50,USD,false\n"
        "SKU-B,B0000000BB,0614141163373,Plate,6,0.4,,3.00,USD,false\n"
        "SKU-C,B0000000CC,0614141555550,Bowl,6,0.4,,3.00,USD,false\n")
    (tmp_path / "inventory.csv").write_text("vendor_sku,warehouse,on_hand,restock_date\n"
                                            "SKU-A,NJ1,60,\nSKU-B,NJ1,900,\n")
    loaded = _acorn(tmp_path, "erp-load", "--skus", "skus.csv", "--inventory", "inventory.csv")
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    for path in _reports(tmp_path):
        imported = _acorn(tmp_path, "reports", "import", str(path), "--account", "ACRNUS")
        assert imported.returncode == 0, imported.stdout + imported.stderr
    return tmp_path


def test_replenish_prints_the_plan_explains_a_sku_writes_the_report_and_alerts_once(home: Path) -> None:
    out = _acorn(home, "replenish", "--account", "ACRNUS", "--as-of", "2026-03-04", "--out", "plans",
                 "--sku", "SKU-A")
    assert out.returncode == 1, out.stdout + out.stderr  # SKU-C has no stock row: set aside, exit 1
    assert "SKU-C@NJ1: on_hand" in out.stdout
    assert "Replenishment ACRNUS at NJ1, 2026-03-04" in out.stdout and "SKU-A" in out.stdout
    assert "SKU-A@NJ1 on 2026-03-01" in out.stdout and "BELOW LEAD TIME" in out.stdout  # the explanation
    assert "alerts opened 2" in out.stdout  # SKU-A's cover, SKU-C's missing stock
    rows = list(csv.DictReader((home / "plans" / "replenishment-ACRNUS-2026-03-04.csv").open()))
    # SKU-A: 4 weeks at P80 40 = 160, less 60 on hand = 100 → 9 cases of 12 = 108; cover 60 / 40 = 1.5 weeks.
    # SKU-B: 13 weeks at 2 use 26 of 900, the other 874 last 437 weeks at that rate: 450 weeks
    assert [(r["sku"], r["suggested_units"], r["cases"], r["weeks_of_cover"], r["below_lead_time"])
            for r in rows] == [("SKU-A", "108", "9", "1.50", "yes"), ("SKU-B", "0", "0", "450.00", "no")]
    assert "<svg" in (home / "plans" / "replenishment-ACRNUS-2026-03-04.html").read_text()

    again = _acorn(home, "replenish", "--account", "ACRNUS", "--as-of", "2026-03-04", "--out", "plans")
    assert again.returncode == 1 and "alerts opened 0" in again.stdout
    alerts = _acorn(home, "alerts", "--kind", "cover_below_lead_time", "--json")
    assert [a["subject"] for a in json.loads(alerts.stdout)] == [
        "SKU-A@NJ1: 1.5 weeks of cover, under the 21-day lead time"]


def test_replenish_exits_0_when_every_sku_is_planned(home: Path) -> None:
    (home / "inventory.csv").write_text("vendor_sku,warehouse,on_hand,restock_date\nSKU-C,NJ1,5,\n")
    assert _acorn(home, "erp-load", "--skus", "skus.csv", "--inventory", "inventory.csv").returncode == 0
    out = _acorn(home, "replenish", "--account", "ACRNUS", "--as-of", "2026-03-04", "--out", "plans")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "3 planned" in out.stdout and "0 set aside" in out.stdout


@pytest.mark.parametrize(("args", "expected"), [
    pytest.param(["--as-of", "March"], "--as-of", id="as-of-not-a-date"),
    pytest.param(["--account", "NOPE"], "NOPE", id="unknown-account"),
    pytest.param(["--sku", "NOPE"], "--sku", id="unknown-sku"),
])
def test_a_wrong_replenish_option_is_refused_naming_it(tmp_path: Path, args: list[str], expected: str) -> None:
    out = _acorn(tmp_path, "replenish", *args)
    assert out.returncode == 2, out.stdout + out.stderr
    assert expected in out.stdout + out.stderr
