"""``acorn bench replenish``: the replenishment suggestions replayed on the sandbox's orders, beside a naive reorder.

What it shows: over ``weeks`` of the sandbox's simulated history (after ``WARMUP_WEEKS`` of
history the policies read first), the fill rate, stock-out days, average stock and units
ordered from production that following the suggestions (``acorn.domain.replenishment``) would
have given the vendor's warehouse, and what "reorder what Amazon ordered last month" would
have, from the same opening stock. The simulation and its definitions are in
:mod:`acorn.replenish_backtest`; here is what feeds it, all from the sandbox for ``seed``:

* **Amazon's orders**: the purchase orders the sandbox issues (``SandboxState.book``, its
  generator), per vendor account, ASIN and UTC day of creation, in eaches as placed (the
  vendor accepts or rejects at acknowledgement, before Amazon's later cuts);
* **sales**: the sales report's shipped units per day (``demand.day_sales``);
* **forecast**: what the forecasting report published the day before each review
  (``demand.weekly_forecast`` of the demand model's mean; Amazon's weeks run Sunday to
  Saturday, so the backtest starts on the first Sunday of the sandbox's clock and reviews on
  Sundays, and week *k* of a review is the report's week *k*).

Each vendor account keeps its own stock of each SKU (the US and Canadian accounts are
separate positions). The vectorised planner (``acorn.services.replenishment_frame``) is run
on every review's inputs too, and the command says whether it agreed with the domain on each
suggestion. Deterministic for a seed; a default run takes under a second of backtest (1.1 s for the
command with its start-up, 2 cores).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import partial

import typer

from acorn.domain import ForecastWeek, ReplenishmentPolicy, Suggestion
from acorn.domain.errors import InvalidRecord
from acorn.replenish_backtest import (
    WEEK,
    ItemOutcome,
    ItemSeries,
    NaivePolicy,
    SuggestedPolicy,
    Timeline,
    Totals,
    run_backtest,
    totals,
)
from acorn.sandbox.accounts import VENDOR_ACCOUNTS
from acorn.sandbox.config import SandboxConfig
from acorn.sandbox.demand import day_sales, mean_daily_units, weekly_forecast
from acorn.sandbox.state import SandboxState
from acorn.services.replenishment_frame import frame_from_inputs, plan_frame

#: history read before the first review: the policy's default ``history_weeks`` (the naive needs 4)
WARMUP_WEEKS = ReplenishmentPolicy().history_weeks
_SUNDAY = 6


def first_sunday(day: date) -> date:
    """``day`` if it is a Sunday, else the Sunday after: where Amazon's forecast weeks start."""
    return day + timedelta(days=(_SUNDAY - day.weekday()) % WEEK)


def sandbox_forecast(mean_daily: float, horizon_weeks: int, as_of: date) -> tuple[ForecastWeek, ...]:
    """The forecasting report generated the day before ``as_of`` (a Sunday): week k is k + 1 weeks ahead."""
    if as_of.weekday() != _SUNDAY:
        raise ValueError(f"{as_of} is not a Sunday: Amazon's forecast weeks start on Sundays")
    weeks = []
    for k in range(horizon_weeks):
        units = weekly_forecast(mean_daily, k + 1)
        weeks.append(ForecastWeek(as_of + timedelta(days=WEEK * k), units["mean"], units["p70"], units["p80"],
                                  units["p90"]))
    return tuple(weeks)


def ordered_per_day(state: SandboxState, first: date, days: int) -> dict[tuple[str, str], list[int]]:
    """(vendor account, ASIN) -> units on the POs Amazon placed each day, from ``first`` (UTC days)."""
    last = datetime.combine(first + timedelta(days=days), datetime.min.time(), tzinfo=UTC) - timedelta(microseconds=1)
    state.book.ensure(last)
    found: dict[tuple[str, str], list[int]] = {}
    for po in state.book.orders:
        index = (po.created.date() - first).days
        if not 0 <= index < days:
            continue
        for line in po.lines:
            if line.asin is None:  # only an operator's raw order lacks one; the generator's never do
                continue
            per_day = found.setdefault((po.selling_party, line.asin), [0] * days)
            per_day[index] += po.ordered_each(line, po.created)
    return found


