"""The simulated Vendor Central over HTTP: SP-API Retail Procurement routes and LWA.

Every SP-API call goes through the same gate, in Amazon's order: (injected latency) →
access token (403 ``Unauthorized``) → the usage plan of the token's selling partner and
application for the operation (429 ``QuotaExceeded``) → injected throttling / 5xx → the
operation. Answers carry ``x-amzn-RequestId`` always and
``x-amzn-RateLimit-Limit`` where the models declare it (200, 202, 400, 404).

POSTs answer 202 with a ``transactionId`` once the body passed the gateway's structural
check (else 400). With the ``drop_after_commit_rate`` fault the POST is fully applied and then
the connection is closed before any byte of the answer: the client sees a transport error
(``httpx.RemoteProtocolError``). Where the server is not uvicorn (an in-process ASGI
transport) there is no connection to close and the answer is a 504 with an empty body.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable, Collection
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from acorn import spapi
from acorn.sandbox.auth import TokenRefused
from acorn.sandbox.errors import InvalidRequest, SandboxError, quota_exceeded
from acorn.sandbox.operator import router as operator_router
from acorn.sandbox.readers import BASE_URL, BODY_READERS, READERS
from acorn.sandbox.reports import DOCUMENT_PATH
from acorn.sandbox.state import SandboxState
from acorn.sandbox.submissions import OPERATIONS as SUBMISSIONS
from acorn.sandbox.submissions import gateway_check

RAW_SEND = "acorn.raw_send"
_RATE_HEADER_STATUSES = {200, 202, 400, 404}


class _KeepRawSend:
    """Outermost ASGI layer: remembers the server's own ``send`` so a response can drop the connection."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.fastapi = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope[RAW_SEND] = send
        await self.app(scope, receive, send)


