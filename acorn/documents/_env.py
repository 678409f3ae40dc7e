"""The Jinja environment every document shares, and the filters its templates use.

Autoescaping is on for ``.html`` templates (a vendor called ``Smith <Tools> & Co`` must
print as text, not markup); ZPL and Markdown have their own escaping filters (``zpl``,
``md``) because HTML escaping would print ``&lt;`` on a label. ``StrictUndefined``
makes a template that asks for a missing value fail in tests instead of printing a
blank field on a document kept five years for audit.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from acorn.domain.money import printed_places, shown_money


@cache
def environment() -> Environment:
    """Built on first render, then shared (template compilation is cached inside)."""
    env = Environment(
        loader=PackageLoader("acorn.documents", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False, default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(money=money, unit_money=unit_money, zpl=zpl_text, md=markdown_cell, day=day, when=when)
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def decimal(value: Any) -> Decimal | None:
    """An amount from a payload (``"112.05"``, ``Decimal``, ``int``); ``None`` when absent or not a number."""
    if value is None or isinstance(value, bool) or isinstance(value, float):
        # floats are refused: money arrives as Decimal or as Amazon's decimal strings
        return None
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def money(value: Any, currency: str | None = None) -> str:
    """``1234.5`` -> ``1,234.50``; two decimals unless the currency has none (JPY)."""
    amount = decimal(value)
    if amount is None:
        return ""
    return f"{shown_money(amount, currency):,.{printed_places(currency)}f}"


def unit_money(value: Any, currency: str | None = None) -> str:
    """A unit price: like :func:`money`, but never rounds away sub-cent digits (``0.125``)."""
    amount = decimal(value)
    if amount is None:
        return ""
    places = printed_places(currency)
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        places = -exponent
    return f"{amount:,.{places}f}"


def day(value: Any) -> str:
    """An ISO date or date-time as ``YYYY-MM-DD`` (documents show the calendar day)."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return text


def when(value: Any) -> str:
    """An instant as ``YYYY-MM-DD HH:MM UTC`` (ISO strings too); other values as text."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.strftime("%Y-%m-%d %H:%M")
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "" if value is None else str(value)


def zpl_text(value: Any) -> str:
    """Text safe inside a ZPL ``^FH^FD ... ^FS`` field.

    ``^`` and ``~`` start ZPL commands, so a product title containing them would
    reprogram the printer; with ``^FH`` they (and the ``_`` escape itself) are written
    as ``_XX`` hex. Line breaks become spaces: a field is one line.
    """
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    return text.replace("_", "_5F").replace("^", "_5E").replace("~", "_7E")


def markdown_cell(value: Any) -> str:
    """Text safe in a Markdown table cell: no pipe, no line break, no markup, no HTML."""
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for char in ("\\", "|", "*", "_", "`", "[", "]"):
        text = text.replace(char, "\\" + char)
    return text
