"""The steps of a vendor's day, as Prefect tasks; what each retries is ``acorn.retry_policy``."""

from __future__ import annotations

import itertools
import logging
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any, TypedDict

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from acorn import runtime
from acorn.domain.alerts import ASN_AT_RISK_BEFORE
from acorn.domain.documents import DocumentState
from acorn.retry_policy import TASK_RETRIES, DeliveryIncomplete
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
from tasks._names import deliver_name, per_account

# What the steps return, into their flows' results; a step that hands back a service's result
# dataclass returns it as its dict (``asdict``).


class FetchedOrders(TypedDict):
    new: int
    changed: int
    quarantined: list[str]


class DecidedAcknowledgements(TypedDict):
    pos: int
    accepted_units: int
    backordered_units: int
    rejected_units: int


class PlannedShipments(TypedDict):
    shipments: list[str]
    cartons: int
    pallets: int
    problems: list[str]


class FollowedCarriers(TypedDict):
    assigned: list[str]
    waiting: list[str]
    overdue: list[str]
    labels: int
    problems: list[str]


class InvariantSweep(TypedDict):
    findings: int
    repaired: int
    alerted: int


@task(**per_account("fetch purchase orders"), timeout_seconds=600, cache_policy=NO_CACHE, **TASK_RETRIES)
def fetch_and_record_purchase_orders(account_code: str, as_of: datetime) -> FetchedOrders:
    """Read new and changed POs since the watermark and upsert them (safe to repeat)."""
    rt, log = runtime.current(), get_run_logger()
    account = rt.account(account_code)
    result = intake.intake_purchase_orders(rt.units(), rt.client(account), account, as_of=as_of)
    start, end = result.window
    log.info("%s: %d new, %d changed, %d unchanged POs between %s and %s; %d quarantined", account_code,
             len(result.new), len(result.changed), result.unchanged, f"{start:%Y-%m-%d %H:%M}",
             f"{end:%Y-%m-%d %H:%M}", len(result.quarantined))
    return {"new": len(result.new), "changed": len(result.changed), "quarantined": result.quarantined}


@task(**per_account("decide acknowledgements"), cache_policy=NO_CACHE, **TASK_RETRIES)
def decide_acknowledgements(account_code: str, as_of: datetime) -> DecidedAcknowledgements:
    """Accept, backorder or reject each new PO line from ERP stock; queue one acknowledgement per PO."""
    rt = runtime.current()
    result = acknowledge.decide_and_queue(rt.units(), rt.account(account_code), as_of=as_of)
    get_run_logger().info("%s: %d POs decided: %d units accepted, %d backordered, %d rejected", account_code,
                          len(result.decided), result.accepted_units, result.backordered_units, result.rejected_units)
    return {"pos": len(result.decided), "accepted_units": result.accepted_units,
            "backordered_units": result.backordered_units, "rejected_units": result.rejected_units}


@task(name="deliver to Amazon", task_run_name=deliver_name, timeout_seconds=900, cache_policy=NO_CACHE, **TASK_RETRIES)
def deliver_outbox(account_code: str, kind: str, as_of: datetime, round_no: int = 1) -> dict[str, int]:
    """One round of posting what the outbox holds and reading each transaction; never posts a document twice.

    Documents still throttled or unanswered after the client's retries are counted ``retryable``:
    the stage's next round takes them up (a lost answer is read back before any re-post).
    """
    rt, log = runtime.current(), get_run_logger()
    result = delivery.deliver(rt.units(), rt.client(rt.account(account_code)), account_code=account_code,
                              kind=kind, as_of=as_of,
                              stuck_after=timedelta(minutes=rt.settings.transaction_stuck_minutes),
                              lease=timedelta(seconds=rt.settings.outbox_lease_seconds),
                              budget_s=rt.settings.delivery_round_seconds)
    counts = {str(state): result.count(state) for state in DocumentState}
    counts["busy_elsewhere"], counts["deferred"] = len(result.busy), len(result.deferred)
    counts["retryable"], counts["work_left"] = len(result.retryable), result.work_left
    # a rejection or a document needing review is something ops must see: WARNING, not INFO
    level = logging.WARNING if counts["failed"] or counts["needs_review"] else logging.INFO
    log.log(level, "%s %s: %s", account_code, kind.replace("_", " "),
            ", ".join(f"{v} {k}" for k, v in counts.items() if v) or "nothing to deliver")
    return counts


def deliver_all_rounds(account_code: str, kind: str, as_of: datetime) -> dict[str, int]:
    """Delivery rounds, each a task run within its timeout, as ``delivery.in_rounds`` runs them.

    Documents still throttled or unanswered when the rounds stop making progress fail the stage
    (``DeliveryIncomplete``, not retried): they wait in the outbox, alerted, for the next run.
    """
    counts: dict[str, int] = {}
    rounds = itertools.count(1)
    for following in delivery.in_rounds(lambda: deliver_outbox(account_code, kind, as_of, next(rounds)),
                                        lambda round_counts: round_counts["work_left"]):
        counts = _after_rounds(counts, following) if counts else following
    if counts.get("retryable"):
        raise DeliveryIncomplete(f"{account_code}: {counts['retryable']} {kind} submissions still throttled or "
                                 "unanswered after the stage's rounds; the next run takes them up (`acorn alerts`)")
    return counts


#: outcomes a round settles (a later round never sees those rows again): they add up over rounds
_SETTLED = (DocumentState.ACCEPTED, DocumentState.FAILED, DocumentState.NEEDS_REVIEW)


