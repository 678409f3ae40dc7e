from __future__ import annotations

from datetime import date

import pytest

from acorn.domain import (
    MARKETPLACES,
    InvalidRecord,
    MarketplaceCalendar,
    UnknownMarketplace,
    marketplace,
    peak_blackouts,
)

US = MarketplaceCalendar.for_marketplace("US")


def test_the_marketplace_table_has_the_fourteen_marketplaces_with_their_ids_currency_zone_and_region():
    rows = {code: (m.marketplace_id, m.currency, m.time_zone, m.region) for code, m in MARKETPLACES.items()}
    assert rows == {
        "US": ("ATVPDKIKX0DER", "USD", "America/New_York", "NA"),
        "CA": ("A2EUQ1WTGCTBG2", "CAD", "America/Toronto", "NA"),
        "MX": ("A1AM78C64UM0Y8", "MXN", "America/Mexico_City", "NA"),
        "BR": ("A2Q3Y263D00KWC", "BRL", "America/Sao_Paulo", "NA"),
        "UK": ("A1F83G8C2ARO7P", "GBP", "Europe/London", "EU"),
        "DE": ("A1PA6795UKMFR9", "EUR", "Europe/Berlin", "EU"),
        "FR": ("A13V1IB3VIYZZH", "EUR", "Europe/Paris", "EU"),
        "IT": ("APJ6JRA9NG5V4", "EUR", "Europe/Rome", "EU"),
        "ES": ("A1RKKUPIHCS9HS", "EUR", "Europe/Madrid", "EU"),
        "NL": ("A1805IZSGTT6HS", "EUR", "Europe/Amsterdam", "EU"),
        "SE": ("A2NODRKZP88ZB9", "SEK", "Europe/Stockholm", "EU"),
        "PL": ("A1C3SOZRARQ6R3", "PLN", "Europe/Warsaw", "EU"),
        "JP": ("A1VC38T7YXB528", "JPY", "Asia/Tokyo", "FE"),
        "AU": ("A39IBJ37TRP1C6", "AUD", "Australia/Sydney", "FE"),
    }


def test_every_marketplace_has_a_working_calendar():
    for code in MARKETPLACES:
        assert MarketplaceCalendar.for_marketplace(code).is_business_day(date(2026, 1, 1)) is False


def test_a_marketplace_is_found_by_code_or_by_id_and_an_unknown_one_is_named():
    assert marketplace("uk").country == "GB"
    assert marketplace("A1PA6795UKMFR9").code == "DE"
    with pytest.raises(UnknownMarketplace) as raised:
        marketplace("XX")
    assert raised.value.record == "XX"


@pytest.mark.parametrize(
    ("code", "day", "business"),
    [
        pytest.param("US", date(2026, 11, 26), False, id="us-thanksgiving"),
        pytest.param("US", date(2026, 7, 3), False, id="us-independence-day-observed-friday"),
        pytest.param("US", date(2026, 10, 12), True, id="us-columbus-day-carriers-work"),
        pytest.param("US", date(2026, 11, 11), True, id="us-veterans-day-carriers-work"),
        pytest.param("US", date(2026, 11, 28), False, id="saturday"),
        pytest.param("UK", date(2026, 12, 28), False, id="uk-boxing-day-observed-monday"),
        pytest.param("DE", date(2026, 5, 1), False, id="de-labour-day"),
        pytest.param("DE", date(2026, 11, 26), True, id="de-works-on-us-thanksgiving"),
        pytest.param("JP", date(2026, 5, 5), False, id="jp-childrens-day"),
    ],
)
def test_business_days_follow_each_countrys_holidays(code, day, business):
    assert MarketplaceCalendar.for_marketplace(code).is_business_day(day) is business


def test_thanksgiving_week_skips_thursday_when_adding_business_days():
    assert US.add_business_days(date(2026, 11, 25), 1) == date(2026, 11, 27)
    assert US.add_business_days(date(2026, 11, 27), -1) == date(2026, 11, 25)
    assert US.add_business_days(date(2026, 11, 26), 0) == date(2026, 11, 26)


def test_business_days_over_a_weekend():
    assert US.add_business_days(date(2026, 3, 13), 1) == date(2026, 3, 16)
    assert US.next_business_day(date(2026, 3, 14)) == date(2026, 3, 16)
    assert US.next_business_day(date(2026, 3, 16)) == date(2026, 3, 16)
    assert US.next_business_day(date(2026, 3, 16), inclusive=False) == date(2026, 3, 17)


def test_the_us_peak_blackout_is_thanksgiving_the_friday_after_and_christmas_eve_and_day():
    assert sorted(peak_blackouts("US", 2026)) == [date(2026, 11, 26), date(2026, 11, 27), date(2026, 12, 24),
                                                  date(2026, 12, 25)]
    assert US.is_business_day(date(2026, 11, 27))
    assert not US.is_receiving_day(date(2026, 11, 27))
    assert US.blackout_reason(date(2026, 11, 27)) == "Day after Thanksgiving"
    assert US.next_receiving_day(date(2026, 11, 26)) == date(2026, 11, 30)


def test_japan_receives_nothing_over_the_new_year():
    jp = MarketplaceCalendar.for_marketplace("JP")
    assert jp.next_receiving_day(date(2026, 12, 31)) == date(2027, 1, 4)


def test_ops_can_close_extra_days_and_reopen_holidays():
    cal = MarketplaceCalendar("US", "America/New_York", closed_days=frozenset({date(2026, 3, 17)}))
    assert not cal.is_business_day(date(2026, 3, 17))
    assert not cal.is_business_day(date(2026, 10, 12))  # no carrier exception without the marketplace default


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        pytest.param({"country": "US", "tz": "Mars/Olympus_Mons"}, "tz", id="unknown-zone"),
        pytest.param({"country": "ZZ", "tz": "UTC"}, "country", id="no-holiday-data"),
        pytest.param({"country": "US", "tz": "UTC", "weekend": frozenset(range(7))}, "weekend", id="never-working"),
    ],
)
def test_a_calendar_that_cannot_work_is_refused(kwargs, field):
    with pytest.raises(InvalidRecord) as raised:
        MarketplaceCalendar(**kwargs)
    assert raised.value.field == field
