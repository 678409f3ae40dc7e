"""PRO numbers, UPS tracking numbers and VICS BOL numbers, checked against published examples."""

from __future__ import annotations

from decimal import Decimal

import pytest

from acorn.domain.carrier_numbers import (
    CheckRule,
    InvalidProNumber,
    ProNumberFormat,
    ProRangeExhausted,
    bill_of_lading_number,
    freight_terms,
    is_valid_ups_tracking_number,
    kg_to_lb,
    pro_check_digit,
    ups_check_digit,
    ups_tracking_number,
)

XPO = ProNumberFormat(scac="CNWY", rule=CheckRule.MOD7, range_start=12345670, range_end=12345679, digits=8)
YRC = ProNumberFormat(scac="RDWY", rule=CheckRule.MOD11, range_start=100340390, range_end=100340399, digits=9,
                      check_span=6)


@pytest.mark.parametrize(("base", "check"), [
    # YRC Freight's "Freight bill numbering" sheet: 999-999999-X, mod 11 over the 6-digit base
    pytest.param("100340397", "9", id="yrc-remainder-2"),
    pytest.param("828561881", "X", id="yrc-ten-is-X"),
    pytest.param("111003542", "0", id="yrc-remainder-0"),
])
def test_mod_11_check_digits_match_yrc_freights_published_examples(base: str, check: str) -> None:
    assert pro_check_digit(base, CheckRule.MOD11, 6) == check


def test_a_mod_7_check_digit_is_the_remainder_of_the_base_divided_by_seven() -> None:
    # XPO LTL: 8-digit base, the ninth digit is base mod 7 (12345678 = 7 * 1763668 + 2)
    assert pro_check_digit("12345678", CheckRule.MOD7) == "2"
    assert XPO.pro_number(12345678) == "123456782"
    assert {pro_check_digit(f"{n:08d}", CheckRule.MOD7) for n in range(100)} == set("0123456")


def test_a_carrier_without_check_digit_gets_the_bare_base() -> None:
    fmt = ProNumberFormat(scac="TLCO", rule=CheckRule.NONE, range_start=1, range_end=99, digits=6)
    assert fmt.pro_number(42) == "000042" and fmt.validate("000042") == "000042"


def test_the_last_number_of_a_block_is_used_and_the_next_is_refused_not_wrapped() -> None:
    assert XPO.pro_number(12345679) == "12345679" + str(12345679 % 7)
    with pytest.raises(ProRangeExhausted) as exc:
        XPO.pro_number(12345680)
    assert exc.value.record == "CNWY" and exc.value.field == "pro_range_end"
    assert "used up" in str(exc.value)


def test_a_pro_number_is_validated_for_length_check_digit_and_block() -> None:
    assert YRC.validate("100-340397-9") == "1003403979"
    with pytest.raises(InvalidProNumber, match="check digit"):
        YRC.validate("1003403978")
    with pytest.raises(InvalidProNumber, match="characters"):
        YRC.validate("100340397")
    with pytest.raises(InvalidProNumber, match="outside the PRO block"):
        YRC.validate("828561881X")  # a valid YRC number, but not from our block


def test_a_block_that_does_not_fit_its_digits_is_refused() -> None:
    with pytest.raises(ValueError, match="does not fit 8 digits"):
        ProNumberFormat(scac="CNWY", rule=CheckRule.MOD7, range_start=1, range_end=10 ** 8, digits=8)


def test_ups_check_digits_match_the_published_sample_tracking_number() -> None:
    # 1Z999AA10123456784 is UPS's documented sample number; its check digit is 4
    assert ups_check_digit("999AA1012345678") == "4"
    assert is_valid_ups_tracking_number("1Z999AA10123456784")
    assert not is_valid_ups_tracking_number("1Z999AA10123456785")
    assert not is_valid_ups_tracking_number("1Z999AA1012345678")


def test_a_ups_tracking_number_is_built_from_shipper_service_and_package() -> None:
    number = ups_tracking_number("A0C4R1", "03", 1234567)
    assert number.startswith("1ZA0C4R1031234567") and len(number) == 18
    assert is_valid_ups_tracking_number(number)


def test_a_bol_number_is_a_17_digit_gsin_with_the_gs1_check_digit() -> None:
    # GS1 mod 10 over 0614141000000001 (weights 3,1 from the right): 48 -> check digit 2
    number = bill_of_lading_number("0614141", 1)
    assert number == "06141410000000012"
    assert bill_of_lading_number("0614141", 2) != number
    with pytest.raises(ValueError, match="does not fit"):
        bill_of_lading_number("0614141", 10 ** 9)


def test_freight_terms_are_prepaid_for_vendor_arranged_and_collect_for_amazon_arranged() -> None:
    assert freight_terms(amazon_arranged=False) == "Prepaid"
    assert freight_terms(amazon_arranged=True) == "Collect"


@pytest.mark.parametrize(("kg", "lb"), [(Decimal("22.5"), Decimal("50")), (Decimal("680"), Decimal("1499")),
                                        (Decimal("0.2268"), Decimal("1"))])
def test_kilograms_print_as_whole_pounds(kg: Decimal, lb: Decimal) -> None:
    assert kg_to_lb(kg) == lb
