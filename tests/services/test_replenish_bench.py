"""``acorn bench replenish``: fed by the sandbox's orders, sales and forecast; deterministic; prints both policies."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import typer
from typer.testing import CliRunner

from acorn.replenish_bench import (
    WARMUP_WEEKS,
    first_sunday,
    lines,
    replenish_command,
    run,
    sandbox_forecast,
    sandbox_series,
)
from acorn.sandbox.accounts import VENDOR_ACCOUNTS
from acorn.sandbox.config import SandboxConfig
from acorn.sandbox.generator import OrderGenerator, OrderPolicy
from acorn.sandbox.report_documents import forecasting_document, sales_document
from acorn.sandbox.reports import SandboxReport
from acorn.sandbox.state import SandboxState

SEED = 7


@pytest.fixture(scope="module")
def three_weeks() -> tuple[date, list]:
    return sandbox_series(SEED, pos_per_day=6, days=21, horizon_weeks=13)


def _report(report_type: str, account: str, created: date, span: tuple[date, date] | None = None,
            period: str = "WEEK") -> SandboxReport:
    at = datetime.combine(created, time(12), tzinfo=UTC)
    return SandboxReport("50000000001", report_type, VENDOR_ACCOUNTS[account], {"reportPeriod": period},
                         span[0] if span else None, span[1] if span else None, at, at, at, "DONE", "doc", False)


def test_the_backtest_starts_on_the_first_sunday_of_the_sandbox_clock(three_weeks: tuple[date, list]) -> None:
    first, series = three_weeks
    assert first == date(2026, 3, 8) and first.weekday() == 6  # seed 7's clock starts Monday 2026-03-02
    assert first_sunday(date(2026, 3, 8)) == date(2026, 3, 8) and first_sunday(date(2026, 3, 9)) == date(2026, 3, 15)
    assert len(series) == 2 * 40 and {s.account for s in series} == set(VENDOR_ACCOUNTS)


def test_amazons_orders_are_the_units_on_the_sandboxs_pos_of_each_day_in_eaches(
        three_weeks: tuple[date, list]) -> None:
    first, series = three_weeks
    state = SandboxState(SandboxConfig(seed=SEED))
    generator = OrderGenerator(seed=SEED, pos_per_day=6, items=state.catalogue,
                               policy=OrderPolicy.from_config(state.config))
    day = first + timedelta(days=9)
    expected: dict[tuple[str, str], int] = {}
    for po in generator.orders_for_day(day, set()):
        for line in po.lines:  # some orders are in cases: eaches = cases x case pack
            key = (po.selling_party, line.asin)
            expected[key] = expected.get(key, 0) + line.quantity * line.factor
    found = {(s.account, asin): s.ordered[9] for s in series for asin in
             [next(i.asin for i in state.catalogue if i.vendor_sku == s.vendor_sku)] if s.ordered[9]}
    assert found == expected and sum(found.values()) > 0


def test_sales_are_the_sales_reports_shipped_units_and_the_forecast_the_reports_weeks(
        three_weeks: tuple[date, list]) -> None:
    first, series = three_weeks
    state = SandboxState(SandboxConfig(seed=SEED))
    item = state.catalogue[5]
    us = next(s for s in series if s.account == "ACRNUS" and s.vendor_sku == item.vendor_sku)
    week = (first + timedelta(days=7), first + timedelta(days=13))
    sales = sales_document(state, _report("GET_VENDOR_SALES_REPORT", "ACRNUS", first + timedelta(days=20), week))
    row = next(r for r in sales["salesByAsin"] if r["asin"] == item.asin)
    assert sum(us.sold[7:14]) == row["shippedUnits"]
    review = first + timedelta(days=14)  # a Sunday: the report generated on the Saturday before
    published = forecasting_document(state, _report("GET_VENDOR_FORECASTING_REPORT", "ACRNUS",
                                                     review - timedelta(days=1)))
    rows = [r for r in published["forecastByAsin"] if r["asin"] == item.asin][:13]
    assert [(w.week_start.isoformat(), w.mean, w.p70, w.p80, w.p90) for w in us.forecast(review)] == [
        (r["startDate"], r["meanForecastUnits"], r["p70ForecastUnits"], r["p80ForecastUnits"], r["p90ForecastUnits"])
        for r in rows]


def test_the_forecast_is_refused_on_a_day_amazons_weeks_do_not_start() -> None:
    with pytest.raises(ValueError, match="not a Sunday"):
        sandbox_forecast(10.0, 13, date(2026, 3, 9))


def test_the_same_seed_gives_the_same_figures_and_another_seed_other_ones() -> None:
    one, again, other = run(seed=SEED, weeks=3), run(seed=SEED, weeks=3), run(seed=SEED + 1, weeks=3)
    assert lines(one)[:-1] == lines(again)[:-1]  # all but the seconds taken
    assert one.outcomes == again.outcomes
    assert one.totals("naive").ordered != other.totals("naive").ordered
    assert one.timeline.start == 7 * WARMUP_WEEKS and one.timeline.weeks == 3


def test_the_vectorised_frame_agrees_with_the_domain_on_every_review() -> None:
    result = run(seed=SEED, weeks=2, lead_time_days=14)
    assert (result.frame_checked, result.frame_differ) == (80 * 2, 0)
    assert all(o.arrives - o.placed == 14 for outcomes in result.outcomes.values() for x in outcomes
               for o in x.orders)


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(replenish_command)
    return app


def test_the_command_prints_both_policies_side_by_side_in_all_and_per_account() -> None:
    result = CliRunner().invoke(_app(), ["--weeks", "2", "--service-level", "0.9", "--lead-time-days", "7"])
    assert result.exit_code == 0, result.output
    out = result.stdout.splitlines()
    header = out.index(next(line for line in out if line.split() == ["suggested", "naive"]))
    assert out[header + 1].startswith("fill rate")  # the side-by-side table follows its column names
    rows = {line[:34].strip(): line[34:].split() for line in out if line.startswith(("fill", "stock-out", "average"))}
    assert set(rows) == {"fill rate (shipped / ordered)", "stock-out days (item-days)", "average stock (units)",
                         "average stock (weeks of demand)"}
    assert all(len(values) == 2 for values in rows.values())
    assert 0 < float(rows["fill rate (shipped / ordered)"][0]) <= 1
    assert any(line.startswith("ACRNUS ") for line in out) and any(line.startswith("ACRNCA ") for line in out)
    assert "service level 0.9" in result.stdout and "lead time 7 d" in result.stdout
    assert "agrees with the domain on 160 suggestions: yes" in result.stdout


def test_a_service_level_outside_amazons_percentiles_is_refused() -> None:
    result = CliRunner().invoke(_app(), ["--weeks", "1", "--service-level", "0.95"])
    assert result.exit_code == 2
    assert "0.95 is outside Amazon's P70-P90" in " ".join(result.output.replace("│", " ").split())
