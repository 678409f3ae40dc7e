"""Per-day SVG charts for the operations dashboard, drawn like the reconciliation charts.

Same canvas, ids and determinism as :mod:`acorn.documents.charts` (whose helpers draw
these too). Each bar carries the id ``<chart_id>-bar-<YYYY-MM-DD>``; a day with nothing to
measure (no ASN sent, no PO decided) has no bar rather than a misleading zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from acorn.documents._env import money
from acorn.documents.charts import _axes, _svg

_GREEN, _BLUE, _RED = "#1e8449", "#2471a3", "#c0392b"
_NOTHING = "Nothing measured yet"


def percent_by_day_svg(days: Sequence[tuple[date, Decimal | None]], *, title: str, chart_id: str) -> str:
    """One bar per day with a measured percentage (0–100)."""
    measured = [(d, v) for d, v in days if v is not None]
    fig, ax = _axes(title, empty=not measured, empty_text=_NOTHING)
    if measured:
        _day_bars(ax, measured, colour=_GREEN, labels=[f"{v:.0f}%" for _, v in measured])
        ax.set_ylim(0, 105)
        _day_ticks(ax, days)
    return _svg(fig, chart_id)


def count_by_day_svg(days: Sequence[tuple[date, int]], *, title: str, chart_id: str) -> str:
    """One bar per day (a zero day keeps its place on the axis)."""
    fig, ax = _axes(title, empty=not any(v for _, v in days), empty_text=_NOTHING)
    if any(v for _, v in days):
        _day_bars(ax, days, colour=_RED, labels=[str(v) if v else "" for _, v in days])
        _day_ticks(ax, days)
    return _svg(fig, chart_id)


def money_by_day_svg(days: Sequence[tuple[date, Decimal]], currency: str, *, chart_id: str) -> str:
    """Money invoiced per day in one currency (currencies are never added together)."""
    fig, ax = _axes(f"Invoiced per day ({currency})", empty=not any(v for _, v in days), empty_text=_NOTHING)
    if any(v for _, v in days):
        _day_bars(ax, days, colour=_BLUE, labels=[_compact(v, currency) if v else "" for _, v in days])
        _day_ticks(ax, days)
    return _svg(fig, chart_id)


def _day_bars(ax: object, days: Sequence[tuple[date, Decimal | int]], *, colour: str, labels: list[str]) -> None:
    bars = ax.bar([d.toordinal() for d, _ in days], [float(v) for _, v in days], color=colour, width=0.7)
    for bar, (d, _) in zip(bars, days):
        bar.set_gid(f"bar-{d.isoformat()}")
    ax.bar_label(bars, labels=labels, fontsize=7)


def _day_ticks(ax: object, days: Sequence[tuple[date, object]]) -> None:
    step = max(1, -(-len(days) // 10))  # at most 10 labels, whatever the history's length
    shown = days[::step]
    ax.set_xticks([d.toordinal() for d, _ in shown], [f"{d:%d %b}" for d, _ in shown], rotation=45, ha="right")


def _compact(amount: Decimal, currency: str) -> str:
    """A bar's label: ``148.9k`` (the exact amounts are in the dashboard's table and the report)."""
    return f"{amount / 1000:.1f}k" if abs(amount) >= 1000 else money(amount, currency)
