from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from acorn.domain import (
    AsnDeadlinePolicy,
    InvalidRecord,
    MarketplaceCalendar,
    NaiveDatetime,
    ShippedDateInFuture,
    asn_deadline,
    asn_is_on_time,
    plan_ship_dates,
    shipped_date_is_valid,
)
from acorn.domain.deadlines import (
    acknowledgement_deadline,
    acknowledgement_is_on_time,
    ensure_shipped_date_not_in_future,
)
from acorn.domain.model import ACKNOWLEDGEMENT_WINDOW

UTC = UTC
NY = ZoneInfo("America/New_York")
US = MarketplaceCalendar.for_marketplace("US")


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def schedule(as_of, *, calendar=US, window=None, transit=2, fc_tz="America/New_York", cutoff=time(15), **kwargs):
    start, end = window or (as_of - timedelta(days=1), as_of + timedelta(days=14))
    return plan_ship_dates(
        as_of=as_of, ship_window_start=start, ship_window_end=end, calendar=calendar, fc_tz=fc_tz,
        cutoff_local_time=cutoff, transit_business_days=transit, **kwargs,
    )


def test_an_order_before_the_cutoff_leaves_the_same_day_at_the_cutoff():
    plan = schedule(datetime(2026, 3, 10, 11, 0, tzinfo=NY))
    assert plan.departure == utc(2026, 3, 10, 19, 0)  # 15:00 EDT
    assert plan.departure.tzinfo is UTC


def test_thanksgiving_moves_the_ship_date_to_the_friday():
    plan = schedule(datetime(2026, 11, 25, 16, 0, tzinfo=NY))  # Wednesday, after the cutoff
    assert plan.departure == utc(2026, 11, 27, 20, 0)  # Friday 15:00 EST


def test_the_peak_blackout_moves_the_delivery_past_thanksgiving_weekend():
    plan = schedule(datetime(2026, 11, 20, 9, 0, tzinfo=NY), transit=4)
    assert plan.departure == utc(2026, 11, 20, 20, 0)
    # Mon 23, Tue 24, Wed 25, (Thanksgiving), Fri 27 is blacked out at FCs → Monday 30, 08:00 EST
    assert plan.estimated_delivery == utc(2026, 11, 30, 13, 0)


def test_the_local_day_decides_when_utc_is_still_on_the_day_before():
    tokyo = MarketplaceCalendar.for_marketplace("JP")
    as_of = utc(2026, 3, 15, 23, 0)  # Sunday in UTC, already Monday 08:00 in Tokyo
    plan = schedule(as_of, calendar=tokyo, fc_tz="Asia/Tokyo", transit=1)
    assert plan.departure == utc(2026, 3, 16, 6, 0)  # Monday 15:00 JST
    assert plan.estimated_delivery == utc(2026, 3, 16, 23, 0)  # Tuesday 08:00 JST


def test_a_late_evening_order_before_a_late_cutoff_leaves_that_evening_although_utc_is_past_midnight():
    plan = schedule(datetime(2026, 3, 13, 22, 0, tzinfo=NY), cutoff=time(23, 0))  # Friday 22:00 EDT = Sat 02:00Z
    assert plan.departure == utc(2026, 3, 14, 3, 0)


@pytest.mark.parametrize(
    ("local_day", "expected_utc_hour"),
    [
        pytest.param(datetime(2026, 3, 6, 9, 0, tzinfo=NY), 20, id="friday-before-dst-est"),
        pytest.param(datetime(2026, 3, 9, 9, 0, tzinfo=NY), 19, id="monday-after-dst-edt"),
        pytest.param(datetime(2026, 10, 30, 9, 0, tzinfo=NY), 19, id="friday-before-dst-ends"),
        pytest.param(datetime(2026, 11, 2, 9, 0, tzinfo=NY), 20, id="monday-after-dst-ends"),
    ],
)
def test_the_local_cutoff_stays_at_15_00_across_daylight_saving_changes(local_day, expected_utc_hour):
    plan = schedule(local_day)
    assert plan.departure.astimezone(NY).time() == time(15, 0)
    assert plan.departure.hour == expected_utc_hour


def test_nothing_leaves_before_the_ship_window_opens():
    window = (utc(2026, 3, 14, 7), utc(2026, 3, 20, 7))  # opens Saturday
    plan = schedule(utc(2026, 3, 10, 12), window=window)
    assert plan.departure == utc(2026, 3, 16, 19, 0)
    assert plan.within_ship_window


def test_a_departure_after_the_ship_window_is_planned_but_flagged():
    window = (utc(2026, 3, 2, 7), utc(2026, 3, 9, 7))
    plan = schedule(utc(2026, 3, 10, 12), window=window)
    assert plan.departure == utc(2026, 3, 10, 19, 0)
    assert not plan.within_ship_window


def test_the_appointment_is_read_on_the_fulfilment_centres_clock():
    plan = schedule(datetime(2026, 3, 10, 9, 0, tzinfo=NY), fc_tz="America/Los_Angeles", transit=3)
    assert plan.delivery_appointment == utc(2026, 3, 13, 15, 0)  # Friday 08:00 PDT
    assert plan.estimated_delivery == plan.delivery_appointment


