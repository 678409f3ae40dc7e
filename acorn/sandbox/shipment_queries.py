"""GetShipmentDetails: the ASNs the sandbox accepted, filtered, sorted and paged.

This is how a client that lost the answer to a SubmitShipmentConfirmations learns whether
Amazon has its ASN: ``vendorShipmentIdentifier`` is an exact match, and only what was
accepted is listed (a rejected ASN never is; a ``Replace`` shows the replacing content).

Parameters as the model declares them. Date filters are ``[after, before)`` windows on
``shipmentCreateDate`` (created), ``shipmentConfirmDate`` (shipmentConfirmed: the latest
accepted confirmation), ``shippedDate``, ``estimatedDeliveryDate`` and
``shipmentDeliveryDate`` (shipmentDelivery: only shipments already received). The sandbox
never has package labels or pickups, so a filter on those dates matches nothing. Unlike
purchase orders there is no 7-day window rule (the model states none). ``limit`` is 1-50,
default 50; sorted by creation, newest first unless ``sortOrder=ASC``; ``nextToken`` is
self-contained (the filters plus a cursor) like the purchase-order searches.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from acorn.sandbox.errors import InvalidRequest
from acorn.sandbox.queries import query_date
from acorn.sandbox.records import Registry, ShipmentRecord
from acorn.sandbox.shipment_render import SHIPPED, delivered, shipment_json
from acorn.sandbox.timefmt import iso, parse_iso

OPERATION = "GetShipmentDetails"
MAX_LIMIT = 50
DEFAULT_LIMIT = 50

#: window name (query parameters ``{name}After`` / ``{name}Before``) -> the moment it filters on
_WINDOWS: dict[str, Callable[[ShipmentRecord, datetime], datetime | None]] = {
    "created": lambda r, _now: r.first_accepted_at,
    "shipmentConfirmed": lambda r, _now: r.accepted_at,
    "shipped": lambda r, _now: r.shipped_date,
    "estimatedDelivery": lambda r, _now: r.estimated_delivery,
    "shipmentDelivery": delivered,
    "packageLabelCreated": lambda _r, _now: None,
    "requestedPickUp": lambda _r, _now: None,
    "scheduledPickUp": lambda _r, _now: None,
}
#: exact-match parameter -> what it is compared with
_EXACT: dict[str, Callable[[ShipmentRecord], str | None]] = {
    "vendorShipmentIdentifier": lambda r: r.shipment_id,
    "buyerReferenceNumber": lambda r: r.confirmation.get("amazonReferenceNumber"),
    "buyerWarehouseCode": lambda r: (r.confirmation.get("shipToParty") or {}).get("partyId"),
    "sellerWarehouseCode": lambda r: (r.confirmation.get("sellingParty") or {}).get("partyId"),
    "currentShipmentStatus": lambda _r: SHIPPED,  # every accepted ASN (see shipment_render)
}


@dataclass
class ShipmentQuery:
    """Resolved filters; travels inside ``nextToken`` so later pages answer the same question."""

    descending: bool = True
    limit: int = DEFAULT_LIMIT
    windows: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # ISO bounds, [after, before)
    exact: dict[str, str] = field(default_factory=dict)


def _limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_LIMIT:
        raise InvalidRequest(f"limit must be an integer from 1 to {MAX_LIMIT}", details=f"limit: {raw!r}")
    return value


def parse_query(params: Mapping[str, str]) -> tuple[ShipmentQuery, tuple[str, str] | None]:
    """Query parameters -> query, and the cursor when ``nextToken`` is given (400 when invalid)."""
    if params.get("nextToken"):
        return decode_token(params["nextToken"], _limit(params["limit"]) if "limit" in params else None)
    order = params.get("sortOrder", "DESC")
    if order not in ("ASC", "DESC"):
        raise InvalidRequest("sortOrder must be one of ASC, DESC", details=f"sortOrder: {order!r}")
    q = ShipmentQuery(descending=order == "DESC", limit=_limit(params.get("limit")))
    for name in _WINDOWS:
        after, before = query_date(params, f"{name}After"), query_date(params, f"{name}Before")
        if after is not None and before is not None and after >= before:
            raise InvalidRequest(f"{name}After must be earlier than {name}Before",
                                 details=f"{name}After: {iso(after)}, {name}Before: {iso(before)}")
        if after is not None or before is not None:
            q.windows[name] = (after.isoformat() if after else None, before.isoformat() if before else None)
    q.exact = {name: params[name] for name in _EXACT if params.get(name)}
    return q, None


def encode_token(q: ShipmentQuery, cursor: tuple[str, str]) -> str:
    raw = {"op": OPERATION, "d": q.descending, "l": q.limit, "w": q.windows, "x": q.exact, "c": list(cursor)}
    return base64.urlsafe_b64encode(json.dumps(raw, separators=(",", ":")).encode()).decode()


def decode_token(token: str, limit: int | None) -> tuple[ShipmentQuery, tuple[str, str]]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(token.encode()))
        if raw["op"] != OPERATION:
            raise ValueError(raw["op"])
        q = ShipmentQuery(descending=bool(raw["d"]), limit=int(raw["l"]),
                          windows={k: (v[0], v[1]) for k, v in raw["w"].items() if k in _WINDOWS},
                          exact={k: str(v) for k, v in raw["x"].items() if k in _EXACT})
        cursor = (str(raw["c"][0]), str(raw["c"][1]))
        parse_iso(cursor[0])
    except Exception:  # noqa: BLE001 - any undecodable token is the caller's error
        raise InvalidRequest("nextToken is invalid or expired", details="nextToken") from None
    if limit is not None:
        q.limit = limit
    return q, cursor


def _sort_key(record: ShipmentRecord) -> tuple[datetime, str]:
    return (record.first_accepted_at, record.shipment_id)


def _matches(record: ShipmentRecord, q: ShipmentQuery, now: datetime) -> bool:
    for name, wanted in q.exact.items():
        if _EXACT[name](record) != wanted:
            return False
    for name, (after, before) in q.windows.items():
        moment = _WINDOWS[name](record, now)
        if moment is None:
            return False
        if after is not None and moment < parse_iso(after):
            return False
        if before is not None and moment >= parse_iso(before):
            return False
    return True


def search(registry: Registry, q: ShipmentQuery, now: datetime,
           cursor: tuple[str, str] | None) -> tuple[list[ShipmentRecord], str | None]:
    """One page of matching accepted ASNs and the ``nextToken`` for the next (``None`` on the last)."""
    sid, known = q.exact.get("vendorShipmentIdentifier"), registry.shipments
    pool: Iterable[ShipmentRecord] = ([known[sid]] if sid in known else []) if sid else known.values()
    found = sorted((r for r in pool if _matches(r, q, now)), key=_sort_key, reverse=q.descending)
    if cursor is not None:
        edge = (parse_iso(cursor[0]), cursor[1])
        found = [r for r in found if (_sort_key(r) < edge if q.descending else _sort_key(r) > edge)]
    if len(found) <= q.limit:
        return found, None
    page = found[:q.limit]
    last = _sort_key(page[-1])
    return page, encode_token(q, (last[0].isoformat(), last[1]))  # full precision: no ties lost


def shipment_details(registry: Registry, params: Mapping[str, str], now: datetime) -> dict[str, Any]:
    """The whole ``GetShipmentDetailsResponse`` for one request (caller holds the state's lock)."""
    q, cursor = parse_query(params)
    page, token = search(registry, q, now, cursor)
    payload: dict[str, Any] = {}
    if token:
        payload["pagination"] = {"nextToken": token}
    payload["shipments"] = [shipment_json(r, now) for r in page]
    return {"payload": payload}
