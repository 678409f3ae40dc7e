"""Rounding money the way invoices do: to the currency's minor unit, half up.

Amounts are ``Decimal`` with the currency beside them. Most currencies have cents; the
yen has none, so "cents-rounded" means "rounded to the minor unit" (ISO 4217 exponent).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from acorn.domain import _checks

#: ISO 4217 minor-unit exponents that differ from 2, for the currencies Amazon pays in.
_MINOR_UNITS = {"JPY": 0, "KRW": 0, "CLP": 0, "KWD": 3, "BHD": 3}


def minor_units(currency: str) -> int:
    """Digits after the decimal point for ``currency`` (2 unless ISO says otherwise)."""
    return _MINOR_UNITS.get(_checks.currency(currency, record=None), 2)


def round_money(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded half up to the minor unit of ``currency`` (``0.005`` → ``0.01``)."""
    exponent = Decimal(1).scaleb(-minor_units(currency))
    return _checks.decimal(amount, record=None, field="amount", minimum=None).quantize(exponent, rounding=ROUND_HALF_UP)
