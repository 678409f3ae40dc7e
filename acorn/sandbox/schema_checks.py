"""Checking submitted bodies against Amazon's models, in two passes like Amazon does.

* At the gateway (synchronous, HTTP 400 ``InvalidInput``): the model's structure — required
  fields, types, enums. Amazon's own 400 examples (``sellingParty: {}``, ``invoiceType:
  "Invoic"``) are caught here.
* While processing (asynchronous, transaction ``Failure`` with ``InvalidInput``): what the
  model states as formats or in prose — ISO-8601 date-times, the ``Decimal`` pattern,
  three-letter currency codes, quantities above zero, a PO number on every invoice line.

Field paths read like the document: ``shipmentConfirmations[0].shippedItems[2].shippedQuantity.amount``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from jsonschema import Draft4Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from acorn import contract
from acorn.sandbox.errors import RuleViolation

_DECIMAL = r"^-?(0|([1-9]\d*))(\.\d+)?([eE][+-]?\d+)?$"
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def field_path(parts: Iterable[Any]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(body)"


@cache
def _validator(api: str, definition: str, strict: bool) -> Draft4Validator:
    definitions = contract.model(api)["definitions"]
    if strict:
        definitions = copy.deepcopy(definitions)
        if "Decimal" in definitions:
            definitions["Decimal"]["pattern"] = _DECIMAL
    schema = {"$ref": f"#/definitions/{definition}", "definitions": definitions}
    return Draft4Validator(schema, format_checker=FormatChecker(["date-time"]) if strict else None)


def _explain(err: ValidationError) -> Iterator[tuple[str, str]]:
    path = list(err.absolute_path)
    if err.validator == "required" and isinstance(err.instance, dict):
        for name in err.validator_value:
            if name not in err.instance:
                yield field_path([*path, name]), "is required"
        return
    if err.validator == "format":
        yield field_path(path), f"{err.instance!r} is not an ISO-8601 {err.validator_value}"
        return
    if err.validator == "pattern":
        yield field_path(path), f"{err.instance!r} is not a decimal number"
        return
    yield field_path(path), err.message


def _document_order(err: ValidationError) -> list[tuple[int, int, str]]:
    return [(0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in err.absolute_path]


def _findings(api: str, definition: str, body: Any, *, strict: bool) -> list[tuple[str, str]]:
    """(field path, reason) pairs, each once, in document order."""
    found: dict[tuple[str, str], None] = {}
    for err in sorted(_validator(api, definition, strict).iter_errors(body), key=_document_order):
        for finding in _explain(err):
            found.setdefault(finding)
    return list(found)


def gateway_errors(api: str, definition: str, body: Any) -> list[dict[str, str]]:
    """Structural violations as SP-API errors (empty when the body may enter a transaction)."""
    return [{"code": "InvalidInput", "message": f"{path}: {why}", "details": path}
            for path, why in _findings(api, definition, body, strict=False)]


def processing_violations(api: str, definition: str, body: Any) -> list[RuleViolation]:
    """Format and prose-rule violations found while a transaction is processed."""
    found = [RuleViolation("InvalidInput", path, why) for path, why in _findings(api, definition, body, strict=True)]
    found.extend(_prose_rules(body))
    return found


def _walk(node: Any, path: list[Any]) -> Iterator[tuple[list[Any], Any]]:
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, [*path, k])
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, [*path, i])


_POSITIVE_QUANTITIES = {"shippedQuantity", "invoicedQuantity"}


def _prose_rules(body: Any) -> Iterator[RuleViolation]:
    for path, node in _walk(body, []):
        if not isinstance(node, dict) or not path:
            continue
        key = path[-1]
        code = node.get("currencyCode")
        if isinstance(code, str) and not _CURRENCY.match(code):
            yield RuleViolation("InvalidInput", field_path([*path, "currencyCode"]),
                                f"{code!r} is not a three-letter ISO 4217 currency code")
        amount = node.get("amount")
        if isinstance(amount, int) and not isinstance(amount, bool):
            if key in _POSITIVE_QUANTITIES and amount <= 0:
                yield RuleViolation("InvalidInput", field_path([*path, "amount"]), "must be greater than zero")
            elif amount < 0:
                yield RuleViolation("InvalidInput", field_path([*path, "amount"]), "must not be negative")
    if isinstance(body, dict):
        for i, invoice in enumerate(body.get("invoices") or []):
            if not isinstance(invoice, dict) or invoice.get("invoiceType") != "Invoice":
                continue
            for j, item in enumerate(invoice.get("items") or []):
                if isinstance(item, dict) and not item.get("purchaseOrderNumber"):
                    yield RuleViolation("InvalidInput", f"invoices[{i}].items[{j}].purchaseOrderNumber",
                                        "is required on every line of an Invoice")
                cost = item.get("netCost") if isinstance(item, dict) else None
                if isinstance(cost, dict) and isinstance(cost.get("amount"), str):
                    try:
                        positive = Decimal(cost["amount"]) > 0
                    except InvalidOperation:
                        continue  # the Decimal pattern already reported it
                    if not positive:
                        yield RuleViolation("InvalidInput", f"invoices[{i}].items[{j}].netCost.amount",
                                            "must be greater than zero")
