"""getPurchaseOrders / getPurchaseOrdersStatus: parameters, date windows and ``nextToken`` paging.

Amazon's rules, enforced with 400s: a window (created / changed / updated) is at most 7 days
and reaches back at most 6 months; ``limit`` is 1-100 (default 100); enums are exact. With
no window at all, the last 7 days of creation are searched. Results are sorted by creation
date, newest first unless ``sortOrder=ASC``.

``nextToken`` is opaque and short-lived, as Amazon's (``paging.PageTokens``): it stands for
the resolved query plus a cursor (the creation key of the last order returned), kept in the
sandbox. So a page costs a bisect plus the page itself, orders created after the first page
cannot shift later pages, and a token expires on the wall clock, not the simulated one.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from acorn.sandbox.errors import InvalidRequest
from acorn.sandbox.orderbook import OrderBook
from acorn.sandbox.orders import PurchaseOrder
from acorn.sandbox.paging import PageTokens
from acorn.sandbox.timefmt import iso, parse_iso

MAX_WINDOW = timedelta(days=7)
MAX_LOOKBACK = timedelta(days=183)
MAX_LIMIT = 100
_PO_NUMBER = re.compile(r"^[A-Za-z0-9-]{1,64}$")


def check_purchase_order_number(number: str) -> None:
    """The 400 getPurchaseOrder answers for a number that cannot be one (``null``, odd characters)."""
    if number.lower() in ("null", "undefined") or not _PO_NUMBER.match(number):
        raise InvalidRequest("Request is missing or has invalid parameters", code="InvalidRequest",
                             details=f"purchaseOrderNumber cannot be {number}")


@dataclass
class OrderQuery:
    """A resolved search: every bound explicit, so it can travel inside a ``nextToken``."""

    operation: str
    descending: bool = True
    limit: int = MAX_LIMIT
    created_after: datetime | None = None
    created_before: datetime | None = None
    changed_after: datetime | None = None  # getPurchaseOrders: changed; getPurchaseOrdersStatus: updated
    changed_before: datetime | None = None
    include_details: bool = True
    cancelled_items: bool = False
    is_changed: bool | None = None
    state: str | None = None
    vendor_code: str | None = None
    ship_to: str | None = None
    item_confirmation: str | None = None
    item_receive: str | None = None


# ---- parameter parsing ---------------------------------------------------------------

def query_date(params: Mapping[str, str], name: str) -> datetime | None:
    """An ISO-8601 query parameter, or None when absent; a 400 naming the parameter when malformed."""
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return parse_iso(raw)
    except ValueError:
        raise InvalidRequest("The request is invalid.", code="InvalidRequest",
                             details=f"{name}: {raw!r} is not an ISO-8601 date-time") from None


def _enum(params: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str | None:
    raw = params.get(name)
    if raw is None:
        return None
    if raw not in allowed:
        raise InvalidRequest(f"{name} must be one of {', '.join(allowed)}", details=f"{name}: {raw!r}")
    return raw


def _bool(params: Mapping[str, str], name: str) -> bool | None:
    raw = params.get(name)
    if raw is None:
        return None
    if raw.lower() not in ("true", "false"):
        raise InvalidRequest(f"{name} must be true or false", details=f"{name}: {raw!r}")
    return raw.lower() == "true"


def _limit(params: Mapping[str, str]) -> int:
    raw = params.get("limit")
    if raw is None:
        return MAX_LIMIT
    try:
        value = int(raw)
    except ValueError:
        raise InvalidRequest("limit must be an integer from 1 to 100", details=f"limit: {raw!r}") from None
    if not 1 <= value <= MAX_LIMIT:
        raise InvalidRequest("limit must be an integer from 1 to 100", details=f"limit: {value}")
    return value


def _window(params: Mapping[str, str], after_name: str, before_name: str,
            now: datetime, *, examples_mode: bool = False) -> tuple[datetime, datetime] | None:
    """A search window; in examples mode (``official_examples``) Amazon's own examples may send
    one longer than 7 days, or with its bounds reversed (read swapped)."""
    after, before = query_date(params, after_name), query_date(params, before_name)
    if after is None and before is None:
        return None
    if before is None:
        before = now
    if after is None:
        after = before - MAX_WINDOW
    if after > before and examples_mode:
        after, before = before, after
    if after >= before:
        raise InvalidRequest(f"{after_name} must be earlier than {before_name}",
                             details=f"{after_name}: {iso(after)}, {before_name}: {iso(before)}")
    if before - after > MAX_WINDOW and not examples_mode:
        raise InvalidRequest(f"The date range between {after_name} and {before_name} must not exceed 7 days",
                             details=f"{after_name}: {iso(after)}, {before_name}: {iso(before)}")
    if after < now - MAX_LOOKBACK:
        raise InvalidRequest("Purchase orders are available for the past 6 months only",
                             details=f"{after_name}: {iso(after)}")
    return after, before


def _sort(params: Mapping[str, str]) -> bool:
    return (_enum(params, "sortOrder", ("ASC", "DESC")) or "DESC") == "DESC"


def parse_orders_query(params: Mapping[str, str], now: datetime, tokens: PageTokens, *,
                       examples_mode: bool = False) -> tuple[OrderQuery, tuple[datetime, str] | None]:
    """getPurchaseOrders parameters → query (and cursor when ``nextToken`` is given)."""
    if params.get("nextToken"):
        return redeem(tokens, params, "getPurchaseOrders")
    q = OrderQuery("getPurchaseOrders", descending=_sort(params), limit=_limit(params))
    created = _window(params, "createdAfter", "createdBefore", now, examples_mode=examples_mode)
    changed = _window(params, "changedAfter", "changedBefore", now, examples_mode=examples_mode)
    if created is None and changed is None:
        created = (now - MAX_WINDOW, now)
    if created:
        q.created_after, q.created_before = created
    if changed:
        q.changed_after, q.changed_before = changed
    q.include_details = _bool(params, "includeDetails") is not False
    q.cancelled_items = _enum(params, "poItemState", ("Cancelled",)) is not None
    q.is_changed = _bool(params, "isPOChanged")
    q.state = _enum(params, "purchaseOrderState", ("New", "Acknowledged", "Closed"))
    q.vendor_code = params.get("orderingVendorCode") or None
    return q, None


def parse_status_query(params: Mapping[str, str], now: datetime,
                       tokens: PageTokens) -> tuple[OrderQuery, tuple[datetime, str] | None]:
    """getPurchaseOrdersStatus parameters → query (and cursor when ``nextToken`` is given)."""
    if params.get("nextToken"):
        return redeem(tokens, params, "getPurchaseOrdersStatus")
    q = OrderQuery("getPurchaseOrdersStatus", descending=_sort(params), limit=_limit(params))
    created = _window(params, "createdAfter", "createdBefore", now)
    updated = _window(params, "updatedAfter", "updatedBefore", now)
    q.state = _enum(params, "purchaseOrderStatus", ("OPEN", "CLOSED"))
    q.item_confirmation = _enum(params, "itemConfirmationStatus",
                                ("ACCEPTED", "PARTIALLY_ACCEPTED", "REJECTED", "UNCONFIRMED"))
    q.item_receive = _enum(params, "itemReceiveStatus", ("NOT_RECEIVED", "PARTIALLY_RECEIVED", "RECEIVED"))
    q.vendor_code = params.get("orderingVendorCode") or None
    q.ship_to = params.get("shipToPartyId") or None
    if created is None and updated is None:
        created = (now - MAX_WINDOW, now)
    if created:
        q.created_after, q.created_before = created
    if updated:
        q.changed_after, q.changed_before = updated
    return q, None


# ---- tokens ---------------------------------------------------------------------------

def redeem(tokens: PageTokens, params: Mapping[str, str],
           operation: str) -> tuple[OrderQuery, tuple[datetime, str]]:
    """The query and cursor a ``nextToken`` stands for (400 when unknown, expired or another
    operation's). A ``limit`` sent with the token applies to this page; the stored query is left
    as issued, so the same token can be retried."""
    limit = _limit(params) if "limit" in params else None
    q, cursor = tokens.redeem(operation, params["nextToken"])
    return (q if limit is None else replace(q, limit=limit)), cursor


# ---- search ---------------------------------------------------------------------------

def _between(moment: datetime | None, after: datetime | None, before: datetime | None) -> bool:
    if after is None:
        return True
    if moment is None:
        return False
    return after <= moment and (before is None or moment < before)


def _slice(book: OrderBook, lo: int, hi: int, descending: bool) -> Iterator[PurchaseOrder]:
    orders = book.orders
    rng = range(hi - 1, lo - 1, -1) if descending else range(lo, hi)
    return (orders[i] for i in rng)


def _candidates(book: OrderBook, q: OrderQuery, now: datetime,
                cursor: tuple[datetime, str] | None) -> Iterator[PurchaseOrder]:
    """Orders that may match, in output order, after ``cursor``; cheap bounds from the indexes."""
    horizon = now + timedelta(microseconds=1)  # nothing created after now is visible
    if q.created_after is not None:
        after, before = q.created_after, min(q.created_before or horizon, horizon)
        lo, hi = book.window(after, before)
        extra: list[PurchaseOrder] = []
    else:
        after, before = q.changed_after, min(q.changed_before or horizon, horizon)
        lo, hi = 0, 0
        if q.operation == "getPurchaseOrdersStatus":
            # created inside the window, or earlier but acted upon since
            lo, hi = book.window(after, before)
            pool = {p.number: p for p in [*book.active.values(), *book.changed]}
            extra = [p for p in pool.values() if p.created < after]
        else:
            extra = [p for p in book.changed if p.created < before]
        extra.sort(key=lambda p: p.key, reverse=q.descending)
    if cursor is not None:
        edge = book.after_cursor(cursor, descending=q.descending)
        if q.descending:
            hi = min(hi, edge)
            extra = [p for p in extra if p.key < cursor]
        else:
            lo = max(lo, edge)
            extra = [p for p in extra if p.key > cursor]
    main = _slice(book, lo, hi, q.descending)
    if not extra:
        return main
    return heapq.merge(main, extra, key=lambda p: p.key, reverse=q.descending)


def _matches(po: PurchaseOrder, q: OrderQuery, now: datetime) -> bool:
    if po.created > now:
        return False
    if q.vendor_code is not None and po.selling_party != q.vendor_code:
        return False
    if q.ship_to is not None and po.ship_to != q.ship_to:
        return False
    if q.created_after is not None and not _between(po.created, q.created_after, q.created_before):
        return False
    if q.operation == "getPurchaseOrders":
        changed = po.changed_at(now)
        if q.changed_after is not None and not _between(changed, q.changed_after, q.changed_before):
            return False
        if q.is_changed is not None and (changed is not None) != q.is_changed:
            return False
        if q.cancelled_items and not any(po.is_cancelled(line, now) for line in po.lines):
            return False
        if q.state is not None and po.state(now)[0] != q.state:
            return False
        return True
    if q.changed_after is not None and not _between(po.last_updated(now), q.changed_after, q.changed_before):
        return False
    if q.state is not None and (po.state(now)[0] == "Closed") != (q.state == "CLOSED"):
        return False
    if q.item_confirmation is not None and not any(
            po.confirmation_status(line, now) == q.item_confirmation for line in po.lines):
        return False
    if q.item_receive is not None and not any(
            po.receive_status(line, now)[0] == q.item_receive for line in po.lines):
        return False
    return True


def search(book: OrderBook, q: OrderQuery, now: datetime, cursor: tuple[datetime, str] | None,
           tokens: PageTokens) -> tuple[list[PurchaseOrder], str | None]:
    """One page of matching orders and the ``nextToken`` for the next (``None`` on the last)."""
    page: list[PurchaseOrder] = []
    for po in _candidates(book, q, now, cursor):
        if not _matches(po, q, now):
            continue
        if len(page) == q.limit:
            return page, tokens.issue(q.operation, (q, page[-1].key))
        page.append(po)
    return page, None


