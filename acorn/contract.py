"""Amazon's published SP-API models as an executable contract.

The Swagger 2.0 files under ``schemas/spapi_models`` are copied unchanged from Amazon's
``selling-partner-api-models`` repository. Their ``definitions`` are JSON Schema (draft 4),
so validating a payload is a ``$ref`` into them. The sandbox validates what it receives
and what it answers with this module, and the client's tests do the same: one contract,
one implementation.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema import Draft4Validator, Draft7Validator

MODELS_DIR = Path(__file__).resolve().parent.parent / "schemas" / "spapi_models"

#: short API name -> model file
APIS: dict[str, str] = {
    "orders": "vendorOrders.json",
    "shipments": "vendorShipments.json",
    "invoices": "vendorInvoices.json",
    "transactions": "vendorTransactionStatus.json",
    "reports": "reports_2021-06-30.json",
}
#: the Retail Procurement APIs, whose ``x-amzn-api-sandbox`` examples the sandbox plays as a scenario; the
#: Reports API's examples ask for seller report types (``GET_MERCHANT_LISTINGS_ALL_DATA``) a vendor never gets
VENDOR_APIS: tuple[str, ...] = ("orders", "shipments", "invoices", "transactions")

#: report type -> JSON schema (draft 7) of its document, under ``MODELS_DIR / "reports"``
REPORT_SCHEMAS: dict[str, str] = {
    "GET_VENDOR_SALES_REPORT": "vendorSalesReport.json",
    "GET_VENDOR_INVENTORY_REPORT": "vendorInventoryReport.json",
    "GET_VENDOR_FORECASTING_REPORT": "vendorForecastingReport.json",
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
    from jsonschema import Draft4Validator  # on first validation: the registry reads this module at CLI start-up

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


@cache
def _conforms(api: str, definition: str) -> Check:
    """``definition`` compiled once to Python (fastjsonschema): "valid?" without walking ``$ref`` s.

    jsonschema re-resolves every ``$ref`` and builds a child validator per node on each call
    (~12 ms for an ASN), which a day of thousands of documents pays over and over. Formats are
    not checked, as Draft4Validator does not check them, so both answer the same.
    """
    import fastjsonschema

    schema = {"$schema": "http://json-schema.org/draft-04/schema#", **_validator(api, definition).schema}
    validate = fastjsonschema.compile(schema, use_formats=False, detailed_exceptions=False)

    def conforms(payload: Any) -> bool:
        try:
            validate(payload)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return conforms


def validate(api: str, definition: str, payload: Any) -> None:
    """Raise :class:`ContractError` unless ``payload`` conforms to ``definition``."""
    found = problems(api, definition, payload)
    if found:
        raise ContractError(definition, found)


@cache
def report_schema(report_type: str) -> dict[str, Any]:
    """The published JSON schema of a vendor report's document (``GET_VENDOR_SALES_REPORT``, ...)."""
    return json.loads((MODELS_DIR / "reports" / REPORT_SCHEMAS[report_type]).read_text(encoding="utf-8"))


@cache
def _report_validator(report_type: str) -> Draft7Validator:
    from jsonschema import Draft7Validator  # the report schemas are draft 7, unlike the Swagger 2.0 models

    return Draft7Validator(report_schema(report_type), format_checker=Draft7Validator.FORMAT_CHECKER)


def report_problems(report_type: str, document: Any) -> list[str]:
    """Every violation of the published schema of ``report_type`` in a report document (dates checked too)."""
    errors = _report_validator(report_type).iter_errors(document)
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
            for e in sorted(errors, key=lambda e: list(e.absolute_path))]


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
    """Amazon's own request/response examples: free test vectors for both sides (all vendor APIs by default)."""
    for name in [api] if api else list(VENDOR_APIS):
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
