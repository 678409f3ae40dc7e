"""Fixtures for the sandbox tests: a real server on loopback and a vendor-side helper.

Every SP-API answer a test receives through ``vendor.http`` is checked against Amazon's
model for that operation and status (structure, formats, the Decimal pattern), so every
test is also a conformance test of the sandbox's responses.
"""

from __future__ import annotations

import copy
import re
import ssl
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from acorn import contract, spapi
from acorn.sandbox import SandboxConfig, SandboxServer
from acorn.sandbox.gs1 import check_digit
from acorn.sandbox.schema_checks import _validator


def _route(path: str) -> re.Pattern[str]:
    """A registered path as a pattern: ``{transactionId}`` matches one path segment."""
    return re.compile("^" + "[^/]+".join(map(re.escape, re.split(r"\{[^/]+\}", path))) + "$")


#: (method, path pattern, api, operationId) of every registered operation
OPERATIONS: list[tuple[str, re.Pattern[str], str, str]] = [
    (op.method, _route(op.path), op.api, op.name) for op in spapi.operations()]


def model_problems(response: httpx.Response) -> list[str]:
    """Why an SP-API answer breaks Amazon's model for its operation and status (empty when it conforms)."""
    path, method = response.request.url.path, response.request.method
    for m, pattern, api, operation in OPERATIONS:  # noqa: B007 - api and operation are read after the break
        if m == method and pattern.match(path):
            break
    else:
        return []
    problems = []
    if "x-amzn-RequestId" not in response.headers:
        problems.append("no x-amzn-RequestId header")
    definition = contract.response_definition(api, operation, str(response.status_code))
    if definition is None:
        return [*problems, f"{operation} has no {response.status_code} response in the model"]
    body = response.json()
    # the model's definitions plus what they state as formats (date-time, the Decimal pattern): a superset
    # of contract.problems(api, definition, body), which the official model alone would check
    strict = _validator(api, definition, True)
    problems += [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in strict.iter_errors(body)]
    declared = contract.model(api)
    for ops in declared["paths"].values():
        for op in ops.values():
            if isinstance(op, dict) and op.get("operationId") == operation:
                headers = op["responses"][str(response.status_code)].get("headers", {})
                if "x-amzn-RateLimit-Limit" in headers and "x-amzn-RateLimit-Limit" not in response.headers:
                    problems.append("no x-amzn-RateLimit-Limit header")
    return problems


def _conforms(response: httpx.Response) -> None:
    response.read()
    problems = model_problems(response)
    if problems:
        raise AssertionError(f"{response.request.method} {response.request.url.path} -> {response.status_code} "
                             f"breaks the model: {problems}")


#: one TLS context for every client: building one per client loads the CA bundle (~16 ms) each time,
#: although the sandbox is plain HTTP on loopback
_TLS = ssl.create_default_context()


def sscc(serial: int, *, extension: str = "0", prefix: str = "0614141") -> str:
    body = f"{extension}{prefix}{serial:0{16 - len(prefix)}d}"
    return body + check_digit(body)


