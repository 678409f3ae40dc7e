"""The replenishment report of one account and day: a CSV to work with and an HTML page to read.

``replenishment-<ACCOUNT>-<YYYY-MM-DD>.csv`` has one row per SKU and ship-from warehouse (the
columns of :data:`CSV_COLUMNS`); ``.html`` shows the same table, the SKUs below their lead time
first, a weeks-of-cover chart and, per SKU, its past weeks against the plan (inline SVG, no
script, no network: it opens from a mail or a share). Both are replaced atomically, so a rerun of
the day rewrites them and a reader never sees half a file. The HTML is a jinja2 template with
autoescaping on; only the SVG Acorn drew is inserted as markup.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from acorn.documents._env import render
from acorn.documents.files import replace_text
from acorn.documents.replenishment_charts import CoverBar, SkuSeries, cover_svg, demand_svg, safe_id

__all__ = ["CSV_COLUMNS", "PlanReport", "ReportPaths", "SkuSeries", "plan_csv", "render_plan_html",
           "report_paths", "row_cells", "write_plan_report"]

#: the CSV's header, in order; a row is a mapping with these keys
CSV_COLUMNS = ("sku", "asin", "warehouse", "on_hand", "expected_weekly", "at_level_weekly", "window_demand",
               "weeks_of_cover", "suggested_units", "cases", "case_pack", "start_by", "below_lead_time",
               "suggested_value", "currency")
#: SKUs charted one by one: the ones most in need (the table lists every SKU)
CHARTED_SKUS = 50


@dataclass(frozen=True)
class PlanReport:
    """What the report shows: plain values, built by ``acorn.services.replenishment_plan``."""

    account_code: str
    warehouse: str
    day: date
    planning_week: date
    generated_at: datetime
    settings: Mapping[str, Any]  # service level, lead time, review, horizon, history weeks
    sources: Sequence[str]
    rows: Sequence[Mapping[str, Any]]  # CSV_COLUMNS, most urgent first
    set_aside: Sequence[str]
    series: Sequence[SkuSeries]  # the charted SKUs, in the rows' order


@dataclass(frozen=True)
class ReportPaths:
    csv: Path
    html: Path


def report_paths(out_dir: Path, account_code: str, day: date) -> ReportPaths:
    stem = f"replenishment-{account_code}-{day.isoformat()}"
    return ReportPaths(out_dir / f"{stem}.csv", out_dir / f"{stem}.html")


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return "inf" if math.isinf(value) else f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def row_cells(row: Mapping[str, Any]) -> dict[str, str]:
    """A row as the CSV prints it, column by column (for a Prefect table artifact too: JSON has no ``inf``)."""
    return {name: _cell(row[name]) for name in CSV_COLUMNS}


def plan_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    """One line per SKU; figures as text (units to two decimals, ``inf`` cover when there is no demand)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([_cell(row[name]) for name in CSV_COLUMNS])
    return out.getvalue()


def render_plan_html(report: PlanReport) -> str:
    lead, review = int(report.settings["lead_time_days"]), int(report.settings["review_days"])
    bars = [CoverBar(str(r["sku"]), float(r["weeks_of_cover"]), bool(r["below_lead_time"]))
            for r in report.rows[:CHARTED_SKUS]]
    cover = cover_svg(bars, lead_time_days=lead, review_days=review,
                      horizon_weeks=int(report.settings["horizon_weeks"])) if bars else ""
    charts = [(s.vendor_sku, demand_svg(s, chart_id=f"demand-{safe_id(s.vendor_sku)}"))
              for s in report.series[:CHARTED_SKUS]]
    shown = [row_cells(row) for row in report.rows]
    return render("replenishment_report.html", report=report, rows=shown, cover_chart=cover, charts=charts,
                  below=sum(1 for r in report.rows if r["below_lead_time"]),
                  suggested=sum(int(r["suggested_units"]) for r in report.rows), charted=CHARTED_SKUS)




def write_plan_report(report: PlanReport, out_dir: Path) -> ReportPaths:
    """The CSV and the HTML page, named by account and day, in ``out_dir`` (created)."""
    paths = report_paths(out_dir, report.account_code, report.day)
    out_dir.mkdir(parents=True, exist_ok=True)
    replace_text(paths.csv, plan_csv(report.rows))
    replace_text(paths.html, render_plan_html(report))
    return paths
