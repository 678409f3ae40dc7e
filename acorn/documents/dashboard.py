"""The operations dashboard: one self-contained HTML page of per-day charts and today's figures.

Written under the home folder as ``<home>/reports/dashboard.html`` (always the latest) plus
``<home>/reports/dashboard-YYYY-MM-DD.html`` per business day (kept, like the other
documents), so yesterday's picture is still there after today's run. Charts are inline SVG
(matplotlib, see :mod:`acorn.documents.dashboard_charts`): the file opens from disk, from
an e-mail attachment or a file share, without a server or the network. The page is a
jinja2 template with autoescaping on; only the SVGs Acorn drew are inserted as markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from acorn.documents import dashboard_charts as charts
from acorn.documents._env import render
from acorn.documents.report import group_by_severity


@dataclass(frozen=True)
class DashboardPaths:
    latest: Path
    dated: Path


def dashboard_paths(reports_dir: Path, business_date: date) -> DashboardPaths:
    return DashboardPaths(reports_dir / "dashboard.html", reports_dir / f"dashboard-{business_date.isoformat()}.html")


def render_dashboard_html(*, business_date: date, vendor: str, as_of: datetime,
                          history: Sequence[tuple[date, Any]],
                          today: Sequence[Mapping[str, Any]], alerts: Sequence[Mapping[str, Any]]) -> str:
    """``history``: ``(day, DayFigures)`` oldest first; ``today``: rows ``{what, today, total}``."""
    return render("dashboard.html", business_date=business_date, vendor=vendor, as_of=as_of,
                  charts=history_charts(history), today=today, alert_groups=group_by_severity(alerts),
                  days=len(history))


def history_charts(history: Sequence[tuple[date, Any]]) -> list[str]:
    """ASN on-time %, fill rate %, units short and money invoiced per currency, one bar per day."""
    svgs = [
        charts.percent_by_day_svg([(d, f.asn_on_time_percent) for d, f in history],
                                  title="ASNs on time (% of ASNs sent that day)", chart_id="asn-on-time"),
        charts.percent_by_day_svg([(d, f.fill_rate_percent) for d, f in history],
                                  title="Fill rate (accepted / requested units, POs decided that day)",
                                  chart_id="fill-rate"),
        charts.count_by_day_svg([(d, f.units_short) for d, f in history],
                                title="Units short (shipped − received, by the day of the last receipt)",
                                chart_id="shortages"),
    ]
    currencies = sorted({c for _, f in history for c in f.invoiced})
    for currency in currencies:
        svgs.append(charts.money_by_day_svg([(d, f.invoiced.get(currency, Decimal("0"))) for d, f in history],
                                            currency, chart_id=f"invoiced-{currency}"))
    return svgs


def write_dashboard(html: str, reports_dir: Path, business_date: date) -> DashboardPaths:
    """The latest page and the day's dated copy; returns both paths."""
    paths = dashboard_paths(reports_dir, business_date)
    reports_dir.mkdir(parents=True, exist_ok=True)
    for path in (paths.dated, paths.latest):
        tmp = path.with_suffix(".html.tmp")
        tmp.write_text(html, encoding="utf-8")
        tmp.replace(path)  # a reader never sees half a page
    return paths
