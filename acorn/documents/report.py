"""The daily operations report as Markdown, for a Prefect markdown artifact.

The summary dict the daily flow builds (every key optional except ``business_date``)::

    {
      "business_date": "2025-01-15" | date,
      "vendor": "ACME-US",                                   # account code, optional
      "stages": [{"stage": "Acknowledge POs", "today": 3, "done": 12, "failed": 1, "pending": 0,
                  "note": "1 quarantined"}],                   # "today": the day's figure, optional
      "money": [{"label": "Invoiced", "amount": Decimal("1234.50"), "currency": "USD"}],
      "deadlines": [{"record": "PO 4Z32PABC", "what": "ASN", "due": "2025-01-15T18:00:00Z",
                     "status": "at risk"}],
      "issues": [{"record": "PO 4Z32PABC/2", "field": "sscc", "problem": "bad check digit"}],
      "alerts": [{"severity": "error", "raised": datetime, "account": "ACRNUS", "record": "ASN 1234",
                  "kind": "asn_late", "problem": "...", "next_step": "..."}],  # every open alert
      "dashboard": "file:///home/ops/.acorn/reports/dashboard.html",
    }

Alerts are grouped by severity, critical and errors first, then warnings, info, anything else; within a
group the newest first. Given ``alerts`` (even empty), the report has an "Open alerts" section.

Every cell is escaped for Markdown (a ``|`` in a product title would break the table,
a ``<`` would be HTML in the Prefect UI); money prints with two decimals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from acorn.documents._env import day, render
from acorn.documents.errors import DocumentError


def render_daily_report_md(summary: Mapping[str, Any]) -> str:
    """Markdown with one table per section present in ``summary``."""
    business_date = day(summary.get("business_date"))
    if not business_date:
        raise DocumentError("the daily report needs its business date", field="business_date")
    stages = [
        {
            "stage": s.get("stage", ""),
            "today": s.get("today", ""),
            "done": s.get("done", 0),
            "failed": s.get("failed", 0),
            "pending": s.get("pending", 0),
            "note": s.get("note", ""),
        }
        for s in summary.get("stages") or []
    ]
    return render(
        "daily_report.md",
        business_date=business_date,
        vendor=summary.get("vendor") or "",
        stages=stages,
        with_today=any(s["today"] != "" for s in stages),
        totals={
            "done": sum(_count(s["done"]) for s in stages),
            "failed": sum(_count(s["failed"]) for s in stages),
            "pending": sum(_count(s["pending"]) for s in stages),
        },
        money=[_with_keys(m, "label", "amount", "currency") for m in summary.get("money") or []],
        deadlines=[_with_keys(d, "record", "what", "due", "status") for d in summary.get("deadlines") or []],
        issues=[_with_keys(i, "record", "field", "problem") for i in summary.get("issues") or []],
        alert_groups=None if summary.get("alerts") is None else group_by_severity(summary["alerts"]),
        alert_count=len(summary.get("alerts") or []),
        dashboard=_link(summary.get("dashboard")),
    )


#: the order ops read alerts in; severities not listed come after, alphabetically
SEVERITY_ORDER = ("critical", "error", "warning", "info")


def group_by_severity(alerts: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``[{"severity": "error", "alerts": [...]}, ...]``: the worst first, each group newest first."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for alert in alerts:
        row = _with_keys(alert, "severity", "raised", "account", "record", "kind", "problem", "next_step")
        groups.setdefault(str(row["severity"] or "unknown").lower(), []).append(row)
    rank = {severity: n for n, severity in enumerate(SEVERITY_ORDER)}
    ordered = sorted(groups, key=lambda sev: (rank.get(sev, len(rank)), sev))
    return [{"severity": sev, "alerts": sorted(groups[sev], key=lambda r: str(r["raised"] or ""), reverse=True)}
            for sev in ordered]


def _link(uri: Any) -> str:
    """A link target safe inside Markdown's ``[text](uri)``: a file or web URI without spaces or brackets."""
    if not uri:
        return ""
    text = str(uri)
    if not text.startswith(("file://", "http://", "https://")) or any(c in text for c in " ()<>\n"):
        raise DocumentError(f"the dashboard link {text!r} is not a plain URI", field="dashboard")
    return text


def _with_keys(row: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    return {key: row.get(key, "") for key in keys}


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
