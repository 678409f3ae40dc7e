"""Business calendars per Amazon marketplace: working days, holidays, peak blackouts.

A *business day* is a weekday that is not a public holiday of the country (from the
``holidays`` package): the days the vendor's dock and the carriers work. For the US,
Columbus Day and Veterans Day are kept as working days, because parcel and LTL carriers
run on them (pass ``worked_holidays=()`` to treat them as closed).

A *receiving day* is a business day outside Amazon's peak blackout, when fulfilment
centres take no vendor appointments. Amazon publishes the exact blackout each season;
these are the hints Acorn uses until ops override them with ``closed_days``:

* US: Thanksgiving Thursday and the Friday after it, Christmas Eve, Christmas Day.
* CA, UK, DE, FR, IT, ES, NL, SE, PL, AU: 24, 25 and 26 December.
* MX, BR: 24 and 25 December, 31 December.
* JP: 31 December to 3 January (shōgatsu).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from acorn.domain.errors import InvalidRecord, UnknownMarketplace


@dataclass(frozen=True)
class Marketplace:
    """One Amazon marketplace: its ids and the country, currency and clock it runs on."""

    code: str
    marketplace_id: str
    country: str  # ISO 3166 alpha-2, as the holidays package knows it (UK → GB)
    currency: str
    time_zone: str
    region: str  # SP-API region: NA, EU or FE


_TABLE = [
    Marketplace("US", "ATVPDKIKX0DER", "US", "USD", "America/New_York", "NA"),
    Marketplace("CA", "A2EUQ1WTGCTBG2", "CA", "CAD", "America/Toronto", "NA"),
    Marketplace("MX", "A1AM78C64UM0Y8", "MX", "MXN", "America/Mexico_City", "NA"),
    Marketplace("BR", "A2Q3Y263D00KWC", "BR", "BRL", "America/Sao_Paulo", "NA"),
    Marketplace("UK", "A1F83G8C2ARO7P", "GB", "GBP", "Europe/London", "EU"),
    Marketplace("DE", "A1PA6795UKMFR9", "DE", "EUR", "Europe/Berlin", "EU"),
    Marketplace("FR", "A13V1IB3VIYZZH", "FR", "EUR", "Europe/Paris", "EU"),
    Marketplace("IT", "APJ6JRA9NG5V4", "IT", "EUR", "Europe/Rome", "EU"),
    Marketplace("ES", "A1RKKUPIHCS9HS", "ES", "EUR", "Europe/Madrid", "EU"),
    Marketplace("NL", "A1805IZSGTT6HS", "NL", "EUR", "Europe/Amsterdam", "EU"),
    Marketplace("SE", "A2NODRKZP88ZB9", "SE", "SEK", "Europe/Stockholm", "EU"),
    Marketplace("PL", "A1C3SOZRARQ6R3", "PL", "PLN", "Europe/Warsaw", "EU"),
    Marketplace("JP", "A1VC38T7YXB528", "JP", "JPY", "Asia/Tokyo", "FE"),
    Marketplace("AU", "A39IBJ37TRP1C6", "AU", "AUD", "Australia/Sydney", "FE"),
]

#: Marketplace code → :class:`Marketplace`.
MARKETPLACES: Mapping[str, Marketplace] = MappingProxyType({m.code: m for m in _TABLE})
_BY_ID = {m.marketplace_id: m for m in _TABLE}

#: Public holidays on which carriers still run, by country.
CARRIER_WORKED_HOLIDAYS: Mapping[str, frozenset[str]] = MappingProxyType(
    {"US": frozenset({"Columbus Day", "Veterans Day"})}
)


def marketplace(code_or_id: str) -> Marketplace:
    """Look a marketplace up by code (``DE``) or by id (``A1PA6795UKMFR9``)."""
    found = MARKETPLACES.get(code_or_id.upper()) if isinstance(code_or_id, str) else None
    found = found or _BY_ID.get(code_or_id)
    if found is None:
        raise UnknownMarketplace(
            f"{code_or_id!r} is not a known marketplace code or id", record=str(code_or_id), field="marketplace"
        )
    return found


@lru_cache(maxsize=256)
def _public_holidays(country: str, subdivision: str | None, year: int) -> Mapping[date, str]:
    return MappingProxyType(dict(holidays.country_holidays(country, subdiv=subdivision, years=year)))


def _fourth_thursday_of_november(year: int) -> date:
    first = date(year, 11, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 21)


def peak_blackouts(country: str, year: int) -> dict[date, str]:
    """Amazon's usual peak receiving blackout days for ``country`` in ``year`` (see module doc)."""
    days: dict[date, str] = {}
    if country == "US":
        thanksgiving = _fourth_thursday_of_november(year)
        days[thanksgiving] = "Thanksgiving"
        days[thanksgiving + timedelta(days=1)] = "Day after Thanksgiving"
        days[date(year, 12, 24)] = "Christmas Eve"
        days[date(year, 12, 25)] = "Christmas Day"
    elif country in {"MX", "BR"}:
        days.update({date(year, 12, 24): "Christmas Eve", date(year, 12, 25): "Christmas Day"})
        days[date(year, 12, 31)] = "New Year's Eve"
    elif country == "JP":
        days.update({date(year, 1, d): "New Year (shōgatsu)" for d in (1, 2, 3)})
        days[date(year, 12, 31)] = "New Year's Eve (shōgatsu)"
    else:
        days[date(year, 12, 24)] = "Christmas Eve"
        days[date(year, 12, 25)] = "Christmas Day"
        days[date(year, 12, 26)] = "26 December"
    return days


