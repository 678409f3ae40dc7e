"""What the sandbox answers each registered SP-API read with, without HTTP.

The routes (``app.py``, one per operation of the registry) and the fake Amazon of the fast tests
(``acorn.testing.fake_amazon``) both call these, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from acorn.sandbox.state import SandboxState

#: (state, path parameters, query parameters) -> the answer's JSON body
Reader = Callable[["SandboxState", Mapping[str, str], Mapping[str, str]], dict[str, Any]]
#: (state, the request's JSON body) -> the answer's JSON body: a POST not answered by a transaction
BodyReader = Callable[["SandboxState", Any], dict[str, Any]]

#: the path parameter the routes add with the address the caller reached the sandbox at: getReportDocument
#: answers a download URL under it (without HTTP, the fake Amazon has none; its URL is never fetched)
BASE_URL = "@baseUrl"
NO_BASE_URL = "http://sandbox.invalid"

#: the sandbox's behaviour per read, bound to the path and method the registry (``acorn.spapi.operations()``)
#: reads from Amazon's model
READERS: dict[str, Reader] = {
    "getPurchaseOrders": lambda state, _path, query: state.get_purchase_orders(dict(query)),
    "getPurchaseOrder": lambda state, path, _query: state.get_purchase_order(path["purchaseOrderNumber"]),
    "getPurchaseOrdersStatus": lambda state, _path, query: state.get_purchase_orders_status(dict(query)),
    "getTransaction": lambda state, path, _query: state.get_transaction(path["transactionId"]),
    "GetShipmentDetails": lambda state, _path, query: state.get_shipment_details(dict(query)),
    "GetShipmentLabels": lambda state, _path, query: state.get_shipment_labels(dict(query)),
    "getReport": lambda state, path, _query: state.get_report(path["reportId"]),
    "getReportDocument": lambda state, path, _query: state.get_report_document(
        path["reportDocumentId"], path.get(BASE_URL, NO_BASE_URL)),
}

#: the POSTs answered with something of their own (createReport: ``{"reportId"}``, 202), not a transaction
BODY_READERS: dict[str, BodyReader] = {
    "createReport": lambda state, body: state.create_report(body),
}