def _after_rounds(earlier: dict[str, int], latest: dict[str, int]) -> dict[str, int]:
    """Counts over two rounds: settled outcomes summed, what is still open as the latest round left it."""
    return {**latest, **{str(s): earlier[str(s)] + latest[str(s)] for s in _SETTLED}}


@task(**per_account("plan shipments"), cache_policy=NO_CACHE, **TASK_RETRIES)
def plan_shipments(account_code: str, as_of: datetime) -> PlannedShipments:
    """Allocate, cartonize, palletize what leaves on the dock's next truck; write its labels and packing list."""
    rt = runtime.current()
    result = shipments.plan_shipments(rt.units(), rt.settings, rt.account(account_code), as_of=as_of,
                                      documents_dir=rt.settings.resolved_documents_dir)
    get_run_logger().info("%s: %d shipments planned (%d cartons, %d pallets); %d POs wait for their window",
                          account_code, len(result.shipments), result.cartons, result.pallets, len(result.waiting))
    return {"shipments": result.shipments, "cartons": result.cartons, "pallets": result.pallets,
            "problems": result.problems}


@task(**per_account("follow Amazon's carriers"), timeout_seconds=600, cache_policy=NO_CACHE, **TASK_RETRIES)
def follow_amazon_carriers(account_code: str, as_of: datetime) -> FollowedCarriers:
    """Read back the carrier, PRO, pickup and ARN Amazon assigned to each routed shipment; keep its labels."""
    rt = runtime.current()
    account = rt.account(account_code)
    result = routing.follow_carriers(rt.units(), rt.client(account), rt.settings, account, as_of=as_of,
                                     documents_dir=rt.settings.resolved_documents_dir)
    get_run_logger().info("%s: %d carriers assigned (%d carrier labels kept), %d shipments wait for a carrier, "
                          "%d past their pickup without one", account_code, len(result.assigned),
                          len(result.labels), len(result.waiting), len(result.overdue))
    return {"assigned": result.assigned, "waiting": result.waiting, "overdue": result.overdue,
            "labels": len(result.labels), "problems": result.problems}


@task(**per_account("queue ASNs"), cache_policy=NO_CACHE, **TASK_RETRIES)
def queue_asns(account_code: str, as_of: datetime) -> dict[str, Any]:
    """Build, gate and queue the ASN of every shipment whose truck has left."""
    rt = runtime.current()
    result = asns.queue_asns(rt.units(), rt.account(account_code), as_of=as_of,
                             documents_dir=rt.settings.resolved_documents_dir)
    get_run_logger().log(_level(result.gated), "%s: %d ASNs queued, %d held by the quality gate", account_code,
                         len(result.queued), len(result.gated))
    return asdict(result)


@task(**per_account("queue invoices"), cache_policy=NO_CACHE, **TASK_RETRIES)
def queue_invoices(account_code: str, as_of: datetime) -> dict[str, Any]:
    """Invoice each accepted shipment once, at the PO's cost, after the quality gate."""
    rt = runtime.current()
    result = invoices.queue_invoices(rt.units(), rt.account(account_code), as_of=as_of, settings=rt.settings,
                                     documents_dir=rt.settings.resolved_documents_dir)
    get_run_logger().log(_level(result.gated), "%s: %d invoices queued, %d held by the quality gate", account_code,
                         len(result.queued), len(result.gated))
    return asdict(result)


@task(**per_account("poll goods receipts"), timeout_seconds=600, cache_policy=NO_CACHE, **TASK_RETRIES)
def poll_goods_receipts(account_code: str, as_of: datetime) -> dict[str, Any]:
    """Read receiving status for shipped POs; alert on deliveries not received in time."""
    rt = runtime.current()
    account = rt.account(account_code)
    result = receipts.poll_receipts(rt.units(), rt.client(account), account, as_of=as_of,
                                    alert_after_days=rt.settings.receipt_alert_days)
    get_run_logger().log(_level(result.overdue), "%s: %d POs polled, %d units newly received, %d items without "
                         "status, %d overdue", account_code, result.polled_pos, result.units_received,
                         result.missing_status, len(result.overdue))
    return asdict(result)


@task(**per_account("check invariants"), cache_policy=NO_CACHE, **TASK_RETRIES)
def check_invariants(account_code: str, as_of: datetime) -> InvariantSweep:
    """Repair what drifted and alert what is open: nothing accepted unbilled, nothing open unseen."""
    rt, log = runtime.current(), get_run_logger()
    findings = invariants.sweep(rt.units(), rt.account(account_code), as_of=as_of)
    for f in findings:
        log.warning("%s: %s %s: %s (%s)", account_code, f.check, f.record, f.problem, f.action)
    return {"findings": len(findings), "repaired": sum(f.action == "repaired" for f in findings),
            "alerted": sum(f.action == "alerted" for f in findings)}


def _level(problems: list[str]) -> int:
    """WARNING when the step held something back or found something overdue, INFO otherwise."""
    return logging.WARNING if problems else logging.INFO


@task(**per_account("watch ASN deadlines"), cache_policy=NO_CACHE, **TASK_RETRIES)
def watch_asn_deadlines(account_code: str, as_of: datetime) -> dict[str, Any]:
    """Every shipment whose ASN Amazon has not accepted: at risk before its deadline, late after it."""
    rt, log = runtime.current(), get_run_logger()
    found = asn_watch.watch_asns(rt.units(), rt.account(account_code), now=as_of)
    for identifier in found.late:
        log.error("%s: ASN %s is late: its deadline passed and Amazon has not accepted it", account_code, identifier)
    for identifier in found.at_risk:
        log.warning("%s: ASN %s at risk: its deadline is less than %s away", account_code, identifier,
                    ASN_AT_RISK_BEFORE)
    return asdict(found)
