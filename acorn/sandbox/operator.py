"""Operator endpoints under ``/_sandbox/`` (not SP-API): clock, tokens, faults, ledger, remittances, reset.

Shapes are fixed so outside tools can drive the sandbox:

* ``GET /_sandbox/clock`` → ``{"now": "<ISO-8601 UTC>", "mode": "manual" | "realtime" | "speed=N"}``;
  ``POST /_sandbox/clock`` with ``{"advance_seconds": N}`` or ``{"set": "<ISO-8601>"}`` → the new
  ``{"now": ...}`` (forward only; in a flowing mode time keeps flowing from there).
* ``POST /_sandbox/tokens/expire`` with ``{}`` (every access token) or ``{"accessTokens": bool,
  "nextTokens": bool}`` (defaults true, false) → ``{"accessTokens": n, "nextTokens": m}``, how many
  live tokens were expired: the next call with one gets 403 "expired" / 400 ``nextToken``.
* ``POST /_sandbox/faults`` with any of ``throttle_rate, error_rate, latency_ms,
  drop_after_commit_rate, stuck_processing_rate, missing_receiving_status_rate`` (``{}``
  clears) → the settings in force; ``GET`` reads them.
* ``GET /_sandbox/ledger`` → ``{"acknowledgements": [...], "shipmentConfirmations": [...],
  "invoices": [...], "shipments": [...]}`` (``shipments``: SubmitShipments routing requests), entries
  with ``id, submissions, accepted, status`` (and more;
  acknowledgements add ``acknowledgementDeadline`` and ``late``, ASNs ``late`` and their dates).
* ``GET /_sandbox/remittances?month=YYYY-MM`` → CSV (``acorn.sandbox.remittance``).
* ``GET /_sandbox/requests`` → ``{"<operationId>": n, ...}``: the SP-API requests received per
  operation since the start (or the last reset), every attempt counted, whatever the answer.
* ``POST /_sandbox/reset`` → back to the seed's start; answers ``{"now": ...}``.
* ``POST /_sandbox/purchaseOrders`` with ``{"orders": [<SP-API Order>, ...]}`` or
  ``{"scenario": "official-examples"}`` → ``{"loaded": n}``: extra orders for a rehearsal. Orders
  the sandbox cannot hold are refused all together, 400 with one error per field
  (``acorn.sandbox.order_checks``).
* ``POST /_sandbox/scenario`` with ``{"name": "official-examples"}`` → ``{"name", "loaded": n,
  "steps": [...]}``: loads the orders of Amazon's examples, turns examples mode on and answers the
  plan (``acorn.sandbox.official_examples``); with ``{"name": ..., "step": k}`` → ``{"now", "step"}``:
  moves the clock to step k's moment (forward only) and makes the order replacements due by then.
  ``GET /_sandbox/scenario?name=official-examples`` → the plan alone.
* ``POST /_sandbox/rawPurchaseOrders`` with ``{"orders": [<SP-API Order>, ...]}`` →
  ``{"stored": n, "replaced": [<number>, ...]}``: orders kept as given, poison included (a
  repeated ``itemSequenceNumber``, an amount of 1e20 or 2.5, an empty number, currency
  "XXX", no items), served by getPurchaseOrders / getPurchaseOrder in their creation (and,
  with ``purchaseOrderChangedDate``, change) window. An order whose number the sandbox
  already knows is replaced: that is how a test plays "Amazon changed the PO".

Errors answer 400 with ``{"errors": [{code, message, details}]}`` like SP-API does.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from acorn.sandbox import official_examples, raw_orders
from acorn.sandbox.errors import ClockError, SandboxError
from acorn.sandbox.faults import FaultSettings
from acorn.sandbox.order_checks import order_errors
from acorn.sandbox.scenarios import orders_from_wire
from acorn.sandbox.state import SandboxState
from acorn.sandbox.timefmt import iso, parse_iso

router = APIRouter(prefix="/_sandbox")


def _bad(message: str, details: str = "") -> JSONResponse:
    return JSONResponse({"errors": [{"code": "InvalidInput", "message": message, "details": details}]},
                        status_code=400)


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    return json.loads(raw) if raw.strip() else {}


def _state(request: Request) -> SandboxState:
    return request.app.state.sandbox


@router.get("/clock")
async def read_clock(request: Request) -> Response:
    state = _state(request)
    return JSONResponse({"now": iso(state.now()), "mode": state.clock_mode})


@router.post("/clock")
async def move_clock(request: Request) -> Response:
    state = _state(request)
    try:
        body = await _json_body(request)
        if not isinstance(body, dict) or len({"advance_seconds", "set"} & body.keys()) != 1:
            return _bad('send exactly one of {"advance_seconds": N} or {"set": "<ISO-8601>"}', "(body)")
        if "advance_seconds" in body:
            seconds = body["advance_seconds"]
            if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
                return _bad("advance_seconds must be a number of seconds", "advance_seconds")
            now = state.advance(float(seconds))
        else:
            now = state.set_now(parse_iso(body["set"]))
    except ClockError as exc:
        return _bad(str(exc), "set" if "set" in body else "advance_seconds")
    except (ValueError, OverflowError) as exc:
        return _bad(str(exc), "(body)")
    return JSONResponse({"now": iso(now)})


_EXPIRE_KEYS = {"accessTokens": True, "nextTokens": False}


@router.post("/tokens/expire")
async def expire_tokens(request: Request) -> Response:
    try:
        body = await _json_body(request)
    except ValueError as exc:
        return _bad(str(exc), "(body)")
    if not isinstance(body, dict) or body.keys() - _EXPIRE_KEYS.keys():
        return _bad('send {} or {"accessTokens": true|false, "nextTokens": true|false}', "(body)")
    for key, value in body.items():
        if not isinstance(value, bool):
            return _bad(f"{key} must be true or false", key)
    chosen = {**_EXPIRE_KEYS, **body}
    expired = _state(request).expire_tokens(access_tokens=chosen["accessTokens"], next_tokens=chosen["nextTokens"])
    return JSONResponse(expired)


@router.get("/faults")
async def read_faults(request: Request) -> Response:
    return JSONResponse(_state(request).faults.settings.model_dump(mode="json"))


@router.post("/faults")
async def set_faults(request: Request) -> Response:
    try:
        settings = FaultSettings.model_validate(await _json_body(request))
    except ValueError as exc:
        if isinstance(exc, ValidationError):
            first = exc.errors()[0]
            return _bad(f"{'.'.join(map(str, first['loc']))}: {first['msg']}", ".".join(map(str, first["loc"])))
        return _bad(str(exc), "(body)")
    _state(request).configure_faults(settings)
    return JSONResponse(settings.model_dump(mode="json"))


@router.get("/ledger")
async def ledger(request: Request) -> Response:
    return JSONResponse(_state(request).ledger_snapshot())


@router.get("/requests")
async def requests_received(request: Request) -> Response:
    state = _state(request)
    with state.lock:
        return JSONResponse(dict(sorted(state.requests.items())))


@router.get("/remittances")
async def remittances(request: Request, month: str = "") -> Response:
    try:
        text = _state(request).remittance_csv(month)
    except SandboxError as exc:
        return JSONResponse(exc.body(), status_code=exc.status)
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="remittance-{month}.csv"'})


@router.post("/reset")
async def reset(request: Request) -> Response:
    state = _state(request)
    state.reset()
    return JSONResponse({"now": iso(state.now())})


@router.post("/purchaseOrders")
async def load_orders(request: Request) -> Response:
    try:
        body = await _json_body(request)
        if body.get("scenario") == official_examples.SCENARIO:  # the orders and examples mode, as /scenario
            return JSONResponse({"loaded": official_examples.load(_state(request))})
        elif isinstance(body.get("orders"), list):
            orders = body["orders"]
            # refuse what the sandbox cannot hold, naming each field, before any order is built
            errors = order_errors(orders, known_numbers=_state(request).book.by_number)
            if errors:
                return JSONResponse({"errors": errors}, status_code=400)
        else:
            return _bad('send {"orders": [<SP-API Order>, ...]} or {"scenario": "official-examples"}', "(body)")
        _state(request).add_orders(orders_from_wire(orders))
    except (ValueError, KeyError, TypeError, AttributeError, ArithmeticError) as exc:
        return _bad(f"cannot load these orders: {exc}", "orders")
    return JSONResponse({"loaded": len(orders)})


def _scenario_name(name: Any) -> JSONResponse | None:
    if name != official_examples.SCENARIO:
        return _bad(f'unknown scenario {name!r}; the sandbox has "{official_examples.SCENARIO}"', "name")
    return None


@router.get("/scenario")
async def scenario_plan(request: Request, name: str = "") -> Response:
    unknown = _scenario_name(name)
    if unknown is not None:
        return unknown
    return JSONResponse({"name": name, "start": iso(official_examples.start_moment()),
                         "steps": [step.to_json() for step in official_examples.plan()]})


@router.post("/scenario")
async def run_scenario(request: Request) -> Response:
    """Load the official-examples scenario (answering its plan), or go to one of its steps."""
    state, body = _state(request), None
    try:
        body = await _json_body(request)
        if not isinstance(body, dict):
            return _bad('send {"name": "official-examples"} or {"name": "official-examples", "step": k}', "(body)")
        unknown = _scenario_name(body.get("name"))
        if unknown is not None:
            return unknown
        if "step" in body:
            step = official_examples.go_to(state, body["step"])
            return JSONResponse({"now": iso(state.now()), "step": step.to_json()})
        loaded = official_examples.load(state)
    except ValueError as exc:  # ScenarioError, ClockError, a body that is not JSON
        return _bad(str(exc), "step" if isinstance(body, dict) and "step" in body else "name")
    return JSONResponse({"name": official_examples.SCENARIO, "loaded": loaded,
                         "start": iso(official_examples.start_moment()),
                         "steps": [step.to_json() for step in official_examples.plan()]})


@router.post("/rawPurchaseOrders")
async def store_raw_orders(request: Request) -> Response:
    try:
        body = await _json_body(request)
        if not isinstance(body, dict) or not isinstance(body.get("orders"), list):
            return _bad('send {"orders": [<SP-API Order>, ...]}', "(body)")
        replaced = raw_orders.store_raw_orders(_state(request), body["orders"])
    except raw_orders.RawOrdersRefused as exc:
        return _bad(str(exc), "orders")
    return JSONResponse({"stored": len(body["orders"]), "replaced": replaced})
