"""The registry of SP-API operations, one entry each: the client, sandbox, contract checks and bench read it.

What Acorn decides is declared in :data:`DECLARED` (which API's model, the wire models in
``schemas.spapi`` for the answer and the body, where a paged read's records are). What Amazon
decides is read from its model on first use (method, path, query parameters, the body's
definition, the page size's maximum, rate and burst), so the two cannot disagree. Adding an
operation Amazon's model already describes is one line here; the sandbox then refuses to start
until it has a behaviour for it (``acorn.sandbox.app``).

Light to import (standard library and :mod:`acorn.contract`, which loads jsonschema only to
validate): the models are parsed, and the pydantic classes imported, when first asked for.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from acorn import contract

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ._ratelimit import RateLimit

GET_PURCHASE_ORDERS = "getPurchaseOrders"
GET_PURCHASE_ORDER = "getPurchaseOrder"
GET_PURCHASE_ORDERS_STATUS = "getPurchaseOrdersStatus"
SUBMIT_ACKNOWLEDGEMENT = "submitAcknowledgement"
SUBMIT_SHIPMENT_CONFIRMATIONS = "SubmitShipmentConfirmations"
GET_SHIPMENT_DETAILS = "GetShipmentDetails"
SUBMIT_SHIPMENTS = "SubmitShipments"
GET_SHIPMENT_LABELS = "GetShipmentLabels"
SUBMIT_INVOICES = "submitInvoices"
GET_TRANSACTION = "getTransaction"
CREATE_REPORT = "createReport"
GET_REPORT = "getReport"
GET_REPORT_DOCUMENT = "getReportDocument"
LWA_TOKEN = "lwaToken"   # not an SP-API operation; names the token call in errors and stats

#: where the wire models live; a registry entry names a class of this module
WIRE_MODELS = "schemas.spapi"
#: the wire class of every vendor POST's answer (202, ``payload.transactionId``)
TRANSACTION_ANSWER = "SubmissionResponse"


@dataclass(frozen=True)
class Declared:
    """What Acorn states about one operation; everything else is read from Amazon's model."""

    name: str                        # Amazon's operationId
    api: str                         # a key of ``contract.APIS``: the model the operation comes from
    response_model: str              # the wire class of the whole 2xx answer
    request_model: str | None = None  # the wire class a submission's body is built from
    items: str | None = None         # a paged read: the list under ``payload`` ...
    item_model: str | None = None    # ... the wire class of one of its records ...
    record_key: str | None = None    # ... and the field naming a record in an error


DECLARED: tuple[Declared, ...] = (
    Declared(GET_PURCHASE_ORDERS, "orders", "GetPurchaseOrdersResponse", items="orders", item_model="Order",
             record_key="purchaseOrderNumber"),
    Declared(GET_PURCHASE_ORDER, "orders", "GetPurchaseOrderResponse"),
    Declared(GET_PURCHASE_ORDERS_STATUS, "orders", "GetPurchaseOrdersStatusResponse", items="ordersStatus",
             item_model="OrderStatus", record_key="purchaseOrderNumber"),
    Declared(SUBMIT_ACKNOWLEDGEMENT, "orders", TRANSACTION_ANSWER, request_model="SubmitAcknowledgementRequest"),
    Declared(SUBMIT_SHIPMENT_CONFIRMATIONS, "shipments", TRANSACTION_ANSWER,
             request_model="SubmitShipmentConfirmationsRequest"),
    Declared(GET_SHIPMENT_DETAILS, "shipments", "GetShipmentDetailsResponse", items="shipments",
             item_model="Shipment", record_key="vendorShipmentIdentifier"),
    Declared(SUBMIT_SHIPMENTS, "shipments", TRANSACTION_ANSWER),   # a dict body: no send model yet
    Declared(GET_SHIPMENT_LABELS, "shipments", "GetShipmentLabelsResponse", items="transportLabels",
             item_model="TransportLabel", record_key="labelCreateDateTime"),
    Declared(SUBMIT_INVOICES, "invoices", TRANSACTION_ANSWER, request_model="SubmitInvoicesRequest"),
    Declared(GET_TRANSACTION, "transactions", "GetTransactionResponse"),
    # the Reports API: a POST answered with its own reportId, and reads with no ``payload`` envelope
    Declared(CREATE_REPORT, "reports", "CreateReportResponse", request_model="CreateReportSpecification"),
    Declared(GET_REPORT, "reports", "Report"),
    Declared(GET_REPORT_DOCUMENT, "reports", "ReportDocument"),
)
_DECLARED_BY_NAME = {d.name: d for d in DECLARED}


