"""Serial Shipping Container Codes: the 18-digit identity of every carton and pallet.

An SSCC is ``extension digit + GS1 company prefix + serial reference + check digit``.
The prefix (7–11 digits) is licensed by GS1 to the vendor; the serial fills the
``16 - len(prefix)`` digits left, so a 7-digit prefix allows 10⁹ serials per extension
digit and an 11-digit prefix only 10⁵. The check digit is GS1's mod-10 (weights 3,1 from
the right), the same as an EAN/GTIN's, computed here with ``stdnum.ean``. An SSCC is
never reused: the caller draws serials from a persistent counter.
"""

from __future__ import annotations

from dataclasses import dataclass

from stdnum import ean as _gs1_mod10

from acorn.domain.errors import InvalidSscc, SsccCapacityExceeded

SSCC_LENGTH = 18
#: GS1 company prefixes are between 7 and 11 digits long.
PREFIX_LENGTHS = range(7, 12)
#: GS1 Application Identifier for an SSCC in a GS1-128 barcode.
SSCC_AI = "00"


def check_digit(first_17: str) -> str:
    """The GS1 mod-10 check digit of the first 17 digits of an SSCC."""
    return _gs1_mod10.calc_check_digit(first_17)


def is_valid_sscc(value: str) -> bool:
    """True for 18 digits whose last digit is the GS1 check digit of the other 17."""
    return (
        isinstance(value, str)
        and len(value) == SSCC_LENGTH
        and value.isascii()
        and value.isdigit()
        and check_digit(value[:-1]) == value[-1]
    )


@dataclass(frozen=True)
class Sscc:
    """A valid SSCC; constructing one with a wrong check digit raises :class:`InvalidSscc`."""

    value: str

    def __post_init__(self) -> None:
        if not is_valid_sscc(self.value):
            raise InvalidSscc(
                f"{self.value!r} is not 18 digits with a valid GS1 check digit", record=str(self.value), field="sscc"
            )

    def __str__(self) -> str:
        return self.value

    @property
    def extension_digit(self) -> int:
        return int(self.value[0])

    @property
    def check_digit(self) -> int:
        return int(self.value[-1])

    def serial_reference(self, *, prefix_length: int) -> int:
        """The serial part, given how long the vendor's company prefix is."""
        _check_prefix_length(prefix_length, record=self.value)
        return int(self.value[1 + prefix_length : -1])


def _check_prefix_length(length: int, *, record: str) -> None:
    if length not in PREFIX_LENGTHS:
        raise InvalidSscc(
            f"a GS1 company prefix has 7 to 11 digits, not {length}", record=record, field="company_prefix"
        )


def serial_capacity(company_prefix: str) -> int:
    """How many serials a prefix allows per extension digit: ``10 ** (16 - len(prefix))``."""
    _validate_prefix(company_prefix)
    # typed here: to typeshed, int ** int is Any (a negative power would be a float)
    capacity: int = 10 ** (SSCC_LENGTH - 2 - len(company_prefix))
    return capacity


def _validate_prefix(company_prefix: str) -> None:
    if not isinstance(company_prefix, str) or not (company_prefix.isascii() and company_prefix.isdigit()):
        raise InvalidSscc(f"{company_prefix!r} is not all digits", record=str(company_prefix), field="company_prefix")
    _check_prefix_length(len(company_prefix), record=company_prefix)


def make_sscc(*, extension_digit: int, company_prefix: str, serial: int) -> Sscc:
    """The SSCC for ``serial`` under the vendor's prefix, check digit appended.

    Raises :class:`SsccCapacityExceeded` when ``serial`` needs more digits than the
    prefix leaves (``16 - len(prefix)``).
    """
    _validate_prefix(company_prefix)
    if isinstance(extension_digit, bool) or not isinstance(extension_digit, int) or not 0 <= extension_digit <= 9:
        raise InvalidSscc(
            f"extension digit must be 0-9, not {extension_digit!r}", record=company_prefix, field="extension_digit"
        )
    if isinstance(serial, bool) or not isinstance(serial, int) or serial < 0:
        raise InvalidSscc(f"serial must be a whole number ≥ 0, not {serial!r}", record=company_prefix, field="serial")
    width = SSCC_LENGTH - 2 - len(company_prefix)
    if serial >= 10**width:
        raise SsccCapacityExceeded(
            f"serial {serial} needs more than the {width} digits prefix {company_prefix} leaves "
            f"(capacity {10**width} per extension digit)",
            record=company_prefix,
            field="serial",
        )
    body = f"{extension_digit}{company_prefix}{serial:0{width}d}"
    return Sscc(body + check_digit(body))


def gs1_128_element_string(sscc: Sscc | str) -> str:
    """The human-readable GS1-128 element string printed under the barcode: ``(00)`` + SSCC."""
    value = sscc if isinstance(sscc, Sscc) else Sscc(sscc)
    return f"({SSCC_AI}){value.value}"