class DroppedAnswer(Response):
    """Close the connection without answering (uvicorn), else a bodiless 504."""

    def __init__(self) -> None:
        super().__init__(status_code=504)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = scope.get(RAW_SEND)
        transport = getattr(getattr(raw, "__self__", None), "transport", None)
        if transport is not None and hasattr(transport, "close"):
            transport.close()
            for _ in range(5):  # let the server notice the disconnect before the app returns
                await asyncio.sleep(0)
            return
        await send({"type": "http.response.start", "status": 504, "headers": [(b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})


def _answer(state: SandboxState, operation: str, status: int, body: Any) -> JSONResponse:
    headers = {"x-amzn-RequestId": str(uuid.uuid4())}
    if status in _RATE_HEADER_STATUSES:
        headers["x-amzn-RateLimit-Limit"] = f"{state.limiter.limit(operation):g}"
    return JSONResponse(body, status_code=status, headers=headers)


def _error(state: SandboxState, operation: str, err: SandboxError) -> JSONResponse:
    return _answer(state, operation, err.status, err.body())


async def _gate(request: Request, operation: str) -> SandboxError | None:
    """Latency, token, usage plan and injected faults; the error to answer with, if any."""
    state: SandboxState = request.app.state.sandbox
    with state.lock:
        state.requests[operation] += 1
        delay = state.faults.latency_seconds()
    if delay:
        await asyncio.sleep(delay)
    with state.lock:
        try:
            principal = state.tokens.verify(request.headers.get("x-amz-access-token"))
        except TokenRefused as refused:
            return SandboxError(403, "Access to requested resource is denied.", details=refused.details)
    if not state.limiter.allow(operation, principal):  # a bucket per selling partner, application, operation
        return quota_exceeded()
    return state.injected_refusal()


async def _read(request: Request, operation: str, handler: Callable[[SandboxState], dict[str, Any]],
                status: int = 200) -> Response:
    state: SandboxState = request.app.state.sandbox
    refused = await _gate(request, operation)
    if refused is not None:
        return _error(state, operation, refused)
    try:
        return _answer(state, operation, status, handler(state))
    except SandboxError as err:
        return _error(state, operation, err)


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError):
        raise InvalidRequest("The request body is not valid JSON", details="(body)") from None


async def _submit(request: Request, operation: str) -> Response:
    state: SandboxState = request.app.state.sandbox
    refused = await _gate(request, operation)
    if refused is not None:
        return _error(state, operation, refused)
    try:
        body = await _json_body(request)
        gateway_check(operation, body)
    except SandboxError as err:
        return _error(state, operation, err)
    with state.lock:
        txn = state.submit(operation, body)
        drop = state.faults.drop_after_commit()
    if drop:
        return DroppedAnswer()
    return _answer(state, operation, 202, {"payload": {"transactionId": txn.transaction_id}})


def _read_endpoint(operation: str) -> Callable[[Request], Awaitable[Response]]:
    reader = READERS[operation]

    async def read(request: Request) -> Response:
        path = {**request.path_params, BASE_URL: str(request.base_url).rstrip("/")}
        return await _read(request, operation, lambda state: reader(state, path, dict(request.query_params)))

    return read


def _body_read_endpoint(operation: str) -> Callable[[Request], Awaitable[Response]]:
    """A POST answered 202 with something of its own (createReport's ``reportId``), not a transaction."""
    reader = BODY_READERS[operation]

    async def read(request: Request) -> Response:
        try:
            body = await _json_body(request)
        except SandboxError as err:
            return _error(request.app.state.sandbox, operation, err)
        return await _read(request, operation, lambda state: reader(state, body), status=202)

    return read


def _submit_endpoint(operation: str) -> Callable[[Request], Awaitable[Response]]:
    async def submit(request: Request) -> Response:
        return await _submit(request, operation)

    return submit


def _add_spapi_routes(api: FastAPI) -> None:
    """A route per registered operation; one without a behaviour here stops the sandbox starting, naming it."""
    for op in spapi.operations():
        behaviours: Collection[str]
        if op.answers_with_transaction:
            behaviours, where, endpoint = SUBMISSIONS.keys(), "submissions.OPERATIONS", _submit_endpoint
        elif op.is_submission:
            behaviours, where, endpoint = BODY_READERS.keys(), "readers.BODY_READERS", _body_read_endpoint
        else:
            behaviours, where, endpoint = READERS.keys(), "readers.READERS", _read_endpoint
        if op.name not in behaviours:
            raise LookupError(f"the sandbox has no behaviour for {op.name} ({op.method} {op.path}); add it to {where}")
        api.add_api_route(op.path, endpoint(op.name), methods=[op.method], name=op.name)


def _add_report_document_route(api: FastAPI) -> None:
    """The report documents' download, like Amazon's pre-signed S3 URLs: no access token, no usage plan."""
    @api.get(DOCUMENT_PATH)
    async def report_document(request: Request, reportDocumentId: str) -> Response:
        state: SandboxState = request.app.state.sandbox
        try:
            content, compressed = state.report_document(reportDocumentId)
        except SandboxError as err:
            return JSONResponse(err.body(), status_code=err.status)
        return Response(content, media_type="application/octet-stream" if compressed else "application/json")


def _add_lwa_route(api: FastAPI) -> None:
    @api.post("/auth/o2/token")
    async def token(request: Request) -> Response:
        state: SandboxState = request.app.state.sandbox
        raw = await request.body()
        form: dict[str, str]
        if "json" in request.headers.get("content-type", ""):
            try:
                loaded = json.loads(raw or b"{}")
            except ValueError:
                loaded = {}
            form = {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}
        else:
            form = dict(parse_qsl(raw.decode("utf-8", "replace")))
        with state.lock:
            status, body = state.tokens.grant(form)
        return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def build_app(state: SandboxState) -> ASGIApp:
    """The sandbox as an ASGI app (serve it with uvicorn, or mount it in an httpx ASGI transport)."""
    api = FastAPI(title="Acorn sandbox (simulated Vendor Central)", docs_url=None, redoc_url=None,
                  openapi_url=None)
    api.state.sandbox = state

    @api.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "NotFound", 405: "InvalidInput"}.get(exc.status_code, "InvalidInput")
        return JSONResponse({"errors": [{"code": code, "message": str(exc.detail), "details": request.url.path}]},
                            status_code=exc.status_code, headers={"x-amzn-RequestId": str(uuid.uuid4())})

    _add_spapi_routes(api)
    _add_report_document_route(api)
    _add_lwa_route(api)
    api.include_router(operator_router)
    return _KeepRawSend(api)