@dataclass(frozen=True)
class MarketplaceCalendar:
    """Working days and receiving days in one country, read in its local time zone ``tz``."""

    country: str
    tz: ZoneInfo | str
    subdivision: str | None = None
    worked_holidays: frozenset[str] = frozenset()
    closed_days: frozenset[date] = frozenset()
    weekend: frozenset[int] = field(default=frozenset({5, 6}))

    def __post_init__(self) -> None:
        if isinstance(self.tz, str):
            try:
                object.__setattr__(self, "tz", ZoneInfo(self.tz))
            except (ZoneInfoNotFoundError, ValueError):
                raise InvalidRecord(f"unknown time zone {self.tz!r}", record=self.country, field="tz") from None
        try:
            _public_holidays(self.country, self.subdivision, 2000)
        except NotImplementedError:
            raise InvalidRecord(
                f"no holiday data for country {self.country!r} / {self.subdivision!r}",
                record=self.country,
                field="country",
            ) from None
        object.__setattr__(self, "worked_holidays", frozenset(self.worked_holidays))
        object.__setattr__(self, "closed_days", frozenset(self.closed_days))
        object.__setattr__(self, "weekend", frozenset(self.weekend))
        if not self.weekend <= set(range(7)) or len(self.weekend) >= 7:
            raise InvalidRecord(
                "weekend must be some (not all) of the weekdays 0-6", record=self.country, field="weekend"
            )

    @classmethod
    def for_marketplace(cls, code_or_id: str, *, tz: ZoneInfo | str | None = None) -> MarketplaceCalendar:
        """The calendar of a marketplace, in its default time zone unless ``tz`` is given."""
        m = marketplace(code_or_id)
        return cls(m.country, tz or m.time_zone, worked_holidays=CARRIER_WORKED_HOLIDAYS.get(m.country, frozenset()))

    @property
    def zone(self) -> ZoneInfo:
        assert isinstance(self.tz, ZoneInfo)
        return self.tz

    def holiday_name(self, day: date) -> str | None:
        """The public holiday on ``day`` that closes the dock, if any."""
        name = _public_holidays(self.country, self.subdivision, day.year).get(day)
        if name is None:
            return None
        closing = [n for n in name.split("; ") if n not in self.worked_holidays]
        return "; ".join(closing) or None

    def is_business_day(self, day: date) -> bool:
        return day.weekday() not in self.weekend and day not in self.closed_days and self.holiday_name(day) is None

    def blackout_reason(self, day: date) -> str | None:
        """Why FCs take no appointments on ``day`` (peak blackout), or ``None``."""
        return peak_blackouts(self.country, day.year).get(day)

    def is_receiving_day(self, day: date) -> bool:
        """A business day on which the fulfilment centre takes deliveries."""
        return self.is_business_day(day) and self.blackout_reason(day) is None

    def next_business_day(self, day: date, *, inclusive: bool = True) -> date:
        """``day`` itself if it is a business day (when ``inclusive``), else the next one."""
        day = day if inclusive else day + timedelta(days=1)
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def next_receiving_day(self, day: date, *, inclusive: bool = True) -> date:
        day = day if inclusive else day + timedelta(days=1)
        while not self.is_receiving_day(day):
            day += timedelta(days=1)
        return day

    def add_business_days(self, day: date, n: int) -> date:
        """The ``n``-th business day after ``day`` (before it when ``n`` < 0); ``n`` = 0 is ``day``."""
        step = timedelta(days=1 if n >= 0 else -1)
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_business_day(day):
                remaining -= 1
        return day
