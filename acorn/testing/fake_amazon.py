"""``FakeAmazon``: Amazon for the fast tests, answering with the sandbox's rules and no HTTP.

It is the real :class:`~acorn.spapi.SpApiClient` (7-day windows, paging, query names, the
strict check of every outgoing submission, parsing into ``schemas.spapi`` models) with one
part swapped: the sender. The real one speaks HTTP (LWA token, usage plans, retries); this one
calls the :class:`~acorn.sandbox.state.SandboxState` through the readers and submission steps
the sandbox's HTTP routes call (``acorn/sandbox/readers.py``, ``submissions.py``), so a test
sees the sandbox's orders, rules and transaction errors in microseconds, and a sandbox error
surfaces as the client's typed exception.

Time is the sandbox's clock, standing still until a test moves it (:meth:`FakeAmazon.advance`,
:meth:`FakeAmazon.set_now`). A transaction is done at its first read by default (the sandbox's
``instant`` processing with no Processing polls); give a ``SandboxConfig`` with
``processing_polls`` or ``processing="realistic"`` to see ``Processing`` until the reads or the
simulated time have passed.

Faults (:meth:`FakeAmazon.faults`, the sandbox's own settings): ``drop_after_commit_rate``
applies the POST and raises ``SubmissionOutcomeUnknown`` as the client does on a lost answer;
``stuck_processing_rate`` and ``missing_receiving_status_rate`` act inside the sandbox;
``throttle_rate`` / ``error_rate`` raise what the client raises once its retries are spent
(``ThrottledError`` / ``ServerError``), since the fake does not retry. Latency is not simulated.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx

from acorn.sandbox.config import DEFAULT_CREDENTIALS, SandboxConfig
from acorn.sandbox.errors import SandboxError
from acorn.sandbox.faults import FaultSettings
from acorn.sandbox.raw_orders import store_raw_orders
from acorn.sandbox.readers import BODY_READERS, READERS
from acorn.sandbox.state import SandboxState
from acorn.sandbox.submissions import gateway_check
from acorn.spapi import LwaCredentials, SpApiClient, SubmissionOutcomeUnknown
from acorn.spapi import _operations as ops
from acorn.spapi._sender import http_error


def _refuse_network(request: httpx.Request) -> httpx.Response:
    raise RuntimeError(f"FakeAmazon never uses the network (asked for {request.method} {request.url})")


class _SandboxWire:
    """Stands where the client's ``Sender`` stands: one operation in, (JSON body, request id) out."""

    def __init__(self, state: SandboxState, client: SpApiClient) -> None:
        self.state = state
        self.stats = client.stats

    def call(self, op: ops.Operation, *, path_params: dict[str, str] | None = None,
             params: dict[str, str] | None = None, body: dict[str, Any] | None = None) -> tuple[Any, str | None]:
        request_id = str(uuid.uuid4())
        self.stats.record(op.name, requests=1)
        try:
            self._gate(op.name)
            if op.answers_with_transaction:
                return self._submit(op.name, body, request_id), request_id
            if op.name in BODY_READERS:
                return BODY_READERS[op.name](self.state, json.loads(json.dumps(body))), request_id
            return READERS[op.name](self.state, path_params or {}, params or {}), request_id
        except SandboxError as err:
            self.stats.record(op.name, failures=1)
            raise http_error(op.name, err.status, err.errors, request_id=request_id) from None

    def _gate(self, operation: str) -> None:
        """The injected faults of the sandbox's gate; tokens and usage plans are the network's, not here."""
        with self.state.lock:
            self.state.requests[operation] += 1
        if (refused := self.state.injected_refusal()) is not None:
            raise refused

    def _submit(self, operation: str, body: dict[str, Any] | None, request_id: str) -> dict[str, Any]:
        received = json.loads(json.dumps(body))  # Amazon gets a copy: the caller's dict stays the caller's
        gateway_check(operation, received)
        with self.state.lock:
            txn = self.state.submit(operation, received)
            dropped = self.state.faults.drop_after_commit()
        if dropped:
            raise SubmissionOutcomeUnknown("sent, but no answer came back (the fake dropped it); check the "
                                           "transaction or purchase order before sending again",
                                           operation=operation, request_id=request_id)
        return {"payload": {"transactionId": txn.transaction_id}}


class FakeAmazon(SpApiClient):
    """The SP-API client over a sandbox held in memory: ``FakeAmazon()`` or ``FakeAmazon(SandboxConfig(seed=3))``.

    ``state`` is the live sandbox (orders, ledger, clock) for a test to inspect or arrange,
    holding ``state.lock`` while it walks several objects.
    """

    def __init__(self, config: SandboxConfig | None = None, *, state: SandboxState | None = None) -> None:
        if config is not None and state is not None:
            raise ValueError("give a config or a state, not both")
        self.state = state or SandboxState(config or SandboxConfig(processing_polls=0))
        credentials = LwaCredentials(**DEFAULT_CREDENTIALS)  # type: ignore[arg-type]
        super().__init__("http://127.0.0.1", credentials=credentials, transport=httpx.MockTransport(_refuse_network))
        self._sender = _SandboxWire(self.state, self)  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"FakeAmazon({self.state!r})"

    # ---- time --------------------------------------------------------------------------------
    def now(self) -> datetime:
        """Amazon's present moment (the sandbox clock)."""
        return self.state.now()

    def advance(self, delta: timedelta) -> datetime:
        """Move Amazon's clock forward: orders of the new hours appear, transactions finish, goods arrive."""
        return self.state.advance(delta.total_seconds())

    def set_now(self, moment: datetime) -> datetime:
        """Move Amazon's clock forward to ``moment`` (never back)."""
        return self.state.set_now(moment)

    # ---- what an operator of the sandbox sees and sets ---------------------------------------
    def faults(self, **settings: Any) -> None:
        """Inject the sandbox's faults (``drop_after_commit_rate=1.0``, ...); no arguments clears them."""
        self.state.configure_faults(FaultSettings(**settings))

    def serve_raw_orders(self, *orders: dict[str, Any]) -> list[str]:
        """Serve SP-API orders exactly as given, poison included; the numbers they replaced (Amazon changed them)."""
        return store_raw_orders(self.state, list(orders))

    def ledger(self) -> dict[str, list[dict[str, Any]]]:
        """Everything Amazon received, by kind (``acknowledgements``, ``shipmentConfirmations``, ...)."""
        return self.state.ledger_snapshot()

    def ledger_entry(self, kind: str, business_id: str) -> dict[str, Any]:
        """One document's line in the ledger: ``submissions``, ``accepted``, error codes."""
        return next(e for e in self.ledger()[kind] if e["id"] == business_id)

    def requests(self) -> dict[str, int]:
        """SP-API calls received, by operationId."""
        with self.state.lock:
            return dict(self.state.requests)
