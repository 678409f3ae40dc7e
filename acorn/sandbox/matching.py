"""Finding the PO line a submitted document means, and counting its quantities in eaches.

Tolerant of how vendors identify items (ASIN, EAN/UPC with or without leading zeros, vendor
SKU, line number) but never ambiguous about the result: the first line that matches wins.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from acorn.sandbox.errors import RuleViolation
from acorn.sandbox.gs1 import same_gtin
from acorn.sandbox.orders import CASES, OrderLine, PurchaseOrder


def sequence_key(value: Any) -> str:
    """A sequence or reference number as compared: ``"001"``, ``"1"`` and ``1`` are the same line.

    Amazon numbers ASN lines ``001`` and PO lines ``1``; vendors mix the two, and no
    document uses both spellings for different lines.
    """
    text = str(value).strip()
    return str(int(text)) if text.isdigit() else text


def _same_sequence(a: str, b: Any) -> bool:
    return sequence_key(a) == sequence_key(b)


def _vendor_id_matches(line: OrderLine, vendor_id: str) -> bool:
    return any(candidate and same_gtin(candidate, vendor_id) for candidate in (line.vendor_id, line.vendor_sku))


def find_line(po: PurchaseOrder, *, asin: str | None = None, vendor_id: str | None = None,
              sequence: Any = None, sequence_is_po_line: bool = False) -> OrderLine | None:
    """The PO line a document line refers to, or ``None``.

    ``sequence_is_po_line``: acknowledgements number items like the PO does; ASNs and
    invoices number their own lines, so there the sequence is only a last resort.
    """
    if sequence_is_po_line and sequence is not None:
        for line in po.lines:
            if _same_sequence(line.sequence, sequence):
                if asin and line.asin and line.asin != asin:
                    return None
                if vendor_id and line.vendor_id and not _vendor_id_matches(line, vendor_id):
                    return None
                return line
        return None
    if asin:
        for line in po.lines:
            if line.asin == asin:
                return line
    if vendor_id:
        for line in po.lines:
            if _vendor_id_matches(line, vendor_id):
                return line
    if asin or vendor_id:
        return None
    if sequence is not None:
        for line in po.lines:
            if _same_sequence(line.sequence, sequence):
                return line
    return None


def eaches(qty: dict[str, Any] | None, line: OrderLine) -> int:
    """A document quantity in eaches: ``Cases`` times ``unitSize`` (or the line's case size)."""
    if not qty:
        return 0
    amount = int(qty.get("amount") or 0)
    if str(qty.get("unitOfMeasure") or "").lower() == CASES.lower():
        size = qty.get("unitSize")
        return amount * (int(size) if isinstance(size, int) and size > 0 else line.case_size)
    return amount


#: the party id ``scenarios.order_from_wire`` records when a loaded order names none
UNKNOWN_PARTY = "UNKNOWN"


def party_differs(on_order: str, sent: Any) -> bool:
    """Whether a document names another party than the PO; a PO that names none matches anyone."""
    return on_order != UNKNOWN_PARTY and sent != on_order


def item_reference(item: dict[str, Any]) -> str:
    """How an error message names a document line: its identifiers, as sent."""
    parts = [f"{k}={item[k]}" for k in ("itemSequenceNumber", "amazonProductIdentifier", "vendorProductIdentifier")
             if item.get(k) is not None]
    return ", ".join(parts) or "an item without identifiers"


def beyond_the_line(po: PurchaseOrder, line: OrderLine, total: int, now: datetime, at: str, *,
                    doing: str = "shipped") -> RuleViolation | None:
    """Amazon's one limit for an ASN and a routing request alike: no more units than the line accepted
    (or, before an acknowledgement, ordered)."""
    limit = po.target_each(line, now)
    if total <= limit:
        return None
    code, what = ("QuantityExceedsAccepted", "accepted") if line.ack is not None else ("QuantityExceedsOrdered",
                                                                                          "ordered")
    return RuleViolation(code, f"{at}.shippedQuantity.amount",
                         f"{total} units of line {line.sequence} of purchase order {po.number} would be "
                         f"{doing} but {limit} are {what}")
