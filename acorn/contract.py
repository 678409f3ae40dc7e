"""Amazon's published SP-API models as an executable contract.

The Swagger 2.0 files under ``schemas/spapi_models`` are copied unchanged from Amazon's
``selling-partner-api-models`` repository. Their ``definitions`` are JSON Schema (draft 4),
so validating a payload is a ``$ref`` into them. The sandbox validates what it receives
and what it answers with this module, and the client's tests do the same: one contract,
one implementation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Iterator

from jsonschema import Draft4Validator

MODELS_DIR = Path(__file__).resolve().parent.parent / "schemas" / "spapi_models"

#: short API name -> model file
APIS: dict[str, str] = {
    "orders": "vendorOrders.json",
    "shipments": "vendorShipments.json",
    "invoices": "vendorInvoices.json",
    "transactions": "vendorTransactionStatus.json",
}


class ContractError(ValueError):
    """A payload breaks Amazon's published model; ``problems`` name each field."""

    def __init__(self, definition: str, problems: list[str]) -> None:
        self.definition = definition
        self.problems = problems
        super().__init__(f"{definition}: " + "; ".join(problems))


@cache
def model(api: str) -> dict[str, Any]:
    """The parsed Swagger document of one API (``orders``, ``shipments``, ...)."""
    return json.loads((MODELS_DIR / APIS[api]).read_text(encoding="utf-8"))


@cache
def _validator(api: str, definition: str) -> Draft4Validator:
    doc = model(api)
    if definition not in doc["definitions"]:
        raise KeyError(f"{api} model has no definition {definition!r}")
    schema = {"$ref": f"#/definitions/{definition}", "definitions": doc["definitions"]}
    return Draft4Validator(schema)


def problems(api: str, definition: str, payload: Any) -> list[str]:
    """Every violation of ``definition`` in ``payload``, as ``path: message`` strings.

    A conforming payload (nearly every one) is recognised by the compiled check alone;
    jsonschema walks only a payload that breaks the model, to name every problem.
    """
    if _conforms(api, definition)(payload):
        return []
    found = []
    for err in sorted(_validator(api, definition).iter_errors(payload), key=lambda e: list(e.absolute_path)):
        path = "/".join(str(p) for p in err.absolute_path) or "(root)"
        found.append(f"{path}: {err.message}")
    return found


Check = Callable[[Any], bool]
#: keywords the compiled check decides itself; annotations it may ignore (as Draft 4 validation does)
_CHECKED = frozenset({"$ref", "type", "properties", "required", "items", "enum", "maxLength", "pattern"})
_IGNORED = frozenset({"description", "format", "example", "title", "default"})
#: Draft 4 types, as jsonschema's Draft4Validator tells them (a bool is no number; 1.0 is no integer)
_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict), "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str), "null": lambda v: v is None,
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}


@cache
def _conforms(api: str, definition: str) -> Check:
    """``definition`` compiled once into nested closures that answer "valid?" without walking $refs.

    jsonschema re-resolves every ``$ref`` and builds a child validator per node on each call
    (~12 ms for an ASN). A schema node using any keyword this compiler does not know is
    handed to jsonschema itself, so the answer is always the one Draft4Validator gives.
    """
    definitions = _validator(api, definition).schema["definitions"]
    compiled: dict[str, Check] = {}

    def ref(name: str) -> Check:
        if name not in compiled:
            compiled[name] = lambda v: compiled[name](v)  # a placeholder while a cycle compiles
            compiled[name] = node(definitions[name])
        return compiled[name]

    def node(schema: dict[str, Any]) -> Check:
        if "$ref" in schema:  # Draft 4: a $ref replaces its siblings
            target = schema["$ref"]
            if not target.startswith("#/definitions/") or target.count("/") != 2:
                return Draft4Validator({**schema, "definitions": definitions}).is_valid
            return ref(target.rsplit("/", 1)[-1])
        if any(k not in _CHECKED and k not in _IGNORED and not k.startswith("x-") for k in schema):
            return Draft4Validator({**schema, "definitions": definitions}).is_valid
        return _all([c for c in (_type(schema), _object(schema, node), _items(schema, node), _enum(schema),
                                 _string(schema)) if c is not None])

    return ref(definition)


