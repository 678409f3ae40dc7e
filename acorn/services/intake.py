"""PO intake: new and changed purchase orders since the last watermark, upserted.

Each PO is converted on its own; a malformed one is quarantined with an alert naming the
PO and the field, and the rest of the batch goes on. The raw payload is archived on the
row, because Amazon's PO can change later and disputes need what we saw.

Poison input never blocks intake (decisions written down here):

* ``_convert`` checks everything the store cannot hold or the rest of Acorn cannot trust
  (blank or repeated item sequences, quantities and costs beyond their columns, unknown
  currencies, identifiers longer than their columns, ...) and raises
  :class:`MalformedPurchaseOrder` naming the PO and the field.
* Each PO is stored in its own SAVEPOINT: if the database still refuses it (a check we
  missed, another database's limits), only that PO is rolled back and quarantined with the
  database's message; the rest of the page commits.
* A quarantined PO raises one alert (``po-malformed:{account}:{po}``) and one
  ``po.quarantined`` audit entry with the raw payload. Seeing the same problem again on a
  later run adds nothing (no alert, no audit, a debug log line only). When Amazon changes
  the PO and it now converts, it is stored and its alert resolved.
* The watermark moves whatever was quarantined: a bad PO comes back when Amazon changes it
  (the changed-date window), never by blocking the account's intake.
* Two intake runs of one account at the same time are safe: a PO the other run inserted
  between our read and our insert is re-read and treated as an update.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, SQLAlchemyError, StatementError

from acorn.config import VendorAccountSettings
from acorn.erp import ISO_4217
from acorn.services.ports import AmazonApi, Units
from acorn.services.stock import promised_units
from acorn.store import UnitOfWork
from acorn.store.ids import stored_id
from schemas.spapi import ItemQuantity
from schemas.tables import PurchaseOrder, PurchaseOrderItem, utcnow

log = logging.getLogger("acorn.intake")

FIRST_RUN_LOOKBACK = timedelta(days=7)
RERUN_LOOKBACK = timedelta(days=2)

#: Most units (eaches) one PO line may order. Far above any real line (a truckload of small
#: items is ~100,000 units) and far below the 32-bit integer columns quantities live in, so a
#: corrupt amount (1e20) is quarantined instead of overflowing the store.
MAX_LINE_EACHES = 10_000_000
#: Most units in one case of a ``Cases`` line.
MAX_UNIT_SIZE = 10_000
#: Largest unit net cost the store holds: ``Numeric(14, 2)``.
MAX_NET_COST = Decimal("999999999999.99")
#: Column widths of schemas/tables.py: a longer value would be cut or refused by the database.
PO_NUMBER_MAX = 40
ITEM_SEQUENCE_MAX = 10
ASIN_MAX = 10
VENDOR_SKU_MAX = 40
PARTY_ID_MAX = 20
ORDER_TYPE_MAX = 30
PAYMENT_METHOD_MAX = 20
STATE_MAX = 20
UNITS_OF_MEASURE = ("Eaches", "Cases")

#: How a PO without a usable number is named in alerts and in the result.
NO_PO_NUMBER = "(no PO number)"
_ALERT_KIND = "po_malformed"
_QUARANTINE_NEXT_STEP = ("Open the PO in Vendor Central; Acorn kept its raw payload in the audit log and will "
                         "read it again when Amazon changes it. The rest of the account's POs were taken.")

T = TypeVar("T")


class MalformedPurchaseOrder(ValueError):
    def __init__(self, po_number: str, field_name: str, problem: str) -> None:
        self.po_number, self.field_name, self.problem = po_number, field_name, problem
        super().__init__(f"PO {po_number}: {field_name}: {problem}")


@dataclass
class IntakeResult:
    window: tuple[datetime, datetime]
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    quarantined: list[str] = field(default_factory=list)
    #: previously quarantined POs that now converted and were stored (their alert resolved)
    released: list[str] = field(default_factory=list)


def intake_window(watermark: datetime | None, as_of: datetime) -> tuple[datetime, datetime]:
    """From the watermark to ``as_of``; a rerun of an earlier day re-reads a short window."""
    if watermark is None:
        return as_of - FIRST_RUN_LOOKBACK, as_of
    if watermark >= as_of:
        return as_of - RERUN_LOOKBACK, as_of
    return watermark, as_of


def fetch_purchase_orders(client: AmazonApi, account: VendorAccountSettings, start: datetime, end: datetime,
                          *, unreadable: list[Any] | None = None) -> list[Any]:
    """Created and changed POs in the window, deduplicated by number (changed wins).

    A PO Amazon sends that does not fit the model is collected in ``unreadable`` (the
    client's ``ResponseFormatError`` names it) instead of stopping the batch.
    """
    seen: dict[str, Any] = {}
    sink = unreadable if unreadable is not None else []
    filters: dict[str, Any] = {"ordering_vendor_code": account.selling_party, "on_invalid": sink.append}
    for order in client.list_purchase_orders(created_after=start, created_before=end, **filters):
        seen[order.purchase_order_number] = order
    for order in client.list_purchase_orders(changed_after=start, changed_before=end, **filters):
        seen[order.purchase_order_number] = order
    return [seen[k] for k in sorted(seen)]


def record_purchase_orders(units: Units, account: VendorAccountSettings, orders: list[Any],
                           *, as_of: datetime, window: tuple[datetime, datetime],
                           unreadable: Sequence[Any] = ()) -> IntakeResult:
    """Store every PO that converts; quarantine each one that does not; move the watermark."""
    result = IntakeResult(window=window)
    with units() as uow:
        quarantined_before = _open_quarantine_alerts(uow, account)
        for problem in _unreadable_once(unreadable):
            _quarantine(uow, account, problem, raw=None, result=result)
        page = []
        for order in orders:
            try:
                page.append(_convert(order, account))
            except MalformedPurchaseOrder as exc:
                _quarantine(uow, account, exc, raw=_raw(order), result=result)
        stored = _store_page(uow, account, page, quarantined_before, as_of=as_of)
        if stored is None:  # the database refused the page or a rival run got in first: PO by PO
            stored = _store_one_by_one(uow, account, page, quarantined_before, as_of=as_of, result=result)
        for po_number, outcome, released in stored:
            if outcome == "unchanged":
                result.unchanged += 1
            else:
                getattr(result, outcome).append(po_number)
            if released:
                result.released.append(po_number)
        _in_savepoint_retrying_conflict(uow, lambda: _move_watermark(uow, f"po-intake:{account.code}", as_of))
        uow.commit()
    return result


def intake_purchase_orders(units: Units, client: AmazonApi, account: VendorAccountSettings, *,
                           as_of: datetime) -> IntakeResult:
    """The whole step: window from the watermark, fetch, upsert, move the watermark."""
    with units() as uow:
        watermark = uow.watermarks.get(f"po-intake:{account.code}")
    start, end = intake_window(watermark, as_of)
    unreadable: list[Any] = []
    orders = fetch_purchase_orders(client, account, start, end, unreadable=unreadable)
    return record_purchase_orders(units, account, orders, as_of=as_of, window=(start, end),
                                  unreadable=unreadable)


def _unreadable_once(unreadable: Iterable[Any]) -> list[MalformedPurchaseOrder]:
    # a PO created and changed inside the window is listed (and refused) by both queries
    problems: dict[str, MalformedPurchaseOrder] = {}
    for error in unreadable:
        problem = unreadable_problem(error)
        problems.setdefault(problem.po_number, problem)
    return list(problems.values())


def unreadable_problem(error: Any) -> MalformedPurchaseOrder:
    """A PO the client could not fit to Amazon's model, as a quarantine naming PO and field.

    Built from the PO number and the model's complaints only: the error's text also
    carries the request id, which changes on every run and would defeat deduplication.
    """
    record = getattr(error, "record", None)
    po = _po_label(record if isinstance(record, str) else None)
    problems = [str(p) for p in getattr(error, "problems", None) or []]
    if not problems:
        return MalformedPurchaseOrder(po, "(order)", str(getattr(error, "message", None) or error))
    location, _, first = problems[0].partition(": ")
    return MalformedPurchaseOrder(po, _dotted(location), "; ".join([first, *problems[1:]]))


# ---------------------------------------------------------------------------- conversion


def _raw(order: Any) -> dict[str, Any]:
    if hasattr(order, "model_dump"):
        dumped: dict[str, Any] = order.model_dump(by_alias=True, mode="json", exclude_none=True)
        return dumped
    return dict(order)


def _po_label(number: str | None) -> str:
    """The PO as alerts name it: its number, cut to the column width, or a stand-in when blank."""
    if number is None or not number.strip():
        return NO_PO_NUMBER
    return number if len(number) <= PO_NUMBER_MAX else number[:PO_NUMBER_MAX] + "…"


def _dotted(location: str) -> str:
    """``orderDetails/items/0/orderedQuantity/amount`` → ``orderDetails.items[0].orderedQuantity.amount``."""
    path = ""
    for part in location.split("/"):
        path += f"[{part}]" if part.isdigit() else (f".{part}" if path else part)
    return path or "(order)"


def _at_most(po: str, field_name: str, value: str | None, limit: int) -> None:
    if value is not None and len(value) > limit:
        raise MalformedPurchaseOrder(po, field_name, f"{len(value)} characters, longer than the {limit} Acorn stores")


def _convert(order: Any, account: VendorAccountSettings) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    number = getattr(order, "purchase_order_number", None)
    po = _po_label(number)
    if po == NO_PO_NUMBER:
        raise MalformedPurchaseOrder(po, "purchaseOrderNumber", "empty")
    _at_most(po, "purchaseOrderNumber", number, PO_NUMBER_MAX)
    details = order.order_details
    if details is None:
        raise MalformedPurchaseOrder(po, "orderDetails", "missing")
    party = details.selling_party.party_id if details.selling_party else None
    if party and party != account.selling_party:
        raise MalformedPurchaseOrder(po, "orderDetails.sellingParty.partyId",
                                     f"{party!r} is not this account's selling party {account.selling_party!r}")
    _check_header(po, order, details)
    return _header(order, details, number, party, account), _items(po, details.items, account)


def _check_header(po: str, order: Any, details: Any) -> None:
    """The header has a ship-to party and items, and every code fits its column."""
    if details.ship_to_party is None:
        raise MalformedPurchaseOrder(po, "orderDetails.shipToParty", "missing")
    if not details.items:
        raise MalformedPurchaseOrder(po, "orderDetails.items", "no items")
    bill_to = details.bill_to_party.party_id if details.bill_to_party else None
    _at_most(po, "purchaseOrderState", order.purchase_order_state, STATE_MAX)
    _at_most(po, "orderDetails.shipToParty.partyId", details.ship_to_party.party_id, PARTY_ID_MAX)
    _at_most(po, "orderDetails.billToParty.partyId", bill_to, PARTY_ID_MAX)
    _at_most(po, "orderDetails.purchaseOrderType", details.purchase_order_type, ORDER_TYPE_MAX)
    _at_most(po, "orderDetails.paymentMethod", details.payment_method, PAYMENT_METHOD_MAX)


def _header(order: Any, details: Any, number: str | None, party: str | None,
            account: VendorAccountSettings) -> dict[str, Any]:
    """The ``purchase_orders`` row of a checked PO, with the raw payload archived on it."""
    bill_to = details.bill_to_party.party_id if details.bill_to_party else None
    ship, deliver = details.ship_window, details.delivery_window
    return {
        "po_number": number, "state": order.purchase_order_state or "New",
        "order_type": details.purchase_order_type, "selling_party": party or account.selling_party,
        "ship_to": details.ship_to_party.party_id, "bill_to": bill_to,
        "marketplace": account.marketplace, "currency": account.currency,
        "order_date": details.purchase_order_date, "changed_date": details.purchase_order_changed_date,
        "state_changed_date": details.purchase_order_state_changed_date,
        "ship_window_start": ship.start if ship else None, "ship_window_end": ship.end if ship else None,
        "delivery_window_start": deliver.start if deliver else None,
        "delivery_window_end": deliver.end if deliver else None,
        "payment_method": details.payment_method, "raw_payload": _raw(order),
    }


def _items(po: str, items: list[Any], account: VendorAccountSettings) -> list[dict[str, Any]]:
    """The ``purchase_order_items`` rows, checked line by line in Amazon's order."""
    first_line_of: dict[str, int] = {}
    rows = []
    for i, item in enumerate(items):
        where = f"orderDetails.items[{i}]"
        sequence = _item_sequence(po, where, item.item_sequence_number, first_line_of)
        first_line_of[sequence] = i
        rows.append(_item(po, where, sequence, item, account))
    return rows


def _item(po: str, where: str, sequence: str, item: Any, account: VendorAccountSettings) -> dict[str, Any]:
    """One line's row: quantity in eaches, the unit Amazon counted in, a cost the store can hold."""
    eaches = _ordered_eaches(po, where, item.ordered_quantity)
    unit, unit_size = _unit(item.ordered_quantity)
    cost = _net_cost(po, where, item.net_cost, account)
    if not (item.amazon_product_identifier or item.vendor_product_identifier):
        raise MalformedPurchaseOrder(po, f"{where}.amazonProductIdentifier", "no ASIN and no vendor SKU")
    _at_most(po, f"{where}.amazonProductIdentifier", item.amazon_product_identifier, ASIN_MAX)
    _at_most(po, f"{where}.vendorProductIdentifier", item.vendor_product_identifier, VENDOR_SKU_MAX)
    return {"item_sequence": sequence, "asin": item.amazon_product_identifier,
            "vendor_sku": item.vendor_product_identifier, "ordered_qty": eaches,
            "unit_of_measure": unit, "unit_size": unit_size, "net_cost": cost,
            "currency": item.net_cost.currency_code or account.currency, "cancelled": eaches == 0,
            "backorder_allowed": bool(item.is_back_order_allowed)}


def _item_sequence(po: str, where: str, sequence: str | None, first_line_of: dict[str, int]) -> str:
    # the sequence is how acknowledgements, ASNs and invoices name the line: it must be unique
    field_name = f"{where}.itemSequenceNumber"
    if sequence is None or not sequence.strip():
        raise MalformedPurchaseOrder(po, field_name, "empty")
    _at_most(po, field_name, sequence, ITEM_SEQUENCE_MAX)
    if sequence in first_line_of:
        raise MalformedPurchaseOrder(po, field_name, f"{sequence!r} repeats the sequence of "
                                                     f"orderDetails.items[{first_line_of[sequence]}]")
    return sequence


def _unit(qty: Any) -> tuple[str, int]:
    """How Amazon counted the line (``ordered_qty`` is always in eaches): unit and units per case."""
    if (qty.unit_of_measure or "Eaches") == "Cases":
        return "Cases", qty.unit_size or 1
    return "Eaches", 1


def _ordered_eaches(po: str, where: str, qty: ItemQuantity | None) -> int:
    """The line's ordered quantity in eaches, within what a real line orders."""
    if qty is None or qty.amount is None:
        raise MalformedPurchaseOrder(po, f"{where}.orderedQuantity.amount", "missing")
    if qty.amount < 0:
        raise MalformedPurchaseOrder(po, f"{where}.orderedQuantity.amount", f"{qty.amount} is negative")
    if qty.amount > MAX_LINE_EACHES:
        raise MalformedPurchaseOrder(po, f"{where}.orderedQuantity.amount",
                                     f"{qty.amount} is out of range (at most {MAX_LINE_EACHES:,} units a line)")
    unit = qty.unit_of_measure or "Eaches"
    if unit not in UNITS_OF_MEASURE:
        raise MalformedPurchaseOrder(po, f"{where}.orderedQuantity.unitOfMeasure", f"{unit!r} is not Eaches or Cases")
    if unit == "Eaches":
        return qty.amount
    unit_size = 1 if qty.unit_size is None else qty.unit_size
    if not 1 <= unit_size <= MAX_UNIT_SIZE:
        raise MalformedPurchaseOrder(po, f"{where}.orderedQuantity.unitSize",
                                     f"{unit_size} is out of range (1 to {MAX_UNIT_SIZE:,} units a case)")
    eaches = qty.amount * unit_size
    if eaches > MAX_LINE_EACHES:
        raise MalformedPurchaseOrder(po, f"{where}.orderedQuantity.amount",
                                     f"{qty.amount} cases of {unit_size} = {eaches:,} units is out of range "
                                     f"(at most {MAX_LINE_EACHES:,} units a line)")
    return eaches


def _net_cost(po: str, where: str, cost: Any, account: VendorAccountSettings) -> Decimal:
    if cost is None or cost.amount is None or Decimal(cost.amount) <= 0:
        raise MalformedPurchaseOrder(po, f"{where}.netCost.amount", "missing, zero or negative")
    amount = Decimal(cost.amount)
    if amount > MAX_NET_COST:
        raise MalformedPurchaseOrder(po, f"{where}.netCost.amount",
                                     f"{amount} is out of range (at most {MAX_NET_COST})")
    code = cost.currency_code
    if code and code not in ISO_4217:
        raise MalformedPurchaseOrder(po, f"{where}.netCost.currencyCode", f"{code!r} is not an ISO 4217 currency code")
    if code and code != account.currency:
        raise MalformedPurchaseOrder(po, f"{where}.netCost.currencyCode",
                                     f"{code} is not the marketplace currency {account.currency}")
    return amount


# ---------------------------------------------------------------------------- storing


def _in_savepoint_retrying_conflict(uow: UnitOfWork, step: Callable[[], T]) -> T:
    """Run ``step`` in a savepoint; if a concurrent run inserted the same row first (unique
    constraint), run it once more: its re-read now finds that row and updates it."""
    try:
        with uow.savepoint():
            return step()
    except IntegrityError:
        with uow.savepoint():
            return step()


def _refused_data(exc: BaseException) -> bool:
    """True when the database refused this PO's values; False when the database itself failed
    (locked, connection lost), which is no reason to quarantine a PO."""
    if isinstance(exc, (OverflowError, IntegrityError, DataError)):
        return True
    # a value that could not even be bound (no DBAPI error behind it)
    return isinstance(exc, StatementError) and not isinstance(exc, DBAPIError)


def _db_message(exc: BaseException) -> str:
    cause = getattr(exc, "orig", None) or exc
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0][:300]


