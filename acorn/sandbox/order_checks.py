"""Checking the purchase orders an operator loads (``POST /_sandbox/purchaseOrders``) before the sandbox holds them.

A loaded order becomes a live PO that documents are matched and money is counted against, so
what it cannot hold must be refused at the door with the field to fix (HTTP 400), never
crash later (a non-numeric cost used to answer 500). Every finding is reported at once, as
``(field path, reason)`` with paths like ``orders[3].orderDetails.items[1].netCost.amount``.

Two layers:

* **Amazon's model** (``vendorOrders.json``, ``Order``): types, enums, required fields, and the
  ``Decimal`` pattern its description states. Two tolerances, because Amazon's own example
  orders (the ``official-examples`` scenario) break the model there and must still load:
  ``purchaseOrderState`` and ``orderDetails.purchaseOrderStateChangedDate`` may be missing
  (the sandbox computes an order's state itself), and ``orderedQuantity.unitOfMeasure`` is
  read without regard to case (``CASES``).
* **What the sandbox needs** to hold an order: a non-empty ``purchaseOrderNumber`` no other
  order has (in this request or already loaded), ``orderDetails`` with at least one item,
  ``itemSequenceNumber`` unique in the order (``1`` and ``001`` are one line to
  ``matching``), an ordered ``amount`` not negative and a ``unitSize`` of at least 1, money
  not negative and in one currency per order (three capital letters), dates the sandbox can
  read (``timefmt.parse_iso``: a date without an offset is read as UTC, as everywhere in the
  sandbox), windows written ``start--end`` with start not after end, and a
  ``purchaseOrderChangedDate`` after the ``purchaseOrderDate`` (the model says so in prose).

Everything else is held as sent: unknown vendor codes and warehouses, extra keys, a cost of
zero, an order for a day the clock has not reached.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Container, Iterator
from decimal import Decimal
from functools import cache
from typing import Any

from jsonschema import Draft4Validator
from jsonschema.exceptions import ValidationError

from acorn import contract
from acorn.sandbox.matching import sequence_key
from acorn.sandbox.schema_checks import field_path
from acorn.sandbox.timefmt import parse_iso

#: the pattern the model's ``Decimal`` description states (schema_checks holds submissions to it too)
DECIMAL_PATTERN = r"^-?(0|([1-9]\d*))(\.\d+)?([eE][+-]?\d+)?$"
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_DATES = ("purchaseOrderDate", "purchaseOrderChangedDate", "purchaseOrderStateChangedDate")
_WINDOWS = ("shipWindow", "deliveryWindow")


@cache
def _model() -> Draft4Validator:
    """The model's ``Order``, with the two tolerances Amazon's own examples need."""
    definitions = copy.deepcopy(contract.model("orders")["definitions"])
    definitions["Order"]["required"] = [n for n in definitions["Order"]["required"] if n != "purchaseOrderState"]
    details = definitions["OrderDetails"]
    details["required"] = [n for n in details["required"] if n != "purchaseOrderStateChangedDate"]
    unit = definitions["ItemQuantity"]["properties"]["unitOfMeasure"]
    unit["pattern"] = "^(?i:" + "|".join(unit.pop("enum")) + ")$"
    definitions["Decimal"]["pattern"] = DECIMAL_PATTERN
    return Draft4Validator({"type": "array", "items": {"$ref": "#/definitions/Order"}, "definitions": definitions})


def _document_order(err: ValidationError) -> list[tuple[int, int, str]]:
    return [(0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in err.absolute_path]


def _explain(err: ValidationError) -> Iterator[tuple[str, str]]:
    path = ["orders", *err.absolute_path]
    if err.validator == "required" and isinstance(err.instance, dict):
        for name in err.validator_value:
            if name not in err.instance:
                yield field_path([*path, name]), "is required"
    elif err.validator == "pattern" and path[-1] == "unitOfMeasure":
        yield field_path(path), f"{err.instance!r} is not one of 'Cases', 'Eaches'"
    elif err.validator == "pattern":
        yield field_path(path), f"{err.instance!r} is not a decimal number"
    else:
        yield field_path(path), err.message


def order_problems(orders: list[Any], *, known_numbers: Container[str] = frozenset()) -> list[tuple[str, str]]:
    """``(field path, reason)`` for every reason the sandbox will not hold ``orders``, order by order;
    empty when it will hold them all."""
    per_order: dict[int, dict[tuple[str, str], None]] = {i: {} for i in range(len(orders))}
    for err in sorted(_model().iter_errors(orders), key=_document_order):
        per_order[err.absolute_path[0] if err.absolute_path else 0].update(dict.fromkeys(_explain(err)))
    first_of: dict[str, int] = {}
    for i, order in enumerate(orders):
        if isinstance(order, dict):
            per_order[i].update(dict.fromkeys(_order_needs(order, f"orders[{i}]", i, first_of, known_numbers)))
    return [finding for i in sorted(per_order) for finding in per_order[i]]


def order_errors(orders: list[Any], *, known_numbers: Container[str] = frozenset()) -> list[dict[str, str]]:
    """The same findings in SP-API's error shape (``InvalidInput``, message, the bare path in ``details``)."""
    return [{"code": "InvalidInput", "message": f"{path}: {why}", "details": path}
            for path, why in order_problems(orders, known_numbers=known_numbers)]


