"""GS1-128 carton labels as ZPL, for 4x6 inch thermal printers at 203 dpi.

Layout (top to bottom), as GS1 logistics labels and Amazon's carton labelling rules lay
it out: ship from | ship to (fulfilment centre code large), carrier zone (SCAC, PRO,
bill of lading), order zone (PO, carton n of N, contents), and the SSCC zone: the
GS1-128 barcode of AI (00) + SSCC with its human-readable line grouped as
``(00) extension prefix serial check``.

The barcode field is ``>;>800<SSCC>``: ``>;`` starts Code 128 subset C, ``>8`` is FNC1
(which makes Code 128 a GS1-128), then the AI ``00`` and the 18 digits. The module
width is 4 dots (0.5 mm, GS1's minimum X-dimension for logistics labels) and the bars
are 260 dots (33 mm) tall.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from acorn.documents._env import render
from acorn.documents._parties import party_view
from acorn.documents.errors import DocumentError
from acorn.domain.sscc import is_valid_sscc

#: lines of carton contents printed; the rest is summarised as "+N more"
MAX_CONTENT_LINES = 4


def format_sscc(sscc: str, *, company_prefix_length: int = 7) -> str:
    """``(00) 0 0614141 123456789 7``: AI, extension digit, company prefix, serial, check digit."""
    _check_sscc(sscc)
    if not 7 <= company_prefix_length <= 11:
        raise DocumentError("a GS1 company prefix has 7 to 11 digits", record=sscc, field="company_prefix_length")
    cut = 1 + company_prefix_length
    return f"(00) {sscc[0]} {sscc[1:cut]} {sscc[cut:17]} {sscc[17]}"


def render_carton_label(
    *,
    sscc: str,
    ship_from: Mapping[str, Any],
    ship_to: Mapping[str, Any],
    po_number: str,
    carton_number: int,
    carton_count: int,
    company_prefix_length: int = 7,
    carrier_scac: str | None = None,
    pro_number: str | None = None,
    bill_of_lading: str | None = None,
    contents: Sequence[Mapping[str, Any]] = (),
) -> str:
    """One carton's label as ZPL text, ready to send to the printer.

    ``ship_from`` and ``ship_to`` are SP-API ``PartyIdentification`` mappings
    (``{"partyId": "ABE8", "address": {"name", "addressLine1", "city", ...}}``); the ship-to
    ``partyId`` is the fulfilment centre code printed large. ``contents`` lines are
    mappings with ``vendor_sku``, ``asin`` and ``qty``. Raises :class:`DocumentError` for
    an invalid SSCC, a missing PO or FC, or a carton number outside ``1..carton_count``.
    """
    human_readable = format_sscc(sscc, company_prefix_length=company_prefix_length)
    if not str(po_number or "").strip():
        raise DocumentError("a carton label needs the purchase order number", record=sscc, field="po_number")
    to = party_view(ship_to)
    if not to["party_id"]:
        raise DocumentError(
            "a carton label needs the fulfilment centre code (ship_to partyId)", record=sscc, field="ship_to"
        )
    if not (isinstance(carton_count, int) and isinstance(carton_number, int) and 1 <= carton_number <= carton_count):
        raise DocumentError(
            f"carton {carton_number!r} of {carton_count!r} is not a position in the shipment",
            record=sscc,
            field="carton_number",
        )
    lines = [
        {"vendor_sku": line.get("vendor_sku") or "", "asin": line.get("asin") or "", "qty": line.get("qty", "")}
        for line in contents
    ]
    return render(
        "carton_label.zpl",
        sscc=sscc,
        human_readable=human_readable,
        ship_from=party_view(ship_from),
        ship_to=to,
        po_number=str(po_number).strip(),
        carton_number=carton_number,
        carton_count=carton_count,
        carrier_scac=carrier_scac or "",
        pro_number=pro_number or "",
        bill_of_lading=bill_of_lading or "",
        contents=lines[:MAX_CONTENT_LINES],
        more_contents=max(0, len(lines) - MAX_CONTENT_LINES),
    )


def _check_sscc(sscc: Any) -> None:
    if not is_valid_sscc(sscc):
        raise DocumentError("not 18 digits ending in a valid GS1 check digit", record=str(sscc), field="sscc")
