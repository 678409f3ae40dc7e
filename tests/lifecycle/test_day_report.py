"""The daily report and dashboard on a store with two days of activity: the day's figures beside the totals."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from acorn.documents import render_daily_report_md
from acorn.services.daily_report import day_report, write_dashboard
from acorn.services.day_figures import business_day, day_figures
from acorn.services.summary import lifecycle_counts
from lifecycle_world import US, World, run_day


@pytest.fixture
def two_days(world: World) -> tuple[World, list[datetime]]:
    days = world.run_times(2)
    for as_of in days:
        run_day(world, as_of)
    return world, days


def test_a_business_day_is_the_docks_local_day_in_utc_bounds() -> None:
    from acorn.config import DEFAULT_ACCOUNTS

    us = next(a for a in DEFAULT_ACCOUNTS if a.code == US)  # New York dock
    evening = datetime(2026, 3, 3, 3, 30, tzinfo=UTC)  # 22:30 on the 2nd in New York
    day = business_day(us, evening)
    assert (day.day, day.start, day.end) == (date(2026, 3, 2), datetime(2026, 3, 2, 5, tzinfo=UTC),
                                             datetime(2026, 3, 3, 5, tzinfo=UTC))
    spring_forward = business_day(us, datetime(2026, 3, 8, 12, tzinfo=UTC))
    assert spring_forward.end - spring_forward.start == timedelta(hours=23)


def test_the_days_figures_add_up_to_the_running_totals_and_differ_from_them(two_days) -> None:
    world, (first, second) = two_days
    account = [world.settings.account(US)]
    one, two = day_figures(world.units, account, first), day_figures(world.units, account, second)
    totals = lifecycle_counts(world.units, US)
    # everything acknowledged, sent and billed so far happened on one of the two days
    assert one.acknowledgements_accepted + two.acknowledgements_accepted == totals["acknowledgements"]["accepted"]
    assert one.asns_on_time + two.asns_on_time == totals["asns"]["on_time"] > 0
    assert one.invoices_accepted + two.invoices_accepted == totals["invoices"]["accepted"]
    invoiced = sum((f.invoiced.get("USD", Decimal(0)) for f in (one, two)), Decimal(0))
    assert invoiced == Decimal(totals["invoices"]["billed"])
    # ... and the second day is not the total: the first day's acknowledgements are not in it
    assert 0 < two.acknowledgements_accepted < totals["acknowledgements"]["accepted"]
    assert one.purchase_orders + two.purchase_orders <= totals["purchase_orders"]  # older POs came in on day one
    assert two.shipments <= totals["shipments"] and two.cartons <= totals["cartons"]
    assert 0 < two.units_accepted <= two.units_requested


def test_the_report_shows_the_day_next_to_the_totals_and_every_open_alert_by_severity(two_days) -> None:
    world, (_, second) = two_days
    report = day_report(world.units, world.settings, second)
    md = render_daily_report_md(report.summary(dashboard="file:///srv/acorn/reports/dashboard.html"))
    totals, today = report.totals, report.today
    assert (f"| Acknowledgements | {today.acknowledgements_accepted} accepted, {today.acknowledgements_late} late, "
            f"{today.acknowledgements_failed} failed | {totals['acknowledgements']['accepted']} |") in md
    assert f"| ASNs | {today.asns_on_time} on time, {today.asns_late} late, {today.asns_failed} failed |" in md
    assert "[Open the dashboard](file:///srv/acorn/reports/dashboard.html)" in md
    open_alerts = totals["alerts"]["open"]
    assert open_alerts > 50 or open_alerts == len(report.alerts)  # every one, not the oldest 50
    assert f"## Open alerts ({open_alerts})" in md
    rows = [line for line in md.splitlines() if re.match(r"\| \d{4}-\d\d-\d\d \d\d:\d\d UTC \| ", line)]
    assert len(rows) == open_alerts


def test_the_dashboard_is_written_under_the_home_folder_with_its_charts_and_a_dated_copy(two_days) -> None:
    world, (first, second) = two_days
    report = day_report(world.units, world.settings, second)
    path = write_dashboard(world.units, world.settings, second, report)
    assert path == world.settings.home / "reports" / "dashboard.html"
    dated = path.with_name(f"dashboard-{report.business_date.isoformat()}.html")
    html = path.read_text(encoding="utf-8")
    assert dated.read_text(encoding="utf-8") == html
    assert html.count("<svg") == 4  # ASN on time, fill rate, shortages, USD invoiced
    assert not re.search(r'(src|href)="(https?:)?//', html) and "<link" not in html  # self-contained
    for chart in ("asn-on-time", "fill-rate"):
        assert f'id="{chart}-bar-{report.business_date.isoformat()}"' in html
    invoiced_on = [d.isoformat() for d, f in ((business_day(world.settings.account(US), t).day,
                                               day_figures(world.units, [world.settings.account(US)], t))
                                              for t in (first, second)) if f.invoiced]
    assert invoiced_on and all(f'id="invoiced-USD-bar-{d}"' in html for d in invoiced_on)