Converted = tuple[dict[str, Any], list[dict[str, Any]]]
#: (PO number, "new" / "changed" / "unchanged", whether its quarantine was lifted)
Stored = tuple[str, str, bool]


def _store_page(uow: UnitOfWork, account: VendorAccountSettings, page: list[Converted], quarantined_before: set[str],
                *, as_of: datetime) -> list[Stored] | None:
    """Upsert the whole page in one savepoint with a bounded number of statements.

    One read of the stored POs of the page (by account and number), one of the items of the
    changed ones, then the inserts and updates of all of them together. None when the
    database refused something or a rival run inserted one of these POs first: the savepoint
    is rolled back and the caller stores the page PO by PO, which sets the culprit aside.
    """
    if not page:
        return []
    try:
        with uow.savepoint():
            return _upsert_page(uow, account, page, quarantined_before, as_of=as_of)
    except (SQLAlchemyError, OverflowError) as exc:
        if not _refused_data(exc):
            raise  # the database itself is failing (locked, gone): the task retries the run
        log.info("%s: the page of %d POs did not store at once (%s); storing them one by one", account.code,
                 len(page), _db_message(exc))
        return None


def _upsert_page(uow: UnitOfWork, account: VendorAccountSettings, page: list[Converted],
                 quarantined_before: set[str], *, as_of: datetime) -> list[Stored]:
    stored_pos = uow.purchase_orders.by_numbers(account.code, [header["po_number"] for header, _ in page])
    changed = [stored_pos[h["po_number"]] for h, _ in page
               if h["po_number"] in stored_pos and stored_pos[h["po_number"]].raw_payload != h["raw_payload"]]
    stored_items = uow.purchase_orders.items_of(changed)
    outcomes: list[Stored] = []
    new: list[Converted] = []
    audit: list[dict[str, Any]] = []
    for header, items in page:
        po = stored_pos.get(header["po_number"])
        if po is None:
            new.append((header, items))
            audit.append(_received(account, header["po_number"], items))
            outcome = "new"
        elif po.raw_payload == header["raw_payload"]:
            outcomes.append((header["po_number"], "unchanged", False))
            continue
        else:
            _apply_change(uow, account, po, header, items, stored_items[stored_id(po)], audit=audit)
            outcome = "changed"
        released = _lift_quarantine(uow, account, header["po_number"], quarantined_before, as_of=as_of, audit=audit)
        outcomes.append((header["po_number"], outcome, released))
    uow.purchase_orders.add_all(account.code, new)
    uow.audit.append_all(audit)
    uow.flush()
    return outcomes


