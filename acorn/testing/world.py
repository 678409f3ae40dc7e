"""A vendor's world in memory: the store (``in_memory_units``), Amazon (``FakeAmazon``), the demo ERP.

Used by the fast tier (``tests/services``) and by ``benchmarks/arriving_stock.py``.

The same daily stages as ``tests/lifecycle/lifecycle_world.services_day``, as plain service calls,
with Amazon's clock set to each run's business time. Two things are left to slower tiers: the
documents (labels, packing lists, archives: ``documents_dir`` is not given, so none is written;
``tests/documents``, ``tests/lifecycle``) and the Great Expectations gates, which pass every
document here (:func:`gates_pass`; the suites are tested in ``tests/gates``): importing Great
Expectations alone takes seconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from acorn.config import AcornSettings, VendorAccountSettings
from acorn.demo import run_times
from acorn.gates.result import GateResult
from acorn.gates.run import Records
from acorn.services import (
    acknowledge,
    asn_watch,
    asns,
    delivery,
    intake,
    invariants,
    invoices,
    receipts,
    shipments,
)
from acorn.services.ports import Units
from acorn.testing.fake_amazon import FakeAmazon

US = "ACRNUS"


def gates_pass(suite_name: str, documents: Mapping[str, Records]) -> dict[str, GateResult]:
    """Stands for ``acorn.gates.run._gate_documents``: every document passes its suite."""
    return {key: GateResult(passed=True, suite=suite_name, row_count=len(list(rows)))
            for key, rows in documents.items()}


@dataclass
class World:
    units: Units
    amazon: FakeAmazon
    settings: AcornSettings

    @property
    def account(self) -> VendorAccountSettings:
        return self.settings.account(US)

    def run_times(self, days: int) -> list[datetime]:
        """Each day's run, ten minutes after the dock's cut-off, from Amazon's today."""
        return run_times(self.amazon.now(), days, tz=ZoneInfo(self.account.ship_from_tz),
                         cutoff=self.settings.asn_policy.cutoff_local_time)

    def at(self, as_of: datetime) -> datetime:
        """Amazon's clock at the run's business time (never back)."""
        return self.amazon.set_now(max(as_of, self.amazon.now()))

    def intake(self, as_of: datetime) -> intake.IntakeResult:
        self.at(as_of)
        return intake.intake_purchase_orders(self.units, self.amazon, self.account, as_of=as_of)

    def deliver(self, kind: str, as_of: datetime, **options: Any) -> delivery.DeliveryResult:
        options.setdefault("stuck_after", timedelta(minutes=60))
        options.setdefault("wait_s", 0.05)  # a transaction still Processing is the next round's, not a wait
        return delivery.deliver(self.units, self.amazon, account_code=US, kind=kind, as_of=as_of, **options)

    def acknowledge(self, as_of: datetime) -> acknowledge.AcknowledgeResult:
        """This run's POs fetched, decided and queued (not yet delivered)."""
        self.intake(as_of)
        return acknowledge.decide_and_queue(self.units, self.account, as_of=as_of)

    def plan(self, as_of: datetime) -> shipments.PlanResult:
        return shipments.plan_shipments(self.units, self.settings, self.account, as_of=as_of)

    def queue_asns(self, as_of: datetime) -> asns.AsnQueueResult:
        return asns.queue_asns(self.units, self.account, as_of=as_of)

    def queue_invoices(self, as_of: datetime) -> invoices.InvoiceQueueResult:
        return invoices.queue_invoices(self.units, self.account, as_of=as_of, settings=self.settings)

    def poll_receipts(self, as_of: datetime) -> receipts.ReceiptResult:
        self.at(as_of)
        return receipts.poll_receipts(self.units, self.amazon, self.account, as_of=as_of,
                                      alert_after_days=self.settings.receipt_alert_days)

    def day(self, as_of: datetime) -> dict[str, Any]:
        """One day's stages, then the invariant sweep, as the daily flow runs them (prepaid freight)."""
        out: dict[str, Any] = {"intake": self.intake(as_of)}
        out["ack"] = acknowledge.decide_and_queue(self.units, self.account, as_of=as_of)
        out["ack_delivery"] = self.deliver("acknowledgement", as_of)
        out["plan"] = self.plan(as_of)
        out["asns"] = self.queue_asns(as_of)
        out["asn_delivery"] = self.deliver("shipment_confirmation", as_of)
        out["asn_watch"] = asn_watch.watch_asns(self.units, self.account, now=as_of)
        out["invoices"] = self.queue_invoices(as_of)
        out["invoice_delivery"] = self.deliver("invoice", as_of)
        out["receipts"] = self.poll_receipts(as_of)
        out["invariants"] = invariants.sweep(self.units, self.account, as_of=as_of)
        return out

    def ship_one(self) -> tuple[datetime, str]:
        """Acknowledge and plan on the first day; return the run time of the day a planned shipment leaves, and it."""
        days = self.run_times(6)
        self.acknowledge(days[0])
        self.deliver("acknowledgement", days[0])
        self.plan(days[0])
        with self.units() as uow:
            shipment = uow.shipments.list(US, statuses=["planned"])[0]
        as_of = next(d for d in days if d >= shipment.departure)
        self.at(as_of)
        return as_of, shipment.shipment_identifier

    def confirm_shipments(self) -> tuple[datetime, list[str]]:
        """Ship the first departure day's shipments with their ASNs accepted; that day's run time and the shipments."""
        as_of, _ = self.ship_one()
        queued = self.queue_asns(as_of).queued
        self.deliver("shipment_confirmation", as_of)
        return as_of, queued