def sandbox_series(seed: int, *, pos_per_day: int, days: int,
                   horizon_weeks: int) -> tuple[date, list[ItemSeries]]:
    """The first day and one series per vendor account × catalogue item, ``days`` long, from the sandbox."""
    state = SandboxState(SandboxConfig(seed=seed, pos_per_day=pos_per_day))
    first = first_sunday(state.clock.start.date())
    ordered = ordered_per_day(state, first, days)
    dates = [first + timedelta(days=i) for i in range(days)]
    series = []
    for code in sorted(VENDOR_ACCOUNTS):
        account = VENDOR_ACCOUNTS[code]
        for item in state.catalogue:
            mean = mean_daily_units(item, pos_per_day=pos_per_day, catalogue_size=len(state.catalogue))
            sold = tuple(day_sales(seed, account, item, day, mean).shipped for day in dates)
            series.append(ItemSeries(code, item.vendor_sku, item.case_pack, mean,
                                     tuple(ordered.get((code, item.asin), [0] * days)), sold,
                                     partial(sandbox_forecast, mean, horizon_weeks)))
    return first, series


def frame_agreement(outcomes: Sequence[ItemOutcome], policy: ReplenishmentPolicy) -> tuple[int, int]:
    """(suggestions checked, suggestions where the vectorised frame differs from the domain), per review day."""
    by_day: dict[date, list[Suggestion]] = {}
    for outcome in outcomes:
        for order in outcome.orders:
            if order.suggestion is not None:
                by_day.setdefault(order.suggestion.inputs.as_of, []).append(order.suggestion)
    checked = differ = 0
    for suggestions in by_day.values():
        table = plan_frame(frame_from_inputs([s.inputs for s in suggestions], policy), policy)
        for s, units, cover, start in zip(suggestions, table.suggested_units, table.weeks_of_cover, table.start_by):
            checked += 1
            differ += not (s.suggested_units == units and s.weeks_of_cover == cover and s.start_by == start)
    return checked, differ


@dataclass(frozen=True)
class Backtest:
    """One run: its settings, every item's outcome per policy, the frame check and the seconds it took."""

    seed: int
    pos_per_day: int
    service_level: Decimal
    timeline: Timeline
    outcomes: dict[str, list[ItemOutcome]]
    frame_checked: int
    frame_differ: int
    seconds: float

    def totals(self, policy: str, account: str | None = None) -> Totals:
        return totals([o for o in self.outcomes[policy] if account is None or o.account == account])

    @property
    def accounts(self) -> list[str]:
        return sorted({o.account for outcomes in self.outcomes.values() for o in outcomes})


def run(*, seed: int = 7, weeks: int = 26, lead_time_days: int = 21, service_level: Decimal = Decimal("0.8"),
        pos_per_day: int = 6) -> Backtest:
    """The backtest on the sandbox for ``seed``: both policies, every account and item."""
    started = time.perf_counter()
    policy = ReplenishmentPolicy(service_level=service_level)
    first, series = sandbox_series(seed, pos_per_day=pos_per_day, days=WEEK * (WARMUP_WEEKS + weeks),
                                   horizon_weeks=policy.horizon_weeks)
    timeline = Timeline(first, WARMUP_WEEKS, weeks, lead_time_days)
    outcomes = run_backtest(series, timeline, [SuggestedPolicy(policy), NaivePolicy()])
    checked, differ = frame_agreement(outcomes["suggested"], policy)
    return Backtest(seed, pos_per_day, service_level, timeline, outcomes, checked, differ,
                    time.perf_counter() - started)


