"""`acorn demo`: a vendor's fortnight against the built-in sandbox, as real Prefect runs.

Starts the simulated Vendor Central in-process, loads the sample ERP files (one bad row
in each, to show quarantine), then runs ``daily_lifecycle`` once per simulated day just
after the dock's cut-off, moving the sandbox clock to that moment first. Then it closes the
books: the sandbox clock jumps past the payment runs (terms + reversal delay), the demo
saves Amazon's remittance files into the watched folder and runs ``monthly_reconcile`` for
each month with orders: remittances imported, claims and dispute packages, the monthly
report. Writes ``summary.json`` and prints a table; exits non-zero when an ASN missed its
deadline, the sandbox ledger shows a document accepted twice, or what Acorn loaded as paid
differs from what the sandbox says it paid.
"""

from __future__ import annotations

import json
import shlex
import shutil
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from rich.console import Console
from rich.table import Table

from acorn import prefect_env

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"


@dataclass(frozen=True)
class DemoOptions:
    days: int = 14
    seed: int = 0
    out: Path = Path("out")
    home: Path = Path(".acorn")


def run_times(start: datetime, days: int, *, tz: ZoneInfo, cutoff: Any, minutes_after_cutoff: int = 10
              ) -> list[datetime]:
    """One run per day, ``minutes_after_cutoff`` after the dock's cut-off, from ``start``'s day."""
    first: date = start.astimezone(tz).date()
    times = []
    for n in range(days):
        local = datetime.combine(first + timedelta(days=n), cutoff, tzinfo=tz) + timedelta(minutes=minutes_after_cutoff)
        times.append(local.astimezone(UTC))
    return times


def demo_settings(options: DemoOptions, spapi_base_url: str) -> Any:
    """The demo's store, documents and remittance inbox live in ``out`` laid out as an Acorn home (see
    :func:`cli_home_line`); Prefect's own database stays in ``home`` so its migrations are not redone."""
    from acorn.config import load_settings

    out = options.out
    return load_settings(spapi_base_url=spapi_base_url, database_url=f"sqlite:///{(out / 'acorn.db').resolve()}",
                         home=options.home, documents_dir=out / "documents", remittance_inbox=out / "remittances",
                         reports_dir=out / "reports", data_docs_dir=out / "data-docs")


def cli_home_line(out: Path) -> str:
    """The one line that points every other `acorn` command at the demo's store (and its documents).

    The demo keeps its own home rather than the CLI's `.acorn/`: it wipes its store on every run,
    which must never happen to a real one.
    """
    return f"export ACORN_HOME={shlex.quote(str(out.resolve()))}"


def run_demo(options: DemoOptions, console: Console) -> dict[str, Any]:
    """Days of daily runs against a fresh sandbox and store, then the books closed; the summary printed."""
    out = _prepare(options)
    from acorn.progress import progress_bar, step

    started = time.monotonic()
    with progress_bar() as bar, ExitStack() as stack:  # steps and bars on stderr; the table stays on stdout
        with step(bar, "load Acorn, Prefect and the sandbox"):
            from acorn import runtime
            from acorn.erp import CsvErp
            from acorn.sandbox import SandboxConfig, SandboxServer
            from acorn.services.erp import load_erp
            from acorn.store import upgrade
            from acorn.store.uow import units
            from flows.daily_lifecycle import daily_lifecycle  # noqa: F401  (imports Prefect: seconds)
        connecting = prefect_env.connect_in_background()  # its server starts while the sandbox and store do
        with step(bar, "start the sandbox (simulated Vendor Central)"):
            sandbox = stack.enter_context(SandboxServer(SandboxConfig(seed=options.seed), host="127.0.0.1", port=0))
        settings = demo_settings(options, sandbox.base_url)
        with step(bar, "create the store"):
            upgrade(settings.resolved_database_url)
        previous = runtime.install(runtime.Runtime(settings))
        operator = httpx.Client(base_url=sandbox.base_url, timeout=30)
        try:
            clock = datetime.fromisoformat(operator.get("/_sandbox/clock").json()["now"].replace("Z", "+00:00"))
            with step(bar, "load the ERP files (SKUs, stock)"):
                erp = CsvErp(DEMO_DATA / "skus.csv", DEMO_DATA / "inventory.csv", quarantine_dir=out / "quarantine")
                loaded = load_erp(units(settings.resolved_database_url), erp, as_of=clock)
            console.print(f"sandbox at {sandbox.base_url} (seed {options.seed}), clock {clock:%Y-%m-%d %H:%M}Z; "
                          f"ERP: {loaded.skus} SKUs, {loaded.stock_rows} stock rows, "
                          f"{len(loaded.errors)} rows quarantined")
            _warm_up(bar, connecting)
            days = _run_times(settings, clock, options.days)
            failed_days = _run_days(days, operator, console, bar)
            ledger, planned, money = _after_the_days(settings, operator, days, console, out, bar)
        finally:
            operator.close()
            runtime.install(previous)
    return _summarise(options, settings, started, days, failed_days, loaded, ledger, money, console,
                      replenishment=planned)


