"""Ship dates, delivery estimates and the ASN deadline, across time zones and holidays.

Inputs and outputs are aware UTC. Local time is used only inside, where the business
lives in it: the warehouse's daily carrier cut-off and its holidays (``calendar.tz``),
and the fulfilment centre's appointment clock (``fc_tz``).

Rules:

* The truck leaves at the dock's cut-off on a day the dock is open: a business day that is
  not one of the dock's own closure days (``closed_days``: a local holiday, a stock-take, a
  summer shutdown). An order planned after the day's cut-off (local time) leaves the next
  open day; never before the ship window opens.
* Transit counts carrier business days from the departure day, whatever the dock's own
  closures (the carrier still drives); the delivery then rolls forward to the first
  receiving day (no weekends, holidays or peak blackout).
* Without a booked appointment, Acorn assumes the first slot of the delivery day
  (``appointment_local_time`` at the FC).
* Amazon's ASN deadline: within 30 minutes of departure or at least 6 hours before the
  delivery appointment, whichever is sooner; and a ``shippedDate`` is never later than
  the submission that reports it.
* Amazon's acknowledgement deadline: 24 hours after the order date
  (:data:`acorn.domain.model.ACKNOWLEDGEMENT_WINDOW`); one applied at the deadline itself is
  on time.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from acorn.domain import _checks
from acorn.domain.calendar import MarketplaceCalendar
from acorn.domain.errors import InvalidRecord, ShippedDateInFuture
from acorn.domain.model import ACKNOWLEDGEMENT_WINDOW

DEFAULT_APPOINTMENT_LOCAL_TIME = time(8, 0)


@dataclass(frozen=True)
class AsnDeadlinePolicy:
    """Amazon's ASN timeliness rule, as numbers that a marketplace could change."""

    minutes_after_departure: int = 30
    hours_before_appointment: int = 6


DEFAULT_ASN_POLICY = AsnDeadlinePolicy()


def asn_deadline(
    *,
    departure: datetime,
    delivery_appointment: datetime | None,
    policy: AsnDeadlinePolicy = DEFAULT_ASN_POLICY,
) -> datetime:
    """The latest moment an ASN may be sent: min(departure + 30 min, appointment − 6 h), in UTC.

    Without a known appointment only the half after departure can be judged (Amazon, judging
    an ASN that carries no ``estimatedDeliveryDate``, has nothing else to go by).
    """
    departure = _checks.utc(departure, record=None, field="departure")
    after_departure = departure + timedelta(minutes=policy.minutes_after_departure)
    if delivery_appointment is None:
        return after_departure
    appointment = _checks.utc(delivery_appointment, record=None, field="delivery_appointment")
    return min(after_departure, appointment - timedelta(hours=policy.hours_before_appointment))


def asn_is_on_time(submitted_at: datetime, deadline: datetime) -> bool:
    """An ASN submitted at the deadline itself is on time."""
    return _checks.utc(submitted_at, record=None, field="submitted_at") <= _checks.utc(
        deadline, record=None, field="deadline"
    )


def acknowledgement_deadline(order_date: datetime, *, window: timedelta = ACKNOWLEDGEMENT_WINDOW) -> datetime:
    """When Amazon expects a purchase order placed at ``order_date`` to be acknowledged, in UTC.

    ``window`` is Amazon's 24 hours unless a rehearsal (the sandbox) wants another.
    """
    order_date = _checks.utc(order_date, record=None, field="order_date")
    if window <= timedelta(0):
        raise InvalidRecord("the acknowledgement window must be longer than zero", field="window")
    return order_date + window


def acknowledgement_is_on_time(acknowledged_at: datetime, deadline: datetime) -> bool:
    """An acknowledgement applied at the deadline itself is on time (as for ASNs)."""
    return _checks.utc(acknowledged_at, record=None, field="acknowledged_at") <= _checks.utc(
        deadline, record=None, field="deadline"
    )


def shipped_date_is_valid(*, shipped_at: datetime, submitted_at: datetime) -> bool:
    """Whether an ASN submitted at ``submitted_at`` may report goods shipped at ``shipped_at``."""
    return _checks.utc(shipped_at, record=None, field="shipped_at") <= _checks.utc(
        submitted_at, record=None, field="submitted_at"
    )


def ensure_shipped_date_not_in_future(
    *, shipped_at: datetime, submitted_at: datetime, record: str | None = None
) -> None:
    """Raise :class:`ShippedDateInFuture` when an ASN would claim goods left after it was sent."""
    if not shipped_date_is_valid(shipped_at=shipped_at, submitted_at=submitted_at):
        raise ShippedDateInFuture(
            f"shipped date {shipped_at.isoformat()} is after the submission at {submitted_at.isoformat()}",
            record=record,
            field="shippedDate",
        )


@dataclass(frozen=True)
class ShipSchedule:
    """When the goods leave, arrive and are booked in; all aware UTC."""

    departure: datetime
    estimated_delivery: datetime
    delivery_appointment: datetime
    within_ship_window: bool
    asn_policy: AsnDeadlinePolicy = DEFAULT_ASN_POLICY

    @property
    def asn_deadline(self) -> datetime:
        return asn_deadline(
            departure=self.departure, delivery_appointment=self.delivery_appointment, policy=self.asn_policy
        )

    @property
    def asn_due_before_departure(self) -> bool:
        """True when the appointment is so close that the ASN must go before the truck leaves."""
        return self.asn_deadline < self.departure


