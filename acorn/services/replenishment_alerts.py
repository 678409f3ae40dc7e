"""Alerts of the replenishment plan: a SKU whose cover falls below its lead time, a SKU that could not be planned.

One open alert per SKU and warehouse and problem (``replenish-cover:ACCOUNT:SKU@WAREHOUSE``,
``replenish-input:ACCOUNT:SKU@WAREHOUSE``): a rerun of the plan raises nothing new while it is open;
the next plan that finds the SKU covered again (or planned again) resolves it, and a SKU that falls
below again later opens it again. A SKU set aside keeps its cover alert as it was: nothing is known
about it until it is planned again.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from acorn.config import VendorAccountSettings
from acorn.services.ports import Units

if TYPE_CHECKING:
    from acorn.services.replenishment_plan import ReplenishmentPlan

log = logging.getLogger("acorn.replenishment")

COVER_KIND = "cover_below_lead_time"
INPUT_KIND = "replenishment_input"
_PREFIX = "replenish-"


def cover_alert_key(account_code: str, ref: str) -> str:
    return f"{_PREFIX}cover:{account_code}:{ref}"


def input_alert_key(account_code: str, ref: str) -> str:
    return f"{_PREFIX}input:{account_code}:{ref}"


@dataclass
class PlanAlerts:
    opened: list[str] = field(default_factory=list)  # dedupe keys raised (new or reopened) by this plan
    resolved: int = 0


def _cover_problem(account: VendorAccountSettings, row: dict[str, Any]) -> dict[str, Any]:
    ref = f"{row['sku']}@{row['warehouse']}"
    lead = account.replenishment_lead_time_days
    cover = "no" if math.isinf(row["weeks_of_cover"]) else f"{row['weeks_of_cover']:.1f}"
    return {"dedupe_key": cover_alert_key(account.code, ref), "account_code": account.code, "kind": COVER_KIND,
            "severity": "warning", "code": "cover_below_lead_time",
            "subject": f"{ref}: {cover} weeks of cover, under the {lead}-day lead time",
            "message": (f"{ref} has {row['on_hand']} units free, {cover} weeks of cover at the service level "
                        f"{account.replenishment_service_level}: less than the {lead}-day lead time "
                        f"({lead / 7:.1f} weeks). Suggested: {row['suggested_units']} units ({row['cases']} cases "
                        f"of {row['case_pack']}), start by {row['start_by'] or 'now'}."),
            "next_step": (f"Start production or a transfer to {row['warehouse']} now; `acorn replenish --account "
                          f"{account.code} --sku {row['sku']}` shows how the figure was reached. Lines Amazon "
                          "orders before it arrives will be backordered or rejected.")}


def _input_problem(account: VendorAccountSettings, ref: str, field_name: str, reason: str) -> dict[str, Any]:
    return {"dedupe_key": input_alert_key(account.code, ref), "account_code": account.code, "kind": INPUT_KIND,
            "severity": "warning", "code": "replenishment_input",
            "subject": f"{ref} not planned: {field_name}"[:200],
            "message": f"The replenishment plan set {ref} aside: {field_name}: {reason}",
            "next_step": "Fix the field in the ERP export (`acorn erp-load`) or the SKU master, then run "
                         "`acorn replenish` again."}


def alert_plan(units: Units, account: VendorAccountSettings, plan: ReplenishmentPlan, *, at: datetime) -> PlanAlerts:
    """Raise the plan's alerts once, resolve the ones it no longer finds; one transaction."""
    rows = plan.rows()
    problems = [_cover_problem(account, r) for r in rows if r["below_lead_time"]]
    problems += [_input_problem(account, s.ref, s.field, s.reason) for s in plan.set_aside]
    planned = [f"{r['sku']}@{r['warehouse']}" for r in rows]
    settled = [cover_alert_key(account.code, f"{r['sku']}@{r['warehouse']}") for r in rows
               if not r["below_lead_time"]]
    settled += [input_alert_key(account.code, ref) for ref in planned]
    result = PlanAlerts()
    with units() as uow:
        open_now = uow.alerts.open_keys(account.code, prefix=_PREFIX)
        result.opened = uow.alerts.raise_alerts(problems) if problems else []
        result.resolved = uow.alerts.resolve_all([k for k in settled if k in open_now], at=at)
        uow.commit()
    if result.opened:
        subjects = {p["dedupe_key"]: p["subject"] for p in problems}
        shown = "; ".join(subjects[k] for k in result.opened[:10])
        log.warning("%s: %d replenishment alert(s) raised: %s%s", account.code, len(result.opened), shown,
                    " ..." if len(result.opened) > 10 else "")
    return result