def _store_one_by_one(uow: UnitOfWork, account: VendorAccountSettings, page: list[Converted],
                      quarantined_before: set[str], *, as_of: datetime, result: IntakeResult) -> list[Stored]:
    """Each PO in its own savepoint: one the database refuses is quarantined, the others stored."""
    stored: list[Stored] = []
    for header, items in page:
        try:
            outcome, released = _store(uow, account, header, items, quarantined_before, as_of=as_of)
        except (SQLAlchemyError, OverflowError) as exc:
            if not _refused_data(exc):
                raise  # the database itself is failing (locked, gone): the task retries the run
            _quarantine(uow, account, MalformedPurchaseOrder(header["po_number"], "(database)",
                                                             f"the store refused it: {_db_message(exc)}"),
                        raw=header["raw_payload"], result=result)
            continue
        stored.append((header["po_number"], outcome, released))
    return stored


def _store(uow: UnitOfWork, account: VendorAccountSettings, header: dict[str, Any], items: list[dict[str, Any]],
           quarantined_before: set[str], *, as_of: datetime) -> tuple[str, bool]:
    """Upsert one PO in its own savepoint and lift its quarantine.

    Returns "new", "changed" or "unchanged", and whether a quarantine was lifted.
    """
    def step() -> tuple[str, bool]:
        audit: list[dict[str, Any]] = []
        outcome = _upsert(uow, account, header, items, audit=audit)
        released = _lift_quarantine(uow, account, header["po_number"], quarantined_before, as_of=as_of, audit=audit)
        uow.audit.append_all(audit)
        return outcome, released

    return _in_savepoint_retrying_conflict(uow, step)


