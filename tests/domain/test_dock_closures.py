"""A dock's own closure days and cut-off move the departure; the carrier's transit does not stop."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from acorn.domain import InvalidRecord, MarketplaceCalendar, plan_ship_dates
from acorn.domain.deadlines import next_departure_day

NY = ZoneInfo("America/New_York")
US = MarketplaceCalendar.for_marketplace("US")


def _plan(as_of: datetime, **dock):
    dock = {"calendar": US, "cutoff_local_time": time(15), **dock}
    return plan_ship_dates(as_of=as_of, ship_window_start=as_of - timedelta(days=1),
                           ship_window_end=as_of + timedelta(days=30), fc_tz="America/New_York",
                           transit_business_days=2, **dock)


def test_no_truck_leaves_on_a_dock_closure_day() -> None:
    tuesday = datetime(2026, 3, 10, 11, 0, tzinfo=NY)
    plan = _plan(tuesday, closed_days={date(2026, 3, 10)})
    assert plan.departure == datetime(2026, 3, 11, 15, 0, tzinfo=NY)


def test_a_shutdown_week_pushes_the_departure_to_the_first_open_business_day() -> None:
    friday_after_cutoff = datetime(2026, 7, 3, 16, 0, tzinfo=NY)  # 3 July 2026: Independence Day observed
    shutdown = {date(2026, 7, 6) + timedelta(days=n) for n in range(5)}  # Mon 6 – Fri 10 July
    plan = _plan(friday_after_cutoff, closed_days=shutdown)
    assert plan.departure == datetime(2026, 7, 13, 15, 0, tzinfo=NY)


def test_the_carrier_keeps_driving_through_the_dock_closure() -> None:
    monday = datetime(2026, 3, 9, 11, 0, tzinfo=NY)
    open_dock = _plan(monday)
    closed_after = _plan(monday, closed_days={date(2026, 3, 10), date(2026, 3, 11)})
    assert closed_after.departure == open_dock.departure
    assert closed_after.estimated_delivery == open_dock.estimated_delivery  # Wednesday: transit ignores closures


def test_each_dock_leaves_at_its_own_cut_off_in_its_own_time_zone() -> None:
    as_of = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)  # 11:00 New York, 08:00 Los Angeles
    east = _plan(as_of)
    west = _plan(as_of, calendar=MarketplaceCalendar("US", "America/Los_Angeles"), cutoff_local_time=time(13, 30))
    assert east.departure == datetime(2026, 3, 10, 19, 0, tzinfo=UTC)
    assert west.departure == datetime(2026, 3, 10, 20, 30, tzinfo=UTC)


def test_next_departure_day_skips_weekends_holidays_and_closures() -> None:
    closures = {date(2026, 12, 28), date(2026, 12, 29)}
    # Christmas Day (Fri) is a holiday, then the weekend, then two closure days
    assert next_departure_day(date(2026, 12, 25), calendar=US, closed_days=closures) == date(2026, 12, 30)
    assert next_departure_day(date(2026, 12, 30), calendar=US, closed_days=closures) == date(2026, 12, 30)
    assert next_departure_day(date(2026, 12, 30), calendar=US, closed_days=closures, inclusive=False) \
        == date(2026, 12, 31)


def test_a_closure_that_is_not_a_date_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidRecord) as err:
        _plan(datetime(2026, 3, 10, 11, 0, tzinfo=NY), closed_days={"2026-03-10"})
    assert err.value.field == "closed_days"
