"""The monthly reconciliation report: one HTML page (charts inline), a CSV of exceptions, Prefect artifacts.

Per vendor account (one marketplace, one currency) it shows the month's reconciliation run
(``acorn.services.reconcile``) by category, the money at risk, what Amazon deducted from
the payments of the month by type and by ISO week, the claims disputed in the month and
what came back, the largest exception lines, and the vendor metrics of the month
(:mod:`acorn.services.metrics`). An account without a finished run for the month prints a
"not reconciled" row and its remittance, claim and metric figures, never a crash.

**Money at risk** (per account) is money we may never be paid, each amount counted once:

* from the run, the PO lines of the month in ``shortage``, ``price_variance`` (only lines
  billed above the PO cost: Amazon deducts the difference; billing below it is money
  left on the table, not at risk), ``missing_invoice`` and ``unpaid_past_due``;
* plus the unrecovered part (amount − recovered) of the account's claims still ``open``
  or ``disputed`` that Amazon deducted by the end of the month, except the part on PO
  lines the run already counts as shortage (for shortage and damage claims) or price
  variance (price claims), shared out by the claim's per-line amounts.

Money is ``Decimal`` throughout; amounts in different currencies are never added together.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import astuple, dataclass, fields
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from acorn.config import VendorAccountSettings
from acorn.documents import charts
from acorn.documents._env import markdown_cell, money, render
from acorn.documents.files import replace_text
from acorn.domain.claims import ClaimKind, ClaimStatus, at_stake
from acorn.domain.money import round_money
from acorn.domain.reconciliation import EXCEPTIONS, Category, parse_month
from acorn.domain.states import RunStatus
from acorn.services.metrics import (
    DISPUTED_STATUSES,
    VendorMetrics,
    metrics_rows,
    money_sum,
    recovered_amount,
    vendor_metrics,
)
from acorn.services.ports import Units
from schemas.tables import Claim, ReconciliationLine, ReconciliationRun, RemittanceLine

_ZERO = Decimal("0")
AT_RISK = (Category.SHORTAGE, Category.PRICE_VARIANCE, Category.MISSING_INVOICE, Category.UNPAID_PAST_DUE)
DEDUCTION_TYPES = ("shortage", "damage", "price", "other")
#: the run category that already counts the money a claim of this kind is about
_CLAIM_CATEGORY = {ClaimKind.SHORTAGE: Category.SHORTAGE, ClaimKind.DAMAGE: Category.SHORTAGE,
                   ClaimKind.PRICE: Category.PRICE_VARIANCE}
_UNSETTLED = (ClaimStatus.OPEN, ClaimStatus.DISPUTED)
TOP_EXCEPTIONS = 15


@dataclass(frozen=True)
class CategoryTotal:
    category: str
    lines: int
    units: int
    amount: Decimal


@dataclass(frozen=True)
class ExceptionLine:
    """One PO line in one exception category: a row of the CSV (fields in column order)."""

    account_code: str
    marketplace: str
    po_number: str
    item_sequence: str
    category: str
    units: int
    amount: Decimal
    currency: str
    ordered_qty: int
    accepted_qty: int
    shipped_qty: int
    received_qty: int
    invoiced_qty: int
    invoiced_amount: Decimal
    paid_amount: Decimal
    deducted_amount: Decimal


CSV_COLUMNS = tuple(f.name for f in fields(ExceptionLine))


@dataclass(frozen=True)
class MoneyAtRisk:
    by_category: dict[str, Decimal]
    open_claims: Decimal

    @property
    def total(self) -> Decimal:
        return sum(self.by_category.values(), self.open_claims)


@dataclass(frozen=True)
class AccountMonth:
    code: str
    marketplace: str
    currency: str
    #: None when the month has no finished run for this account
    run_status: str | None
    reconciled_as_of: datetime | None
    lines: int  # PO lines the run looked at
    categories: tuple[CategoryTotal, ...]
    invoiced: Decimal
    paid: Decimal
    deducted: dict[str, Decimal]
    at_risk: MoneyAtRisk | None
    deductions_by_type: dict[str, Decimal]
    deductions_by_week: tuple[tuple[date, dict[str, Decimal]], ...]
    disputes: dict[str, tuple[Decimal, Decimal]]  # kind -> (disputed, recovered)
    exceptions: tuple[ExceptionLine, ...]  # largest amount first
    metrics: VendorMetrics

    @property
    def reconciled(self) -> bool:
        return self.run_status is not None


@dataclass(frozen=True)
class MonthlyReport:
    month: str
    first_day: date
    last_day: date
    as_of: datetime
    accounts: tuple[AccountMonth, ...]

    @property
    def exceptions(self) -> list[ExceptionLine]:
        return [line for account in self.accounts for line in account.exceptions]


def build_report(units: Units, month: str, *, accounts: list[VendorAccountSettings],
                 as_of: datetime) -> MonthlyReport:
    """Gather the month for every account; the store is only read."""
    start, end = parse_month(month)
    first, last = start.date(), (end - timedelta(days=1)).date()
    metrics = {a.code: vendor_metrics(units, start=first, end=last, account_code=a.code) for a in accounts}
    with units() as uow:
        session = uow.reconciliations.session  # a read model: plain queries are clearest
        sections = tuple(_account_month(session, a, month, first, last, metrics[a.code]) for a in accounts)
    return MonthlyReport(month=month, first_day=first, last_day=last, as_of=as_of, accounts=sections)


def _account_month(s: Any, account: VendorAccountSettings, month: str, first: date, last: date,
                   metrics: VendorMetrics) -> AccountMonth:
    run = s.execute(sa.select(ReconciliationRun).where(ReconciliationRun.account_code == account.code,
                                                       ReconciliationRun.month == month)).scalar_one_or_none()
    finished = run is not None and run.status == RunStatus.DONE  # a rerun sets it running again
    lines = list(s.execute(sa.select(ReconciliationLine).where(ReconciliationLine.run_id == run.id)).scalars()) \
        if finished else []
    totals = run.totals if finished else {}
    currency = totals.get("currency") or account.currency
    by_type, by_week = _deductions(s, account.code, first, last)
    return AccountMonth(
        code=account.code, marketplace=account.marketplace, currency=currency,
        run_status=run.status if finished else None, reconciled_as_of=run.as_of if finished else None,
        lines=int(totals.get("lines") or 0), categories=_categories(totals.get("categories") or {}),
        invoiced=_amount(totals.get("invoiced")), paid=_amount(totals.get("paid")),
        deducted={k: _amount(v) for k, v in (totals.get("deducted") or {}).items()},
        at_risk=_at_risk(s, account.code, last, lines, currency) if finished else None,
        deductions_by_type=by_type, deductions_by_week=by_week, disputes=_disputes(s, account.code, first, last),
        exceptions=_exceptions(account, lines), metrics=metrics)


def _amount(value: Any) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else _ZERO


def _categories(stored: dict[str, Any]) -> tuple[CategoryTotal, ...]:
    order = [c.value for c in Category] + sorted(set(stored) - {c.value for c in Category})
    found = {name: stored.get(name) or {} for name in order}
    return tuple(CategoryTotal(name, int(t.get("lines", 0)), int(t.get("units", 0)), _amount(t.get("amount")))
                 for name, t in found.items())


def _exceptions(account: VendorAccountSettings, lines: list[ReconciliationLine]) -> tuple[ExceptionLine, ...]:
    rows = [ExceptionLine(account.code, account.marketplace, ln.po_number, ln.item_sequence, ln.category, ln.units,
                          ln.amount, ln.currency, ln.ordered_qty, ln.accepted_qty, ln.shipped_qty, ln.received_qty,
                          ln.invoiced_qty, ln.invoiced_amount, ln.paid_amount, ln.deducted_amount)
            for ln in lines if ln.category in EXCEPTIONS]
    return tuple(sorted(rows, key=lambda r: (-abs(r.amount), r.po_number, r.item_sequence, r.category)))


def _at_risk(s: Any, account_code: str, last: date, lines: list[ReconciliationLine], currency: str) -> MoneyAtRisk:
    """See the module docstring: the run's exposure, then open claims on lines it does not count."""
    exposed = [ln for ln in lines if ln.category in AT_RISK and ln.amount > 0]
    counted = {(ln.po_number, ln.item_sequence, ln.category) for ln in exposed}
    by_category = {c.value: sum((ln.amount for ln in exposed if ln.category == c), _ZERO) for c in AT_RISK}
    claims = s.execute(sa.select(Claim).where(Claim.account_code == account_code, Claim.status.in_(_UNSETTLED),
                                              Claim.deducted_on <= last)).scalars()
    return MoneyAtRisk(by_category, sum((_uncounted(c, counted, currency) for c in claims), _ZERO))