def _prepare(options: DemoOptions) -> Path:
    """Prefect pointed at the demo's own home, and an empty out folder; that folder."""
    prefect_env.configure(options.home / "prefect", quiet=True)
    options.out.mkdir(parents=True, exist_ok=True)
    _clear(options.out)
    return options.out


def _run_times(settings: Any, clock: datetime, days: int) -> list[datetime]:
    """When each daily run happens: at the first account's dock cut-off, from the sandbox clock on."""
    dock = settings.dock(settings.accounts[0])
    return run_times(clock, days, tz=ZoneInfo(dock.time_zone), cutoff=dock.cutoff_local_time)


def _clear(out: Path) -> None:
    """A demo starts from nothing: the previous run's store and documents go."""
    for stale in out.glob("acorn.db*"):
        stale.unlink()
    shutil.rmtree(out / "quarantine", ignore_errors=True)
    for stale_dir in ("documents", "remittances", "reconciliation", "reports", "data-docs", "replenishment"):
        shutil.rmtree(out / stale_dir, ignore_errors=True)


def _warm_up(bar: Any, connecting: Any) -> None:
    """What the first daily run would otherwise do in silence: Great Expectations, then Prefect's server
    (whose start began in the background before the sandbox did)."""
    from acorn.progress import start_prefect, warm_gates

    warm_gates(bar)
    start_prefect(bar, connecting)


def _summarise(options: DemoOptions, settings: Any, started: float, days: list[datetime], failed_days: list[str],
               loaded: Any, ledger: dict[str, Any], money: dict[str, Any], console: Console, *,
               replenishment: dict[str, Any]) -> dict[str, Any]:
    from acorn.services.summary import lifecycle_counts
    from acorn.store.uow import units

    counts = lifecycle_counts(units(settings.resolved_database_url))
    summary = {"days": options.days, "seed": options.seed, "first_day": days[0].isoformat(),
               "last_day": days[-1].isoformat(), "seconds": round(time.monotonic() - started, 1),
               "failed_days": failed_days, "erp": {"skus": loaded.skus, "stock_rows": loaded.stock_rows,
                                                   "quarantined": [str(e) for e in loaded.errors]},
               **counts, "ledger": _ledger_stats(ledger), "money": money, "replenishment": replenishment,
               "dashboard": str((settings.resolved_reports_dir / "dashboard.html").resolve())}
    (options.out / "summary.json").write_text(json.dumps(summary, indent=2, default=str), encoding="utf-8")
    console.print(_table(summary))
    console.print(f"dashboard: {summary['dashboard']}")
    return summary


def _run_days(days: list[datetime], operator: httpx.Client, console: Console, bar: Any) -> list[str]:
    from flows.daily_lifecycle import daily_lifecycle

    failed = []
    task = bar.add_task("daily runs", total=len(days))
    with prefect_env.without_heartbeats():
        for n, as_of in enumerate(days, start=1):
            bar.update(task, description=f"daily run {as_of:%a %Y-%m-%d}")
            operator.post("/_sandbox/clock", json={"set": as_of.isoformat().replace("+00:00", "Z")})
            t0 = time.monotonic()
            state = daily_lifecycle(as_of=as_of, return_state=True)
            if not state.is_completed():
                failed.append(as_of.isoformat())
            console.print(f"day {n:>2}/{len(days)}  {as_of:%a %Y-%m-%d %H:%M}Z  {state.name:<9} "
                          f"{time.monotonic() - t0:5.1f}s")
            bar.advance(task)
    bar.update(task, description="daily runs")
    return failed


