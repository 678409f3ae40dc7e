"""The week's replenishment plan of one account, from the store: what to make or send, how much, by when.

Per SKU of the ERP's SKU master (discontinued ones are not planned) at the account's ship-from
warehouse (``erp_warehouse``): the history and forecast of :mod:`acorn.services.replenishment_history`,
free stock from the ERP (:func:`free_stock`: on hand less what is promised on open POs), the case
pack from the SKU master, lead time, review period and service level from the account's settings
(``replenishment_*``). Each SKU's inputs are built as the domain's :class:`ReplenishmentInputs`,
which checks them: a SKU whose data is missing or wrong is set aside, named ``SKU@WAREHOUSE`` and
the field, and the others are planned. The arithmetic runs on all of them at once in the vectorised
frame (:mod:`acorn.services.replenishment_frame`, which agrees exactly with the domain); one
suggestion's explanation is the domain's :meth:`Suggestion.explain` on the same inputs.

The plan is made on Amazon's week: history is the weeks before the Sunday that starts the day's week,
the forecast from that Sunday on. A start date before the day itself is shown as the day (it is due now).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from acorn.config import VendorAccountSettings
from acorn.documents.replenishment_report import ReportPaths
from acorn.domain.calendar import MarketplaceCalendar
from acorn.domain.errors import DomainError, InvalidRecord
from acorn.domain.model import StockLevel
from acorn.domain.money import round_money
from acorn.domain.replenishment import Suggestion, suggest_replenishment
from acorn.domain.replenishment_inputs import Inbound, ReplenishmentInputs, ReplenishmentPolicy, planning_ref
from acorn.domain.vendor_reports import week_start
from acorn.services.ports import Units
from acorn.services.replenishment_alerts import PlanAlerts, alert_plan
from acorn.services.replenishment_frame import frame_from_inputs, history_columns, plan_frame, weekly_demand
from acorn.services.replenishment_history import StoreHistory, combined, read_history
from acorn.services.replenishment_report import write_report
from acorn.services.stock import SkuResolver, free_stock, sku_master
from schemas.tables import Sku

log = logging.getLogger("acorn.replenishment")


@dataclass(frozen=True)
class SetAside:
    """A SKU not planned, and why: the record (``SKU@WAREHOUSE``) and the field at fault."""

    ref: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.ref}: {self.field}: {self.reason}"


@dataclass(frozen=True)
class ReplenishmentPlan:
    """The suggestions for one warehouse on one day, with every input they came from.

    ``account_code`` is the account it is filed and alerted under: the first of ``accounts``, the
    accounts whose orders the warehouse serves (their demand is planned together).
    """

    account_code: str
    warehouse: str
    day: date
    lead_time_days: int
    review_days: int
    policy: ReplenishmentPolicy
    calendar: MarketplaceCalendar
    table: pd.DataFrame  # plan_frame's columns, plus asin, unit_cost, currency; row i is inputs[i]
    inputs: tuple[ReplenishmentInputs, ...]
    expected: Any  # rows × horizon weeks: expected units
    at_level: Any  # rows × horizon weeks: units at the service level
    set_aside: tuple[SetAside, ...]
    history: StoreHistory
    accounts: tuple[str, ...] = ()

    @property
    def planning_week(self) -> date:
        return self.history.planning_week

    def suggestion(self, vendor_sku: str) -> Suggestion:
        """The domain's suggestion for one SKU (the same figures as its row): for :meth:`Suggestion.explain`."""
        for inputs in self.inputs:
            if inputs.vendor_sku == vendor_sku:
                return suggest_replenishment(inputs, self.policy, calendar=self.calendar)
        ref = planning_ref(vendor_sku, self.warehouse)
        problem = next((s for s in self.set_aside if s.ref == ref), None)
        if problem is not None:
            raise InvalidRecord(f"set aside, not planned: {problem.reason}", record=ref, field=problem.field)
        raise InvalidRecord("not in the plan (unknown or discontinued)", record=ref, field="vendor_sku")

    def rows(self) -> list[dict[str, Any]]:
        """One row per SKU (the report's columns), below the lead time first, then by start date and SKU."""
        records = self.table.to_dict("records") if len(self.table) else []
        rows = [_row(t, float(self.at_level[k, 0])) for k, t in enumerate(records)]
        return sorted(rows, key=lambda r: (not r["below_lead_time"], r["start_by"] or date.max, r["sku"]))