def test_a_booked_appointment_replaces_the_assumed_slot_and_drives_the_asn_deadline():
    booked = utc(2026, 3, 11, 0, 0)  # a same-evening appointment, 5 h after a 19:00Z departure
    plan = schedule(datetime(2026, 3, 10, 9, 0, tzinfo=NY), delivery_appointment=booked)
    assert plan.delivery_appointment == booked
    assert plan.estimated_delivery == utc(2026, 3, 12, 12, 0)  # transit estimate unchanged: Thu 08:00 EDT
    assert plan.asn_deadline == utc(2026, 3, 10, 18, 0)  # appointment − 6 h, sooner than departure + 30 min
    assert plan.asn_due_before_departure


@pytest.mark.parametrize(
    ("departure", "appointment", "deadline"),
    [
        pytest.param(utc(2026, 3, 10, 19), utc(2026, 3, 12, 13), utc(2026, 3, 10, 19, 30),
                     id="departure-plus-30-min-sooner"),
        pytest.param(utc(2026, 3, 10, 19), utc(2026, 3, 11, 1), utc(2026, 3, 10, 19),
                     id="appointment-minus-6-h-sooner"),
        pytest.param(utc(2026, 3, 10, 19), utc(2026, 3, 11, 1, 30), utc(2026, 3, 10, 19, 30), id="both-equal"),
    ],
)
def test_the_asn_deadline_is_the_sooner_of_departure_plus_30_min_and_appointment_minus_6_h(departure, appointment,
                                                                                           deadline):
    assert asn_deadline(departure=departure, delivery_appointment=appointment) == deadline


def test_a_marketplace_can_tighten_the_asn_policy():
    policy = AsnDeadlinePolicy(minutes_after_departure=15, hours_before_appointment=6)
    assert asn_deadline(departure=utc(2026, 3, 10, 19), delivery_appointment=utc(2026, 3, 12), policy=policy) == utc(
        2026, 3, 10, 19, 15
    )


def test_without_a_known_appointment_the_asn_is_due_30_min_after_departure():
    assert asn_deadline(departure=utc(2026, 3, 10, 19), delivery_appointment=None) == utc(2026, 3, 10, 19, 30)


def test_an_asn_at_the_deadline_is_on_time_and_a_second_later_is_late():
    deadline = utc(2026, 3, 10, 19, 30)
    assert asn_is_on_time(deadline, deadline)
    assert not asn_is_on_time(deadline + timedelta(seconds=1), deadline)
    assert asn_is_on_time(datetime(2026, 3, 10, 15, 29, tzinfo=NY), deadline)


def test_an_asn_never_reports_a_shipped_date_after_its_submission():
    submitted = utc(2026, 3, 10, 19, 10)
    assert shipped_date_is_valid(shipped_at=submitted, submitted_at=submitted)
    assert not shipped_date_is_valid(shipped_at=submitted + timedelta(minutes=1), submitted_at=submitted)
    with pytest.raises(ShippedDateInFuture) as raised:
        ensure_shipped_date_not_in_future(shipped_at=utc(2026, 3, 11), submitted_at=submitted, record="SHIP-1")
    assert (raised.value.record, raised.value.field) == ("SHIP-1", "shippedDate")


@pytest.mark.parametrize(
    "naive_field",
    [pytest.param("as_of", id="as-of"), pytest.param("ship_window_start", id="window-start")],
)
def test_naive_datetimes_are_refused_naming_the_field(naive_field):
    values = dict(as_of=utc(2026, 3, 10, 12), ship_window_start=utc(2026, 3, 10), ship_window_end=utc(2026, 3, 20))
    values[naive_field] = values[naive_field].replace(tzinfo=None)
    with pytest.raises(NaiveDatetime) as raised:
        plan_ship_dates(**values, calendar=US, fc_tz=NY, cutoff_local_time=time(15), transit_business_days=1)
    assert raised.value.field == naive_field
    with pytest.raises(NaiveDatetime):
        asn_deadline(departure=datetime(2026, 3, 10, 19), delivery_appointment=utc(2026, 3, 12))


# ---- acknowledgement deadline ------------------------------------------------------------

def test_an_order_is_due_for_acknowledgement_24_hours_after_it_was_placed():
    placed = datetime(2026, 3, 2, 9, 30, tzinfo=NY)
    deadline = acknowledgement_deadline(placed)
    assert deadline == utc(2026, 3, 3, 14, 30) and deadline.tzinfo is UTC
    assert ACKNOWLEDGEMENT_WINDOW == timedelta(hours=24)
    assert acknowledgement_deadline(placed, window=timedelta(hours=48)) == utc(2026, 3, 4, 14, 30)


def test_an_acknowledgement_at_the_deadline_is_on_time_and_a_millisecond_later_is_late():
    deadline = acknowledgement_deadline(utc(2026, 3, 2, 14, 0))
    assert acknowledgement_is_on_time(deadline, deadline)
    assert acknowledgement_is_on_time(deadline - timedelta(hours=23), deadline)
    assert not acknowledgement_is_on_time(deadline + timedelta(milliseconds=1), deadline)


def test_the_acknowledgement_deadline_refuses_naive_dates_and_empty_windows():
    with pytest.raises(NaiveDatetime):
        acknowledgement_deadline(datetime(2026, 3, 2, 14, 0))
    with pytest.raises(NaiveDatetime):
        acknowledgement_is_on_time(datetime(2026, 3, 2, 14, 0), utc(2026, 3, 3, 14, 0))
    with pytest.raises(InvalidRecord, match="window"):
        acknowledgement_deadline(utc(2026, 3, 2, 14, 0), window=timedelta(0))
