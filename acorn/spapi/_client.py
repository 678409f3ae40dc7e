"""``SpApiClient``: Acorn's typed client for Amazon's Retail Procurement (Vendor) APIs."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError
from pydantic.alias_generators import to_camel

from schemas import spapi as wire

from . import _operations as ops
from ._auth import LwaTokenSource
from ._credentials import LwaCredentials, region_base_url, token_endpoint_for
from ._exceptions import ReportNotDone, ResponseFormatError, TransactionTimeout
from ._payloads import outgoing_payload
from ._ratelimit import RateLimit, RateLimiter, TokenBucketLimiter
from ._redact import RedactingLog, Redactor
from ._report_download import download_document, parse_json_document
from ._retry import RetryPolicy
from ._sender import Sender
from ._stats import ClientStats
from ._windows import split_window, utc, wire_time

M = TypeVar("M", bound=BaseModel)
OnInvalid = Callable[[ResponseFormatError], None]

#: getPurchaseOrders parameters the client sets itself (window, paging).
_WINDOW_PARAMS = frozenset({"limit", "nextToken", "createdAfter", "createdBefore", "changedAfter", "changedBefore"})
#: snake_case filters whose wire name is not plain camelCase.
_ODD_NAMES = {"is_po_changed": "isPOChanged"}


class SpApiClient:
    """Talks to one SP-API endpoint (an Amazon region or the sandbox) for one vendor group.

    Thread-safe: threads may share a client; they share its connection pool, its access
    token and its per-operation rate buckets. Use as a context manager or call ``close()``.

    ``token_url`` — where the LWA client secret and refresh token are posted — is used as
    given when set; otherwise it is ``{base_url}/auth/o2/token`` for a loopback base URL
    (the sandbox) and Amazon's ``https://api.amazon.com/auth/o2/token`` for every other one
    (a proxy or mirror never receives the secrets unless named here). Plain ``http://`` to a
    host that is not loopback is refused for either URL (``CredentialRouteError``, a
    ``ValueError`` naming the setting); see ``token_endpoint_for``. ``rate_overrides`` maps an
    operationId to ``(rate, burst)``. ``rate_limiter`` replaces the in-process buckets (for
    example with one backed by a Prefect global concurrency limit). ``retry_policy`` replaces
    ``max_retries`` and the backoff shapes. ``transport`` is handed to httpx as it is.
    """

    def __init__(self, base_url: str, *, credentials: LwaCredentials, token_url: str | None = None,
                 timeout: float = 30.0,
                 rate_overrides: Mapping[str, RateLimit | tuple[float, int] | float] | None = None,
                 max_retries: int = 5, transport: httpx.BaseTransport | None = None,
                 rate_limiter: RateLimiter | None = None, retry_policy: RetryPolicy | None = None) -> None:
        token_endpoint = token_endpoint_for(base_url, token_url)   # refuses a route that exposes secrets
        if rate_overrides and rate_limiter is not None:
            raise ValueError("give rate_overrides to the rate_limiter you pass, not to the client")
        self.base_url = base_url.rstrip("/")
        self.token_url = token_endpoint
        self.client_id = credentials.client_id
        policy = retry_policy or RetryPolicy(max_retries=max_retries)
        self.stats = ClientStats()
        self.rate_limiter: RateLimiter = rate_limiter or TokenBucketLimiter(rate_overrides)
        self._redactor = Redactor(credentials.secret_values())
        log = RedactingLog(self._redactor)
        self._http = httpx.Client(timeout=timeout, transport=transport, follow_redirects=False)
        tokens = LwaTokenSource(http=self._http, token_url=self.token_url, credentials=credentials,
                                redactor=self._redactor, log=log, policy=policy, stats=self.stats)
        self._sender = Sender(http=self._http, base_url=self.base_url, tokens=tokens, limiter=self.rate_limiter,
                              policy=policy, stats=self.stats, redactor=self._redactor, log=log)

    @classmethod
    def for_region(cls, region: str, *, credentials: LwaCredentials, **options: Any) -> SpApiClient:
        """A client for Amazon's ``"NA"``, ``"EU"`` or ``"FE"`` host."""
        return cls(region_base_url(region), credentials=credentials, **options)

    def __repr__(self) -> str:
        return f"SpApiClient(base_url={self.base_url!r}, client_id={self.client_id!r})"

    def __enter__(self) -> SpApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # ------------------------------------------------------------------ purchase orders

    def list_purchase_orders(self, *, created_after: datetime | None = None, created_before: datetime | None = None,
                             changed_after: datetime | None = None, changed_before: datetime | None = None,
                             limit: int = 100, on_invalid: OnInvalid | None = None,
                             **other_filters: Any) -> Iterator[wire.Order]:
        """Every purchase order created (or changed) in the window, following every page.

        Windows longer than 7 days are cut into 7-day pieces and fetched oldest first
        (newest first with ``sort_order="DESC"``); a PO seen in two pieces is yielded once.
        Other filters are getPurchaseOrders' query parameters in snake_case or camelCase:
        ``purchase_order_state="New"``, ``include_details=False``, ``ordering_vendor_code=...``.
        An order that does not fit the model raises :class:`ResponseFormatError` naming it,
        or, when ``on_invalid`` is given, is handed to it and the listing goes on.
        """
        op = ops.operation(ops.GET_PURCHASE_ORDERS)
        base = self._query(op, other_filters, limit)
        created = (created_after, created_before)
        changed = (changed_after, changed_before)
        if any(created) and any(changed):
            raise ValueError("filter on created_* or changed_*, not both (Amazon accepts one window)")
        field = "created" if any(created) or not any(changed) else "changed"
        after, before = (created if field == "created" else changed)
        after = utc(after, name=f"{field}_after") if after else None
        before = utc(before, name=f"{field}_before") if before else None
        pieces = list(split_window(after, before))
        if base.get("sortOrder") == "DESC":
            pieces.reverse()
        seen: set[str] = set()
        for piece_after, piece_before in pieces:
            params = dict(base)
            if piece_after:
                params[f"{field}After"] = wire_time(piece_after)
            if piece_before:
                params[f"{field}Before"] = wire_time(piece_before)
            for order in self._pages(op, params, wire.Order, on_invalid):
                if len(pieces) > 1:
                    if order.purchase_order_number in seen:
                        continue
                    seen.add(order.purchase_order_number)
                yield order

    def get_purchase_order(self, po_number: str) -> wire.Order:
        """One purchase order by number (404 -> ``ClientRequestError``)."""
        if not po_number:
            raise ValueError("po_number is empty")
        op = ops.operation(ops.GET_PURCHASE_ORDER)
        data, request_id = self._sender.call(op, path_params={"purchaseOrderNumber": po_number})
        response = self._parse(wire.GetPurchaseOrderResponse, data, op.name, request_id, record=po_number)
        if response.payload is None:
            raise ResponseFormatError("the answer has no payload", operation=op.name, request_id=request_id,
                                      record=po_number)
        return response.payload

    def get_purchase_orders_status(self, *, updated_after: datetime | None = None,
                                   updated_before: datetime | None = None, purchase_order_number: str | None = None,
                                   created_after: datetime | None = None, created_before: datetime | None = None,
                                   purchase_order_status: str | None = None,
                                   item_confirmation_status: str | None = None,
                                   item_receive_status: str | None = None, ordering_vendor_code: str | None = None,
                                   ship_to_party_id: str | None = None, sort_order: str | None = None,
                                   limit: int = 100, on_invalid: OnInvalid | None = None) -> Iterator[wire.OrderStatus]:
        """Status of purchase orders (acknowledged and received quantities), every page followed."""
        op = ops.operation(ops.GET_PURCHASE_ORDERS_STATUS)
        filters: dict[str, Any] = {
            "updatedAfter": updated_after and utc(updated_after, name="updated_after"),
            "updatedBefore": updated_before and utc(updated_before, name="updated_before"),
            "createdAfter": created_after and utc(created_after, name="created_after"),
            "createdBefore": created_before and utc(created_before, name="created_before"),
            "purchaseOrderNumber": purchase_order_number, "purchaseOrderStatus": purchase_order_status,
            "itemConfirmationStatus": item_confirmation_status, "itemReceiveStatus": item_receive_status,
            "orderingVendorCode": ordering_vendor_code, "shipToPartyId": ship_to_party_id, "sortOrder": sort_order,
        }
        params = self._query(op, {k: v for k, v in filters.items() if v is not None}, limit)
        yield from self._pages(op, params, wire.OrderStatus, on_invalid)

    # ------------------------------------------------------------------ shipments (read back)

    def get_shipment_details(self, *, vendor_shipment_identifier: str | None = None,
                             created_after: datetime | None = None, created_before: datetime | None = None,
                             shipment_confirmed_after: datetime | None = None,
                             shipment_confirmed_before: datetime | None = None, sort_order: str | None = None,
                             limit: int = 50, on_invalid: OnInvalid | None = None,
                             **other_filters: Any) -> list[wire.Shipment]:
        """Shipments Amazon holds, every page followed; ``[]`` when none matches.

        ``vendor_shipment_identifier`` is how an ASN whose answer was lost is read back: Amazon
        lists only what it accepted (a ``Replace`` shows the replacing content), so an empty
        list means "not applied". Other filters are GetShipmentDetails' query parameters in
        snake_case or camelCase (``shipped_after=...``, ``buyer_warehouse_code="ABE8"``).
        ``limit`` is the page size (1-50). A shipment that does not fit the model raises
        :class:`ResponseFormatError` naming it, or is handed to ``on_invalid``.
        """
        op = ops.operation(ops.GET_SHIPMENT_DETAILS)
        filters: dict[str, Any] = {
            "vendorShipmentIdentifier": vendor_shipment_identifier,
            "createdAfter": created_after, "createdBefore": created_before,
            "shipmentConfirmedAfter": shipment_confirmed_after, "shipmentConfirmedBefore": shipment_confirmed_before,
            "sortOrder": sort_order, **other_filters,
        }
        params = self._query(op, filters, limit)
        return list(self._pages(op, params, wire.Shipment, on_invalid))

    def get_shipment_labels(self, *, vendor_shipment_identifier: str | None = None,
                            buyer_reference_number: str | None = None, label_created_after: datetime | None = None,
                            label_created_before: datetime | None = None, seller_warehouse_code: str | None = None,
                            sort_order: str | None = None, limit: int = 50,
                            on_invalid: OnInvalid | None = None) -> list[wire.TransportLabel]:
        """Small-parcel carrier labels Amazon made for routed shipments, every page followed; ``[]`` when none.

        Amazon makes them once it assigns the carrier (freight has none). Paced at the model's
        rate for GetShipmentLabels, like every operation.
        """
        op = ops.operation(ops.GET_SHIPMENT_LABELS)
        filters: dict[str, Any] = {
            "vendorShipmentIdentifier": vendor_shipment_identifier, "buyerReferenceNumber": buyer_reference_number,
            "labelCreatedAfter": label_created_after, "labelCreatedBefore": label_created_before,
            "sellerWarehouseCode": seller_warehouse_code, "sortOrder": sort_order,
        }
        params = self._query(op, filters, limit)
        return list(self._pages(op, params, wire.TransportLabel, on_invalid))

    # ------------------------------------------------------------------ submissions

    def submit_shipments(self, request: dict[str, Any]) -> str:
        """Send routing requests for Amazon-arranged (collect) freight; returns the transactionId.

        The body is checked against the model's ``SubmitShipments`` (and for fields it does not
        declare) before it leaves, like every submission.
        """
        return self._submit(ops.SUBMIT_SHIPMENTS, request)

    def submit_acknowledgement(self, request: wire.SubmitAcknowledgementRequest | dict[str, Any]) -> str:
        """Send acknowledgements; returns the transactionId (the outcome comes later)."""
        return self._submit(ops.SUBMIT_ACKNOWLEDGEMENT, request)

    def submit_shipment_confirmations(self, request: wire.SubmitShipmentConfirmationsRequest | dict[str, Any]) -> str:
        """Send ASNs (shipment confirmations); returns the transactionId."""
        return self._submit(ops.SUBMIT_SHIPMENT_CONFIRMATIONS, request)

    def submit_invoices(self, request: wire.SubmitInvoicesRequest | dict[str, Any]) -> str:
        """Send invoices; returns the transactionId."""
        return self._submit(ops.SUBMIT_INVOICES, request)

    # ------------------------------------------------------------------ transactions

    def get_transaction(self, transaction_id: str) -> wire.TransactionStatus:
        """The current status (Processing / Success / Failure, with errors) of a submission."""
        if not transaction_id:
            raise ValueError("transaction_id is empty")
        op = ops.operation(ops.GET_TRANSACTION)
        data, request_id = self._sender.call(op, path_params={"transactionId": transaction_id})
        response = self._parse(wire.GetTransactionResponse, data, op.name, request_id, record=transaction_id)
        if response.payload is None:
            raise ResponseFormatError("the answer has no transactionStatus", operation=op.name,
                                      request_id=request_id, record=transaction_id)
        return response.payload.transaction_status

    def wait_for_transaction(self, transaction_id: str, *, timeout_s: float = 60,
                             poll_interval_s: float = 0.5) -> wire.TransactionStatus:
        """Poll until the transaction is final; :class:`TransactionTimeout` if still Processing."""
        if timeout_s < 0 or poll_interval_s <= 0:
            raise ValueError("timeout_s must be >= 0 and poll_interval_s > 0")
        deadline = time.monotonic() + timeout_s
        while True:
            status = self.get_transaction(transaction_id)
            if status.is_final:
                return status
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TransactionTimeout(
                    f"transaction {transaction_id} still {status.status} after {timeout_s:g}s",
                    operation=ops.GET_TRANSACTION, transaction_id=transaction_id, last_status=status)
            time.sleep(min(poll_interval_s, remaining))

    # ------------------------------------------------------------------ reports (Reports API 2021-06-30)

    def create_report(self, specification: wire.CreateReportSpecification | dict[str, Any]) -> str:
        """Ask for a report; returns its ``reportId`` (202, not a transaction: poll :meth:`get_report`)."""
        op = ops.operation(ops.CREATE_REPORT)
        assert op.request_definition is not None
        payload = outgoing_payload(specification, api=op.api, definition=op.request_definition, operation=op.name)
        data, request_id = self._sender.call(op, body=payload)
        return self._parse(wire.CreateReportResponse, data, op.name, request_id).report_id

    def get_report(self, report_id: str) -> wire.Report:
        """The report's processing status, and its ``report_document_id`` once DONE."""
        if not report_id:
            raise ValueError("report_id is empty")
        op = ops.operation(ops.GET_REPORT)
        data, request_id = self._sender.call(op, path_params={"reportId": report_id})
        return self._parse(wire.Report, data, op.name, request_id, record=report_id)

    def get_report_document(self, report_document_id: str) -> wire.ReportDocument:
        """Where a DONE report's document is (a URL valid minutes) and how it is compressed."""
        if not report_document_id:
            raise ValueError("report_document_id is empty")
        op = ops.operation(ops.GET_REPORT_DOCUMENT)
        data, request_id = self._sender.call(op, path_params={"reportDocumentId": report_document_id})
        return self._parse(wire.ReportDocument, data, op.name, request_id, record=report_document_id)

    def download_report_document(self, document: wire.ReportDocument) -> bytes:
        """The document's bytes from its URL, gunzipped when Amazon says GZIP (no access token sent)."""
        return download_document(self._http, document)

    def wait_for_report(self, report_id: str, *, timeout_s: float = 1800, poll_interval_s: float = 10,
                        on_poll: Callable[[wire.Report], None] | None = None) -> wire.Report:
        """Poll until the report is DONE; :class:`ReportNotDone` if it ends FATAL / CANCELLED or time runs out.

        Amazon's vendor reports take minutes, sometimes much longer, hence the half-hour default.
        ``on_poll`` sees each report read that is not final (a test moves the sandbox's clock there).
        """
        if timeout_s < 0 or poll_interval_s <= 0:
            raise ValueError("timeout_s must be >= 0 and poll_interval_s > 0")
        deadline = time.monotonic() + timeout_s
        while True:
            report = self.get_report(report_id)
            if report.processing_status == "DONE":
                return report
            if report.is_final or time.monotonic() >= deadline:
                ended = "ended" if report.is_final else f"still after {timeout_s:g}s:"
                raise ReportNotDone(f"report {report_id} {ended} {report.processing_status}",
                                    operation=ops.GET_REPORT, report_id=report_id, last_status=report)
            if on_poll is not None:
                on_poll(report)
            time.sleep(min(poll_interval_s, max(deadline - time.monotonic(), 0)))

    def fetch_report(self, report_id: str, **wait: Any) -> dict[str, Any]:
        """A vendor report's JSON document: wait until DONE, ask where it is, download and decompress it."""
        report = self.wait_for_report(report_id, **wait)
        if not report.report_document_id:
            raise ResponseFormatError("a DONE report carries no reportDocumentId", operation=ops.GET_REPORT,
                                      record=report_id)
        document = self.get_report_document(report.report_document_id)
        return parse_json_document(self.download_report_document(document), document.report_document_id)

    # ------------------------------------------------------------------ internals

    def _submit(self, operation: str, request: BaseModel | dict[str, Any]) -> str:
        op = ops.operation(operation)
        assert op.request_definition is not None
        payload = outgoing_payload(request, api=op.api, definition=op.request_definition, operation=op.name)
        data, request_id = self._sender.call(op, body=payload)
        response = self._parse(wire.SubmissionResponse, data, op.name, request_id)
        if response.payload is None or not response.payload.transaction_id:
            raise ResponseFormatError("the 202 answer carries no transactionId", operation=op.name,
                                      request_id=request_id)
        return response.payload.transaction_id

    @staticmethod
    def _query(op: ops.Operation, filters: Mapping[str, Any], limit: int) -> dict[str, str]:
        maximum = op.max_limit or 100
        if not 1 <= limit <= maximum:
            raise ValueError(f"limit must be 1..{maximum}, got {limit}")
        reserved = _WINDOW_PARAMS if op.name == ops.GET_PURCHASE_ORDERS else {"limit", "nextToken"}
        allowed = [p for p in op.query_parameters if p not in reserved]
        params = {"limit": str(limit)}
        for name, value in filters.items():
            wire_name = name if name in op.query_parameters else _ODD_NAMES.get(name, to_camel(name))
            if wire_name not in allowed:
                raise TypeError(f"{op.name} has no filter {name!r}; filters: {', '.join(allowed)}")
            if value is None:
                continue
            if isinstance(value, bool):
                params[wire_name] = "true" if value else "false"
            elif isinstance(value, datetime):
                params[wire_name] = wire_time(utc(value, name=name))
            else:
                params[wire_name] = str(value)
        return params

    def _pages(self, op: ops.Operation, params: dict[str, str], item_model: type[M],
               on_invalid: OnInvalid | None) -> Iterator[M]:
        """Yield each item of every page; items are parsed one by one so one bad record is nameable.

        Where the records are and what names one come from the registry; ``item_model`` is the
        registry's too (a test holds them equal), passed so the caller's type is known statically.
        """
        items_key, record_key = op.items, op.record_key
        assert items_key is not None and record_key is not None, f"{op.name} is not a paged read"
        next_token: str | None = None
        while True:
            page_params = dict(params, nextToken=next_token) if next_token else params
            data, request_id = self._sender.call(op, params=page_params)
            payload = data.get("payload") if isinstance(data, dict) else None
            if not isinstance(payload, dict):
                raise ResponseFormatError("the answer has no payload", operation=op.name, request_id=request_id)
            raw_items = payload.get(items_key) or []
            for raw in raw_items if isinstance(raw_items, list) else [raw_items]:
                record = raw.get(record_key) if isinstance(raw, dict) else None
                try:
                    yield self._parse(item_model, raw, op.name, request_id, record=record)
                except ResponseFormatError as exc:
                    if on_invalid is None:
                        raise
                    on_invalid(exc)
            pagination = payload.get("pagination")
            next_token = pagination.get("nextToken") if isinstance(pagination, dict) else None
            if not next_token:
                return

    @staticmethod
    def _parse(model: type[M], data: Any, operation: str, request_id: str | None, *,
               record: str | None = None) -> M:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            problems = [f"{'/'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in exc.errors()]
            where = f" for {record}" if record else ""
            raise ResponseFormatError(f"answer{where} does not fit {model.__name__}: " + "; ".join(problems[:3]),
                                      operation=operation, request_id=request_id, record=record,
                                      problems=problems) from None
