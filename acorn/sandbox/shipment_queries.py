"""GetShipmentDetails: the shipments the sandbox knows, filtered, sorted and paged.

A shipment is an accepted ASN, an accepted routing request (SubmitShipments), or both under one
``vendorShipmentIdentifier`` (see ``shipment_view``). This is also how a client that lost the
answer to a POST learns whether Amazon has its document: ``vendorShipmentIdentifier`` is an exact
match, and only what was accepted is listed (a rejected document never is; a ``Replace`` or an
update shows the new content; a cancelled routing request stays, as ``transactionType`` ``Cancel``).

Every parameter the model declares. Date filters are ``[after, before)`` windows on
``shipmentCreateDate`` (created), ``shipmentConfirmDate`` (shipmentConfirmed: the latest accepted
ASN), ``packageLabelCreateDate`` (packageLabelCreated: small parcel, from the carrier assignment),
``shippedDate`` (the ASN's, else the pickup), ``estimatedDeliveryDate``, ``shipmentDeliveryDate``
(shipmentDelivery: only shipments already received), ``requestedPickUp`` and ``scheduledPickUp``
(from the carrier assignment); a shipment without that date does not match. Exact filters:
``vendorShipmentIdentifier``, ``buyerReferenceNumber`` (the ARN), ``buyerWarehouseCode``
(``shipToParty.partyId``), ``sellerWarehouseCode`` (``sellingParty.partyId``) and
``currentShipmentStatus`` (the status at the sandbox clock). Unlike purchase orders there is no
7-day window rule (the model states none). ``limit`` 1-50, default 50; sorted by creation, newest
first unless ``sortOrder=ASC``; ``nextToken`` is opaque (``acorn.sandbox.paging``) and stands for
the filters plus a cursor, so later pages answer the same question; ``limit`` may change with it.
``vendorShipmentIdentifier=null`` is refused as in Amazon's own example (400 ``InvalidRequest``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from acorn.sandbox.errors import InvalidRequest
from acorn.sandbox.paging import PageTokens
from acorn.sandbox.queries import query_date
from acorn.sandbox.records import Registry
from acorn.sandbox.shipment_render import shipment_json
from acorn.sandbox.shipment_view import ShipmentView, shipment_view, shipment_views
from acorn.sandbox.timefmt import iso

OPERATION = "GetShipmentDetails"
MAX_LIMIT = 50
DEFAULT_LIMIT = 50
T = TypeVar("T")
Cursor = tuple[datetime, str]

#: window name (query parameters ``{name}After`` / ``{name}Before``) -> the moment it filters on
_WINDOWS: dict[str, Callable[[ShipmentView, datetime], datetime | None]] = {
    "created": lambda v, _now: v.created,
    "shipmentConfirmed": lambda v, _now: v.confirmed,
    "packageLabelCreated": lambda v, now: v.label_created(now),
    "shipped": lambda v, now: v.shipped(now),
    "estimatedDelivery": lambda v, now: v.estimated_delivery(now),
    "shipmentDelivery": lambda v, now: v.delivered(now),
    "requestedPickUp": lambda v, _now: v.requested_pickup,
    "scheduledPickUp": lambda v, now: v.scheduled_pickup(now),
}
#: exact-match parameter -> what it is compared with
_EXACT: dict[str, Callable[[ShipmentView, datetime], str | None]] = {
    "vendorShipmentIdentifier": lambda v, _now: v.shipment_id,
    "buyerReferenceNumber": lambda v, _now: v.buyer_reference,
    "buyerWarehouseCode": lambda v, _now: (v.document.get("shipToParty") or {}).get("partyId"),
    "sellerWarehouseCode": lambda v, _now: (v.document.get("sellingParty") or {}).get("partyId"),
    "currentShipmentStatus": lambda v, now: v.current_status(now)[0],
}


@dataclass
class ListQuery:
    """Resolved filters of a paged shipping read; what a ``nextToken`` stands for."""

    descending: bool = True
    limit: int = DEFAULT_LIMIT
    windows: dict[str, tuple[datetime | None, datetime | None]] = field(default_factory=dict)  # [after, before)
    exact: dict[str, str] = field(default_factory=dict)


# ---- shared by the two paged shipping reads (GetShipmentDetails, GetShipmentLabels) -------------
def parse_limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_LIMIT:
        raise InvalidRequest(f"limit must be an integer from 1 to {MAX_LIMIT}", details=f"limit: {raw!r}")
    return value


def refuse_null_identifier(params: Mapping[str, str]) -> None:
    """Amazon's examples answer ``vendorShipmentIdentifier=null`` with a 400 ``InvalidRequest``."""
    if params.get("vendorShipmentIdentifier", "").strip().lower() in ("null", "undefined"):
        raise InvalidRequest("Request is missing or has invalid parameters", code="InvalidRequest",
                             details="vendor Shipment Identifier cannot be null")


