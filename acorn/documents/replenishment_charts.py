"""The replenishment report's charts: small SVG drawn by hand, inline in the page, no script.

Not matplotlib (:mod:`acorn.documents.charts`): the report draws one chart per SKU, and a
matplotlib figure costs about a tenth of a second, so fifty SKUs would cost seconds for bars
a few ``<rect>`` elements draw exactly. Text is escaped; ids are ``<chart_id>-<series>-<key>``
so tests and readers find a bar. Output is deterministic (no date, no random id).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape, quoteattr

_BLUE, _GREEN, _RED, _AMBER, _GREY, _INK = "#2471a3", "#7dcea0", "#c0392b", "#e67e22", "#999", "#111"
_FONT = 'font-family="Helvetica, Arial, sans-serif" font-size="10"'


@dataclass(frozen=True)
class SkuSeries:
    """One SKU's weeks for its chart: the past (sold, ordered; None = no report that week) and the plan."""

    vendor_sku: str
    past: Sequence[tuple[date, float | None, float | None]]  # week, sold, ordered
    coming: Sequence[tuple[date, float, float]]  # week, expected, at the service level


@dataclass(frozen=True)
class CoverBar:
    vendor_sku: str
    weeks_of_cover: float  # inf: no demand
    below_lead_time: bool


def safe_id(text: str) -> str:
    """``text`` as an SVG/HTML id fragment (SKUs may hold characters an id cannot)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", text)


def _svg(width: int, height: int, chart_id: str, title: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" id={quoteattr(chart_id)} width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label={quoteattr(title)}>'
            f"<title>{escape(title)}</title>{''.join(body)}</svg>")


def _text(x: float, y: float, text: str, *, anchor: str = "start", colour: str = _INK) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{colour}" {_FONT}>'
            f"{escape(text)}</text>")


def _rect(x: float, y: float, w: float, h: float, colour: str, rect_id: str) -> str:
    return (f'<rect id={quoteattr(rect_id)} x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" '
            f'height="{max(h, 0):.1f}" fill="{colour}"/>')


def _line(x1: float, y1: float, x2: float, y2: float, colour: str, *, dashed: bool = False, width: float = 1) -> str:
    dash = ' stroke-dasharray="4 3"' if dashed else ""
    return (f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
            f'stroke-width="{width}"{dash}/>')


def demand_svg(series: SkuSeries, *, chart_id: str) -> str:
    """Weekly bars: units sold in the past weeks (Amazon's order as a tick), expected units in the coming
    weeks (the service-level figure as a tick), a line between the two."""
    width, height, left, top, bottom = 520, 150, 40, 20, 22
    weeks = len(series.past) + len(series.coming)
    step = (width - left - 8) / max(weeks, 1)
    values = [v for _, s, o in series.past for v in (s, o) if v is not None]
    values += [v for _, e, a in series.coming for v in (e, a)]
    top_value = max([*values, 1.0])
    scale = (height - top - bottom) / top_value
    base = height - bottom
    body = [_line(left, base, width - 8, base, _INK),
            _text(left - 4, top + 4, f"{top_value:,.0f}", anchor="end"), _text(left - 4, base, "0", anchor="end")]
    for k, (week, sold, ordered) in enumerate(series.past):
        x = left + k * step
        if sold is None:
            body.append(_text(x + step / 2, base - 3, "?", anchor="middle", colour=_GREY))
            continue
        body.append(_rect(x + 1, base - sold * scale, step - 2, sold * scale, _BLUE, f"{chart_id}-sold-{week}"))
        if ordered is not None:
            body.append(_line(x + 1, base - ordered * scale, x + step - 1, base - ordered * scale, _INK, width=2))
    now = left + len(series.past) * step
    for k, (week, expected, at_level) in enumerate(series.coming):
        x = now + k * step
        body.append(_rect(x + 1, base - expected * scale, step - 2, expected * scale, _GREEN,
                          f"{chart_id}-expected-{week}"))
        body.append(_line(x + 1, base - at_level * scale, x + step - 1, base - at_level * scale, _RED, width=2))
    body.append(_line(now, top, now, base, _GREY, dashed=True))
    body += _week_labels(series, left, step, height)
    title = (f"{series.vendor_sku}: units sold per week (blue; black tick: Amazon's orders) and the plan "
             "(green: expected; red tick: at the service level)")
    return _svg(width, height, chart_id, title, [_text(left, 12, series.vendor_sku), *body])


def _week_labels(series: SkuSeries, left: float, step: float, height: int) -> list[str]:
    """First past week, the planning week and the last planned week, as ``dd Mon``."""
    weeks = [w for w, _, _ in series.past] + [w for w, _, _ in series.coming]
    marks = {0, len(series.past), len(weeks) - 1} & set(range(len(weeks)))
    return [_text(left + k * step + step / 2, height - 6, f"{weeks[k]:%d %b}", anchor="middle") for k in sorted(marks)]


def cover_svg(bars: Sequence[CoverBar], *, lead_time_days: int, review_days: int, horizon_weeks: int,
              chart_id: str = "cover") -> str:
    """One bar per SKU: weeks of cover against the lead time (red line) and lead time + review (grey).

    The axis runs to twice lead time + review (within the horizon): what matters is near the lines;
    longer cover runs to the edge, its figure written beside it.
    """
    label, plot, row, top = 130, 380, 16, 24
    width, height = label + plot + 70, top + row * max(len(bars), 1) + 20
    window = (lead_time_days + review_days) / 7
    finite = [b.weeks_of_cover for b in bars if not math.isinf(b.weeks_of_cover)]
    axis = min(float(horizon_weeks), max([2 * window, *finite, 1.0]))
    scale = plot / axis
    body = [_text(label, 14, f"weeks of cover at the service level (axis to {axis:.0f} weeks)")]
    for k, bar in enumerate(bars):
        y = top + k * row
        shown = axis if math.isinf(bar.weeks_of_cover) else min(bar.weeks_of_cover, axis)
        colour = _RED if bar.below_lead_time else (_AMBER if bar.weeks_of_cover < window else _GREEN)
        body.append(_text(label - 4, y + 11, bar.vendor_sku, anchor="end"))
        body.append(_rect(label, y + 2, shown * scale, row - 4, colour, f"{chart_id}-bar-{safe_id(bar.vendor_sku)}"))
        figure = "no demand" if math.isinf(bar.weeks_of_cover) else f"{bar.weeks_of_cover:.1f} wk"
        body.append(_text(label + shown * scale + 3, y + 11, figure))
    bottom = top + row * max(len(bars), 1)
    lead_x, window_x = label + lead_time_days / 7 * scale, label + window * scale
    body += [_line(lead_x, top - 4, lead_x, bottom, _RED, dashed=True),
             _text(lead_x - 2, bottom + 14, "lead time", anchor="end", colour=_RED),
             _line(window_x, top - 4, window_x, bottom, _GREY, dashed=True),
             _text(window_x + 2, bottom + 14, "lead + review", colour=_GREY)]
    title = f"Weeks of cover per SKU against the {lead_time_days}-day lead time"
    return _svg(width, height, chart_id, title, body)
