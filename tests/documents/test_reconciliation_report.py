"""The monthly reconciliation report: the figures put in come out, escaped, charted and in the CSV."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from acorn.config import DEFAULT_ACCOUNTS
from acorn.documents import charts
from acorn.documents.reconciliation_report import (
    CSV_COLUMNS,
    build_report,
    render_report_html,
    report_artifacts,
    write_report,
)
from acorn.store import UnitOfWork, upgrade
from acorn.store.uow import units
from schemas.tables import Claim, ReconciliationLine, ReconciliationRun, RemittanceLine

US, CA = DEFAULT_ACCOUNTS  # ACRNUS (US, USD) and ACRNCA (CA, CAD)
EVIL = "<script>alert(1)</script>"
AS_OF = datetime(2025, 4, 3, 6, 0, tzinfo=UTC)
SVG = "{http://www.w3.org/2000/svg}"


def line(po: str, category: str, units: int, amount: str) -> ReconciliationLine:
    return ReconciliationLine(run_id=0, po_number=po, item_sequence="1", category=category, units=units,
                              amount=Decimal(amount), currency="USD", ordered_qty=units, shipped_qty=units)


def claim(key: str, kind: str, amount: str, status: str, *, recovered: str = "0", lines: list | None = None,
          deducted_on: date = date(2025, 3, 4), disputed_on: date | None = None) -> Claim:
    return Claim(claim_key=key, account_code=US.code, kind=kind, invoice_number="I1", payment_number="PAY-1",
                 deducted_on=deducted_on, amount=Decimal(amount), recovered=Decimal(recovered), currency="USD",
                 status=status, disputed_on=disputed_on, lines=lines or [])


def paid(payment: str, on: date, account: str = US.code, **deductions: str) -> RemittanceLine:
    return RemittanceLine(account_code=account, payment_number=payment, payment_date=on, invoice_number="I1",
                          currency="USD", po_number="P", item_sequence="1",
                          **{f"{k}_deduction": Decimal(v) for k, v in deductions.items()})


def category(lines: int, units: int, amount: str) -> dict:
    return {"lines": lines, "units": units, "amount": amount}


@pytest.fixture
def march(sqlite_url: str) -> str:
    """ACRNUS reconciled for 2025-03 (ACRNCA not), with payments and claims around the month."""
    upgrade(sqlite_url)
    with UnitOfWork(sqlite_url) as uow:
        run = uow.reconciliations.add(ReconciliationRun(
            account_code=US.code, month="2025-03", status="done", as_of=AS_OF, finished_at=AS_OF, totals={
                "currency": "USD", "lines": 8,
                "categories": {"matched": category(1, 30, "300.00"), "shortage": category(1, 4, "40.00"),
                               "price_variance": category(2, 15, "7.50"), "missing_invoice": category(1, 3, "36.00"),
                               "unpaid_past_due": category(1, 5, "50.00"), "overage": category(1, 1, "5.00"),
                               "open": category(1, 10, "100.00")},
                "invoiced": "1234.50", "paid": "1100.00",
                "deducted": {"shortage": "40.00", "damage": "0.00", "price": "10.00"}}))
        uow.flush()
        for ln in [line(EVIL, "shortage", 4, "40.00"), line("PO-B", "price_variance", 10, "10.00"),
                   line("PO-C", "price_variance", 5, "-2.50"), line("PO-D", "missing_invoice", 3, "36.00"),
                   line("PO-E", "unpaid_past_due", 5, "50.00"), line("=1+2", "overage", 1, "5.00"),
                   line("PO-F", "matched", 30, "300.00"), line("PO-G", "open", 10, "100.00")]:
            ln.run_id = run.id
            uow.reconciliations.add(ln)
        for c in [
            # on the line the run counts as short: already in the run's shortage, adds nothing
            claim("C1", "shortage", "40.00", "open", lines=[{"po_number": EVIL, "item_sequence": "1",
                                                                "amount": "40.00"}]),
            # 20.00 unrecovered; 20 of its 30 are on a line the run does not count: 20 × 20/30 = 13.33
            claim("C2", "damage", "30.00", "disputed", recovered="10.00", disputed_on=date(2025, 3, 10),
                  lines=[{"po_number": "PO-X", "item_sequence": "1", "amount": "20.00"},
                         {"po_number": EVIL, "item_sequence": "1", "amount": "10.00"}]),
            claim("C3", "price", "12.00", "open"),  # no lines: all of it
            claim("C4", "price", "99.00", "won", recovered="0", disputed_on=date(2025, 3, 20)),  # settled
            claim("C5", "shortage", "77.00", "open", deducted_on=date(2025, 4, 5)),  # after the month
            claim("C6", "shortage", "5.00", "expired"),
            claim("C7", "shortage", "20.00", "lost", disputed_on=date(2025, 3, 25)),
        ]:
            uow.claims.add(c)
        for r in [paid("PAY-1", date(2025, 3, 4), shortage="12.10", damage="3.00"),  # week 10 (Mon 3 Mar)
                  paid("PAY-2", date(2025, 3, 12), price="4.40"),                  # week 11
                  paid("PAY-3", date(2025, 3, 31), shortage="-2.10"),              # week 14: a reversal
                  paid("PAY-0", date(2025, 2, 28), shortage="50.00"),              # February
                  paid("PAY-CA", date(2025, 3, 12), account=CA.code, shortage="9.00")]:
            uow.remittances.add(r)
        uow.commit()
    return sqlite_url


def test_the_report_prints_the_run_totals_and_the_money_at_risk(march: str) -> None:
    report = build_report(units(march), "2025-03", accounts=[US], as_of=AS_OF)
    at_risk = report.accounts[0].at_risk
    assert at_risk is not None
    # 40.00 shortage + 10.00 billed above the PO (not the -2.50 below it) + 36.00 + 50.00
    assert at_risk.by_category == {"shortage": Decimal("40.00"), "price_variance": Decimal("10.00"),
                                   "missing_invoice": Decimal("36.00"), "unpaid_past_due": Decimal("50.00")}
    assert at_risk.open_claims == Decimal("25.33")  # C1 0 + C2 13.33 + C3 12.00
    html = render_report_html(report)
    # the account's row: 8 PO lines, 6 exceptions, invoiced, paid, deducted (40.00 + 0.00 + 10.00), 136.00 + 25.33
    cells = re.findall(r'<td class="num">([^<]*)</td>', html.split('href="#account-ACRNUS"')[1].split("</tr>")[0])
    assert cells == ["8", "6", "1,234.50", "1,100.00", "50.00", "161.33"]
    assert "<td>price variance</td><td class=\"num\">2</td><td class=\"num\">15</td><td class=\"num\">7.50</td>" in html
    assert "<td>open claims not yet recovered</td><td class=\"num\">25.33</td>" in html
    assert "<td>Total deducted</td><td class=\"num\">17.40</td>" in html  # 12.10 + 3.00 + 4.40 − 2.10
    # dispute recovery of March: C2's 10.00 + C4 won 99.00, of 30.00 + 99.00 + 20.00 disputed
    assert "<td class=\"num\">73.2%</td><td class=\"num\">109.00/149.00</td>" in html


def test_text_from_the_store_is_escaped(march: str) -> None:
    html = render_report_html(build_report(units(march), "2025-03", accounts=[US], as_of=AS_OF))
    assert EVIL not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_report_carries_three_charts_per_account(march: str) -> None:
    html = render_report_html(build_report(units(march), "2025-03", accounts=[US], as_of=AS_OF))
    assert html.count("<svg") == 3
    for chart in ("ACRNUS-deductions-by-type", "ACRNUS-deductions-by-week", "ACRNUS-disputes"):
        assert f'id="{chart}-figure_1"' in html


def test_deductions_and_disputes_are_grouped_by_type_week_and_kind(march: str) -> None:
    account = build_report(units(march), "2025-03", accounts=[US], as_of=AS_OF).accounts[0]
    assert account.deductions_by_type == {"shortage": Decimal("10.00"), "damage": Decimal("3.00"),
                                          "price": Decimal("4.40")}
    weeks = dict(account.deductions_by_week)
    assert list(weeks) == [date(2025, 2, 24), date(2025, 3, 3), date(2025, 3, 10), date(2025, 3, 17),
                           date(2025, 3, 24), date(2025, 3, 31)]  # every ISO week touching March
    assert weeks[date(2025, 3, 3)] == {"shortage": Decimal("12.10"), "damage": Decimal("3.00"), "price": 0}
    assert weeks[date(2025, 3, 31)]["shortage"] == Decimal("-2.10")
    assert account.disputes == {"shortage": (Decimal("20.00"), Decimal("0.00")),  # C7 lost
                                "damage": (Decimal("30.00"), Decimal("10.00")),  # C2, 10.00 reversed so far
                                "price": (Decimal("99.00"), Decimal("99.00"))}  # C4 won: all of it


def test_an_account_without_a_run_is_shown_as_not_reconciled(march: str) -> None:
    report = build_report(units(march), "2025-03", accounts=[US, CA], as_of=AS_OF)
    assert [a.reconciled for a in report.accounts] == [True, False]
    html = render_report_html(report)
    assert "not reconciled: no finished reconciliation run for 2025-03" in html
    rows, markdown = report_artifacts(report)
    assert {"account": "ACRNCA", "marketplace": "CA", "currency": "CAD", "status": "not reconciled", "category": "",
            "lines": 0, "units": 0, "amount": ""} in rows
    assert {"account": "ACRNUS", "marketplace": "US", "currency": "USD", "status": "reconciled",
            "category": "shortage", "lines": 1, "units": 4, "amount": "40.00"} in rows
    assert "| ACRNCA | CA | **not reconciled** |" in markdown
    assert "| 161.33 USD |" in markdown


def test_a_month_nobody_reconciled_does_not_crash(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    report = build_report(units(sqlite_url), "2025-03", accounts=[US, CA], as_of=AS_OF)
    html = render_report_html(report)
    assert html.count("not reconciled: no finished") == 2 and html.count("<svg") == 6
    assert "Nothing this month" in html


def test_the_csv_lists_every_exception_line_largest_first(march: str, tmp_path: Path) -> None:
    report = build_report(units(march), "2025-03", accounts=[US], as_of=AS_OF)
    path = write_report(report, tmp_path / "out")
    assert path == tmp_path / "out" / "reconciliation-2025-03.html"
    assert path.read_text(encoding="utf-8") == render_report_html(report)
    text = (tmp_path / "out" / "reconciliation-2025-03-exceptions.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [(r["po_number"], r["category"], r["units"], r["amount"]) for r in rows] == [
        ("PO-E", "unpaid_past_due", "5", "50.00"), (EVIL, "shortage", "4", "40.00"),
        ("PO-D", "missing_invoice", "3", "36.00"), ("PO-B", "price_variance", "10", "10.00"),
        ("'=1+2", "overage", "1", "5.00"),  # a spreadsheet shows it, never runs it
        ("PO-C", "price_variance", "5", "-2.50")]  # matched and open lines are not exceptions
    assert {r["account_code"] for r in rows} == {"ACRNUS"}


def _bars(svg: str) -> list[str]:
    root = ET.fromstring(svg)  # valid XML, or this raises
    assert root.tag == f"{SVG}svg"
    return [g.get("id", "") for g in root.iter(f"{SVG}g") if "-bar-" in g.get("id", "")]


def test_the_type_chart_has_one_bar_per_type() -> None:
    amounts = {"shortage": Decimal("12.10"), "damage": Decimal("3.00"), "price": Decimal("-1.50")}
    bars = _bars(charts.deductions_by_type_svg(amounts, "USD", chart_id="t"))
    assert bars == ["t-bar-shortage", "t-bar-damage", "t-bar-price"]


def test_the_week_chart_stacks_one_bar_per_type_and_week() -> None:
    weeks = [(date(2025, 3, 3), {"shortage": Decimal("10"), "price": Decimal("0")}),
             (date(2025, 3, 10), {"shortage": Decimal("-3"), "price": Decimal("4")})]
    bars = _bars(charts.deductions_by_week_svg(weeks, "USD", chart_id="w"))
    assert sorted(bars) == ["w-bar-price-2025-03-03", "w-bar-price-2025-03-10", "w-bar-shortage-2025-03-03",
                            "w-bar-shortage-2025-03-10"]


def test_the_dispute_chart_pairs_disputed_and_recovered_and_escapes_text() -> None:
    svg = charts.disputed_vs_recovered_svg({"shortage": (Decimal("100"), Decimal("40")),
                                            "a<b&c": (Decimal("5"), Decimal("0"))}, "USD", chart_id="d")
    assert sorted(_bars(svg)) == ["d-bar-disputed-a<b&c", "d-bar-disputed-shortage", "d-bar-recovered-a<b&c",
                                  "d-bar-recovered-shortage"]
    assert "a<b&c" not in svg  # escaped in the markup, whole again once parsed


def test_charts_are_the_same_bytes_every_time() -> None:
    amounts = {"shortage": Decimal("1.00")}
    assert charts.deductions_by_type_svg(amounts, "USD") == charts.deductions_by_type_svg(amounts, "USD")
    assert "<?xml" not in charts.deductions_by_type_svg(amounts, "USD")  # ready to inline
