"""Per-dock time zone, cut-off and closure days: configured per ship-from, global values as defaults."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from acorn.config import ConfigError, load_settings
from acorn.services.shipments import schedule_for
from schemas.tables import PurchaseOrder

NY = ZoneInfo("America/New_York")


def _po(ordered: datetime) -> PurchaseOrder:
    return PurchaseOrder(account_code="ACRNUS", po_number="4Z32PABC", state="New", selling_party="ACRNUS",
                         ship_to="ABE8", marketplace="US", currency="USD", order_date=ordered,
                         ship_window_start=ordered, ship_window_end=datetime(2026, 12, 31, tzinfo=UTC))


def test_without_dock_settings_every_dock_takes_the_global_cut_off_and_time_zone() -> None:
    settings = load_settings(asn_policy={"cutoff_local_time": "16:30"})
    dock = settings.dock(settings.account("ACRNUS"))
    assert (dock.time_zone, dock.cutoff_local_time, dock.closed_days) == ("America/New_York", time(16, 30), ())


def test_a_dock_configured_in_toml_moves_its_accounts_departures(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "acorn.toml"
    config.write_text('[docks.ACRNWH1]\ntime_zone = "America/Chicago"\ncutoff_local_time = "13:00"\n'
                      'closed_days = [2026-03-10, "2026-03-12..2026-03-13"]\n', encoding="utf-8")
    monkeypatch.setenv("ACORN_CONFIG_FILE", str(config))
    settings = load_settings()
    account = settings.account("ACRNCA")
    dock = settings.dock(account)
    assert dock.closed_days == (date(2026, 3, 10), date(2026, 3, 12), date(2026, 3, 13))
    assert account.ship_from_tz == "America/Chicago"  # one clock per dock, for every account shipping from it

    monday_late = datetime(2026, 3, 9, 19, 30, tzinfo=UTC)  # 14:30 Chicago: after the 13:00 truck
    departure = schedule_for(settings, account, _po(monday_late), as_of=monday_late).departure
    assert departure == datetime(2026, 3, 11, 13, 0, tzinfo=ZoneInfo("America/Chicago"))  # Tuesday closed
    wednesday_late = datetime(2026, 3, 11, 19, 30, tzinfo=UTC)
    departure = schedule_for(settings, account, _po(wednesday_late), as_of=wednesday_late).departure
    assert departure == datetime(2026, 3, 16, 13, 0, tzinfo=ZoneInfo("America/Chicago"))  # shut Thu-Fri


def test_dock_settings_come_from_the_environment_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACORN_DOCKS__ACRNWH1__CUTOFF_LOCAL_TIME", "11:00")
    monkeypatch.setenv("ACORN_DOCKS__ACRNWH1__CLOSED_DAYS", '["2026-03-10"]')
    settings = load_settings()
    account = settings.account("ACRNUS")
    tuesday = datetime(2026, 3, 10, 9, 0, tzinfo=NY)
    assert schedule_for(settings, account, _po(tuesday), as_of=tuesday).departure \
        == datetime(2026, 3, 11, 11, 0, tzinfo=NY)


@pytest.mark.parametrize(("docks", "named"), [
    pytest.param({"NOPE": {}}, ["docks", "NOPE", "ACRNWH1"], id="dock-no-account-ships-from"),
    pytest.param({"ACRNWH1": {"time_zone": "Mars/Base"}}, ["docks.ACRNWH1.time_zone", "Mars/Base"],
                 id="unknown-time-zone"),
    pytest.param({"ACRNWH1": {"cutoff_local_time": "25:00"}}, ["docks.ACRNWH1.cutoff_local_time"], id="bad-cut-off"),
    pytest.param({"ACRNWH1": {"closed_days": ["2026-12-31..2026-12-24"]}},
                 ["docks.ACRNWH1.closed_days", "2026-12-31..2026-12-24"], id="shutdown-backwards"),
    pytest.param({"ACRNWH1": {"closed_days": ["Christmas"]}}, ["docks.ACRNWH1.closed_days"], id="not-a-date"),
])
def test_a_bad_dock_setting_is_refused_naming_it(docks: dict, named: list[str]) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(docks=docks)
    for fragment in named:
        assert fragment in str(err.value)


def test_an_account_clock_that_disagrees_with_its_dock_is_refused() -> None:
    from acorn.config import DEFAULT_ACCOUNTS

    denver = {**DEFAULT_ACCOUNTS[0].model_dump(), "ship_from_tz": "America/Denver"}  # set explicitly
    with pytest.raises(ConfigError) as err:
        load_settings(accounts=[denver, *DEFAULT_ACCOUNTS[1:]], docks={"ACRNWH1": {"time_zone": "America/Chicago"}})
    assert "accounts[ACRNUS].ship_from_tz" in str(err.value) and "docks.ACRNWH1.time_zone" in str(err.value)
