"""Paperwork the dock needs when it packs: labels for every carton and pallet, and the packing list.

Written right after a shipment is planned (``plan_shipments``), before the truck leaves and
before the ASN is queued, under ``<documents_dir>/<ACCOUNT>/shipments/<SHIPMENT>/``:
``labels.zpl`` (cartons, then pallets), a ``labels.pdf`` preview (PNG on demand: ``acorn labels
--format png``; 10 ms a label, four times the PDF's, too slow for every carton of every day),
``packing-list.html`` and ``packing-list.pdf``, and for freight the bill of lading the driver
signs (``bill-of-lading.html`` / ``.pdf``; small parcel travels on the carrier's labels and
manifest, without one). Files are written once and never rewritten
(what was stuck on the boxes is what stays on file); ``acorn labels`` reprints from the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from acorn.config import AcornSettings, VendorAccountSettings
from acorn.documents.bill_of_lading import (
    BillOfLading,
    HandlingUnit,
    OrderInfo,
    render_vics_bill_of_lading_html,
    render_vics_bill_of_lading_pdf,
)
from acorn.documents.errors import DocumentError
from acorn.documents.label_preview import render_labels_pdf
from acorn.documents.labels import LogisticsLabel, Party, render_label_zpl, shipment_labels
from acorn.documents.packing_list import PackingList, packing_list, render_packing_list_html, render_packing_list_pdf
from acorn.domain.states import ShipmentStatus
from acorn.reference import Address
from acorn.services.archive import write_once
from acorn.services.asn_keys import awaiting_carrier
from acorn.services.ports import Units
from acorn.store import UnitOfWork
from schemas.tables import Carton, Pallet, Shipment, ShipmentLine


class UnknownShipment(LookupError):
    """No shipment with this identifier (for this account) in the store."""


@dataclass(frozen=True)
class PackingDocuments:
    labels: list[LogisticsLabel]
    packing_list: PackingList
    bill_of_lading: BillOfLading | None  # None for small parcel (no BOL number)

    def zpl(self) -> str:
        return "".join(render_label_zpl(label) for label in self.labels)


def ship_from_party(account: VendorAccountSettings) -> Party:
    return _party(account.ship_from_party, account.ship_from_address.printed())


def ship_to_party(settings: AcornSettings, fc_code: str) -> Party:
    """The fulfilment centre's full address (raises ``UnknownReference`` naming the FC when unknown)."""
    fc = settings.fulfilment_centre(fc_code)
    return _party(fc.code, fc.address)


def _party(code: str, address: Address) -> Party:
    return Party(code=code, name=address.name, lines=tuple(address.lines()[1:]))  # lines()[0] is the name


def packing_documents(uow: UnitOfWork, settings: AcornSettings, account: VendorAccountSettings,
                      shipment_identifier: str) -> PackingDocuments:
    """The labels and packing list of one shipment, from the store (one data source for every format)."""
    shipment = uow.shipments.get(shipment_identifier)
    _check_account(shipment, account, shipment_identifier)
    assert shipment is not None
    lines = uow.shipments.lines(shipment) if shipment.bill_of_lading else []
    return documents_of(settings, account, shipment, uow.shipments.cartons(shipment), uow.shipments.pallets(shipment),
                        lines)


def documents_of(settings: AcornSettings, account: VendorAccountSettings, shipment: Shipment,
                 cartons: list[Carton], pallets: list[Pallet], lines: list[ShipmentLine]) -> PackingDocuments:
    """The labels and packing list of a shipment whose rows are already read (``lines`` matter for freight)."""
    parties = {"ship_from": ship_from_party(account), "ship_to": ship_to_party(settings, shipment.ship_to)}
    bol = build_bill_of_lading(settings, account, shipment, lines, cartons, pallets) \
        if shipment.bill_of_lading else None
    return PackingDocuments(
        labels=shipment_labels(shipment, cartons, pallets, company_prefix_length=len(account.gs1_company_prefix),
                               **parties),
        packing_list=packing_list(shipment, cartons, pallets, **parties), bill_of_lading=bol)


def _check_account(shipment: Shipment | None, account: VendorAccountSettings, shipment_identifier: str) -> None:
    if shipment is None or shipment.account_code != account.code:
        raise UnknownShipment(f"no shipment {shipment_identifier!r} for account {account.code}")


def write_packing_documents(units: Units, settings: AcornSettings, account: VendorAccountSettings,
                            shipment_identifier: str, documents_dir: Path) -> list[Path]:
    """Write the shipment's labels and packing list (once); returns every path, written now or before."""
    with units() as uow:
        docs = packing_documents(uow, settings, account, shipment_identifier)
    return _write_documents(docs, documents_dir / account.code / "shipments" / shipment_identifier)


def _write_documents(docs: PackingDocuments, folder: Path) -> list[Path]:
    written = [write_once(folder / "labels.pdf", lambda: render_labels_pdf(docs.labels))]
    written += [write_once(folder / "packing-list.html", render_packing_list_html(docs.packing_list)),
                write_once(folder / "packing-list.pdf", lambda: render_packing_list_pdf(docs.packing_list))]
    if docs.bill_of_lading is not None:
        bol = docs.bill_of_lading
        written += [write_once(folder / "bill-of-lading.html", lambda: render_vics_bill_of_lading_html(bol)),
                    write_once(folder / "bill-of-lading.pdf", lambda: render_vics_bill_of_lading_pdf(bol))]
    # labels.zpl last: its presence means the set is complete (write_after_planning retries without it)
    return [write_once(folder / "labels.zpl", docs.zpl()), *written]