def _move_watermark(uow: UnitOfWork, name: str, as_of: datetime) -> None:
    uow.watermarks.set(name, max(uow.watermarks.get(name) or as_of, as_of))


def _upsert(uow: UnitOfWork, account: VendorAccountSettings, header: dict[str, Any],
            items: list[dict[str, Any]], *, audit: list[dict[str, Any]]) -> str:
    po = uow.purchase_orders.get(account.code, header["po_number"])
    if po is None:
        uow.purchase_orders.add_all(account.code, [(header, items)])
        audit.append(_received(account, header["po_number"], items))
        return "new"
    if po.raw_payload == header["raw_payload"]:
        return "unchanged"
    _apply_change(uow, account, po, header, items, uow.purchase_orders.items(po), audit=audit)
    uow.flush()
    return "changed"


def _received(account: VendorAccountSettings, po_number: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    """The audit entry of a PO seen for the first time."""
    return {"action": "po.received", "entity": "purchase_order", "entity_id": po_number,
            "detail": {"items": len(items), "account": account.code}}


def _apply_change(uow: UnitOfWork, account: VendorAccountSettings, po: PurchaseOrder, header: dict[str, Any],
                  items: list[dict[str, Any]], stored_items: list[PurchaseOrderItem], *,
                  audit: list[dict[str, Any]]) -> None:
    """Amazon changed a stored PO: take its new values, its quantities (never above what it still
    wants) and new lines; warn when what is packed exceeds them."""
    changes: list[str] = []
    for key, value in header.items():
        if key == "state" and po.state in ("Acknowledged", "Closed") and value == "New":
            continue  # our own acknowledgement already moved it on
        if getattr(po, key) != value:
            if key != "raw_payload":
                changes.append(key)
            setattr(po, key, value)
    po.updated_at = utcnow()
    existing = {i.item_sequence: i for i in stored_items}
    for item in items:
        row = existing.get(item["item_sequence"])
        if row is None:
            uow.purchase_orders.add(PurchaseOrderItem(purchase_order_id=stored_id(po), **item))
            continue
        row.backorder_allowed = item["backorder_allowed"]
        if row.ordered_qty != item["ordered_qty"]:
            changes.append(f"item {row.item_sequence} qty {row.ordered_qty}->{item['ordered_qty']}")
            row.ordered_qty = item["ordered_qty"]
            row.cancelled = item["cancelled"]
            # Amazon's change wins: never ship more than it still wants
            cut = max(row.accepted_qty - row.ordered_qty, 0)
            row.accepted_qty -= cut
            row.arriving_qty = max(row.arriving_qty - cut, 0)  # the arrival's part is cut first: the shelf ships now
            row.backordered_qty = min(row.backordered_qty, row.ordered_qty - row.accepted_qty)
    _alert_on_packed_units_amazon_cut(uow, account, po, list(existing.values()))
    audit.append({"action": "po.changed", "entity": "purchase_order", "entity_id": po.po_number,
                  "detail": {"changes": sorted(changes)}})


def _alert_on_packed_units_amazon_cut(uow: UnitOfWork, account: VendorAccountSettings, po: PurchaseOrder,
                                      rows: list[PurchaseOrderItem]) -> None:
    """Amazon cut lines that are already packed: tell ops now, while the truck may not have left.

    The ASN quality gate holds the shipment's ASN back until it matches what Amazon still
    wants, so nothing wrong is sent; this alert is the early warning."""
    over = [(r.item_sequence, r.shipped_qty - promised_units(r)) for r in rows if r.shipped_qty > promised_units(r)]
    if not over:
        return
    lines = ", ".join(f"line {seq}: {units} units" for seq, units in over)
    uow.alerts.raise_alert(
        dedupe_key=f"po-cut-after-packing:{account.code}:{po.po_number}", account_code=account.code,
        po_number=po.po_number,
        kind="po_cut_after_packing", subject=f"Amazon cut PO {po.po_number} after its goods were packed",
        message=f"packed or shipped beyond what Amazon now orders: {lines}", severity="error",
        next_step="Take those units off the shipment before the truck leaves. Its ASN is held back by the "
                  "quality gate: send the corrected ASN in Vendor Central, then resolve both alerts.")


# ---------------------------------------------------------------------------- quarantine


def _alert_key(account: VendorAccountSettings, po_label: str) -> str:
    return f"po-malformed:{account.code}:{po_label}"


def _open_quarantine_alerts(uow: UnitOfWork, account: VendorAccountSettings) -> set[str]:
    """Keys of this account's open po-malformed alerts: one query, not one per PO."""
    return {a.dedupe_key for a in uow.alerts.list(account_code=account.code, kind=_ALERT_KIND)}


def _lift_quarantine(uow: UnitOfWork, account: VendorAccountSettings, po_number: str, quarantined_before: set[str],
                     *, as_of: datetime, audit: list[dict[str, Any]]) -> bool:
    """Resolve the PO's po-malformed alert now that it stored; True when there was one open."""
    key = _alert_key(account, po_number)
    if key not in quarantined_before or not uow.alerts.resolve(key, at=as_of):
        return False
    audit.append({"action": "po.quarantine_lifted", "entity": "purchase_order", "entity_id": po_number,
                  "detail": {"account": account.code, "alert": key}})
    log.info("PO %s now reads correctly: stored, alert %s resolved", po_number, key)
    return True


def _quarantine(uow: UnitOfWork, account: VendorAccountSettings, problem: MalformedPurchaseOrder, *,
                raw: dict[str, Any] | None, result: IntakeResult) -> None:
    result.quarantined.append(problem.po_number)
    news = _in_savepoint_retrying_conflict(uow, lambda: _raise_quarantine_alert(uow, account, problem, raw))
    if news == "same":
        # already quarantined for this very problem: ops has the alert, say no more
        log.debug("PO %s still quarantined: %s", problem.po_number, problem)
    else:
        log.error("PO quarantined: %s", problem)


def _raise_quarantine_alert(uow: UnitOfWork, account: VendorAccountSettings, problem: MalformedPurchaseOrder,
                            raw: dict[str, Any] | None) -> str:
    """One alert per quarantined PO: "new", "same" (seen before, nothing written) or "changed"."""
    message = str(problem)
    alert, created = uow.alerts.raise_alert(
        dedupe_key=_alert_key(account, problem.po_number), account_code=account.code, kind=_ALERT_KIND,
        po_number=problem.po_number,
        subject=f"PO {problem.po_number} could not be read", message=message, severity="error",
        next_step=_QUARANTINE_NEXT_STEP)
    # (a resolved alert for this PO, bad again after a fix, comes back reopened as created)
    if not created and alert.message == message:
        return "same"
    if not created:
        alert.message = message  # bad in a new way: the one open alert says what is wrong now
    detail: dict[str, Any] = {"field": problem.field_name, "error": message}
    if raw is not None:
        detail["raw"] = raw
    uow.audit.append(action="po.quarantined", entity="purchase_order", entity_id=problem.po_number, detail=detail)
    uow.flush()
    return "new" if created else "changed"
