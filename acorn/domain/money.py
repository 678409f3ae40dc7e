"""Rounding money the way invoices do: to the currency's minor unit, half up.

Amounts are ``Decimal`` with the currency beside them. Most currencies have cents; the
yen has none, so "cents-rounded" means "rounded to the minor unit" (ISO 4217 exponent).
Every rounding of money in Acorn is one of the functions here:

``round_money``           an amount of a known currency (invoice lines, tax, discounts)
``round_cents``           half up to the cent whatever the currency: the store's money columns
                          are ``Numeric(14, 2)``, so sums and reconciliation amounts are kept in cents
``round_cents_half_even`` a SKU master price spelled with two decimals (Decimal's default rounding,
                          as the ERP import has always stored it)
``shown_money``           an amount as a document prints it (cents when the currency is not known)
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from acorn.domain import _checks

#: ISO 4217 minor-unit exponents that differ from 2, for the currencies Amazon pays in.
_MINOR_UNITS = {"JPY": 0, "KRW": 0, "CLP": 0, "KWD": 3, "BHD": 3}
#: currencies documents print without decimals (every other one with two). The two tables differ
#: on the three-decimal currencies (KWD, BHD: printed with two) and on whole ones Amazon does not pay in
_WHOLE_CURRENCIES = frozenset({"JPY", "KRW", "CLP", "ISK", "VND", "UGX", "PYG", "XAF", "XOF"})
CENT = Decimal("0.01")


def minor_units(currency: str) -> int:
    """Digits after the decimal point for ``currency`` (2 unless ISO says otherwise)."""
    return _MINOR_UNITS.get(_checks.currency(currency, record=None), 2)


def round_money(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded half up to the minor unit of ``currency`` (``0.005`` → ``0.01``)."""
    exponent = Decimal(1).scaleb(-minor_units(currency))
    return _checks.decimal(amount, record=None, field="amount", minimum=None).quantize(exponent, rounding=ROUND_HALF_UP)


def round_cents(amount: Decimal | int) -> Decimal:
    """``amount`` rounded half up to the cent, whatever its currency (``0.005`` → ``0.01``)."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def round_cents_half_even(amount: Decimal) -> Decimal:
    """``amount`` with exactly two decimals (``12.5`` → ``12.50``); a third decimal rounds half even."""
    return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)


def printed_places(currency: str | None) -> int:
    """Decimals a document prints for ``currency``: none for the yen and its kind, else two."""
    return 0 if currency in _WHOLE_CURRENCIES else 2


def shown_money(amount: Decimal, currency: str | None) -> Decimal:
    """``amount`` rounded half up to the decimals a document prints for ``currency``."""
    return amount.quantize(Decimal(1).scaleb(-printed_places(currency)), rounding=ROUND_HALF_UP)