_ROWS = (
    ("fill rate (shipped / ordered)", lambda t: f"{t.fill_rate:.3f}"),
    ("stock-out days (item-days)", lambda t: f"{t.stockout_days:,}"),
    ("average stock (units)", lambda t: f"{t.average_stock:,.0f}"),
    ("average stock (weeks of demand)", lambda t: f"{t.weeks_of_stock:.2f}"),
    ("units ordered from production", lambda t: f"{t.production:,}"),
    ("units Amazon ordered", lambda t: f"{t.ordered:,}"),
    ("units shipped", lambda t: f"{t.shipped:,}"),
    ("stock at the end (units)", lambda t: f"{t.closing_stock:,}"),
)


def lines(result: Backtest) -> list[str]:
    """The printed report: settings, both policies side by side, then per account."""
    t, policies = result.timeline, list(result.outcomes)
    every = result.totals(policies[0])
    head = [
        f"replenishment backtest: seed {result.seed}, {result.pos_per_day} POs/day per account, "
        f"{len(result.accounts)} accounts x {every.items // max(len(result.accounts), 1)} SKUs",
        f"  {t.warmup_weeks} warm-up weeks from {t.first_day}, then {t.weeks} weeks {t.day(t.start)} .. "
        f"{t.day(t.end - 1)}; lead time {t.lead_time_days} d; opening stock 4 weeks of mean demand",
        f"  suggested: weekly review, service level {result.service_level}; naive: every 4 weeks, "
        f"the last 4 weeks' orders",
        f"  item-days with orders: {every.days_with_orders:,} of {every.items * t.weeks * WEEK:,}",
        "",
        f"{'':<34}" + "".join(f"{name:>12}" for name in policies),
    ]
    table = [f"{label:<34}" + "".join(f"{show(result.totals(p)):>12}" for p in policies) for label, show in _ROWS]
    per_account = [f"{'per account':<12}{'fill rate':>22}{'stock-out days':>22}{'average stock':>22}",
                   f"{'':<12}" + f"{' / '.join(policies):>22}" * 3]
    for account in result.accounts:
        figures = [result.totals(p, account) for p in policies]
        per_account.append(f"{account:<12}" + f"{' / '.join(f'{f.fill_rate:.3f}' for f in figures):>22}"
                           f"{' / '.join(f'{f.stockout_days:,}' for f in figures):>22}"
                           f"{' / '.join(f'{f.average_stock:,.0f}' for f in figures):>22}")
    agree = "yes" if not result.frame_differ else f"NO ({result.frame_differ} differ)"
    tail = [f"vectorised frame agrees with the domain on {result.frame_checked:,} suggestions: {agree}",
            f"took {result.seconds:.1f} s"]
    return [*head, *table, "", *per_account, "", *tail]


def replenish_command(
    seed: int = typer.Option(7, help="Sandbox seed: same seed, same orders, same figures."),
    weeks: int = typer.Option(26, min=1, max=104, help="Weeks simulated after the warm-up."),
    lead_time_days: int = typer.Option(21, min=0, max=84, help="Days from a replenishment order to its arrival."),
    service_level: str = typer.Option("0.8", help="The suggestions' service level, 0.7 to 0.9 (Amazon's P70-P90)."),
    pos_per_day: int = typer.Option(6, min=1, max=1000, help="Orders per vendor account per day in the sandbox."),
) -> None:
    """Backtest the replenishment suggestions on the sandbox's orders beside a naive reorder; print both side by side.

    Fill rate, stock-out days, average stock and units ordered from production, in all and per vendor account.
    """
    try:
        result = run(seed=seed, weeks=weeks, lead_time_days=lead_time_days, service_level=Decimal(service_level),
                     pos_per_day=pos_per_day)
    except (InvalidRecord, ArithmeticError) as exc:
        raise typer.BadParameter(str(exc), param_hint="--service-level") from None
    for line in lines(result):
        typer.echo(line)
