"""The SP-API operations Acorn calls, with method, path and page size read from Amazon's models.

Rates and bursts are read from the same models (``_ratelimit.published_rate_limits``), so
registering an operation here is all it takes for the client to pace it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from urllib.parse import quote

from acorn import contract

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
LWA_TOKEN = "lwaToken"   # not an SP-API operation; names the token call in errors and stats

_API_OF = {
    GET_PURCHASE_ORDERS: "orders", GET_PURCHASE_ORDER: "orders", GET_PURCHASE_ORDERS_STATUS: "orders",
    SUBMIT_ACKNOWLEDGEMENT: "orders", SUBMIT_SHIPMENT_CONFIRMATIONS: "shipments", GET_SHIPMENT_DETAILS: "shipments",
    SUBMIT_SHIPMENTS: "shipments", GET_SHIPMENT_LABELS: "shipments",
    SUBMIT_INVOICES: "invoices", GET_TRANSACTION: "transactions",
}


@dataclass(frozen=True)
class Operation:
    name: str
    api: str
    method: str
    path: str
    query_parameters: tuple[str, ...]
    request_definition: str | None   # the body's definition in the model, for POSTs
    max_limit: int | None = None     # the ``limit`` parameter's maximum page size, for paged reads

    def url_path(self, **path_params: str) -> str:
        return self.path.format(**{k: quote(v, safe="") for k, v in path_params.items()})


@cache
def operation(name: str) -> Operation:
    api = _API_OF[name]
    for path, ops in contract.model(api)["paths"].items():
        for method, op in ops.items():
            if isinstance(op, dict) and op.get("operationId") == name:
                params = op.get("parameters", [])
                body = next((p for p in params if p.get("in") == "body"), None)
                limit = next((p for p in params if p.get("in") == "query" and p["name"] == "limit"), None)
                return Operation(
                    name=name, api=api, method=method.upper(), path=path,
                    query_parameters=tuple(p["name"] for p in params if p.get("in") == "query"),
                    request_definition=body["schema"]["$ref"].rsplit("/", 1)[-1] if body else None,
                    max_limit=int(limit["maximum"]) if limit and "maximum" in limit else None,
                )
    raise KeyError(f"{name} is not in the {api} model")
