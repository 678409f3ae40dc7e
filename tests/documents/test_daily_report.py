"""The daily report as Markdown for a Prefect artifact."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from acorn.documents import DocumentError, render_daily_report_md


def test_the_daily_report_tabulates_stages_money_deadlines_and_issues() -> None:
    md = render_daily_report_md({
        "business_date": date(2026, 3, 4),
        "vendor": "ACME-US",
        "stages": [{"stage": "Acknowledge POs", "done": 12, "failed": 1, "note": "1 quarantined"},
                   {"stage": "Submit ASNs", "done": 3, "pending": 2}],
        "money": [{"label": "Invoiced", "amount": Decimal("12345.6"), "currency": "USD"}],
        "deadlines": [{"record": "PO 4Z32PABC", "what": "ASN", "due": datetime(2026, 3, 4, 18, tzinfo=UTC),
                       "status": "at risk"}],
        "issues": [{"record": "PO 4Z32PABC/2", "field": "sscc", "problem": "bad check digit"}],
    })
    assert md.startswith("# Acorn daily report — 2026-03-04 — ACME-US")
    assert "| Acknowledge POs | 12 | 1 | 0 | 1 quarantined |" in md
    assert "| **Total** | **15** | **1** | **2** | |" in md
    assert "| Invoiced | 12,345.60 | USD |" in md
    assert "| PO 4Z32PABC | ASN | 2026-03-04 18:00 UTC | at risk |" in md
    assert "## Issues (1)" in md and "| PO 4Z32PABC/2 | sscc | bad check digit |" in md


def test_cells_are_escaped_so_a_pipe_or_markup_cannot_break_the_table() -> None:
    md = render_daily_report_md({"business_date": "2026-03-04",
                                 "issues": [{"record": "SKU A|B", "field": "title",
                                             "problem": "<script>x</script> *bold*"}]})
    assert "| SKU A\\|B | title | &lt;script&gt;x&lt;/script&gt; \\*bold\\* |" in md
    assert "<script>" not in md


def test_a_quiet_day_says_there_were_no_issues_and_a_report_needs_its_date() -> None:
    assert "No issues." in render_daily_report_md({"business_date": "2026-03-04"})
    with pytest.raises(DocumentError) as caught:
        render_daily_report_md({"stages": []})
    assert caught.value.field == "business_date"


def test_the_public_surface_of_the_documents_package_is_exactly_what_all_lists() -> None:
    import acorn.documents as documents

    exported = {n for n, v in vars(documents).items() if not n.startswith("_") and type(v).__name__ != "module"}
    assert set(documents.__all__) == exported - {"annotations"}


def test_open_alerts_are_grouped_by_severity_worst_first_newest_first_within_a_group() -> None:
    def alert(severity: str, hour: int, record: str) -> dict:
        return {"severity": severity, "raised": datetime(2026, 3, 4, hour, tzinfo=UTC), "account": "ACRNUS",
                "record": record, "kind": "asn_late", "problem": "p", "next_step": "n"}

    md = render_daily_report_md({"business_date": "2026-03-04", "alerts": [
        alert("warning", 9, "W old"), alert("info", 10, "I"), alert("error", 8, "E old"), alert("warning", 11, "W new"),
        alert("error", 12, "E new"), alert("critical", 7, "C"), alert("notice", 6, "N")]})
    headings = [line for line in md.splitlines() if line.startswith("###")]
    assert headings == ["### Critical (1)", "### Error (2)", "### Warning (2)", "### Info (1)", "### Notice (1)"]
    records = [line.split(" | ")[2] for line in md.splitlines() if line.startswith("| 2026-03-04")]
    assert records == ["C", "E new", "E old", "W new", "W old", "I", "N"]
    assert "## Open alerts (7)" in md and "No issues." not in md


def test_a_day_without_open_alerts_says_so_and_a_dashboard_link_must_be_a_plain_uri() -> None:
    assert "No open alerts." in render_daily_report_md({"business_date": "2026-03-04", "alerts": []})
    with pytest.raises(DocumentError) as caught:
        render_daily_report_md({"business_date": "2026-03-04", "dashboard": "file:///x) [click](http://evil"})
    assert caught.value.field == "dashboard"
