"""Carrier references a carrier accepts: PRO numbers, UPS tracking numbers, BOL numbers.

A **PRO number** is the carrier's freight-bill number. LTL carriers hand a shipper a block
of numbers (often as pre-printed PRO stickers); the shipper uses each once and the last
digit is a check digit the carrier's scanners verify. The rule is per carrier, so it is a
named, configured choice (:class:`CheckRule`):

* ``mod7`` -- check digit = base number mod 7 (so 0-6). Confirmed: XPO LTL (SCAC CNWY;
  9 digits, 8-digit base, published on XPO's "PRO number check-digit" page). Assumed:
  Old Dominion (ODFL) and other carriers using 9-10 digit numeric PROs -- not confirmed
  from a carrier source; ask the carrier before going live.
* ``mod11`` -- check = 11 - (base mod 11), 0 when the remainder is 0, ``X`` for 10,
  computed over the last ``check_span`` digits of the base. Confirmed: YRC Freight
  (RDWY/YFSY) "999-999999-X": 3-digit block prefix, 6-digit base, span 6.
* ``none`` -- the carrier prints no check digit (e.g. truckload carriers taking the
  shipper's BOL number as reference).

A **UPS tracking number** is ``1Z`` + 6-character shipper number + 2-digit service code
+ 7-digit package number + a mod-10 check digit over the 15 characters after ``1Z``
(letters count as ``(ord - 3) mod 10``, every second character doubled).

A **bill of lading number** follows the VICS BOL standard: a GS1 Global Shipment
Identification Number (GSIN), 17 digits = GS1 company prefix + shipper's serial + GS1
mod-10 check digit (the same check as an SSCC).

Everything here is pure; allocation (never reusing a number) is the store's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

from stdnum import ean as _gs1_mod10

from acorn.domain.errors import DomainError, InvalidRecord


class ProRangeExhausted(DomainError):
    """The carrier's PRO block is used up: ask the carrier for a new block."""


class InvalidProNumber(InvalidRecord):
    """A PRO number with the wrong length, characters or check digit."""


class CheckRule(str, Enum):
    MOD7 = "mod7"
    MOD11 = "mod11"
    NONE = "none"


@dataclass(frozen=True)
class ProNumberFormat:
    """One carrier's PRO block: bases ``range_start..range_end`` (inclusive), ``digits`` wide,
    followed by the check digit ``rule`` computes over the last ``check_span`` digits (all when None)."""

    scac: str
    rule: CheckRule
    range_start: int
    range_end: int
    digits: int
    check_span: int | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.range_start <= self.range_end < 10 ** self.digits:
            raise InvalidRecord(f"PRO range {self.range_start}..{self.range_end} does not fit {self.digits} digits",
                                record=self.scac, field="pro_range")

    @property
    def length(self) -> int:
        return self.digits + (0 if self.rule is CheckRule.NONE else 1)

    def pro_number(self, base: int) -> str:
        """The printed PRO for ``base``; a base past the block is an error, never a wrap-around."""
        if base > self.range_end:
            raise ProRangeExhausted(f"PRO block {self.range_start}..{self.range_end} is used up (next {base})",
                                    record=self.scac, field="pro_range_end")
        if base < self.range_start:
            raise InvalidProNumber(f"base {base} is below the PRO block starting at {self.range_start}",
                                   record=self.scac, field="pro_range_start")
        text = f"{base:0{self.digits}d}"
        return text + pro_check_digit(text, self.rule, self.check_span)

    def validate(self, pro: str) -> str:
        """``pro`` if it is one of this carrier's numbers, else :class:`InvalidProNumber`."""
        value = (pro or "").replace("-", "").replace(" ", "").upper()
        if len(value) != self.length or not value[:self.digits].isdigit():
            raise InvalidProNumber(f"{pro!r} is not {self.length} characters of a {self.scac} PRO",
                                   record=self.scac, field="pro_number")
        base = value[:self.digits]
        if value[self.digits:] != pro_check_digit(base, self.rule, self.check_span):
            raise InvalidProNumber(f"{pro!r} has a wrong {self.rule.value} check digit",
                                   record=self.scac, field="pro_number")
        if not self.range_start <= int(base) <= self.range_end:
            raise InvalidProNumber(f"{pro!r} is outside the PRO block {self.range_start}..{self.range_end}",
                                   record=self.scac, field="pro_number")
        return value


def pro_check_digit(base: str, rule: CheckRule, check_span: int | None = None) -> str:
    """The check character for the digits ``base`` under ``rule`` (``""`` for :attr:`CheckRule.NONE`)."""
    number = int(base[-check_span:] if check_span else base)
    if rule is CheckRule.MOD7:
        return str(number % 7)
    if rule is CheckRule.MOD11:
        remainder = number % 11
        check = 0 if remainder == 0 else 11 - remainder
        return "X" if check == 10 else str(check)
    return ""


def _ups_value(char: str) -> int:
    return int(char) if char.isdigit() else (ord(char) - 3) % 10


def ups_check_digit(body: str) -> str:
    """The check digit of the 15 characters after ``1Z``."""
    if len(body) != 15 or not body.isalnum() or not body.isascii():
        raise InvalidRecord(f"{body!r} is not 15 letters/digits", record="UPS", field="tracking_number")
    total = sum(_ups_value(c) * (2 if i % 2 else 1) for i, c in enumerate(body.upper()))
    return str((10 - total % 10) % 10)


def ups_tracking_number(shipper_number: str, service_code: str, package: int) -> str:
    if not 0 <= package < 10 ** 7:
        raise InvalidRecord(f"package number {package} does not fit 7 digits", record=shipper_number,
                            field="tracking_number")
    body = f"{shipper_number.upper()}{service_code}{package:07d}"
    return f"1Z{body}{ups_check_digit(body)}"


def is_valid_ups_tracking_number(value: str) -> bool:
    return (isinstance(value, str) and len(value) == 18 and value[:2] == "1Z" and value.isalnum()
            and value[-1] == ups_check_digit(value[2:17]))


def bill_of_lading_number(company_prefix: str, serial: int) -> str:
    """The VICS / GS1 GSIN: company prefix + serial, zero-padded to 16 digits, + GS1 check digit."""
    width = 16 - len(company_prefix)
    if serial < 0 or serial >= 10 ** width:
        raise DomainError(f"BOL serial {serial} does not fit the {width} digits the prefix leaves",
                          record=company_prefix, field="bill_of_lading")
    first_16 = f"{company_prefix}{serial:0{width}d}"
    return first_16 + _gs1_mod10.calc_check_digit(first_16)


def freight_terms(*, amazon_arranged: bool) -> str:
    """Who pays the carrier: the vendor when it books the truck, Amazon's carrier collects otherwise."""
    return "Collect" if amazon_arranged else "Prepaid"


#: 1 kg in pounds, as carriers and Amazon use it
LB_PER_KG = Decimal("2.20462")


def kg_to_lb(kg: Decimal) -> Decimal:
    """Whole pounds, rounded half up, as a bill of lading prints them."""
    return (kg * LB_PER_KG).quantize(Decimal(1), rounding=ROUND_HALF_UP)