def _uncounted(claim: Claim, counted: set[tuple[str, str, str]], currency: str) -> Decimal:
    unrecovered = at_stake(claim.amount, claim.recovered)
    shares = [(str(ln.get("po_number", "")), str(ln.get("item_sequence", "")), _amount(ln.get("amount")))
              for ln in claim.lines or [] if isinstance(ln, dict)]
    whole = sum((amount for *_, amount in shares), _ZERO)
    if unrecovered <= 0 or whole <= 0:
        return unrecovered
    category = _CLAIM_CATEGORY.get(claim.kind)
    outside = sum((amount for po, seq, amount in shares if (po, seq, category) not in counted), _ZERO)
    return round_money(unrecovered * outside / whole, currency)


def _deductions(s: Any, account_code: str, first: date, last: date) -> tuple[dict[str, Decimal], tuple]:
    """Net deductions of the month's payments by type, and by ISO week (Monday) with every week shown."""
    r = RemittanceLine
    days = s.execute(sa.select(r.payment_date, sa.func.sum(r.shortage_deduction), sa.func.sum(r.damage_deduction),
                               sa.func.sum(r.price_deduction), sa.func.sum(r.other_deduction))
                     .where(r.account_code == account_code, r.payment_date.between(first, last))
                     .group_by(r.payment_date)).all()
    if not days:
        return {}, ()
    weeks: dict[date, dict[str, Decimal]] = {}
    monday = first - timedelta(days=first.weekday())
    while monday <= last:
        weeks[monday] = dict.fromkeys(DEDUCTION_TYPES, _ZERO)
        monday += timedelta(days=7)
    for paid_on, *sums in days:
        week = weeks[paid_on - timedelta(days=paid_on.weekday())]
        for kind, total in zip(DEDUCTION_TYPES, sums):
            week[kind] += money_sum(total)
    by_type = {k: sum((w[k] for w in weeks.values()), _ZERO) for k in DEDUCTION_TYPES}
    shown = [k for k in DEDUCTION_TYPES if k != "other" or by_type[k]]
    return {k: by_type[k] for k in shown}, tuple((m, {k: w[k] for k in shown}) for m, w in weeks.items())


