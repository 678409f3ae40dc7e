"""A vendor's world for service and flow tests: the sandbox on loopback, a real SQLite store,
the demo ERP files loaded, and Acorn's runtime pointed at both."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from acorn import runtime
from acorn.config import AcornSettings, load_settings
from acorn.demo import DEMO_DATA, run_times
from acorn.services.ports import Units
from acorn.store.uow import units

US = "ACRNUS"


@dataclass
class World:
    sandbox: Any
    settings: AcornSettings
    operator: httpx.Client

    @property
    def db(self) -> str:
        return self.settings.resolved_database_url

    @property
    def units(self) -> Units:
        """The store as the services take it (``acorn.services.ports.Units``)."""
        return units(self.db)

    @property
    def client(self) -> Any:
        return runtime.current().client(self.settings.account(US))

    def clock(self) -> datetime:
        return datetime.fromisoformat(self.operator.get("/_sandbox/clock").json()["now"].replace("Z", "+00:00"))

    def set_clock(self, when: datetime) -> None:
        r = self.operator.post("/_sandbox/clock", json={"set": when.astimezone(UTC).isoformat()})
        r.raise_for_status()

    def faults(self, **faults: Any) -> None:
        self.operator.post("/_sandbox/faults", json=faults).raise_for_status()

    def requests(self) -> dict[str, int]:
        """SP-API requests the sandbox received, by operationId (every attempt)."""
        return self.operator.get("/_sandbox/requests").json()

    def ledger(self) -> dict[str, list[dict[str, Any]]]:
        return self.operator.get("/_sandbox/ledger").json()

    def ledger_entry(self, kind: str, business_id: str) -> dict[str, Any]:
        return next(e for e in self.ledger()[kind] if e["id"] == business_id)

    def run_times(self, days: int) -> list[datetime]:
        account = self.settings.account(US)
        return run_times(self.clock(), days, tz=ZoneInfo(account.ship_from_tz),
                         cutoff=self.settings.asn_policy.cutoff_local_time)


@pytest.fixture
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """Parametrize indirectly with a dict to change the sandbox (e.g. ``{"shortage_rate": 0.5}``).

    ``{"clock": "realtime", "clock_start": "now"}``: a sandbox on the wall clock, its start read
    as it starts (not when the test was collected), so sandbox time and the flows' wall-clock
    business time agree.
    """
    from acorn.erp import CsvErp
    from acorn.sandbox import SandboxConfig, SandboxServer
    from acorn.services.erp import load_erp
    from acorn.store import upgrade

    # rate_scale: the sandbox grants 20x Amazon's published rates and says so in
    # x-amzn-RateLimit-Limit, which the client follows (the benchmark measures real rates)
    options = dict(getattr(request, "param", {}))
    # "freight": "amazon" puts the US account on Amazon-arranged (collect) freight; "account": more of its settings
    us_settings = {"freight": options.pop("freight", "vendor"), **options.pop("account", {})}
    database_url = (request.getfixturevalue("postgres_url") if options.pop("database", "sqlite") == "postgres"
                    else f"sqlite:///{tmp_path / 'acorn.db'}")
    sandbox_options = {"seed": 0, "shortage_rate": 0.0, "damage_rate": 0.0, "rate_scale": 20.0, **options}
    if sandbox_options.get("clock_start") == "now":
        sandbox_options["clock_start"] = datetime.now(UTC)
    with SandboxServer(SandboxConfig(**sandbox_options), host="127.0.0.1", port=0) as sandbox:
        from acorn.config import DEFAULT_ACCOUNTS

        accounts = [a.model_copy(update=us_settings) if a.code == US else a for a in DEFAULT_ACCOUNTS]
        settings = load_settings(spapi_base_url=sandbox.base_url, database_url=database_url,
                                 home=tmp_path / ".acorn", transaction_stuck_minutes=60, receipt_alert_days=2,
                                 accounts=accounts)
        upgrade(settings.resolved_database_url)
        previous = runtime.install(runtime.Runtime(settings))
        operator = httpx.Client(base_url=sandbox.base_url, timeout=30)
        w = World(sandbox, settings, operator)
        load_erp(w.units, CsvErp(DEMO_DATA / "skus.csv", DEMO_DATA / "inventory.csv"), as_of=w.clock())
        try:
            yield w
        finally:
            operator.close()
            runtime.current().close()
            runtime.install(previous)


def departure_day(world: World) -> datetime:
    """Run the first day; return the run time of the first day a planned shipment leaves."""
    from acorn.store import UnitOfWork

    days = world.run_times(6)
    run_day(world, days[0])
    with UnitOfWork(world.db) as uow:
        shipment = uow.shipments.list(US, statuses=["planned"])[0]
    return next(d for d in days if d >= shipment.departure)


def cut_a_packed_line(world: World, as_of: datetime) -> tuple[str, str, str]:
    """Amazon cancels a line already packed on a shipment leaving by ``as_of``, an hour before the run.

    Returns (shipment, PO, item sequence).
    """
    from bisect import insort

    from acorn.sandbox.orders import PoChange
    from acorn.store import UnitOfWork

    with UnitOfWork(world.db) as uow:
        shipment = next(s for s in uow.shipments.list(US, statuses=["planned"]) if s.departure <= as_of)
        line = uow.shipments.lines(shipment)[0]
        shipment_id, po_number, sequence = shipment.shipment_identifier, line.po_number, line.item_sequence
    state = world.sandbox.state
    with state.lock:
        po = state.book.by_number[po_number]
        po.late_change = PoChange(at=as_of - timedelta(hours=1), new_amounts={sequence: 0})
        if po not in state.book.changed:
            insort(state.book.changed, po, key=lambda p: p.key)
    return shipment_id, po_number, sequence


def later(when: datetime, **delta: float) -> datetime:
    return when + timedelta(**delta)


def run_day(world: World, as_of: datetime, account_code: str = US) -> dict[str, Any]:
    """The daily stages as plain service calls (the flows add Prefect around the same calls)."""
    world.set_clock(as_of)
    return services_day(world.settings, world.client, as_of, account_code)


def services_day(settings: AcornSettings, client: Any, as_of: datetime, account_code: str = US) -> dict[str, Any]:
    """One day's stages for one account, then the invariant sweep, as the daily flow runs them."""
    from acorn.services import (
        acknowledge,
        asn_watch,
        asns,
        delivery,
        intake,
        invariants,
        invoices,
        receipts,
        routing,
        shipments,
    )

    db = units(settings.resolved_database_url)
    account = settings.account(account_code)
    stuck = timedelta(minutes=settings.transaction_stuck_minutes)
    lease = timedelta(seconds=settings.outbox_lease_seconds)
    out: dict[str, Any] = {"intake": intake.intake_purchase_orders(db, client, account, as_of=as_of)}
    out["ack"] = acknowledge.decide_and_queue(db, account, as_of=as_of)

    def deliver(kind: str) -> Any:
        return delivery.deliver(db, client, account_code=account_code, kind=kind, as_of=as_of, stuck_after=stuck,
                                lease=lease)

    out["ack_delivery"] = deliver("acknowledgement")
    docs = settings.resolved_documents_dir
    out["plan"] = shipments.plan_shipments(db, settings, account, as_of=as_of, documents_dir=docs)
    if account.freight == "amazon":  # route with Amazon, then read back the carriers it assigned
        out["routing_delivery"] = deliver("routing_request")
        out["carriers"] = routing.follow_carriers(db, client, settings, account, as_of=as_of, documents_dir=docs)
    out["asns"] = asns.queue_asns(db, account, as_of=as_of, documents_dir=docs)
    out["asn_delivery"] = deliver("shipment_confirmation")
    out["asn_watch"] = asn_watch.watch_asns(db, account, now=as_of)
    out["invoices"] = invoices.queue_invoices(db, account, as_of=as_of, documents_dir=docs, settings=settings)
    out["invoice_delivery"] = deliver("invoice")
    out["receipts"] = receipts.poll_receipts(db, client, account, as_of=as_of,
                                             alert_after_days=settings.receipt_alert_days)
    out["invariants"] = invariants.sweep(db, account, as_of=as_of)
    return out