class Vendor:
    """The vendor's side of a session: an authenticated httpx client plus document builders."""

    def __init__(self, sb: SandboxServer) -> None:
        self.sb = sb
        self.http = httpx.Client(base_url=sb.base_url, timeout=10, verify=_TLS, event_hooks={"response": [_conforms]})
        self.refresh()
        self._serial = 0

    # ---- session ----------------------------------------------------------------------
    def refresh(self) -> str:
        cfg = self.sb.config
        r = self.http.post("/auth/o2/token", data={
            "grant_type": "refresh_token", "client_id": cfg.client_id,
            "client_secret": cfg.client_secret.get_secret_value(),
            "refresh_token": cfg.refresh_token.get_secret_value()})
        assert r.status_code == 200, r.text
        token = r.json()["access_token"]
        self.http.headers["x-amz-access-token"] = token
        return token

    def now(self) -> str:
        return self.http.get("/_sandbox/clock").json()["now"]

    def advance(self, seconds: float, *, refresh: bool = True) -> str:
        """Move the sandbox clock; by default log in again, as simulated time expires tokens."""
        r = self.http.post("/_sandbox/clock", json={"advance_seconds": seconds})
        assert r.status_code == 200, r.text
        if refresh:
            self.refresh()
        return r.json()["now"]

    def orders(self, **params: Any) -> list[dict[str, Any]]:
        """Every order of a search, following ``nextToken``."""
        found: list[dict[str, Any]] = []
        while True:
            r = self.http.get("/vendor/orders/v1/purchaseOrders", params=params)
            assert r.status_code == 200, r.text
            payload = r.json()["payload"]
            found += payload.get("orders", [])
            token = (payload.get("pagination") or {}).get("nextToken")
            if not token:
                return found
            params = {"nextToken": token}

    def order(self, number: str) -> dict[str, Any]:
        r = self.http.get(f"/vendor/orders/v1/purchaseOrders/{number}")
        assert r.status_code == 200, r.text
        return r.json()["payload"]

    def status(self, number: str) -> dict[str, Any]:
        r = self.http.get("/vendor/orders/v1/purchaseOrdersStatus", params={"purchaseOrderNumber": number})
        assert r.status_code == 200, r.text
        (found,) = r.json()["payload"]["ordersStatus"]
        return found

    def post(self, path: str, body: Any) -> httpx.Response:
        return self.http.post(path, json=body)

    def outcome(self, transaction_id: str, *, reads: int = 10) -> dict[str, Any]:
        for _ in range(reads):
            r = self.http.get(f"/vendor/transactions/v1/transactions/{transaction_id}")
            assert r.status_code == 200, r.text
            status = r.json()["payload"]["transactionStatus"]
            if status["status"] != "Processing":
                return status
        return status

    def submit(self, path: str, body: Any) -> dict[str, Any]:
        """POST, expect 202, and return the final transaction status."""
        r = self.post(path, body)
        assert r.status_code == 202, r.text
        return self.outcome(r.json()["payload"]["transactionId"])

    def ledger(self) -> dict[str, dict[str, dict[str, Any]]]:
        raw = self.http.get("/_sandbox/ledger").json()
        return {kind: {e["id"]: e for e in entries} for kind, entries in raw.items()}

    # ---- documents ----------------------------------------------------------------------
    def next_sscc(self) -> str:
        self._serial += 1
        return sscc(self._serial)

    def acknowledgement(self, order: dict[str, Any], *, accept: dict[str, int] | None = None,
                        when: str | None = None) -> dict[str, Any]:
        """Accept every line in full, or ``accept[seq]`` units (rest rejected); lines ordered 0 are left out."""
        d = copy.deepcopy(order["orderDetails"])
        items = []
        for it in d["items"]:
            ordered = it["orderedQuantity"]["amount"]
            accepted = ordered if accept is None else accept.get(it["itemSequenceNumber"], ordered)
            decisions = []
            if accepted:
                decisions.append({"acknowledgementCode": "Accepted",
                                  "acknowledgedQuantity": {"amount": accepted, "unitOfMeasure": "Eaches"}})
            if ordered - accepted > 0:
                decisions.append({"acknowledgementCode": "Rejected", "rejectionReason": "TemporarilyUnavailable",
                                  "acknowledgedQuantity": {"amount": ordered - accepted, "unitOfMeasure": "Eaches"}})
            if not decisions:
                continue  # a line Amazon cancelled (ordered 0): left out, as a decision of 0 units is refused
            items.append({"itemSequenceNumber": it["itemSequenceNumber"],
                          "amazonProductIdentifier": it["amazonProductIdentifier"],
                          "vendorProductIdentifier": it["vendorProductIdentifier"],
                          "orderedQuantity": it["orderedQuantity"], "netCost": it["netCost"],
                          "itemAcknowledgements": decisions})
        return {"acknowledgements": [{"purchaseOrderNumber": order["purchaseOrderNumber"],
                                      "sellingParty": d["sellingParty"], "acknowledgementDate": when or self.now(),
                                      "items": items}]}

    def shipment(self, order: dict[str, Any], shipment_id: str, *, quantities: dict[str, int] | None = None,
                 shipped: str | None = None, delivery: str | None = None, kind: str = "Original",
                 carrier: bool = True, ssccs: list[str] | None = None) -> dict[str, Any]:
        """One carton per line, each with a fresh SSCC (or ``ssccs``), quantities default to ordered."""
        d = copy.deepcopy(order["orderDetails"])
        now = self.now()
        items, cartons = [], []
        for it in d["items"]:
            qty = it["orderedQuantity"]["amount"] if quantities is None else quantities.get(it["itemSequenceNumber"], 0)
            if qty == 0:
                continue
            ref = f"{len(items) + 1:03d}"
            items.append({"itemSequenceNumber": ref, "amazonProductIdentifier": it["amazonProductIdentifier"],
                          "vendorProductIdentifier": it["vendorProductIdentifier"],
                          "shippedQuantity": {"amount": qty, "unitOfMeasure": "Eaches", "unitSize": 1},
                          "itemDetails": {"purchaseOrderNumber": order["purchaseOrderNumber"]}})
            label = ssccs[len(cartons)] if ssccs else self.next_sscc()
            cartons.append({"cartonIdentifiers": [{"containerIdentificationType": "SSCC",
                                                   "containerIdentificationNumber": label}],
                            "cartonSequenceNumber": ref,
                            "items": [{"itemReference": ref,
                                       "shippedQuantity": {"amount": qty, "unitOfMeasure": "Eaches"}}]})
        conf: dict[str, Any] = {
            "shipmentIdentifier": shipment_id, "shipmentConfirmationType": kind, "shipmentType": "LessThanTruckLoad",
            "shipmentStructure": "LooseAssortmentCase", "shipmentConfirmationDate": now, "shippedDate": shipped or now,
            "estimatedDeliveryDate": delivery or now, "sellingParty": d["sellingParty"],
            "shipFromParty": {"partyId": "ACRNWH1"}, "shipToParty": d["shipToParty"],
            "shipmentMeasurements": {"cartonCount": len(cartons)}, "shippedItems": items, "cartons": cartons}
        if carrier:
            conf["transportationDetails"] = {"carrierScac": "ABFS",
                                             "carrierShipmentReferenceNumber": f"PRO{shipment_id}",
                                             "transportationMode": "Road", "billOfLadingNumber": f"BOL{shipment_id}"}
        return {"shipmentConfirmations": [conf]}

    def invoice(self, order: dict[str, Any], invoice_id: str, *, quantities: dict[str, int] | None = None,
                when: str | None = None, net_days: int | None = None) -> dict[str, Any]:
        d = copy.deepcopy(order["orderDetails"])
        items, total, currency = [], Decimal("0"), None
        for it in d["items"]:
            qty = it["orderedQuantity"]["amount"] if quantities is None else quantities.get(it["itemSequenceNumber"], 0)
            if qty == 0:
                continue
            currency = it["netCost"]["currencyCode"]
            total += qty * Decimal(it["netCost"]["amount"])
            items.append({"itemSequenceNumber": len(items) + 1,
                          "amazonProductIdentifier": it["amazonProductIdentifier"],
                          "vendorProductIdentifier": it["vendorProductIdentifier"],
                          "invoicedQuantity": {"amount": qty, "unitOfMeasure": "Eaches"},
                          "netCost": it["netCost"], "purchaseOrderNumber": order["purchaseOrderNumber"]})
        invoice: dict[str, Any] = {"invoiceType": "Invoice", "id": invoice_id, "date": when or self.now(),
                                   "remitToParty": {"partyId": d["sellingParty"]["partyId"]},
                                   "billToParty": {"partyId": d["billToParty"]["partyId"]},
                                   "invoiceTotal": {"amount": str(total), "currencyCode": currency}, "items": items}
        if net_days is not None:
            invoice["paymentTerms"] = {"type": "Basic", "netDueDays": net_days}
        return {"invoices": [invoice]}