def parse_list_query(params: Mapping[str, str], *, windows: Iterable[str], exact: Iterable[str]) -> ListQuery:
    """Sort order, limit, ``[after, before)`` windows and exact filters (400 naming a bad parameter)."""
    refuse_null_identifier(params)
    order = params.get("sortOrder", "DESC")
    if order not in ("ASC", "DESC"):
        raise InvalidRequest("sortOrder must be one of ASC, DESC", details=f"sortOrder: {order!r}")
    q = ListQuery(descending=order == "DESC", limit=parse_limit(params.get("limit")))
    for name in windows:
        after, before = query_date(params, f"{name}After"), query_date(params, f"{name}Before")
        if after is not None and before is not None and after >= before:
            raise InvalidRequest(f"{name}After must be earlier than {name}Before",
                                 details=f"{name}After: {iso(after)}, {name}Before: {iso(before)}")
        if after is not None or before is not None:
            q.windows[name] = (after, before)
    q.exact = {name: params[name] for name in exact if params.get(name)}
    return q


def resume(params: Mapping[str, str], tokens: PageTokens, operation: str) -> tuple[ListQuery, Cursor] | None:
    """The query and cursor a ``nextToken`` stands for (``limit`` may be changed alongside), else ``None``."""
    token = params.get("nextToken")
    if not token:
        return None
    q, cursor = tokens.redeem(operation, token)
    limit = parse_limit(params["limit"]) if "limit" in params else q.limit
    return ListQuery(q.descending, limit, dict(q.windows), dict(q.exact)), cursor


def in_window(moment: datetime | None, bounds: tuple[datetime | None, datetime | None]) -> bool:
    after, before = bounds
    return moment is not None and (after is None or moment >= after) and (before is None or moment < before)


def page_of(found: list[T], key: Callable[[T], Cursor], q: ListQuery, cursor: Cursor | None, tokens: PageTokens,
            operation: str) -> tuple[list[T], str | None]:
    """One page of ``found`` in the query's order after ``cursor``, and the next page's token (``None``: last)."""
    found = sorted(found, key=key, reverse=q.descending)
    if cursor is not None:
        found = [x for x in found if (key(x) < cursor if q.descending else key(x) > cursor)]
    if len(found) <= q.limit:
        return found, None
    page = found[:q.limit]
    return page, tokens.issue(operation, (q, key(page[-1])))


# ---- GetShipmentDetails -------------------------------------------------------------------------
def _matches(view: ShipmentView, q: ListQuery, now: datetime) -> bool:
    return (all(_EXACT[name](view, now) == wanted for name, wanted in q.exact.items())
            and all(in_window(_WINDOWS[name](view, now), bounds) for name, bounds in q.windows.items()))


def _created_key(view: ShipmentView) -> Cursor:
    return (view.created, view.shipment_id)


def shipment_details(registry: Registry, params: Mapping[str, str], now: datetime,
                     tokens: PageTokens) -> dict[str, Any]:
    """The whole ``GetShipmentDetailsResponse`` for one request (caller holds the state's lock)."""
    resumed = resume(params, tokens, OPERATION)
    q, cursor = resumed or (parse_list_query(params, windows=_WINDOWS, exact=_EXACT), None)
    sid = q.exact.get("vendorShipmentIdentifier")
    one = shipment_view(registry, sid) if sid else None
    pool = ([one] if one else []) if sid else shipment_views(registry).values()
    page, token = page_of([v for v in pool if _matches(v, q, now)], _created_key, q, cursor, tokens, OPERATION)
    payload: dict[str, Any] = {}
    if token:
        payload["pagination"] = {"nextToken": token}
    payload["shipments"] = [shipment_json(v, now) for v in page]
    return {"payload": payload}
