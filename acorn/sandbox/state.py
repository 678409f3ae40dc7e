"""The live simulator: one object holding the clock, the orders and everything accepted.

The HTTP app calls it from uvicorn's event-loop thread; tests read it from theirs. Every
public method takes ``lock`` (re-entrant), and a test that walks several objects at once
should hold it too: ``with sb.state.lock: ...``.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from acorn.sandbox.auth import SandboxCredential, TokenIssuer
from acorn.sandbox.catalogue import CatalogueItem, catalogue
from acorn.sandbox.clock import SandboxClock, parse_clock_mode, start_of
from acorn.sandbox.config import SandboxConfig
from acorn.sandbox.errors import NotFound, SandboxError, injected_server_error, quota_exceeded
from acorn.sandbox.faults import Faults, FaultSettings
from acorn.sandbox.generator import OrderGenerator, OrderPolicy
from acorn.sandbox.labels import shipment_labels
from acorn.sandbox.ledger import Ledger
from acorn.sandbox.orderbook import OrderBook
from acorn.sandbox.orders import OrderLine, PurchaseOrder
from acorn.sandbox.paging import PageTokens
from acorn.sandbox.queries import check_purchase_order_number, parse_orders_query, parse_status_query, search
from acorn.sandbox.ratelimit import RateLimiter
from acorn.sandbox.records import Registry
from acorn.sandbox.remittance import remittance_rows, to_csv
from acorn.sandbox.render import order_json, status_json
from acorn.sandbox.reports import ReportBook, document_answer, document_bytes, read_specification
from acorn.sandbox.settlement import Settlement, record_found_units, settle
from acorn.sandbox.shipment_queries import shipment_details
from acorn.sandbox.submissions import process
from acorn.sandbox.transactions import Transaction, TransactionBook


class SandboxState:
    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self.lock = threading.RLock()
        self._build()

    def __repr__(self) -> str:
        return f"SandboxState(seed={self.config.seed}, now={self.clock.now().isoformat()})"

    def _build(self) -> None:
        cfg = self.config
        self.clock = SandboxClock(cfg.clock_start or start_of(cfg.seed), mode=parse_clock_mode(cfg.clock))
        self.catalogue: list[CatalogueItem] = catalogue(cfg.seed)
        generator = OrderGenerator(seed=cfg.seed, pos_per_day=cfg.pos_per_day, items=self.catalogue,
                                   policy=OrderPolicy.from_config(cfg))
        self.book = OrderBook(generator, (self.clock.start - timedelta(days=cfg.history_days)).date())
        self.registry = Registry()
        self._settlements: list[Settlement] = []
        self._unsettled = False
        self.ledger = Ledger()
        self.transactions = TransactionBook(cfg.seed, cfg.processing_polls, cfg.processing, sim_now=self.now)
        self.faults = Faults(cfg.seed)
        self.reports = ReportBook(cfg.seed)
        #: SP-API requests received, by operationId, whatever they were answered (``GET /_sandbox/requests``)
        self.requests: Counter[str] = Counter()
        self.page_tokens = PageTokens(cfg.next_token_lifetime_seconds)
        self.examples_mode = False  # the official-examples scenario's relaxed windows (official_examples.py)
        self.limiter = RateLimiter(cfg.rate_scale)
        primary = SandboxCredential(client_id=cfg.client_id, client_secret=cfg.client_secret,
                                    refresh_token=cfg.refresh_token)
        self.tokens = TokenIssuer([primary, *cfg.more_credentials], lifetime=cfg.access_token_lifetime_seconds)
        self.now()

    def injected_refusal(self) -> SandboxError | None:
        """The gate's injected faults, after tokens and usage plans: a throttle, or a 500/503."""
        with self.lock:
            if self.faults.throttle():
                return quota_exceeded()
            status = self.faults.server_error()
        return None if status is None else injected_server_error(status)

    def reset(self) -> None:
        """Back to the seed's start: clock, orders, ledger, faults, request counts, tokens and rate buckets."""
        with self.lock:
            self._build()

    # ---- clock ---------------------------------------------------------------------------
    def now(self) -> datetime:
        """The simulated moment, with every order placed up to it generated.

        The one way to read simulated time: in ``realtime`` / ``speed=N`` the clock moves with no
        operator call, so whatever reads it must also let the orders of a new day appear. Read it
        once per request and pass the moment down, so one answer sees one moment.
        """
        with self.lock:
            now = self.clock.now()
            self.book.ensure(now)
            return now

    @property
    def clock_mode(self) -> str:
        """``manual``, ``realtime`` or ``speed=N``."""
        return self.clock.mode.name

    def advance(self, seconds: float) -> datetime:
        with self.lock:
            self.clock.advance(seconds)
            return self.now()

    def set_now(self, moment: datetime) -> datetime:
        with self.lock:
            self.clock.set(moment)
            return self.now()

    # ---- SP-API reads --------------------------------------------------------------------
    def get_purchase_orders(self, params: dict[str, str]) -> dict[str, Any]:
        with self.lock:
            now = self.now()
            query, cursor = parse_orders_query(params, now, self.page_tokens, examples_mode=self.examples_mode)
            page, token = search(self.book, query, now, cursor, self.page_tokens)
            payload: dict[str, Any] = {}
            if token:
                payload["pagination"] = {"nextToken": token}
            payload["orders"] = [order_json(po, now, details=query.include_details) for po in page]
            return {"payload": payload}

    def get_purchase_order(self, number: str) -> dict[str, Any]:
        check_purchase_order_number(number)
        with self.lock:
            now = self.now()
            po = self.book.get(number, now)
            if po is None:
                raise NotFound(f"Purchase order {number} was not found.", details=f"purchaseOrderNumber: {number}")
            return {"payload": order_json(po, now)}

    def get_shipment_details(self, params: dict[str, str]) -> dict[str, Any]:
        with self.lock:
            return shipment_details(self.registry, params, self.now(), self.page_tokens)

    def get_shipment_labels(self, params: dict[str, str]) -> dict[str, Any]:
        with self.lock:
            return shipment_labels(self.registry, params, self.now(), self.page_tokens)

    def get_purchase_orders_status(self, params: dict[str, str]) -> dict[str, Any]:
        with self.lock:
            self.settlements()  # units found later count as received (also for itemReceiveStatus)
            now = self.now()
            number = params.get("purchaseOrderNumber")
            if number and not params.get("nextToken"):
                query, _ = parse_status_query(params, now, self.page_tokens)  # validates the other parameters
                po = self.book.get(number, now)
                page, token = ([po] if po is not None else []), None
            else:
                query, cursor = parse_status_query(params, now, self.page_tokens)
                page, token = search(self.book, query, now, cursor, self.page_tokens)

            def omit(_po: PurchaseOrder, _line: OrderLine) -> bool:
                return self.faults.omit_receiving()

            payload: dict[str, Any] = {}
            if token:
                payload["pagination"] = {"nextToken": token}
            payload["ordersStatus"] = [status_json(po, now, omit_receiving=omit) for po in page]
            return {"payload": payload}

    def get_transaction(self, transaction_id: str) -> dict[str, Any]:
        with self.lock:
            found = self.transactions.read(transaction_id)
            if found is None:
                raise NotFound(f"Transaction {transaction_id} was not found.",
                               details=f"transactionId: {transaction_id}")
            return {"payload": {"transactionStatus": found}}

    # ---- Reports API ------------------------------------------------------------------------
    def create_report(self, body: Any) -> dict[str, Any]:
        """createReport: the specification checked (400), the report's life decided; ``{"reportId"}``."""
        with self.lock:
            now = self.now()
            report = self.reports.create(read_specification(body, now), now, self.faults)
            return {"reportId": report.report_id}

    def get_report(self, report_id: str) -> dict[str, Any]:
        with self.lock:
            return self.reports.get(report_id).to_json(self.now())

    def get_report_document(self, document_id: str, base_url: str) -> dict[str, Any]:
        """Where a DONE report's document is, under ``base_url`` (the address the caller reached us at)."""
        with self.lock:
            return document_answer(self.reports.done_document(document_id, self.now()), base_url)

    def report_document(self, document_id: str) -> tuple[bytes, bool]:
        """A document's bytes as served, and whether they are gzip-compressed."""
        with self.lock:
            report = self.reports.done_document(document_id, self.now())
            return document_bytes(self, report), report.gzip

    # ---- SP-API writes -------------------------------------------------------------------
    def submit(self, operation: str, body: dict[str, Any]) -> Transaction:
        with self.lock:
            txn = process(self, operation, body)
            self._unsettled |= operation != "submitAcknowledgement"
            return txn

    def settlements(self) -> list[Settlement]:
        """Every invoice's payment, worked out again once invoices or deliveries have changed.

        Reading it also puts the units Amazon found back on their PO lines, so whatever shows
        receiving status must read it first.
        """
        with self.lock:
            if self._unsettled:
                cfg = self.config
                self._settlements = settle(self.registry, seed=cfg.seed, basis=cfg.payment_basis,
                                           reversal_rate=cfg.shortage_reversal_rate,
                                           reversal_days=cfg.reversal_days)
                record_found_units(self._settlements)
                self._unsettled = False
            return self._settlements

    # ---- operator --------------------------------------------------------------------------
    def configure_faults(self, settings: FaultSettings) -> None:
        with self.lock:
            self.faults.configure(settings)

    def expire_tokens(self, *, access_tokens: bool = True, next_tokens: bool = False) -> dict[str, int]:
        """Expire every live access token and/or ``nextToken`` now (tests of a client's renewal, which
        would otherwise wait an hour of real time); how many of each were expired."""
        with self.lock:
            return {"accessTokens": self.tokens.expire_all() if access_tokens else 0,
                    "nextTokens": self.page_tokens.expire_all() if next_tokens else 0}

    def ledger_snapshot(self) -> dict[str, list[dict[str, Any]]]:
        with self.lock:
            return self.ledger.snapshot()

    def remittance_csv(self, month: str) -> str:
        with self.lock:
            return to_csv(remittance_rows(self.settlements(), month, self.now()))

    def purchase_order(self, number: str) -> PurchaseOrder:
        """The live order object (tests: hold ``lock`` while reading it)."""
        with self.lock:
            self.settlements()  # units found later count as received
            po = self.book.by_number.get(number)
            if po is None:
                raise KeyError(f"no purchase order {number}")
            return po

    def visible_orders(self) -> list[PurchaseOrder]:
        """Every order created up to now, oldest first."""
        with self.lock:
            now = self.now()
            return [po for po in self.book.orders if po.created <= now]

    def add_orders(self, orders: list[PurchaseOrder]) -> None:
        """Add orders from a scenario; all or none (a number already known refuses the batch)."""
        with self.lock:
            numbers = [po.number for po in orders]
            clash = sorted({n for n in numbers if n in self.book.by_number or numbers.count(n) > 1})
            if clash:
                raise ValueError(f"purchase order(s) already exist: {', '.join(clash)}")
            for po in orders:
                self.book.add(po)