def _order_needs(order: dict[str, Any], base: str, index: int, first_of: dict[str, int],
                 known_numbers: Container[str]) -> Iterator[tuple[str, str]]:
    number = order.get("purchaseOrderNumber")
    if isinstance(number, str):
        where = f"{base}.purchaseOrderNumber"
        if not number.strip():
            yield where, "must not be empty"
        elif number in first_of:
            yield where, f"{number} is also the number of orders[{first_of[number]}]"
        elif number in known_numbers:
            yield where, f"purchase order {number} already exists"
        first_of.setdefault(number, index)
    if "orderDetails" not in order:
        yield f"{base}.orderDetails", "is required: the sandbox holds an order with its details"
        return
    details = order["orderDetails"]
    if not isinstance(details, dict):
        return  # the model already said so
    yield from _dates(details, f"{base}.orderDetails")
    items = details.get("items")
    if isinstance(items, list):
        if not items:
            yield f"{base}.orderDetails.items", "must hold at least one item"
        yield from _items(items, f"{base}.orderDetails.items")


def _dates(details: dict[str, Any], base: str) -> Iterator[tuple[str, str]]:
    read: dict[str, Any] = {}
    for name in _DATES:
        if isinstance(details.get(name), str):
            try:
                read[name] = parse_iso(details[name])
            except ValueError:
                yield f"{base}.{name}", f"{details[name]!r} is not an ISO-8601 date-time"
    placed, changed = read.get("purchaseOrderDate"), read.get("purchaseOrderChangedDate")
    if placed is not None and changed is not None and changed <= placed:
        yield f"{base}.purchaseOrderChangedDate", "must be after purchaseOrderDate"
    for name in _WINDOWS:
        window = details.get(name)
        if not isinstance(window, str):
            continue
        start, _, end = window.partition("--")
        try:
            if parse_iso(start) > parse_iso(end):
                yield f"{base}.{name}", f"{window!r} ends before it starts"
        except ValueError:
            yield f"{base}.{name}", f"{window!r} is not a window '<ISO-8601 start>--<ISO-8601 end>'"


def _items(items: list[Any], base: str) -> Iterator[tuple[str, str]]:
    lines: dict[str, int] = {}
    currency: str | None = None  # the order's: its first line's
    for j, item in enumerate(items):
        if not isinstance(item, dict):
            continue  # the model already said so
        where = f"{base}[{j}]"
        sequence = item.get("itemSequenceNumber")
        if isinstance(sequence, str):
            key = sequence_key(sequence)
            if not key:
                yield f"{where}.itemSequenceNumber", "must not be empty"
            elif key in lines:
                yield f"{where}.itemSequenceNumber", f"{sequence!r} is also the line of items[{lines[key]}]"
            lines.setdefault(key, j)
        quantity = item.get("orderedQuantity")
        if isinstance(quantity, dict):
            amount, size = quantity.get("amount"), quantity.get("unitSize")
            if "amount" not in quantity:
                yield f"{where}.orderedQuantity.amount", "is required: the sandbox counts against it"
            elif isinstance(amount, int) and amount < 0:
                yield f"{where}.orderedQuantity.amount", "must not be negative"
            if isinstance(size, int) and size < 1:
                yield f"{where}.orderedQuantity.unitSize", "must be at least 1"
        for name in ("netCost", "listPrice"):
            money = item.get(name)
            if not isinstance(money, dict):
                continue
            amount = money.get("amount")
            if isinstance(amount, str) and re.match(DECIMAL_PATTERN, amount) and Decimal(amount) < 0:
                yield f"{where}.{name}.amount", "must not be negative"
            code = money.get("currencyCode")
            if isinstance(code, str):
                if not _CURRENCY.match(code):
                    yield f"{where}.{name}.currencyCode", f"{code!r} is not a three-letter ISO 4217 currency code"
                elif currency is None:
                    currency = code
                elif code != currency:
                    yield f"{where}.{name}.currencyCode", f"{code} differs from the order's {currency}: a purchase " \
                                                          "order is in one currency"
