from __future__ import annotations

import pytest

from acorn.domain import (
    InvalidSscc,
    Sscc,
    SsccCapacityExceeded,
    gs1_128_element_string,
    is_valid_sscc,
    make_sscc,
    serial_capacity,
)


@pytest.mark.parametrize(
    ("extension", "prefix", "serial", "expected"),
    [
        pytest.param(1, "0614141", 123456789, "106141411234567897", id="gs1-example-check-digit-7"),
        pytest.param(0, "0614141", 123456789, "006141411234567890", id="gs1-us-example-check-digit-0"),
        pytest.param(3, "7610425", 2123456, "376104250021234569", id="gs1-general-specs-example"),
        pytest.param(0, "00012345600", 0, "000012345600000001", id="eleven-digit-prefix-serial-zero"),
    ],
)
def test_an_sscc_is_extension_prefix_padded_serial_and_gs1_check_digit(extension, prefix, serial, expected):
    sscc = make_sscc(extension_digit=extension, company_prefix=prefix, serial=serial)
    assert sscc.value == expected
    assert len(sscc.value) == 18
    assert sscc.check_digit == int(expected[-1])
    assert sscc.serial_reference(prefix_length=len(prefix)) == serial


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("106141411234567898", id="wrong-check-digit"),
        pytest.param("10614141123456789", id="seventeen-digits"),
        pytest.param("1061414112345678977", id="nineteen-digits"),
        pytest.param("10614141123456789A", id="letter"),
        pytest.param("１06141411234567897", id="non-ascii-digit"),
        pytest.param("", id="empty"),
    ],
)
def test_a_malformed_sscc_is_invalid_and_cannot_be_constructed(value):
    assert not is_valid_sscc(value)
    with pytest.raises(InvalidSscc) as raised:
        Sscc(value)
    assert raised.value.field == "sscc"


def test_the_gs1_example_is_valid():
    assert is_valid_sscc("106141411234567897")


def test_the_gs1_128_element_string_puts_ai_00_before_the_sscc():
    assert gs1_128_element_string(Sscc("106141411234567897")) == "(00)106141411234567897"
    assert gs1_128_element_string("376104250021234569") == "(00)376104250021234569"


def test_the_last_serial_a_prefix_allows_still_fits():
    prefix = "06141411234"  # 11 digits leave 5 for the serial
    assert serial_capacity(prefix) == 100_000
    assert make_sscc(extension_digit=9, company_prefix=prefix, serial=99_999).value.startswith("90614141123499999")


@pytest.mark.parametrize(
    ("prefix", "serial"),
    [
        pytest.param("06141411234", 100_000, id="eleven-digit-prefix"),
        pytest.param("0614141", 10**9, id="seven-digit-prefix"),
    ],
)
def test_a_serial_beyond_the_prefix_capacity_is_refused_naming_the_prefix(prefix, serial):
    with pytest.raises(SsccCapacityExceeded) as raised:
        make_sscc(extension_digit=0, company_prefix=prefix, serial=serial)
    assert raised.value.record == prefix
    assert raised.value.field == "serial"
    assert str(serial_capacity(prefix)) in str(raised.value)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        pytest.param({"extension_digit": 0, "company_prefix": "061414", "serial": 1}, "company_prefix",
                     id="prefix-too-short"),
        pytest.param({"extension_digit": 0, "company_prefix": "061414112345", "serial": 1}, "company_prefix",
                     id="prefix-too-long"),
        pytest.param({"extension_digit": 0, "company_prefix": "06141A1", "serial": 1}, "company_prefix",
                     id="prefix-not-digits"),
        pytest.param({"extension_digit": 10, "company_prefix": "0614141", "serial": 1}, "extension_digit",
                     id="extension-two-digits"),
        pytest.param({"extension_digit": 0, "company_prefix": "0614141", "serial": -1}, "serial", id="negative-serial"),
    ],
)
def test_bad_sscc_parts_are_refused_with_the_field_named(kwargs, field):
    with pytest.raises(InvalidSscc) as raised:
        make_sscc(**kwargs)
    assert raised.value.field == field
