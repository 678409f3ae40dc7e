"""GS1-128 carton labels in ZPL: the SSCC is encoded and printed, the text cannot break the printer."""

from __future__ import annotations

import re
from typing import Any

import pytest

from acorn.documents import DocumentError, format_sscc, render_carton_label


def label(valid_sscc: str, vendor: dict, fc: dict, /, **overrides: Any) -> str:
    args: dict[str, Any] = dict(sscc=valid_sscc, ship_from=vendor, ship_to=fc, po_number="4Z32PABC", carton_number=2,
                                carton_count=5, carrier_scac="UPSN", pro_number="PRO123", bill_of_lading="BOL-9",
                                contents=[{"vendor_sku": "ACR-CB-001", "asin": "B0ABCDEFGH", "qty": 12}])
    return render_carton_label(**{**args, **overrides})


def test_the_human_readable_sscc_is_grouped_ai_extension_prefix_serial_check() -> None:
    assert format_sscc("006141411234567890") == "(00) 0 0614141 123456789 0"
    assert format_sscc("106141411234567897", company_prefix_length=9) == "(00) 1 061414112 3456789 7"


def test_the_label_encodes_the_sscc_as_gs1_128_and_prints_it_grouped(sscc: str, vendor: dict, fulfilment_centre: dict) -> None:
    zpl = label(sscc, vendor, fulfilment_centre)
    assert zpl.startswith("^XA") and zpl.rstrip().endswith("^XZ")
    assert re.search(r"\^BCN,\d+,N,N,N\^FD>;>800" + sscc + r"\^FS", zpl)
    assert "^FD(00) 0 0614141 123456789 0^FS" in zpl
    assert "^FH^FD4Z32PABC^FS" in zpl
    assert "^FD2 OF 5^FS" in zpl
    assert "^FH^FDABE8^FS" in zpl
    assert "12 x ACR-CB-001 (ASIN B0ABCDEFGH)" in zpl
    assert "CARRIER: UPSN" in zpl and "PRO: PRO123" in zpl and "BOL: BOL-9" in zpl


def test_zpl_control_characters_in_names_are_hex_escaped_not_sent_to_the_printer(sscc: str, vendor: dict, fulfilment_centre: dict) -> None:
    vendor = {**vendor, "address": {**vendor["address"], "name": "Acme ^XZ~JR_Tools\nLtd"}}
    zpl = label(sscc, vendor, fulfilment_centre)
    assert "^FDAcme _5EXZ_7EJR_5FTools Ltd^FS" in zpl
    assert zpl.count("^XZ") == 1
    assert "Smith &lt;" not in zpl  # HTML escaping is not applied to ZPL


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"sscc": "006141411234567891"}, "sscc", id="wrong-check-digit"),
        pytest.param({"sscc": "0614141123456789"}, "sscc", id="too-short"),
        pytest.param({"carton_number": 6}, "carton_number", id="carton-6-of-5"),
        pytest.param({"carton_number": 0}, "carton_number", id="carton-0"),
        pytest.param({"po_number": " "}, "po_number", id="no-po"),
        pytest.param({"ship_to": {"address": {"name": "FC"}}}, "ship_to", id="no-fc-code"),
        pytest.param({"company_prefix_length": 12}, "company_prefix_length", id="prefix-too-long"),
    ],
)
def test_a_label_that_would_be_wrong_is_refused_naming_the_field(sscc: str, vendor: dict, fulfilment_centre: dict,
                                                                 overrides: dict, field: str) -> None:
    with pytest.raises(DocumentError) as caught:
        label(sscc, vendor, fulfilment_centre, **overrides)
    assert caught.value.field == field


def test_long_contents_are_summarised_so_the_barcode_zone_stays_clear(sscc: str, vendor: dict, fulfilment_centre: dict) -> None:
    contents = [{"vendor_sku": f"ACR-{n}", "asin": "", "qty": 1} for n in range(7)]
    zpl = label(sscc, vendor, fulfilment_centre, contents=contents)
    assert "1 x ACR-3^FS" in zpl and "ACR-4" not in zpl
    assert "+3 more lines" in zpl
