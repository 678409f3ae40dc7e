"""The daily report and dashboard: the business day's figures beside the running totals, every open alert.

Read from the store only (the daily flow publishes it; the demo and ops can rebuild it for
any day). The figures' definitions are in :mod:`acorn.services.day_figures`, the running
totals in :mod:`acorn.services.summary`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from acorn.config import AcornSettings
from acorn.domain.states import AlertStatus
from acorn.services.day_figures import DayFigures, business_day, day_figures, history
from acorn.services.ports import Units
from acorn.services.summary import lifecycle_counts_by_account


@dataclass(frozen=True)
class DayReport:
    business_date: date
    vendor: str
    today: DayFigures
    totals: dict[str, Any]
    billed: list[dict[str, Any]]  # running: invoiced and accepted, per account and currency
    alerts: list[dict[str, Any]]  # every open alert, as report rows

    def summary(self, *, dashboard: str | None = None) -> dict[str, Any]:
        """The dict :func:`acorn.documents.render_daily_report_md` renders."""
        return {"business_date": self.business_date, "vendor": self.vendor,
                "stages": stage_rows(self.today, self.totals), "money": self.money_rows(), "alerts": self.alerts,
                "dashboard": dashboard}

    def money_rows(self) -> list[dict[str, Any]]:
        today = [{"label": "Invoiced today", "amount": amount, "currency": currency}
                 for currency, amount in sorted(self.today.invoiced.items())]
        return today + self.billed


def day_report(units: Units, settings: AcornSettings, as_of: datetime) -> DayReport:
    accounts = list(settings.accounts)
    with units() as uow:
        alerts = [alert_row(a) for a in uow.alerts.list(status=AlertStatus.OPEN)]
    counts = lifecycle_counts_by_account(units, [a.code for a in accounts])  # every account in one pass
    billed = [{"label": f"Invoiced and accepted, all days ({a.code})",
               "amount": counts[a.code]["invoices"]["billed"], "currency": a.currency}
              for a in accounts]
    return DayReport(business_date=business_day(accounts[0], as_of).day, vendor=", ".join(a.code for a in accounts),
                     today=day_figures(units, accounts, as_of), totals=counts[None],
                     billed=billed, alerts=alerts)


def alert_row(alert: Any) -> dict[str, Any]:
    return {"severity": alert.severity, "raised": alert.created_at, "account": alert.account_code,
            "record": alert.subject, "kind": alert.kind, "problem": alert.message, "next_step": alert.next_step}


def stage_rows(day: DayFigures, c: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per stage: the day's figure ("today") beside the running totals."""
    acks, asn, inv, rec = c["acknowledgements"], c["asns"], c["invoices"], c["receipts"]
    return [
        {"stage": "Purchase orders received", "today": day.purchase_orders, "done": c["purchase_orders"]},
        {"stage": "Acknowledgements",
         "today": f"{day.acknowledgements_accepted} accepted, {day.acknowledgements_late} late, "
                  f"{day.acknowledgements_failed} failed",
         "done": acks["accepted"], "failed": acks["failed"], "pending": acks["open"]},
        {"stage": "Shipments planned", "today": f"{day.shipments} left the dock ({day.cartons} cartons)",
         "done": c["shipments"], "note": f"{c['cartons']} cartons, {c['pallets']} pallets"},
        {"stage": "ASNs", "today": f"{day.asns_on_time} on time, {day.asns_late} late, {day.asns_failed} failed",
         "done": asn["on_time"] + asn["late"], "failed": asn["failed"], "pending": asn["pending"],
         "note": f"{asn['late']} late, {asn['held']} held by the quality gate"},
        {"stage": "Invoices", "today": f"{day.invoices_accepted} accepted, {day.invoices_rejected} rejected",
         "done": inv["accepted"], "failed": inv["rejected"], "pending": inv["open"]},
        {"stage": "Goods receipts (items)", "today": f"{day.receipt_items} items, {day.units_short} units short",
         "done": rec["fully_received"], "pending": rec["items"] - rec["fully_received"]},
    ]


def dashboard_rows(report: DayReport) -> list[dict[str, Any]]:
    """The dashboard's table: what / today / total."""
    d, c = report.today, report.totals
    return [
        {"what": "Purchase orders", "today": d.purchase_orders, "total": c["purchase_orders"]},
        {"what": "Acknowledgements accepted", "today": d.acknowledgements_accepted,
         "total": c["acknowledgements"]["accepted"]},
        {"what": "Acknowledgements late", "today": d.acknowledgements_late, "total": c["acknowledgements"]["late"]},
        {"what": "Shipments", "today": d.shipments, "total": c["shipments"]},
        {"what": "ASNs on time", "today": d.asns_on_time, "total": c["asns"]["on_time"]},
        {"what": "ASNs late", "today": d.asns_late, "total": c["asns"]["late"]},
        {"what": "ASNs failed", "today": d.asns_failed, "total": c["asns"]["failed"]},
        {"what": "Invoices accepted", "today": d.invoices_accepted, "total": c["invoices"]["accepted"]},
        {"what": "Invoices rejected", "today": d.invoices_rejected, "total": c["invoices"]["rejected"]},
        {"what": "Receipt items", "today": d.receipt_items, "total": c["receipts"]["items"]},
    ]


def write_dashboard(units: Units, settings: AcornSettings, as_of: datetime, report: DayReport,
                    reports_dir: Path | None = None) -> Path:
    """Write ``dashboard.html`` and its dated copy; returns the latest page's path."""
    from acorn.documents.dashboard import render_dashboard_html
    from acorn.documents.dashboard import write_dashboard as write_pages

    html = render_dashboard_html(business_date=report.business_date, vendor=report.vendor,
                                 as_of=as_of,
                                 history=history(units, settings.accounts, as_of),
                                 today=dashboard_rows(report), alerts=report.alerts)
    return write_pages(html, reports_dir or settings.resolved_reports_dir, report.business_date).latest
