"""GS1 logistics labels (ZPL, PNG, PDF) and the packing list, from one shipment's stored rows."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader
from stdnum import gs1_128

from acorn.documents import DocumentError, format_sscc, render_label_zpl
from acorn.documents.label_preview import BARCODE_TOP, MODULE, render_label_png, render_labels_pdf
from acorn.documents.labels import LogisticsLabel, Party, shipment_labels
from acorn.documents.packing_list import packing_list, render_packing_list_html, render_packing_list_pdf
from acorn.domain.sscc import is_valid_sscc, make_sscc
from acorn.reference import fulfilment_centre
from schemas.tables import Carton, Pallet, Shipment

PO = "4Z32PABC"
# Code 128 symbol patterns from the standard (ISO/IEC 15417), not from the code under test
START_C, FNC1, VALUE_00 = "11010011100", "11110101110", "11011001100"


def _sscc(serial: int) -> str:
    return make_sscc(extension_digit=0, company_prefix="0614141", serial=serial).value


def _item(seq: str, sku: str, asin: str, qty: int) -> dict[str, Any]:
    return {"po_number": PO, "item_sequence": seq, "vendor_sku": sku, "asin": asin, "qty": qty}


@pytest.fixture
def ship_from() -> Party:
    return Party("ACRNWH1", "Acorn Demo Goods Co.", ("100 Harbor Way", "Edison, NJ 08817", "US"))


@pytest.fixture
def ship_to() -> Party:
    fc = fulfilment_centre("ABE8")
    return Party(fc.code, fc.address.name, tuple(fc.address.lines()[1:]))


@pytest.fixture
def rows() -> tuple[Shipment, list[Carton], list[Pallet]]:
    """Three cartons (one mixed), the first two on a pallet, the third loose."""
    shipment = Shipment(id=1, account_code="ACRNUS", shipment_identifier=f"{PO}-260303", ship_to="ABE8",
                        structure="PalletizedAssortmentCase", transport_mode="LessThanTruckLoad", carrier_scac="ODFL",
                        pro_number="0123456786", bill_of_lading="BOL0614141000001",
                        departure=datetime(2026, 3, 3, 20, tzinfo=UTC),
                        estimated_delivery=datetime(2026, 3, 5, 15, tzinfo=UTC),
                        asn_deadline=datetime(2026, 3, 3, 20, 30, tzinfo=UTC))
    pallets = [Pallet(id=7, shipment_id=1, sscc=_sscc(900), weight_kg=Decimal("120"))]
    cartons = [
        Carton(id=1, shipment_id=1, pallet_id=7, sscc=_sscc(1), weight_kg=Decimal("9"),
               items=[_item("1", "ACR-CB-001", "B0ABCDEFGH", 12)]),
        Carton(id=2, shipment_id=1, pallet_id=7, sscc=_sscc(2), weight_kg=Decimal("7"),
               items=[_item("1", "ACR-CB-001", "B0ABCDEFGH", 4), _item("2", "ACR-MUG-02", "B0MUGMUG02", 3)]),
        Carton(id=3, shipment_id=1, pallet_id=None, sscc=_sscc(3), weight_kg=Decimal("8"),
               items=[_item("2", "ACR-MUG-02", "B0MUGMUG02", 6)]),
    ]
    return shipment, cartons, pallets


@pytest.fixture
def labels(rows: tuple, ship_from: Party, ship_to: Party) -> list[LogisticsLabel]:
    shipment, cartons, pallets = rows
    return shipment_labels(shipment, cartons, pallets, ship_from=ship_from, ship_to=ship_to, company_prefix_length=7)


def _fields(zpl: str) -> list[str]:
    return re.findall(r"\^FD(.*?)\^FS", zpl)


def _contents(zpl: str) -> list[str]:
    zone = zpl.split("^FX contents", 1)[1].split("^FX end contents", 1)[0]
    return _fields(zone)


# ----------------------------------------------------------------------------------------------- ZPL


def test_the_human_readable_sscc_is_grouped_ai_extension_prefix_serial_check() -> None:
    assert format_sscc("006141411234567890") == "(00) 0 0614141 123456789 0"
    assert format_sscc("106141411234567897", company_prefix_length=9) == "(00) 1 061414112 3456789 7"


def test_every_carton_then_every_pallet_gets_a_label_with_its_position(labels: list[LogisticsLabel]) -> None:
    assert [(x.kind, x.position, x.count) for x in labels] == [
        ("carton", 1, 3), ("carton", 2, 3), ("carton", 3, 3), ("pallet", 1, 1)]
    zpl = [render_label_zpl(x) for x in labels]
    assert "^FDCARTON^FS" in zpl[0] and "^FD1 OF 3^FS" in zpl[0] and "^FD3 OF 3^FS" in zpl[2]
    assert "^FDPALLET^FS" in zpl[3] and "^FD1 OF 1^FS" in zpl[3] and "^FDCARTONS: 2^FS" in zpl[3]


def test_each_label_encodes_fnc1_ai_00_and_a_valid_sscc_in_gs1_128(labels: list[LogisticsLabel]) -> None:
    for label in labels:
        zpl = render_label_zpl(label)
        assert zpl.startswith("^XA") and zpl.rstrip().endswith("^XZ") and zpl.count("^XA") == 1
        [data] = re.findall(r"\^BCN,\d+,N,N,N\^FD(.*?)\^FS", zpl)
        assert data.startswith(">;>8")  # subset C, then FNC1: a GS1-128, not a plain Code 128
        element = data.removeprefix(">;>8")
        assert re.fullmatch(r"00\d{18}", element)
        assert gs1_128.info(element) == {"00": label.sscc}
        assert is_valid_sscc(element[2:])
        assert f"^FD{format_sscc(label.sscc)}^FS" in zpl


def test_every_content_line_names_vendor_sku_asin_and_quantity(labels: list[LogisticsLabel]) -> None:
    single, mixed, _, pallet = (render_label_zpl(x) for x in labels)
    for zpl in (single, mixed, pallet):
        lines = _contents(zpl)
        assert lines and all(re.fullmatch(r"[1-9]\d* x [A-Z0-9-]+ ASIN B0[A-Z0-9]{8}", x) for x in lines), lines
    assert _contents(single) == ["12 x ACR-CB-001 ASIN B0ABCDEFGH"]
    assert "^FDMIXED^FS" not in single
    assert "^FDMIXED^FS" in mixed and _contents(mixed) == ["4 x ACR-CB-001 ASIN B0ABCDEFGH",
                                                          "3 x ACR-MUG-02 ASIN B0MUGMUG02"]
    # the pallet holds cartons 1 and 2: their contents summed per SKU
    assert _contents(pallet) == ["16 x ACR-CB-001 ASIN B0ABCDEFGH", "3 x ACR-MUG-02 ASIN B0MUGMUG02"]


def test_ship_to_is_the_fulfilment_centres_full_address_and_carrier_po_are_printed(
        labels: list[LogisticsLabel]) -> None:
    for label in labels:
        fields = _fields(render_label_zpl(label))
        assert "ABE8" in fields and "401 Independence Road" in fields and "Florence, NJ 08518" in fields
        assert "100 Harbor Way" in fields and "Edison, NJ 08817" in fields
        assert PO in fields and "CARRIER: ODFL" in fields and "PRO: 0123456786" in fields
        assert all(f.strip() for f in fields), "no empty field on a label"


def test_zpl_control_characters_in_names_are_hex_escaped_not_sent_to_the_printer(
        labels: list[LogisticsLabel], ship_from: Party, rows: tuple) -> None:
    shipment, cartons, pallets = rows
    hostile = Party("ACME1", "Acme ^XZ~JR_Tools\nLtd", ship_from.lines)
    [label, *_] = shipment_labels(shipment, cartons, pallets, ship_from=hostile, ship_to=labels[0].ship_to,
                                  company_prefix_length=7)
    zpl = render_label_zpl(label)
    assert "^FDAcme _5EXZ_7EJR_5FTools Ltd^FS" in zpl
    assert zpl.count("^XZ") == 1


def test_long_contents_are_summarised_so_the_barcode_zone_stays_clear(labels: list[LogisticsLabel]) -> None:
    from dataclasses import replace

    from acorn.documents.labels import ContentLine

    many = tuple(ContentLine(f"ACR-{n}", f"B0000000{n:02d}", 1) for n in range(7))
    zpl = render_label_zpl(replace(labels[0], contents=many))
    assert "1 x ACR-3 ASIN B000000003^FS" in zpl and "ACR-4" not in zpl
    assert "^FD+3 more lines^FS" in zpl and "^FDMIXED^FS" in zpl


@pytest.mark.parametrize(
    ("change", "field"),
    [
        pytest.param({"sscc": "006141411234567891"}, "sscc", id="wrong-check-digit"),
        pytest.param({"sscc": "0614141123456789"}, "sscc", id="too-short"),
        pytest.param({"position": 4}, "carton_number", id="carton-4-of-3"),
        pytest.param({"position": 0}, "carton_number", id="carton-0"),
        pytest.param({"po_numbers": (" ",)}, "po_number", id="no-po"),
        pytest.param({"ship_to": Party("", "FC", ("1 Road",))}, "ship_to", id="no-fc-code"),
        pytest.param({"ship_to": Party("ABE8", "Amazon", ())}, "ship_to", id="fc-without-address"),
        pytest.param({"ship_from": Party("WH1", "", ("1 Road",))}, "ship_from", id="ship-from-without-name"),
        pytest.param({"company_prefix_length": 12}, "company_prefix_length", id="prefix-too-long"),
        pytest.param({"contents": ()}, "contents", id="no-contents"),
        pytest.param({"pro_number": ""}, "pro_number", id="no-pro"),
        pytest.param({"carrier_scac": " "}, "carrier_scac", id="no-carrier"),
    ],
)
def test_a_label_that_would_be_wrong_is_refused_naming_the_field(labels: list[LogisticsLabel], change: dict,
                                                                 field: str) -> None:
    from dataclasses import replace

    with pytest.raises(DocumentError) as caught:
        replace(labels[0], **change)
    assert caught.value.field == field


@pytest.mark.parametrize(("sku", "asin"), [pytest.param("", "B0ABCDEFGH", id="no-sku"),
                                           pytest.param("ACR-1", "", id="no-asin")])
def test_a_content_line_without_sku_or_asin_is_refused(rows: tuple, ship_from: Party, ship_to: Party,
                                                       sku: str, asin: str) -> None:
    shipment, cartons, pallets = rows
    cartons[0].items = [_item("1", sku, asin, 6)]
    with pytest.raises(DocumentError) as caught:
        shipment_labels(shipment, cartons, pallets, ship_from=ship_from, ship_to=ship_to, company_prefix_length=7)
    assert caught.value.field == "contents" and cartons[0].sscc in str(caught.value.record)


# ----------------------------------------------------------------------------------------------- previews


def test_the_pdf_has_one_4x6_page_per_label_with_its_text(labels: list[LogisticsLabel]) -> None:
    pdf = PdfReader(BytesIO(render_labels_pdf(labels)))
    assert len(pdf.pages) == len(labels)
    for page, label in zip(pdf.pages, labels, strict=True):
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (288, 432)
        text = page.extract_text()
        assert format_sscc(label.sscc) in text
        assert "401 Independence Road" in text and "Florence, NJ 08518" in text and "100 Harbor Way" in text
        assert PO in text and "ODFL" in text and "0123456786" in text
        assert f"{label.position} OF {label.count}" in text
        assert "ASIN B0ABCDEFGH" in text or "ASIN B0MUGMUG02" in text
        assert page.images, "the barcode is embedded as an image"
    assert "MIXED" in pdf.pages[1].extract_text() and "MIXED" not in pdf.pages[0].extract_text()


def test_the_png_is_a_4x6_label_whose_bars_start_gs1_128_with_ai_00(labels: list[LogisticsLabel]) -> None:
    image = Image.open(BytesIO(render_label_png(labels[0])))
    assert image.size == (812, 1218)
    row = [image.convert("L").getpixel((x, BARCODE_TOP + 100)) for x in range(image.width)]
    dark = [x for x, v in enumerate(row) if v < 128]
    start = dark[0]
    modules = "".join("1" if row[x] < 128 else "0" for x in range(start + MODULE // 2, dark[-1] + 1, MODULE))
    assert modules.startswith(START_C + FNC1 + VALUE_00)
    assert modules.endswith("1100011101011")  # Code 128 stop pattern


# ----------------------------------------------------------------------------------------------- packing list


def test_the_packing_list_lists_every_carton_its_pallet_and_totals_per_po_line(
        rows: tuple, ship_from: Party, ship_to: Party) -> None:
    shipment, cartons, pallets = rows
    packing = packing_list(shipment, cartons, pallets, ship_from=ship_from, ship_to=ship_to)
    assert [(t.item_sequence, t.vendor_sku, t.qty) for t in packing.totals] == [
        ("1", "ACR-CB-001", 16), ("2", "ACR-MUG-02", 9)]
    html = render_packing_list_html(packing)
    text = PdfReader(BytesIO(render_packing_list_pdf(packing))).pages[0].extract_text()
    for document in (html, text):
        assert shipment.shipment_identifier in document and "2026-03-03 20:00 UTC" in document
        assert "401 Independence Road" in document and "100 Harbor Way" in document
        assert "ODFL" in document and "0123456786" in document
        assert all(c.sscc in document for c in cartons) and pallets[0].sscc in document
        assert "B0MUGMUG02" in document and "25" in document  # 16 + 9 units
    assert html.count(pallets[0].sscc) == 2  # cartons 1 and 2; carton 3 travels loose
    assert "loose" in html


def test_a_packing_list_without_a_pro_is_refused(rows: tuple, ship_from: Party, ship_to: Party) -> None:
    shipment, cartons, pallets = rows
    shipment.pro_number = None
    with pytest.raises(DocumentError) as caught:
        packing_list(shipment, cartons, pallets, ship_from=ship_from, ship_to=ship_to)
    assert caught.value.field == "pro_number"


def test_a_parcel_carton_prints_its_own_tracking_number_where_freight_prints_the_bol(
        labels: list[LogisticsLabel]) -> None:
    from dataclasses import replace

    parcel = replace(labels[0], bill_of_lading="", tracking_number="1ZACRN0000000042")
    assert "TRACKING: 1ZACRN0000000042^FS" in render_label_zpl(parcel)
    assert "BOL:" not in render_label_zpl(parcel)
    assert "TRACKING: 1ZACRN0000000042" in PdfReader(BytesIO(render_labels_pdf([parcel]))).pages[0].extract_text()
    assert "BOL: BOL0614141000001^FS" in render_label_zpl(labels[0])