def _disputes(s: Any, account_code: str, first: date, last: date) -> dict[str, tuple[Decimal, Decimal]]:
    c = Claim
    rows = s.execute(sa.select(c.kind, sa.func.sum(c.amount), sa.func.sum(recovered_amount()))
                     .where(c.account_code == account_code, c.status.in_(DISPUTED_STATUSES),
                            c.disputed_on.between(first, last)).group_by(c.kind)).all()
    found = {kind: (money_sum(disputed), money_sum(recovered)) for kind, disputed, recovered in rows}
    order = [k.value for k in ClaimKind if k in found] + sorted(set(found) - {k.value for k in ClaimKind})
    return {k: found[k] for k in order}


# -- paper ---------------------------------------------------------------------------------------------------
def render_report_html(report: MonthlyReport) -> str:
    """A standalone HTML page; every value is autoescaped, the charts are our own SVG."""
    return render("reconciliation_report.html", report=report, sections=[_view(a) for a in report.accounts],
                  currency_totals=_currency_totals(report), top=TOP_EXCEPTIONS)


def _view(account: AccountMonth) -> dict[str, Any]:
    prefix = f"{account.code}-"
    return {"account": account, "metrics": metrics_rows(account.metrics), "charts": [
        charts.deductions_by_type_svg(account.deductions_by_type, account.currency,
                                      chart_id=prefix + "deductions-by-type"),
        charts.deductions_by_week_svg(list(account.deductions_by_week), account.currency,
                                      chart_id=prefix + "deductions-by-week"),
        charts.disputed_vs_recovered_svg(account.disputes, account.currency, chart_id=prefix + "disputes")]}


