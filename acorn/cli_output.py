"""One way to print a list: a rich table for people, JSON or CSV for scripts and spreadsheets.

Every list command (`acorn alerts`, `outbox`, `disputes`, `metrics`, `status`) builds plain
rows (dicts) and :func:`emit` prints them in the form asked for. JSON and CSV carry every
value whole (money as a decimal string, times as ISO-8601 UTC); only the table truncates
long text, so a screen stays readable.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

TABLE, JSON, CSV = "table", "json", "csv"


@dataclass(frozen=True)
class Column:
    """A field of a row: its key (JSON and CSV name), its table header, and a width cap for the table."""

    key: str
    header: str
    max_width: int | None = None


def output_format(as_json: bool, as_csv: bool) -> str:
    """The form asked for on the command line; both at once is refused."""
    if as_json and as_csv:
        raise typer.BadParameter("choose one of --json and --csv", param_hint="--json/--csv")
    return JSON if as_json else CSV if as_csv else TABLE


def emit(console: Console, rows: Sequence[Mapping[str, Any]], columns: Sequence[Column], *, fmt: str,
         title: str | None = None, document: Any = None) -> None:
    """Print ``rows`` as a table, JSON (``document`` instead of the rows when given) or CSV."""
    if fmt == JSON:
        write_json(rows if document is None else document)
    elif fmt == CSV:
        write_csv(rows, columns)
    else:
        console.print(table(rows, columns, title=title))


def write_json(document: Any) -> None:
    # straight to stdout: rich would wrap long lines and colour them, which breaks `| jq`
    sys.stdout.write(json.dumps(document, default=plain, indent=2) + "\n")


def write_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[Column]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow([c.key for c in columns])
    for row in rows:
        writer.writerow([_cell(row.get(c.key)) for c in columns])


def _cell(value: Any) -> Any:
    value = plain(value)
    if value is None:
        return ""
    return json.dumps(value, default=plain) if isinstance(value, (list, dict)) else value


def table(rows: Iterable[Mapping[str, Any]], columns: Sequence[Column], *, title: str | None = None) -> Table:
    out = Table(title=title)
    for c in columns:
        # short fields (codes, times, counts) never wrap; the long text fields give way instead
        out.add_column(c.header, no_wrap=c.max_width is None)
    for row in rows:
        out.add_row(*(_cut(shown(row.get(c.key)), c.max_width) for c in columns))
    return out


def _cut(text: str, width: int | None) -> str:
    """Long text on one line, cut at ``width`` with an ellipsis (JSON and CSV keep it whole)."""
    if width is None:
        return text
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def plain(value: Any) -> Any:
    """A value as JSON and CSV carry it: exact decimals, ISO-8601 UTC times, durations in seconds."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, (str, int, float, bool, list, dict)) or value is None:
        return value
    return str(value)


def shown(value: Any) -> str:
    """A value as the table shows it: short times, durations as 2d 3h, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%MZ")
    if isinstance(value, timedelta):
        return duration(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(plain(value))


def duration(value: timedelta) -> str:
    """``-1d 2h`` for a deadline passed a day and two hours ago; minutes only under a day."""
    seconds = int(value.total_seconds())
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, minutes = rest // 3600, rest % 3600 // 60
    if days:
        return f"{sign}{days}d {hours}h"
    return f"{sign}{hours}h {minutes:02d}m" if hours else f"{sign}{minutes}m"
