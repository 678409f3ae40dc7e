"""GS1 logistics labels for cartons and pallets: one data object, rendered as ZPL for printers.

A :class:`LogisticsLabel` holds everything printed on one label; :func:`shipment_labels`
builds them for a shipment from its stored rows, and the printer (ZPL, here) and the
preview (PNG/PDF, :mod:`acorn.documents.label_preview`) both render from it, so what a
person checks on screen is what the printer prints.

Layout (top to bottom, 4x6 in at 203 dpi), as GS1 logistics labels and Amazon's carton
labelling rules lay it out: ship from | ship to (fulfilment centre code large, then its
address), carrier zone (SCAC, PRO, bill of lading), order zone (PO, carton or pallet
n of N, contents: vendor SKU, ASIN and quantity per line, "MIXED" above the list when
more than one SKU), and the SSCC zone: the GS1-128 barcode of AI (00) + SSCC with its
human-readable line grouped as ``(00) extension prefix serial check``.

The barcode field is ``>;>800<SSCC>``: ``>;`` starts Code 128 subset C, ``>8`` is FNC1
(which makes Code 128 a GS1-128), then the AI ``00`` and the 18 digits. The module
width is 4 dots (0.5 mm, GS1's minimum X-dimension for logistics labels) and the bars
are 260 dots (33 mm) tall.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from acorn.documents._env import render
from acorn.documents.errors import DocumentError
from acorn.domain.sscc import is_valid_sscc

#: lines of contents printed; the rest is summarised as "+N more lines"
MAX_CONTENT_LINES = 4
#: the ZPL barcode field data for an SSCC: subset C, FNC1, AI 00, then the 18 digits
BARCODE_DATA = ">;>800{sscc}"


@dataclass(frozen=True)
class Party:
    """Who ships or receives: a code (vendor ship-from party, FC code), a name, address lines."""

    code: str
    name: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class ContentLine:
    vendor_sku: str
    asin: str
    qty: int


@dataclass(frozen=True)
class LogisticsLabel:
    """One carton's or pallet's label; refuses data that would print a wrong or blank field."""

    kind: Literal["carton", "pallet"]
    sscc: str
    company_prefix_length: int
    shipment_identifier: str
    ship_from: Party
    ship_to: Party
    po_numbers: tuple[str, ...]
    position: int
    count: int
    contents: tuple[ContentLine, ...]
    carrier_scac: str
    pro_number: str
    bill_of_lading: str = ""
    tracking_number: str = ""  # small-parcel cartons: the carrier's number for this carton
    cartons_on_pallet: int = 0  # pallets only

    def __post_init__(self) -> None:
        record = f"{self.kind} {self.sscc} of shipment {self.shipment_identifier}"
        self._check(is_valid_sscc(self.sscc), record, "sscc", "not 18 digits ending in a valid GS1 check digit")
        self._check(7 <= self.company_prefix_length <= 11, record, "company_prefix_length",
                    "a GS1 company prefix has 7 to 11 digits")
        self._check(bool(self.po_numbers) and all(p.strip() for p in self.po_numbers), record, "po_number",
                    "a label needs the purchase order number")
        self._check(bool(self.ship_to.code.strip()), record, "ship_to",
                    "a label needs the fulfilment centre code (ship_to)")
        for side, party in (("ship_to", self.ship_to), ("ship_from", self.ship_from)):
            self._check(bool(party.name.strip()) and bool(party.lines) and all(x.strip() for x in party.lines),
                        record, side, f"a label needs the full {side.replace('_', '-')} address")
        self._check(isinstance(self.position, int) and isinstance(self.count, int)
                    and 1 <= self.position <= self.count, record, f"{self.kind}_number",
                    f"{self.kind} {self.position!r} of {self.count!r} is not a position in the shipment")
        self._check(bool(self.contents), record, "contents", "a label needs its contents")
        for line in self.contents:
            self._check(bool(line.vendor_sku.strip() and line.asin.strip()) and line.qty > 0, record, "contents",
                        f"content line {line!r} needs a vendor SKU, an ASIN and a positive quantity")
        self._check(bool(self.carrier_scac.strip()), record, "carrier_scac", "a label needs the carrier SCAC")
        self._check(bool(self.pro_number.strip()), record, "pro_number", "a label needs the PRO / tracking number")
        self._check(self.kind == "carton" or self.cartons_on_pallet > 0, record, "cartons_on_pallet",
                    "a pallet label needs its carton count")

    @staticmethod
    def _check(ok: bool, record: str, field: str, reason: str) -> None:
        if not ok:
            raise DocumentError(reason, record=record, field=field)

    @property
    def human_readable(self) -> str:
        return format_sscc(self.sscc, company_prefix_length=self.company_prefix_length)

    @property
    def mixed(self) -> bool:
        return len({(c.vendor_sku, c.asin) for c in self.contents}) > 1

    @property
    def barcode_data(self) -> str:
        """What the GS1-128 barcode encodes after FNC1: AI 00 and the SSCC."""
        return "00" + self.sscc

    @property
    def position_text(self) -> str:
        return f"{self.kind.upper()} {self.position} OF {self.count}"

    def content_text(self, line: ContentLine) -> str:
        return f"{line.qty} x {line.vendor_sku} ASIN {line.asin}"


def format_sscc(sscc: str, *, company_prefix_length: int = 7) -> str:
    """``(00) 0 0614141 123456789 7``: AI, extension digit, company prefix, serial, check digit."""
    if not is_valid_sscc(sscc):
        raise DocumentError("not 18 digits ending in a valid GS1 check digit", record=str(sscc), field="sscc")
    if not 7 <= company_prefix_length <= 11:
        raise DocumentError("a GS1 company prefix has 7 to 11 digits", record=sscc, field="company_prefix_length")
    cut = 1 + company_prefix_length
    return f"(00) {sscc[0]} {sscc[1:cut]} {sscc[cut:17]} {sscc[17]}"


def shipment_labels(shipment: Any, cartons: Sequence[Any], pallets: Sequence[Any], *, ship_from: Party,
                    ship_to: Party, company_prefix_length: int) -> list[LogisticsLabel]:
    """Every carton's label, then every pallet's, from the stored rows (``Shipment``, ``Carton``
    with its ``items`` JSON, ``Pallet``) and the two parties."""
    common = dict(company_prefix_length=company_prefix_length, shipment_identifier=shipment.shipment_identifier,
                  ship_from=ship_from, ship_to=ship_to, carrier_scac=shipment.carrier_scac or "",
                  pro_number=shipment.pro_number or "", bill_of_lading=shipment.bill_of_lading or "")
    labels = [LogisticsLabel(kind="carton", sscc=c.sscc, po_numbers=_pos(c.items), position=n, count=len(cartons),
                             contents=content_lines(c.items), tracking_number=getattr(c, "tracking_number", None) or "",
                             **common)
              for n, c in enumerate(cartons, start=1)]
    for n, p in enumerate(pallets, start=1):
        items = [i for c in cartons if c.pallet_id == p.id for i in c.items]
        labels.append(LogisticsLabel(kind="pallet", sscc=p.sscc, po_numbers=_pos(items), position=n,
                                     count=len(pallets), contents=content_lines(items),
                                     cartons_on_pallet=sum(c.pallet_id == p.id for c in cartons), **common))
    return labels


def _pos(items: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(i.get("po_number") or "") for i in items))


def content_lines(items: Iterable[Mapping[str, Any]]) -> tuple[ContentLine, ...]:
    """One line per (vendor SKU, ASIN), quantities summed (a pallet lists what its cartons hold)."""
    qty: dict[tuple[str, str], int] = {}
    for i in items:
        key = (str(i.get("vendor_sku") or ""), str(i.get("asin") or ""))
        qty[key] = qty.get(key, 0) + int(i.get("qty") or 0)
    return tuple(ContentLine(sku, asin, n) for (sku, asin), n in qty.items())


def render_label_zpl(label: LogisticsLabel) -> str:
    """One label as ZPL text, ready to send to the printer."""
    lines = list(label.contents)
    return render(f"{label.kind}_label.zpl", label=label, barcode=BARCODE_DATA.format(sscc=label.sscc),
                  contents=[label.content_text(x) for x in lines[:MAX_CONTENT_LINES]],
                  more_contents=max(0, len(lines) - MAX_CONTENT_LINES))
