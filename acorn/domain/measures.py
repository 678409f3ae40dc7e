"""Rounding quantities that are not money: weights on Amazon's documents, rates shown to ops.

Money has its rules in :mod:`acorn.domain.money`. Weights are kept to the gram
(``Numeric(12, 3)``); each document states them the way it always has, named here so
the ASN and the routing request cannot drift apart.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

GRAM = Decimal("0.001")
TENTH = Decimal("0.1")


def weight_text(kg: Decimal) -> str:
    """Kilograms to the gram without trailing zeros (``12.500`` → ``12.5``), as ASNs and routing requests state them.

    Half even (Decimal's default): the stored weight already has grams, so nothing is rounded in practice.
    """
    return f"{Decimal(kg).quantize(GRAM, rounding=ROUND_HALF_EVEN).normalize():f}"


def round_to_gram(kg: Decimal) -> Decimal:
    """Kilograms rounded half up to the gram."""
    return kg.quantize(GRAM, rounding=ROUND_HALF_UP)


def round_to_tenth_kg(kg: Decimal) -> Decimal:
    """Kilograms to a tenth, half even, as the bill of lading prints them."""
    return kg.quantize(TENTH, rounding=ROUND_HALF_EVEN)


def round_to_tenth(value: Decimal) -> Decimal:
    """A rate in percent or a count of days, half up to one decimal (``97.05`` → ``97.1``)."""
    return Decimal(value).quantize(TENTH, rounding=ROUND_HALF_UP)