def _after_the_days(settings: Any, operator: httpx.Client, days: list[datetime], console: Console, out: Path,
                    bar: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Amazon's ledger of the days, the next Monday's replenishment plan, and the books closed."""
    ledger = operator.get("/_sandbox/ledger").json()
    planned = _plan_the_week(operator, days[-1], console, out, bar)
    return ledger, planned, _close_the_books(settings, operator, days, console, out, bar)


def _plan_the_week(operator: httpx.Client, last_day: datetime, console: Console, out: Path,
                   bar: Any) -> dict[str, Any]:
    """Monday's planning after the last day: Amazon's vendor reports fetched (they take an hour of its clock,
    so twice), then each warehouse's replenishment planned; what it found, per warehouse."""
    from acorn.progress import step
    from flows.fetch_vendor_reports import fetch_vendor_reports
    from flows.plan_replenishment import plan_replenishment

    with step(bar, "fetch Amazon's vendor reports and plan replenishment"), prefect_env.without_heartbeats():
        for hours in (1, 3):  # asked for at the first, kept at the second
            moment = last_day + timedelta(hours=hours)
            operator.post("/_sandbox/clock", json={"set": moment.isoformat().replace("+00:00", "Z")})
            # last week's reports only: the catch-up's older weeks would wait on Amazon's createReport and
            # getReportDocument rates (a burst of 15, then one a minute), minutes for a demo
            fetch_vendor_reports(as_of=moment, wait_seconds=0, poll_seconds=1, catch_up_weeks=0, return_state=True)
        state = plan_replenishment(as_of=moment, out_dir=str(out / "replenishment"), return_state=True)
    if not state.is_completed():
        console.print(f"replenishment  {state.name}: {state.message}")
        return {"state": state.name}
    plans = {code: r for code, r in state.result().items() if "planned" in r}
    for r in plans.values():
        console.print(f"replenishment {r['warehouse']} ({', '.join(r['accounts'])}): {r['planned']} SKUs, "
                      f"{len(r['below_lead_time'])} below lead time; {r['html']}")
    return {code: {k: r[k] for k in ("warehouse", "accounts", "planned", "below_lead_time", "suggested_units",
                                     "html")} for code, r in plans.items()}


def _close_the_books(settings: Any, operator: httpx.Client, days: list[datetime], console: Console,
                     out: Path, bar: Any) -> dict[str, Any]:
    """Jump to after the last payment (and its reversals), fetch Amazon's remittances, reconcile each month."""
    from acorn.services.money_summary import money_figures
    from acorn.store.uow import units

    net_days = max(a.payment_terms.net_days for a in settings.accounts)
    settled = days[-1] + timedelta(days=net_days + SETTLEMENT_MARGIN_DAYS)
    operator.post("/_sandbox/clock", json={"set": settled.isoformat().replace("+00:00", "Z")})
    sandbox_paid = _fetch_remittances(settings, operator, _months(days[0] - timedelta(days=7), settled), bar)
    with prefect_env.without_heartbeats():
        reconciled = _reconcile_months(settings, days, settled, console, out, bar)
    figures = money_figures(units(settings.resolved_database_url), list(settings.accounts), as_of=settled)
    for currency, paid in sandbox_paid.items():
        figures.setdefault(currency, {"paid": "0.00"})["sandbox_paid"] = f"{paid:.2f}"
    return {"settled_at": settled.isoformat(), "by_currency": figures, "reconciliation": reconciled}


def _fetch_remittances(settings: Any, operator: httpx.Client, months: list[str], bar: Any) -> dict[str, Decimal]:
    """Each month's remittance file into the inbox, as ops would export it; what they say was paid, per currency."""
    from acorn.progress import step

    inbox = settings.resolved_remittance_inbox
    inbox.mkdir(parents=True, exist_ok=True)
    sandbox_paid: dict[str, Decimal] = {}
    with step(bar, "fetch Amazon's remittance files"):
        for month in months:
            response = operator.get("/_sandbox/remittances", params={"month": month})
            response.raise_for_status()
            (inbox / f"remittance-{month}.csv").write_text(response.text, encoding="utf-8")
            for currency, paid in _paid_by_currency(response.text).items():
                sandbox_paid[currency] = sandbox_paid.get(currency, Decimal("0")) + paid
    return sandbox_paid


def _reconcile_months(settings: Any, days: list[datetime], settled: datetime, console: Console, out: Path,
                      bar: Any) -> dict[str, Any]:
    """The last goods receipts polled, then each month of the run reconciled as of ``settled``."""
    from acorn.progress import step
    from flows.monthly_reconcile import monthly_reconcile
    from flows.poll_receipts import poll_receipts

    with step(bar, "poll the last goods receipts"):
        for code in (a.code for a in settings.accounts):  # what Amazon found after the last daily run
            poll_receipts(account=code, as_of=settled, return_state=True)
    reconciled: dict[str, Any] = {}
    months = _months(days[0] - timedelta(days=7), days[-1])
    task = bar.add_task("reconcile the months", total=len(months))
    for month in months:
        state = monthly_reconcile(month=month, as_of=settled, out_dir=str(out / "reconciliation"),
                                  return_state=True)
        bar.advance(task)
        console.print(f"reconcile {month}  {settled:%Y-%m-%d}  {state.name}")
        reconciled[month] = _reconciled(state.result()) if state.is_completed() else {"state": state.name}
    return reconciled


def _reconciled(result: dict[str, Any]) -> dict[str, Any]:
    """A month's report, and per account its dispute packages and the categories that have lines."""
    return {"report": result["report"], "accounts": {
        code: {"dispute_packages": info["dispute_packages"],
               "categories": {c: v for c, v in info["totals"].get("categories", {}).items() if v.get("lines")}}
        for code, info in result["accounts"].items()}}


#: days past the last invoice's net terms: the sandbox credits found units 21 days after a payment, and a
#: shortage's dispute window closes 30 days after the due date, so one day past the last reversal shows
#: both the reversals and the claims still open (the first days' claims have closed by then)
SETTLEMENT_MARGIN_DAYS = 22


def _months(first: datetime, last: datetime) -> list[str]:
    months, day = [], first.date().replace(day=1)
    while day <= last.date():
        months.append(f"{day:%Y-%m}")
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def _paid_by_currency(csv_text: str) -> dict[str, Decimal]:
    """What the sandbox's remittance file says Amazon paid, per currency (invoice-level columns, once each)."""
    import csv
    import io

    seen, totals = set(), {}
    for row in csv.DictReader(io.StringIO(csv_text)):
        key = (row["payment_number"], row["invoice_number"])
        if key not in seen:
            seen.add(key)
            totals[row["currency"]] = totals.get(row["currency"], Decimal("0")) + Decimal(row["paid_amount"])
    return totals


def _ledger_stats(ledger: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    stats = {}
    for kind, entries in ledger.items():
        stats[kind] = {"documents": len(entries), "accepted": sum(e.get("accepted", 0) >= 1 for e in entries),
                       "accepted_twice": sum(e.get("accepted", 0) > 1 for e in entries),
                       "posted_more_than_once": sum(e.get("submissions", 0) > 1 for e in entries),
                       "late": sum(bool(e.get("late")) for e in entries)}
    return stats


def _table(s: dict[str, Any]) -> Table:
    t = Table(title=f"Acorn demo — {s['days']} days, seed {s['seed']}, {s['seconds']} s", show_header=False)
    t.add_column("what")
    t.add_column("count", justify="right")
    items, asns, inv = s["items"], s["asns"], s["invoices"]
    led = s["ledger"]
    rows = [
        ("purchase orders", s["purchase_orders"]),
        ("items accepted / backordered / rejected", f"{items['accepted']} / {items['backordered']} / "
                                                    f"{items['rejected']}"),
        ("items cancelled by Amazon", items["cancelled"]),
        ("shipments / cartons / pallets", f"{s['shipments']} / {s['cartons']} / {s['pallets']}"),
        ("ASNs on time / late / failed / held by the gate / waiting",
         f"{asns['on_time']} / {asns['late']} / {asns['failed']} / {asns['held']} / {asns['pending']}"),
        ("late ASNs: Acorn / Amazon's ledger", f"{asns['late']} / {led['shipmentConfirmations']['late']}"),
        ("late acknowledgements: Acorn / Amazon's ledger",
         f"{s['acknowledgements']['late']} / {led['acknowledgements']['late']}"),
        ("invoices accepted / rejected / open", f"{inv['accepted']} / {inv['rejected']} / {inv['open']}"),
        ("receipts (items) / fully received", f"{s['receipts']['items']} / {s['receipts']['fully_received']}"),
        ("replenishment: SKUs planned / below lead time", _planned_row(s.get("replenishment", {}))),
        ("open alerts", s["alerts"]["open"]),
        *_money_rows(s["money"]),
        ("ledger: documents accepted twice", sum(v["accepted_twice"] for v in led.values())),
        ("ledger: documents posted more than once", sum(v["posted_more_than_once"] for v in led.values())),
    ]
    for what, value in rows:
        t.add_row(what, str(value))
    return t


def _planned_row(plans: dict[str, Any]) -> str:
    if "state" in plans:
        return str(plans["state"])
    return f"{sum(p['planned'] for p in plans.values())} / {sum(len(p['below_lead_time']) for p in plans.values())}"


def _money_rows(money: dict[str, Any]) -> list[tuple[str, str]]:
    rows = []
    for currency, m in money.get("by_currency", {}).items():
        d = m.get("deducted", {})
        rows += [(f"{currency} invoiced / paid (Acorn) / paid (Amazon)",
                  f"{m.get('invoiced', '0.00')} / {m.get('paid')} / {m.get('sandbox_paid', '0.00')}"),
                 (f"{currency} deducted: shortage / damage / price",
                  " / ".join(d.get(k, "0.00") for k in ("shortage", "damage", "price"))),
                 (f"{currency} claims: disputable / disputed / recovered",
                  f"{m.get('disputable', '0.00')} / {m.get('disputed', '0.00')} / {m.get('recovered', '0.00')}")]
    return rows


def verdict(summary: dict[str, Any]) -> list[str]:
    """What makes the demo fail: late or failed ASNs, lateness (ASNs or acknowledgements) Acorn and Amazon
    disagree on, double acceptance, failed days, a failed replenishment plan."""
    problems = []
    if summary["asns"]["late"] or summary["asns"]["failed"]:
        problems.append(f"{summary['asns']['late']} late and {summary['asns']['failed']} failed ASNs")
    amazon_late = summary["ledger"]["shipmentConfirmations"]["late"]
    if amazon_late != summary["asns"]["late"]:
        problems.append(f"Acorn counts {summary['asns']['late']} late ASNs where Amazon's ledger counts {amazon_late}")
    acks_late, amazon_acks_late = summary["acknowledgements"]["late"], summary["ledger"]["acknowledgements"]["late"]
    if acks_late != amazon_acks_late:
        problems.append(f"Acorn counts {acks_late} late acknowledgements where Amazon's ledger counts "
                        f"{amazon_acks_late}")
    twice = sum(v["accepted_twice"] for v in summary["ledger"].values())
    if twice:
        problems.append(f"{twice} documents accepted twice by the sandbox")
    for currency, m in (summary.get("money") or {}).get("by_currency", {}).items():
        if Decimal(m.get("paid", "0")) != Decimal(m.get("sandbox_paid", "0")):
            problems.append(f"Acorn loaded {m.get('paid')} {currency} as paid where Amazon's remittances say "
                            f"{m.get('sandbox_paid')}")
    failed_months = [m for m, r in (summary.get("money") or {}).get("reconciliation", {}).items() if "state" in r]
    if failed_months:
        problems.append(f"reconciliation failed for {', '.join(failed_months)}")
    if summary["failed_days"]:
        problems.append(f"daily runs failed on {', '.join(summary['failed_days'])}")
    if "state" in summary.get("replenishment", {}):
        problems.append(f"replenishment planning ended {summary['replenishment']['state']}")
    return problems