def start(config: SandboxConfig | None = None) -> SandboxServer:
    return SandboxServer(config or SandboxConfig(seed=7), host="127.0.0.1", port=0).start()


DEFAULT_CONFIG = SandboxConfig(seed=7, rate_scale=100.0)


@pytest.fixture(scope="session")
def _shared_sandbox() -> Iterator[SandboxServer]:
    server = start(DEFAULT_CONFIG)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sb(_shared_sandbox: SandboxServer) -> SandboxServer:
    """The default sandbox (seed 7, rate x100), reset to its start for each test (faults cleared too)."""
    _shared_sandbox.state.reset()
    return _shared_sandbox


@pytest.fixture
def vendor(sb: SandboxServer) -> Iterator[Vendor]:
    v = Vendor(sb)
    try:
        yield v
    finally:
        v.http.close()


@pytest.fixture
def us_order(vendor: Vendor) -> dict[str, Any]:
    """An unchanged US order with at least three lines, created before the start clock."""
    for order in vendor.orders(orderingVendorCode="ACRNUS", sortOrder="ASC"):
        d = order["orderDetails"]
        if "purchaseOrderChangedDate" not in d and len(d["items"]) >= 3:
            return order
    raise AssertionError("seed 7 has no unchanged multi-line US order")


def wait_until(predicate: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


@pytest.fixture(scope="session")
def _sandbox_pool() -> Iterator[dict[SandboxConfig, SandboxServer]]:
    """Servers by config, started once per session (stopping uvicorn costs ~0.2 s each)."""
    pool: dict[SandboxConfig, SandboxServer] = {}
    try:
        yield pool
    finally:
        for server in pool.values():
            server.request_stop()
        for server in pool.values():
            server.stop()


@pytest.fixture
def make_sandbox(_sandbox_pool: dict[SandboxConfig, SandboxServer]) -> Iterator[Any]:
    """Factory: ``make_sandbox(config)`` → ``(SandboxServer, Vendor)`` in the seed's start state.

    Servers are pooled by config and reset on each call, so a second call with the same config
    starts that sandbox over (what a test comparing two runs of one seed wants).
    """
    clients: list[Vendor] = []

    def factory(config: SandboxConfig | None = None) -> tuple[SandboxServer, Vendor]:
        config = config or DEFAULT_CONFIG
        server = _sandbox_pool.get(config)
        if server is None:
            server = _sandbox_pool[config] = start(config)
        server.state.reset()
        v = Vendor(server)
        clients.append(v)
        return server, v

    yield factory
    for v in clients:
        v.http.close()


@pytest.fixture(name="sscc")
def sscc_fixture() -> Any:
    """``sscc(serial, extension="0", prefix="0614141")`` → a valid SSCC-18."""
    return sscc


@pytest.fixture(name="model_problems")
def model_problems_fixture() -> Any:
    """The checker every SP-API answer goes through (exposed so its own test can feed it bad answers)."""
    return model_problems