def _all(checks: list[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]

    def every(v: Any) -> bool:
        for check in checks:
            if not check(v):
                return False
        return True

    return every


def _type(schema: dict[str, Any]) -> Check | None:
    if "type" not in schema:
        return None
    names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    known = [_TYPES[n] for n in names if n in _TYPES]
    return lambda v: any(is_type(v) for is_type in known)


def _object(schema: dict[str, Any], node: Callable[[dict[str, Any]], Check]) -> Check | None:
    required = list(schema.get("required", []))
    properties = [(name, node(sub)) for name, sub in schema.get("properties", {}).items()]
    if not required and not properties:
        return None

    def fields(v: Any) -> bool:
        if not isinstance(v, dict):
            return True
        for name in required:
            if name not in v:
                return False
        for name, check in properties:
            if name in v and not check(v[name]):
                return False
        return True

    return fields


def _items(schema: dict[str, Any], node: Callable[[dict[str, Any]], Check]) -> Check | None:
    if "items" not in schema:
        return None
    if not isinstance(schema["items"], dict):  # a tuple of schemas: rare enough to leave to jsonschema
        return Draft4Validator({"items": schema["items"]}).is_valid
    item = node(schema["items"])

    def each(v: Any) -> bool:
        if isinstance(v, list):
            for i in v:
                if not item(i):
                    return False
        return True

    return each


def _enum(schema: dict[str, Any]) -> Check | None:
    if "enum" not in schema:
        return None
    if not all(isinstance(e, str) for e in schema["enum"]):  # jsonschema's equality of numbers and bools
        return Draft4Validator({"enum": schema["enum"]}).is_valid
    allowed = frozenset(schema["enum"])
    return lambda v: isinstance(v, str) and v in allowed


def _string(schema: dict[str, Any]) -> Check | None:
    longest, pattern = schema.get("maxLength"), schema.get("pattern")
    if longest is None and pattern is None:
        return None
    search = re.compile(pattern).search if pattern is not None else None
    return lambda v: not isinstance(v, str) or ((longest is None or len(v) <= longest)
                                                and (search is None or search(v) is not None))


def validate(api: str, definition: str, payload: Any) -> None:
    """Raise :class:`ContractError` unless ``payload`` conforms to ``definition``."""
    found = problems(api, definition, payload)
    if found:
        raise ContractError(definition, found)


@dataclass(frozen=True)
class SandboxExample:
    """One of Amazon's ``x-amzn-api-sandbox`` static request/response pairs."""

    api: str
    operation_id: str
    method: str
    path: str
    status: str
    request: dict[str, Any]
    response: Any


def sandbox_examples(api: str | None = None) -> Iterator[SandboxExample]:
    """Amazon's own request/response examples: free test vectors for both sides."""
    for name in [api] if api else list(APIS):
        doc = model(name)
        for path, ops in doc["paths"].items():
            for method, op in ops.items():
                if not isinstance(op, dict) or "responses" not in op:
                    continue
                for status, resp in op["responses"].items():
                    for ex in resp.get("x-amzn-api-sandbox", {}).get("static", []):
                        yield SandboxExample(
                            api=name,
                            operation_id=op["operationId"],
                            method=method.upper(),
                            path=path,
                            status=status,
                            request=ex.get("request", {}),
                            response=ex.get("response"),
                        )


def response_definition(api: str, operation_id: str, status: str) -> str | None:
    """The definition name a given operation answers with for ``status``."""
    for ops in model(api)["paths"].values():
        for op in ops.values():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                ref = op["responses"].get(status, {}).get("schema", {}).get("$ref", "")
                return ref.rsplit("/", 1)[-1] or None
    return None