def policy_for(account: VendorAccountSettings) -> ReplenishmentPolicy:
    return ReplenishmentPolicy(service_level=account.replenishment_service_level,
                               horizon_weeks=account.replenishment_horizon_weeks)


def inbound_arrivals(stock: Mapping[str, StockLevel], *, day: date) -> dict[str, tuple[Inbound, ...]]:
    """Units already on their way to the account's warehouse, per SKU: the ERP's next arrival
    (``restock_date`` with ``restock_units``) still ahead of ``day``, less what acknowledgements
    already promised from it (:func:`free_stock` counts those as Amazon's, not ours to plan with)."""
    return {sku: (Inbound(level.restock_date, level.restock_units),) for sku, level in stock.items()
            if level.restock_date is not None and level.restock_date > day and level.restock_units}


def sharing_warehouse(accounts: Sequence[VendorAccountSettings],
                      account: VendorAccountSettings) -> list[VendorAccountSettings]:
    """The accounts that ship from ``account``'s warehouse, in the settings' order: its stock serves all
    of them, so it is planned once, for their demand together, under the first of them."""
    return [a for a in accounts if a.erp_warehouse == account.erp_warehouse] or [account]


def build_plan(units: Units, account: VendorAccountSettings, *, day: date,
               serving: Sequence[VendorAccountSettings] = ()) -> ReplenishmentPlan:
    """The suggestions for ``account``'s warehouse on ``day`` (the dock's calendar day) from what the store
    holds; ``serving``: every account that ships from it (:func:`sharing_warehouse`; default the account alone)."""
    policy, planning_week = policy_for(account), week_start(day)
    served = list(serving) or [account]
    with units() as uow:
        skus = sorted((s for s in uow.skus.all() if not s.discontinued), key=lambda s: s.vendor_sku)
        master = sku_master(uow)
        stock = free_stock(uow, account.erp_warehouse, skus=master, today=day)
        history = combined([read_history(uow, a, SkuResolver(master), planning_week=planning_week,
                                         history_weeks=policy.history_weeks, horizon_weeks=policy.horizon_weeks)
                            for a in served])
        arrivals = inbound_arrivals(stock, day=day)
    inputs: list[ReplenishmentInputs] = []
    planned: list[Sku] = []
    set_aside: list[SetAside] = []
    for sku in skus:
        try:
            inputs.append(_inputs(sku, account, stock, history, arrivals.get(sku.vendor_sku, ())))
            planned.append(sku)
        except DomainError as bad:
            set_aside.append(SetAside(planning_ref(sku.vendor_sku, account.erp_warehouse), bad.field or "?",
                                      bad.reason))
    calendar = MarketplaceCalendar.for_marketplace(account.marketplace, tz=account.ship_from_tz)
    table, expected, at_level = _compute(inputs, planned, policy, calendar, day)
    return ReplenishmentPlan(account.code, account.erp_warehouse, day, account.replenishment_lead_time_days,
                             account.replenishment_review_days, policy, calendar, table, tuple(inputs), expected,
                             at_level, tuple(set_aside), history, tuple(a.code for a in served))


