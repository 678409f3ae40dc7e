"""Static SVG charts for the reconciliation report, drawn by matplotlib without a browser.

Only matplotlib's object API and its SVG canvas are used (never ``pyplot``, so no GUI
backend and no global figure state), imported inside the functions so ``acorn --help``
stays fast. Output is deterministic: a fixed ``svg.hashsalt``, no date in the metadata,
text kept as ``<text>`` (searchable, small). The SVG comes back without its XML prolog and
with every ``id`` prefixed by ``chart_id``, so several charts can be inlined in one page.
Each bar carries an id ``<chart_id>-bar-<series>[-<x>]`` that tests and readers can find.

Amounts arrive as ``Decimal``; they become floats only here, to be drawn.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from acorn.documents._env import money

#: one colour per deduction type (and for disputed / recovered), the same in every chart
COLOURS = {"shortage": "#c0392b", "damage": "#e67e22", "price": "#2471a3", "other": "#7f8c8d",
           "disputed": "#8e44ad", "recovered": "#1e8449"}
_SIZE = (6.4, 3.2)  # inches


def deductions_by_type_svg(amounts: Mapping[str, Decimal], currency: str, *,
                           chart_id: str = "deductions-by-type") -> str:
    """One bar per deduction type (net of reversals), labelled with its amount."""
    fig, ax = _axes(f"Deductions by type ({currency})", empty=not amounts)
    if amounts:
        types = list(amounts)
        bars = ax.bar(types, [float(amounts[t]) for t in types], color=[_colour(t) for t in types])
        for bar, kind in zip(bars, types):
            bar.set_gid(f"bar-{kind}")
        ax.bar_label(bars, labels=[money(amounts[t], currency) for t in types], fontsize=8)
        ax.axhline(0, color="#111", linewidth=0.6)
    return _svg(fig, chart_id)


def deductions_by_week_svg(weeks: Sequence[tuple[date, Mapping[str, Decimal]]], currency: str, *,
                           chart_id: str = "deductions-by-week") -> str:
    """Bars per ISO week (dated by its Monday), stacked by type; a reversal stacks below zero."""
    fig, ax = _axes(f"Deductions by week ({currency})", empty=not weeks)
    if weeks:
        labels = [f"W{monday.isocalendar().week:02d}\n{monday:%d %b}" for monday, _ in weeks]
        types = list(dict.fromkeys(t for _, by_type in weeks for t in by_type))
        above, below = [0.0] * len(weeks), [0.0] * len(weeks)
        for kind in types:
            values = [float(by_type.get(kind, 0)) for _, by_type in weeks]
            bottoms = [below[i] if v < 0 else above[i] for i, v in enumerate(values)]
            bars = ax.bar(labels, values, bottom=bottoms, color=_colour(kind), label=kind)
            for bar, (monday, _) in zip(bars, weeks):
                bar.set_gid(f"bar-{kind}-{monday.isoformat()}")
            for i, v in enumerate(values):
                (below if v < 0 else above)[i] += v
        ax.axhline(0, color="#111", linewidth=0.6)
        ax.legend(fontsize=8, frameon=False)
    return _svg(fig, chart_id)


def disputed_vs_recovered_svg(by_kind: Mapping[str, tuple[Decimal, Decimal]], currency: str, *,
                              chart_id: str = "disputed-vs-recovered") -> str:
    """Per claim kind, the amount disputed beside the amount recovered."""
    fig, ax = _axes(f"Claims disputed vs recovered ({currency})", empty=not by_kind)
    if by_kind:
        kinds = list(by_kind)
        positions = list(range(len(kinds)))
        for offset, (series, index) in ((-0.2, ("disputed", 0)), (0.2, ("recovered", 1))):
            values = [by_kind[k][index] for k in kinds]
            bars = ax.bar([p + offset for p in positions], [float(v) for v in values], width=0.4,
                          color=COLOURS[series], label=series)
            for bar, kind in zip(bars, kinds):
                bar.set_gid(f"bar-{series}-{kind}")
            ax.bar_label(bars, labels=[money(v, currency) for v in values], fontsize=8)
        ax.set_xticks(positions, kinds)
        ax.legend(fontsize=8, frameon=False)
    return _svg(fig, chart_id)


def _axes(title: str, *, empty: bool, empty_text: str = "Nothing this month") -> tuple[Any, Any]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=_SIZE, layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(title, fontsize=10, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)
    if empty:
        ax.set_axis_off()
        ax.text(0.5, 0.5, empty_text, ha="center", va="center", transform=ax.transAxes, color="#555")
    return fig, ax


def _colour(kind: str) -> str:
    return COLOURS.get(kind, COLOURS["other"])


def _svg(fig: Any, chart_id: str) -> str:
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    FigureCanvasSVG(fig)  # the SVG canvas, explicitly: no interactive backend is ever chosen
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "acorn", "svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return _prefix_ids(text[text.index("<svg"):], re.sub(r"[^A-Za-z0-9_-]", "-", chart_id))


def _prefix_ids(svg: str, prefix: str) -> str:
    """``id="x"`` → ``id="<prefix>-x"`` and every ``#x`` reference with it (inline SVGs share one id space)."""
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    return re.sub(r'(url\(#|href="#)([^)"]+)',
                  lambda m: m.group(1) + (f"{prefix}-{m.group(2)}" if m.group(2) in ids else m.group(2)), svg)
