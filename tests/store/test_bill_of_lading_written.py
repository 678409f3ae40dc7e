"""The bill of lading, written at packing time from the stored shipment, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

import schemas.tables as t
from acorn.config import load_settings
from acorn.services.packing import UnknownShipment, write_packing_documents
from acorn.store import UnitOfWork, upgrade
from acorn.store.uow import units

T0 = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)


def _store(url: str, *, mode: str = "LessThanTruckLoad", bol: str | None = "06141410000000012") -> None:
    upgrade(url)
    with UnitOfWork(url) as uow:
        s = uow.shipments.add(t.Shipment(
            account_code="ACRNUS", shipment_identifier="4Z32PABC-260302", ship_to="ABE8",
            structure="PalletizedAssortmentCase",
            transport_mode=mode, carrier_scac="ODFL", pro_number="7700000000", bill_of_lading=bol, departure=T0,
            estimated_delivery=T0 + timedelta(days=2), asn_deadline=T0 + timedelta(minutes=30),
            delivery_appointment=T0 + timedelta(days=2), total_weight_kg=Decimal("70.000")))
        uow.flush()
        uow.shipments.add(t.ShipmentLine(shipment_id=s.id, po_number="4Z32PABC", item_sequence="1", shipped_qty=24))
        p = uow.shipments.add(t.Pallet(shipment_id=s.id, sscc="006141410000000029", weight_kg=Decimal("70.000")))
        uow.flush()
        for n, sscc in enumerate(("006141410000000036", "006141410000000043"), start=1):
            uow.shipments.add(t.Carton(shipment_id=s.id, pallet_id=p.id, sscc=sscc, weight_kg=Decimal("22.500"),
                                       tracking_number=f"1Z999AA1012345678{n}" if mode == "SmallParcel" else None,
                                       items=[{"po_number": "4Z32PABC", "item_sequence": "1", "qty": 12,
                                               "vendor_sku": "ACR-1", "asin": "B0ABCDEFGH",
                                               "carton_sequence": n}]))
        uow.commit()


def test_the_bill_of_lading_is_written_from_the_stored_shipment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'acorn.db'}"
    _store(url)
    settings = load_settings(home=tmp_path)
    account = settings.account("ACRNUS")
    write_packing_documents(units(url), settings, account, "4Z32PABC-260302", tmp_path / "docs")
    folder = tmp_path / "docs" / "ACRNUS" / "shipments" / "4Z32PABC-260302"
    html, pdf = folder / "bill-of-lading.html", folder / "bill-of-lading.pdf"
    fc = settings.fulfilment_centre("ABE8").address
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    for page in (html.read_text(encoding="utf-8"), text):
        for expected in (fc.address_line1, fc.city, "Old Dominion Freight Line", "7700000000", "06141410000000012",
                         "Prepaid", "Freight class", "154 lb", "70.0 kg", "99 lb", "45.0 kg", "4Z32PABC"):
            assert expected in page, expected
    first = html.read_bytes()
    with UnitOfWork(url) as uow:
        uow.shipments.get("4Z32PABC-260302").seal_number = "SEAL-1"
        uow.commit()
    write_packing_documents(units(url), settings, account, "4Z32PABC-260302", tmp_path / "docs")
    assert html.read_bytes() == first  # written once: what the driver signed stays on file


def test_small_parcel_has_no_bill_of_lading(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'acorn.db'}"
    _store(url, mode="SmallParcel", bol=None)
    settings = load_settings(home=tmp_path)
    written = write_packing_documents(units(url), settings, settings.account("ACRNUS"), "4Z32PABC-260302", tmp_path)
    assert written and not [p for p in written if p.name.startswith("bill-of-lading")]


def test_an_unknown_shipment_is_named(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'acorn.db'}"
    upgrade(url)
    settings = load_settings(home=tmp_path)
    with pytest.raises(UnknownShipment, match="NOPE"):
        write_packing_documents(units(url), settings, settings.account("ACRNUS"), "NOPE", tmp_path)