def _inputs(sku: Sku, account: VendorAccountSettings, stock: dict[str, Any], history: StoreHistory,
            arrivals: Sequence[Inbound]) -> ReplenishmentInputs:
    """The domain's inputs for one SKU; ``DomainError`` naming ``SKU@WAREHOUSE`` and the field if one is bad."""
    ref = planning_ref(sku.vendor_sku, account.erp_warehouse)
    if not (sku.asin or "").strip():
        raise InvalidRecord("no ASIN in the SKU master: Amazon's sales and forecast cannot be matched", record=ref,
                            field="asin")
    level = stock.get(sku.vendor_sku)
    if level is None:
        raise InvalidRecord(f"no stock row for warehouse {account.erp_warehouse} in the ERP", record=ref,
                            field="on_hand")
    return ReplenishmentInputs(
        vendor_sku=sku.vendor_sku, warehouse=account.erp_warehouse, as_of=history.planning_week,
        on_hand=level.on_hand, case_pack=sku.case_pack, lead_time_days=account.replenishment_lead_time_days,
        review_days=account.replenishment_review_days, history=history.history(sku.vendor_sku),
        forecast=tuple(history.forecast.get(sku.vendor_sku, ())), inbound=tuple(arrivals))


def _compute(inputs: list[ReplenishmentInputs], skus: list[Sku], policy: ReplenishmentPolicy,
             calendar: MarketplaceCalendar, day: date) -> tuple[pd.DataFrame, Any, Any]:
    """Every SKU's suggestion in one pass of the frame, and the weekly demand the charts draw."""
    if not inputs:
        empty = np.zeros((0, policy.horizon_weeks))
        return pd.DataFrame(), empty, empty
    frame = frame_from_inputs(inputs, policy)
    table = plan_frame(frame, policy, calendar=calendar)
    expected, at_level = weekly_demand(frame, policy, history_columns(frame, policy))
    table["start_by"] = [None if d is None else max(d, day) for d in table["start_by"]]
    table["asin"] = [s.asin for s in skus]
    table["unit_cost"] = [s.unit_cost for s in skus]
    table["currency"] = [s.currency for s in skus]
    return table, expected, at_level


def _row(t: dict[Any, Any], at_level: float) -> dict[str, Any]:
    """One row of the plan's table (and week 1 at the service level) as the report prints it."""
    units, currency = int(t["suggested_units"]), str(t["currency"])
    cover = float(t["weeks_of_cover"])
    return {"sku": str(t["vendor_sku"]), "asin": str(t["asin"]), "warehouse": str(t["warehouse"]),
            "on_hand": int(t["on_hand"]), "expected_weekly": round(float(t["expected_next_week"]), 2),
            "at_level_weekly": round(at_level, 2),
            "window_demand": round(float(t["window_demand"]), 2),
            "weeks_of_cover": cover if math.isinf(cover) else round(cover, 2), "suggested_units": units,
            "cases": int(t["cases"]), "case_pack": int(t["case_pack"]), "start_by": t["start_by"],
            "below_lead_time": bool(t["below_lead_time"]),
            "suggested_value": round_money(Decimal(units) * Decimal(t["unit_cost"]), currency), "currency": currency}


@dataclass(frozen=True)
class PlanOutcome:
    """What a planning run did: the plan, the report files, the alerts raised and resolved."""

    plan: ReplenishmentPlan
    paths: ReportPaths
    alerts: PlanAlerts


def plan_replenishment(units: Units, account: VendorAccountSettings, *, day: date, at: datetime,
                       out_dir: Path, serving: Sequence[VendorAccountSettings] = ()) -> PlanOutcome:
    """Plan the account's warehouse on ``day`` (for ``serving``'s demand, see :func:`build_plan`), alert SKUs
    below their lead time, write the CSV and HTML report.

    ``at``: the business time the alerts are resolved at. A rerun of the day rewrites the files and
    raises nothing already open.
    """
    plan = build_plan(units, account, day=day, serving=serving)
    alerts = alert_plan(units, account, plan, at=at)
    paths = write_report(plan, out_dir, generated_at=at)
    below = int(plan.table["below_lead_time"].sum()) if len(plan.table) else 0
    log.info("%s: %d SKUs planned on %s, %d below the lead time, %d set aside; report %s", account.code,
             len(plan.inputs), day, below, len(plan.set_aside), paths.html)
    for problem in plan.set_aside:
        log.warning("%s: set aside %s", account.code, problem)
    return PlanOutcome(plan, paths, alerts)
