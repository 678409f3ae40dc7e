"""Purchase orders as Amazon's SP-API sends them, written by hand for tests that feed raw orders.

The poison-PO tests (fast tier and loopback) start from this well-formed order and break one
field at a time, so both tiers break the same order.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any


def wire_time(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def amazon_po(number: str, created: datetime, *, selling_party: str, changed: datetime | None = None
              ) -> dict[str, Any]:
    """A well-formed SP-API Order for ``selling_party``: 24 eaches of SKU-1 and 2 cases of 6 of SKU-2."""
    details: dict[str, Any] = {
        "purchaseOrderDate": wire_time(created), "purchaseOrderStateChangedDate": wire_time(created),
        "purchaseOrderType": "RegularOrder", "paymentMethod": "Invoice",
        "buyingParty": {"partyId": "ABE8"}, "sellingParty": {"partyId": selling_party},
        "shipToParty": {"partyId": "ABE8"}, "billToParty": {"partyId": "ABE8"},
        "shipWindow": f"{wire_time(created + timedelta(days=1))}--{wire_time(created + timedelta(days=7))}",
        "items": [
            {"itemSequenceNumber": "1", "amazonProductIdentifier": "B0TESTAAA1", "vendorProductIdentifier": "SKU-1",
             "orderedQuantity": {"amount": 24, "unitOfMeasure": "Eaches", "unitSize": 1},
             "isBackOrderAllowed": True, "netCost": {"amount": "12.50", "currencyCode": "USD"}},
            {"itemSequenceNumber": "2", "amazonProductIdentifier": "B0TESTAAA2", "vendorProductIdentifier": "SKU-2",
             "orderedQuantity": {"amount": 2, "unitOfMeasure": "Cases", "unitSize": 6},
             "isBackOrderAllowed": True, "netCost": {"amount": "3.10", "currencyCode": "USD"}},
        ]}
    if changed is not None:
        details["purchaseOrderChangedDate"] = wire_time(changed)
    return {"purchaseOrderNumber": number, "purchaseOrderState": "New", "orderDetails": details}


def first_quantity(order: dict[str, Any]) -> dict[str, Any]:
    """The first line's ``orderedQuantity``, for a test to break."""
    return order["orderDetails"]["items"][0]["orderedQuantity"]
