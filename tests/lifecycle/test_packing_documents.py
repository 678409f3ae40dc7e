"""Labels and packing lists are on file when the goods are packed, before the ASN; `acorn labels` reprints."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from acorn.store import UnitOfWork
from lifecycle_world import US, World, run_day

ACORN = str(Path(sys.executable).with_name("acorn"))


def _acorn(world: World, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "ACORN_DATABASE_URL": world.db, "ACORN_HOME": str(tmp_path / ".acorn-cli"),
           "COLUMNS": "300"}
    return subprocess.run([ACORN, "labels", *args], capture_output=True, text=True, timeout=120, env=env)


def test_planning_writes_a_label_for_every_carton_and_pallet_and_a_packing_list_before_the_asn(
        world: World) -> None:
    docs = world.settings.resolved_documents_dir / US / "shipments"
    seen_before_asn = 0
    for as_of in world.run_times(3):
        run_day(world, as_of)
        with UnitOfWork(world.db) as uow:
            shipments = [(s, uow.shipments.cartons(s), uow.shipments.pallets(s)) for s in uow.shipments.list(US)]
        for shipment, cartons, pallets in shipments:
            folder = docs / shipment.shipment_identifier
            if shipment.status == "planned":  # the truck has not left: no ASN yet, the paperwork is there
                assert not list(folder.glob("asn-*.json"))
                seen_before_asn += 1
            zpl = (folder / "labels.zpl").read_text()
            barcodes = re.findall(r"\^BCN,\d+,N,N,N\^FD>;>800(\d{18})\^FS", zpl)
            assert barcodes == [c.sscc for c in cartons] + [p.sscc for p in pallets]
            street = world.settings.fulfilment_centre(shipment.ship_to).address.address_line1
            assert f"^FD1 OF {len(cartons)}^FS" in zpl and zpl.count(f"^FD{street}^FS") == len(barcodes)
            assert not (folder / "labels").exists()  # PNG previews only on demand (acorn labels --format png)
            assert len(PdfReader(folder / "labels.pdf").pages) == len(barcodes)
            html = (folder / "packing-list.html").read_text()
            assert all(sscc in html for sscc in barcodes)
            assert shipment.shipment_identifier in PdfReader(folder / "packing-list.pdf").pages[0].extract_text()
    assert seen_before_asn > 0, "some shipment was seen planned, before its ASN"
    assert any(pallets for _, _, pallets in shipments), "the week palletised something"


def test_acorn_labels_reprints_a_shipment_from_the_store(world: World, tmp_path: Path) -> None:
    for as_of in world.run_times(2):
        run_day(world, as_of)
    with UnitOfWork(world.db) as uow:
        shipment = uow.shipments.list(US)[0]
        sscc = [c.sscc for c in uow.shipments.cartons(shipment)] + [p.sscc for p in uow.shipments.pallets(shipment)]
    identifier = shipment.shipment_identifier
    archived = world.settings.resolved_documents_dir / US / "shipments" / identifier / "labels.zpl"

    zpl = _acorn(world, tmp_path, identifier, "--out", str(tmp_path / "zpl"))
    assert zpl.returncode == 0, zpl.stdout + zpl.stderr
    assert (tmp_path / "zpl" / f"{identifier}-labels.zpl").read_text() == archived.read_text()

    pdf = _acorn(world, tmp_path, identifier, "--format", "pdf", "--out", str(tmp_path / "pdf"))
    assert pdf.returncode == 0, pdf.stdout + pdf.stderr
    pages = PdfReader(tmp_path / "pdf" / f"{identifier}-labels.pdf").pages
    assert len(pages) == len(sscc) and "(00) " in pages[0].extract_text()

    png = _acorn(world, tmp_path, identifier, "--format", "png", "--out", str(tmp_path / "png"))
    assert png.returncode == 0, png.stdout + png.stderr
    images = sorted((tmp_path / "png").glob("*.png"))
    assert len(images) == len(sscc) and all(Image.open(p).size == (812, 1218) for p in images)

    unknown = _acorn(world, tmp_path, "NOPE-000000")
    assert unknown.returncode == 2 and "NOPE-000000" in unknown.stdout + unknown.stderr
    wrong_format = _acorn(world, tmp_path, identifier, "--format", "gif")
    assert wrong_format.returncode == 2 and "gif" in wrong_format.stdout + wrong_format.stderr


def test_a_shipment_whose_labels_cannot_be_made_raises_an_alert_and_gets_them_on_the_rerun_after_the_fix(
        world: World) -> None:
    from acorn.services import shipments

    as_of = world.run_times(1)[0]
    run_day(world, as_of)
    docs = world.settings.resolved_documents_dir
    with UnitOfWork(world.db) as uow:
        shipment = uow.shipments.list(US, statuses=["planned"])[0]
        pro, shipment.pro_number = shipment.pro_number, None
        uow.commit()
    labels = docs / US / "shipments" / shipment.shipment_identifier / "labels.zpl"
    labels.unlink()

    account = world.settings.account(US)
    result = shipments.plan_shipments(world.units, world.settings, account, as_of=as_of, documents_dir=docs)
    assert [p for p in result.problems if shipment.shipment_identifier in p and "pro_number" in p]
    with UnitOfWork(world.db) as uow:
        alerts = [a for a in uow.alerts.list(status="open") if a.kind == "packing_documents_failed"]
        assert [a.subject for a in alerts] == [f"No labels for shipment {shipment.shipment_identifier}"]
        uow.shipments.get(shipment.shipment_identifier).pro_number = pro
        uow.commit()
    assert not labels.exists()

    result = shipments.plan_shipments(world.units, world.settings, account, as_of=as_of, documents_dir=docs)
    assert not [p for p in result.problems if shipment.shipment_identifier in p]
    assert f"PRO: {pro}^FS" in labels.read_text()
    with UnitOfWork(world.db) as uow:
        assert not [a for a in uow.alerts.list(status="open") if a.kind == "packing_documents_failed"]