def _at(day: date, clock: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)


def _local_clock(value: time, *, field: str) -> time:
    if not isinstance(value, time) or value.tzinfo is not None:
        raise InvalidRecord("expected a naive local wall-clock time (the time zone comes separately)", field=field)
    return value


def _zone(tz: ZoneInfo | str) -> ZoneInfo:
    if isinstance(tz, ZoneInfo):
        return tz
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise InvalidRecord(f"unknown time zone {tz!r}", field="fc_tz") from None


def _closure_days(days: Collection[date]) -> frozenset[date]:
    if any(not isinstance(d, date) or isinstance(d, datetime) for d in days):
        raise InvalidRecord("closure days must be calendar dates", field="closed_days")
    return frozenset(days)


def next_departure_day(day: date, *, calendar: MarketplaceCalendar, closed_days: Collection[date] = frozenset(),
                       inclusive: bool = True) -> date:
    """``day`` (when ``inclusive``) or the first later day the dock is open: a business day of its
    country that is not one of its own ``closed_days``."""
    closed = _closure_days(closed_days)
    day = calendar.next_business_day(day, inclusive=inclusive)
    while day in closed:
        day = calendar.next_business_day(day, inclusive=False)
    return day


def plan_ship_dates(
    *,
    as_of: datetime,
    ship_window_start: datetime,
    ship_window_end: datetime,
    calendar: MarketplaceCalendar,
    fc_tz: ZoneInfo | str,
    cutoff_local_time: time,
    transit_business_days: int,
    appointment_local_time: time = DEFAULT_APPOINTMENT_LOCAL_TIME,
    delivery_appointment: datetime | None = None,
    asn_policy: AsnDeadlinePolicy = DEFAULT_ASN_POLICY,
    closed_days: Collection[date] = frozenset(),
) -> ShipSchedule:
    """The earliest honest departure from ``as_of``, and the delivery that follows.

    ``calendar`` and ``cutoff_local_time`` are the ship-from dock's; ``closed_days`` are the
    dock's own closures (no truck leaves), on top of the calendar's weekends and holidays.

    ``delivery_appointment`` is the slot booked with the carrier when there is one; it
    replaces the assumed first slot but not the transit estimate. A departure after the
    ship window is still planned (the goods exist) and flagged ``within_ship_window=False``.
    """
    as_of = _checks.utc(as_of, record=None, field="as_of")
    window_start = _checks.utc(ship_window_start, record=None, field="ship_window_start")
    window_end = _checks.utc(ship_window_end, record=None, field="ship_window_end")
    cutoff = _local_clock(cutoff_local_time, field="cutoff_local_time")
    first_slot = _local_clock(appointment_local_time, field="appointment_local_time")
    _checks.count(transit_business_days, record=None, field="transit_business_days")
    fc_zone = _zone(fc_tz)
    closed = _closure_days(closed_days)
    day = _departure_day(as_of, window_start, calendar=calendar, cutoff=cutoff, closed_days=closed)
    departure = _at(day, cutoff, calendar.zone)
    arrival = _estimated_delivery(day, transit_business_days, calendar=calendar, slot=first_slot, fc_zone=fc_zone)
    return ShipSchedule(departure=departure, estimated_delivery=arrival,
                        delivery_appointment=_booked_or_assumed(delivery_appointment, arrival),
                        within_ship_window=window_start <= departure <= window_end, asn_policy=asn_policy)


def _departure_day(as_of: datetime, window_start: datetime, *, calendar: MarketplaceCalendar, cutoff: time,
                   closed_days: frozenset[date]) -> date:
    """The first day the dock is open whose cut-off is after ``as_of`` and not before the window opens."""
    local_tz = calendar.zone
    not_before = max(as_of, window_start)
    day = next_departure_day(not_before.astimezone(local_tz).date(), calendar=calendar, closed_days=closed_days)
    while _at(day, cutoff, local_tz) <= as_of or _at(day, cutoff, local_tz) < window_start:
        day = next_departure_day(day, calendar=calendar, closed_days=closed_days, inclusive=False)
    return day


def _estimated_delivery(departure_day: date, transit_business_days: int, *, calendar: MarketplaceCalendar,
                        slot: time, fc_zone: ZoneInfo) -> datetime:
    """Transit in carrier business days, rolled to the first receiving day, at the FC's first slot."""
    arrival_day = calendar.next_receiving_day(calendar.add_business_days(departure_day, transit_business_days))
    return _at(arrival_day, slot, fc_zone)


def _booked_or_assumed(delivery_appointment: datetime | None, estimated_delivery: datetime) -> datetime:
    """The appointment booked with the carrier when there is one, else the assumed first slot."""
    if delivery_appointment is None:
        return estimated_delivery
    return _checks.utc(delivery_appointment, record=None, field="delivery_appointment")
