"""Amazon-arranged freight: how early a routing request may ask Amazon's carrier to come."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from acorn.domain.calendar import MarketplaceCalendar
from acorn.domain.errors import NaiveDatetime
from acorn.domain.routing import carrier_overdue, earliest_collect_pickup

NEW_YORK = ZoneInfo("America/New_York")
US = MarketplaceCalendar("US", NEW_YORK)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


@pytest.mark.parametrize(("as_of", "earliest"), [
    pytest.param(local(2026, 3, 2, 15, 10), local(2026, 3, 4), id="monday-afternoon-asks-for-wednesday"),
    pytest.param(local(2026, 3, 2, 0, 0), local(2026, 3, 4), id="the-whole-day-counts-as-today"),
    pytest.param(local(2026, 3, 6, 15, 10), local(2026, 3, 10), id="friday-skips-the-weekend"),
    pytest.param(local(2026, 3, 7, 11, 0), local(2026, 3, 10), id="saturday-counts-from-monday"),
    pytest.param(local(2026, 5, 22, 15, 10), local(2026, 5, 27), id="memorial-day-is-not-a-business-day"),
])
def test_a_pickup_is_asked_for_no_earlier_than_two_business_days_after_today(as_of: datetime,
                                                                             earliest: datetime) -> None:
    found = earliest_collect_pickup(as_of.astimezone(UTC), calendar=US)
    assert found == earliest and found.tzinfo == UTC


def test_the_day_is_read_in_the_marketplace_time_zone_not_in_utc() -> None:
    # 02:00 UTC on Tuesday is still Monday evening in New York: two business days from Monday
    assert earliest_collect_pickup(datetime(2026, 3, 3, 2, 0, tzinfo=UTC), calendar=US) == local(2026, 3, 4)


def test_the_lead_is_a_setting() -> None:
    as_of = local(2026, 3, 2, 15, 10)
    assert earliest_collect_pickup(as_of, calendar=US, lead_business_days=0) == local(2026, 3, 2)
    assert earliest_collect_pickup(as_of, calendar=US, lead_business_days=5) == local(2026, 3, 9)


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(NaiveDatetime):
        earliest_collect_pickup(datetime(2026, 3, 2, 15, 10), calendar=US)


def test_a_carrier_is_overdue_only_once_the_pickup_has_come_without_one() -> None:
    pickup = datetime(2026, 3, 4, 20, 0, tzinfo=UTC)
    assert not carrier_overdue(requested_pickup=pickup, carrier_assigned=False, as_of=pickup - timedelta(seconds=1))
    assert carrier_overdue(requested_pickup=pickup, carrier_assigned=False, as_of=pickup)
    assert not carrier_overdue(requested_pickup=pickup, carrier_assigned=True, as_of=pickup + timedelta(days=1))
