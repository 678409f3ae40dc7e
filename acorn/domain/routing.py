"""Amazon-arranged (collect) freight: when a routing request may ask Amazon's carrier to come.

A vendor on collect terms does not book the truck: it sends Amazon a routing request with the
moment the goods are ready (``requestedPickUp``), and Amazon's carrier collects them. Amazon
needs a lead time for that: the pickup must be at least ``lead_business_days`` business days
after the day the request is made (two, in Amazon's routing guide), counted in the
marketplace's calendar. A request made too late for the dock's next truck therefore asks for
the earliest pickup allowed, and the shipment leaves then (:func:`earliest_collect_pickup`
feeds the ship-date planner as a "not before").

Until Amazon assigns a carrier the shipment cannot be labelled nor confirmed; a pickup that
arrives without one is an operator's problem (:func:`carrier_overdue`).
"""

from __future__ import annotations

from datetime import datetime, time

from acorn.domain import _checks
from acorn.domain.calendar import MarketplaceCalendar

#: Amazon's two business days between the routing request and the pickup
DEFAULT_PICKUP_LEAD_BUSINESS_DAYS = 2


def earliest_collect_pickup(as_of: datetime, *, calendar: MarketplaceCalendar,
                            lead_business_days: int = DEFAULT_PICKUP_LEAD_BUSINESS_DAYS) -> datetime:
    """The first moment a routing request made at ``as_of`` may ask for: the start (local midnight) of
    the ``lead_business_days``-th business day after today in ``calendar``, in UTC."""
    as_of = _checks.utc(as_of, record=None, field="as_of")
    _checks.count(lead_business_days, record=None, field="lead_business_days")
    today = as_of.astimezone(calendar.zone).date()
    day = calendar.add_business_days(today, lead_business_days)
    return _checks.utc(datetime.combine(day, time(0), tzinfo=calendar.zone), record=None, field="pickup")


def carrier_overdue(*, requested_pickup: datetime, carrier_assigned: bool, as_of: datetime) -> bool:
    """The pickup Amazon was asked for has come and Amazon has named no carrier: a person must act."""
    return not carrier_assigned and _checks.utc(as_of, record=None, field="as_of") >= _checks.utc(
        requested_pickup, record=None, field="requested_pickup")
