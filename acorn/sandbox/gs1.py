"""GS1 check digits: EAN-13 for the catalogue, SSCC-18 for the cartons Amazon receives."""

from __future__ import annotations


def check_digit(body: str) -> str:
    """The GS1 mod-10 check digit of ``body`` (weights 3,1,3,... from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def is_valid_gtin(number: str) -> bool:
    return number.isdigit() and len(number) in (8, 12, 13, 14) and check_digit(number[:-1]) == number[-1]


def sscc_problem(sscc: str) -> str | None:
    """Why ``sscc`` is not a valid SSCC-18, or ``None`` when it is."""
    if not sscc.isdigit():
        return f"SSCC {sscc!r} must contain only digits"
    if len(sscc) != 18:
        return f"SSCC {sscc!r} must be 18 digits, not {len(sscc)}"
    expected = check_digit(sscc[:-1])
    if expected != sscc[-1]:
        return f"SSCC {sscc} has check digit {sscc[-1]}, expected {expected}"
    return None


def same_gtin(a: str, b: str) -> bool:
    """UPC-12 and EAN-13 of one product differ only by leading zeros: compare them as GTINs."""
    if a == b:
        return True
    return a.isdigit() and b.isdigit() and a.lstrip("0") == b.lstrip("0")