def write_after_planning(units: Units, settings: AcornSettings, account: VendorAccountSettings,
                         planned: list[str], documents_dir: Path, *, as_of: datetime) -> list[str]:
    """Write the documents of the shipments just planned, and of any planned shipment still without labels
    (a rerun after a fix); returns the problems, each also raised as an alert naming the shipment (and
    resolved once its documents are written). The rows of every shipment are read in a few queries."""
    with units() as uow:
        # Amazon-arranged freight is labelled once Amazon names the carrier (services/routing.py)
        waiting = [s for s in uow.shipments.list(account.code, statuses=[ShipmentStatus.PLANNED])
                   if not (documents_dir / account.code / "shipments" / s.shipment_identifier / "labels.zpl").exists()
                   and not awaiting_carrier(s)]
        rows = {s.shipment_identifier: s for s in [*uow.shipments.by_identifiers(planned), *waiting]}
        todo = [i for i in dict.fromkeys([*planned, *(s.shipment_identifier for s in waiting)])
                if (s := rows.get(i)) is None or not awaiting_carrier(s)]
        found = [rows[i] for i in todo if i in rows]
        cartons, pallets = uow.shipments.cartons_of(found), uow.shipments.pallets_of(found)
        lines = uow.shipments.lines_of(s for s in found if s.bill_of_lading)
        problems, written = [], []
        for identifier in todo:
            key = f"packing-documents:{account.code}:{identifier}"
            try:
                _check_account(shipment := rows.get(identifier), account, identifier)
                assert shipment is not None and shipment.id is not None
                docs = documents_of(settings, account, shipment, cartons[shipment.id], pallets[shipment.id],
                                    lines.get(shipment.id, []))
                _write_documents(docs, documents_dir / account.code / "shipments" / identifier)
                written.append(key)
            except (DocumentError, LookupError, ValueError) as exc:  # names the record and field
                problems.append(f"{identifier}: {exc}")
                uow.alerts.raise_alert(
                    dedupe_key=key, account_code=account.code,
                    shipment_identifier=identifier,
                    kind="packing_documents_failed", subject=f"No labels for shipment {identifier}",
                    message=str(exc), severity="error",
                    next_step="Fix what the message names (FC address table, SKU master, carrier settings) "
                              "and rerun the day; the labels are written then, before the ASN.")
        uow.alerts.resolve_all(written, at=as_of)
        uow.commit()
    return problems


def build_bill_of_lading(settings: AcornSettings, account: VendorAccountSettings, shipment: Shipment,
                         lines: list[ShipmentLine], cartons: list[Carton], pallets: list[Pallet]) -> BillOfLading:
    # Amazon-arranged: Amazon's carrier (named as Amazon names it), paid by Amazon (Collect), with the ARN
    collect = shipment.freight_term == "Collect"
    scac = shipment.carrier_scac or ""
    carrier = settings.carriers.get(scac) if collect else settings.carrier(scac)
    loose = [c for c in cartons if c.pallet_id is None]
    units = [HandlingUnit("Pallet", p.sscc, sum(1 for c in cartons if c.pallet_id == p.id), p.weight_kg)
             for p in pallets]
    units += [HandlingUnit("Carton", c.sscc, 1, c.weight_kg) for c in loose]
    orders: dict[str, dict[str, Decimal | int]] = {}
    for ln in lines:
        orders.setdefault(ln.po_number, {"cartons": 0, "units": 0, "weight": Decimal(0)})["units"] += ln.shipped_qty
    for c in cartons:
        pos = {str(i["po_number"]) for i in c.items}
        for po in pos:
            entry = orders.setdefault(po, {"cartons": 0, "units": 0, "weight": Decimal(0)})
            entry["cartons"] += 1
            if len(pos) == 1:  # one PO per carton (the planner's rule); a mixed carton is not split by weight
                entry["weight"] += c.weight_kg
    return BillOfLading(
        bol_number=shipment.bill_of_lading or "", shipment_identifier=shipment.shipment_identifier,
        ship_date=shipment.departure, shipper=ship_from_party(account),
        consignee=ship_to_party(settings, shipment.ship_to),
        carrier_name=shipment.carrier_name or (carrier.name if carrier else shipment.carrier_scac or ""),
        carrier_scac=shipment.carrier_scac or "", pro_number=shipment.pro_number or "",
        freight_terms=shipment.freight_term,  # fixed at planning from the account's freight setting
        amazon_reference=shipment.amazon_reference_number,
        handling_units=tuple(units),
        orders=tuple(OrderInfo(po, int(v["cartons"]), int(v["units"]), Decimal(v["weight"]))
                     for po, v in sorted(orders.items())),
        total_weight_kg=shipment.total_weight_kg, seal_number=shipment.seal_number,
        freight_class=carrier.freight_class if carrier else None, nmfc=carrier.nmfc if carrier else None,
        delivery_appointment=shipment.delivery_appointment)