@dataclass(frozen=True)
class Operation:
    """One registered operation: Acorn's declaration joined to what Amazon's model says."""

    name: str
    api: str
    method: str
    path: str
    query_parameters: tuple[str, ...]
    request_definition: str | None   # the body's definition in the model, for POSTs
    max_limit: int | None            # the ``limit`` parameter's maximum page size, for paged reads
    declared: Declared

    @property
    def is_submission(self) -> bool:
        return self.method == "POST"

    @property
    def answers_with_transaction(self) -> bool:
        """A vendor POST: 202 with a ``transactionId``, the outcome read later with getTransaction.

        Not every POST is one (the Reports API's createReport answers with its own ``reportId``).
        """
        return self.declared.response_model == TRANSACTION_ANSWER

    @property
    def model_file(self) -> str:
        """The file of Amazon's model this operation comes from (under ``contract.MODELS_DIR``)."""
        return contract.APIS[self.api]

    @property
    def items(self) -> str | None:
        return self.declared.items

    @property
    def record_key(self) -> str | None:
        return self.declared.record_key

    @property
    def rate_limit(self) -> RateLimit:
        """Amazon's published rate and burst for this operation."""
        from ._ratelimit import DEFAULT_LIMIT, published_rate_limits

        return published_rate_limits().get(self.name, DEFAULT_LIMIT)

    @property
    def response_model(self) -> type[BaseModel]:
        return _wire_class(self.declared.response_model)

    @property
    def request_model(self) -> type[BaseModel] | None:
        name = self.declared.request_model
        return _wire_class(name) if name else None

    @property
    def item_model(self) -> type[BaseModel] | None:
        name = self.declared.item_model
        return _wire_class(name) if name else None

    def url_path(self, **path_params: str) -> str:
        return self.path.format(**{k: quote(v, safe="") for k, v in path_params.items()})


def _wire_class(name: str) -> type[BaseModel]:
    cls: type[BaseModel] = getattr(importlib.import_module(WIRE_MODELS), name)
    return cls


def _find_in_model(api: str, name: str) -> tuple[str, str, dict[str, Any]]:
    """(path, method, operation object) of ``name`` in the ``api`` model."""
    for path, ops in contract.model(api)["paths"].items():
        for method, op in ops.items():
            if isinstance(op, dict) and op.get("operationId") == name:
                return path, method, op
    raise KeyError(f"{name} is not in the {api} model ({contract.APIS[api]})")


@cache
def operation(name: str) -> Operation:
    """The registered operation ``name`` (Amazon's operationId); KeyError for one not registered."""
    declared = _DECLARED_BY_NAME[name]
    path, method, op = _find_in_model(declared.api, name)
    params = op.get("parameters", [])
    body = next((p for p in params if p.get("in") == "body"), None)
    limit = next((p for p in params if p.get("in") == "query" and p["name"] == "limit"), None)
    return Operation(
        name=name, api=declared.api, method=method.upper(), path=path,
        query_parameters=tuple(p["name"] for p in params if p.get("in") == "query"),
        request_definition=body["schema"]["$ref"].rsplit("/", 1)[-1] if body else None,
        max_limit=int(limit["maximum"]) if limit and "maximum" in limit else None,
        declared=declared,
    )


def operations() -> tuple[Operation, ...]:
    """Every registered operation, in the order declared."""
    return tuple(operation(d.name) for d in DECLARED)

