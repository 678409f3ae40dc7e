"""The VICS bill of lading a carrier accepts, as HTML and as PDF."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader

from acorn.documents.bill_of_lading import (
    BillOfLading,
    HandlingUnit,
    OrderInfo,
    render_vics_bill_of_lading_html,
    render_vics_bill_of_lading_pdf,
)
from acorn.documents.errors import DocumentError
from acorn.documents.labels import Party

SHIPPER = Party(code="ACRNWH1", name="Acorn Demo Goods Co.", lines=("100 Harbor Way", "Edison, NJ 08817", "US"))
ABE8 = Party(code="ABE8", name="Amazon.com Services LLC", lines=("401 Independence Rd", "Florence, NJ 08518", "US"))


def _bol(**changes: object) -> BillOfLading:
    bol = BillOfLading(
        bol_number="06141410000000012", shipment_identifier="4Z32PABC-260302",
        ship_date=datetime(2026, 3, 2, 20, 0, tzinfo=UTC), shipper=SHIPPER, consignee=ABE8,
        carrier_name="Old Dominion Freight Line", carrier_scac="ODFL", pro_number="7700000000",
        freight_terms="Prepaid", freight_class="100", nmfc="156600",
        handling_units=(HandlingUnit("Pallet", "006141410000000029", 2, Decimal("45.000")),
                        HandlingUnit("Carton", "006141410000000036", 1, Decimal("22.500"))),
        orders=(OrderInfo("4Z32PABC", 3, 36, Decimal("67.500")),), total_weight_kg=Decimal("90.000"),
        delivery_appointment=datetime(2026, 3, 4, 15, 0, tzinfo=UTC))
    return replace(bol, **changes) if changes else bol


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("render", [pytest.param(render_vics_bill_of_lading_html, id="html"),
                                    pytest.param(lambda b: _pdf_text(render_vics_bill_of_lading_pdf(b)), id="pdf")])
def test_the_bill_of_lading_names_consignee_carrier_references_terms_and_weights(render) -> None:
    text = render(_bol()).replace("<strong>", "").replace("</strong>", "")
    for expected in ("401 Independence Rd", "Florence, NJ 08518", "Amazon.com Services LLC", "ABE8",
                     "100 Harbor Way", "SCAC: ODFL", "PRO number: 7700000000", "06141410000000012",
                     "Freight terms: Prepaid",
                     "Freight class: 100", "NMFC: 156600",
                     "4Z32PABC", "006141410000000029",
                     "198 lb", "90.0 kg",  # total: 90 kg = 198.4158 lb -> 198
                     "149 lb", "67.5 kg",  # the PO's cartons
                     "99 lb", "45.0 kg"):  # the pallet
        assert expected in text, expected
    assert "Delivery appointment" in text
    assert "Seal number: ____________" in text


def test_a_recorded_seal_is_printed_instead_of_the_blank() -> None:
    html = render_vics_bill_of_lading_html(_bol(seal_number="SEAL-88231"))
    assert "SEAL-88231" in html and "____" not in html


def test_labels_without_a_value_are_left_off_rather_than_printed_empty() -> None:
    html = render_vics_bill_of_lading_html(_bol(nmfc=None, freight_class=None, delivery_appointment=None))
    for label in ("NMFC", "Freight class", "Delivery appointment", "ARN"):
        assert label not in html


def test_markup_in_a_name_is_escaped() -> None:
    html = render_vics_bill_of_lading_html(_bol(shipper=replace(SHIPPER, name="Smith <Tools> & Co")))
    assert "Smith &lt;Tools&gt; &amp; Co" in html


@pytest.mark.parametrize(("change", "field"), [
    pytest.param({"pro_number": ""}, "pro_number", id="no-pro"),
    pytest.param({"bol_number": " "}, "bol_number", id="no-bol"),
    pytest.param({"consignee": Party(code="ABE8", name="Amazon", lines=())}, "consignee", id="no-fc-address"),
    pytest.param({"handling_units": ()}, "handling_units", id="nothing-to-carry"),
])
def test_a_bill_of_lading_missing_what_the_carrier_needs_is_refused(change: dict, field: str) -> None:
    with pytest.raises(DocumentError) as exc:
        _bol(**change)
    assert exc.value.field == field and "4Z32PABC-260302" in str(exc.value)