def _currency_totals(report: MonthlyReport) -> dict[str, dict[str, Decimal]]:
    out: dict[str, dict[str, Decimal]] = defaultdict(lambda: dict.fromkeys(("invoiced", "paid", "deducted", "at_risk"),
                                                                            _ZERO))
    for a in report.accounts:
        if a.at_risk is None:
            continue
        t = out[a.currency]
        t["invoiced"] += a.invoiced
        t["paid"] += a.paid
        t["deducted"] += sum(a.deducted.values(), _ZERO)
        t["at_risk"] += a.at_risk.total
    return dict(sorted(out.items()))


def exceptions_csv(report: MonthlyReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows([_cell(v) for v in astuple(line)] for line in report.exceptions)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    """A spreadsheet must not run a PO number as a formula (``=HYPERLINK(...)``)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_report(report: MonthlyReport, out_dir: Path) -> Path:
    """``reconciliation-<month>.html`` and ``reconciliation-<month>-exceptions.csv``; a rerun replaces both."""
    out_dir.mkdir(parents=True, exist_ok=True)
    replace_text(out_dir / f"reconciliation-{report.month}-exceptions.csv", exceptions_csv(report))
    return replace_text(out_dir / f"reconciliation-{report.month}.html", render_report_html(report))




def report_artifacts(report: MonthlyReport) -> tuple[list[dict[str, Any]], str]:
    """Rows for a Prefect table artifact (account × category) and a Markdown summary."""
    rows = []
    for a in report.accounts:
        base = {"account": a.code, "marketplace": a.marketplace, "currency": a.currency}
        if not a.reconciled:
            rows.append({**base, "status": "not reconciled", "category": "", "lines": 0, "units": 0, "amount": ""})
        rows.extend({**base, "status": "reconciled", "category": c.category, "lines": c.lines, "units": c.units,
                     "amount": money(c.amount, a.currency)} for c in a.categories if c.lines)
    return rows, _markdown(report)


def _markdown(report: MonthlyReport) -> str:
    out = [f"# Reconciliation {markdown_cell(report.month)}", "",
           "| Account | Marketplace | Status | Exception lines | Invoiced | Paid | Deducted | Money at risk |",
           "|---|---|---|---:|---:|---:|---:|---:|"]
    for a in report.accounts:
        cur = a.currency
        if a.at_risk is None:
            out.append(f"| {markdown_cell(a.code)} | {markdown_cell(a.marketplace)} | **not reconciled** | | | | | |")
            continue
        out.append(f"| {markdown_cell(a.code)} | {markdown_cell(a.marketplace)} | reconciled | {len(a.exceptions)} "
                   f"| {money(a.invoiced, cur)} {cur} | {money(a.paid, cur)} {cur} "
                   f"| {money(sum(a.deducted.values(), _ZERO), cur)} {cur} | {money(a.at_risk.total, cur)} {cur} |")
    out += ["", "## Vendor metrics", "", "| Metric | " + " | ".join(markdown_cell(a.code) for a in report.accounts)
            + " |", "|---|" + "---:|" * len(report.accounts)]
    per_account = [metrics_rows(a.metrics) for a in report.accounts]
    for i, (label, *_) in enumerate(per_account[0] if per_account else []):
        out.append(f"| {markdown_cell(label)} | "
                   + " | ".join(f"{markdown_cell(rows[i][1])} ({markdown_cell(rows[i][2])})" for rows in per_account)
                   + " |")
    return "\n".join(out) + "\n"
