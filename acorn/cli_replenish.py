"""`acorn replenish [--account CODE] [--out DIR] [--as-of YYYY-MM-DD] [--sku SKU]`: the weekly plan by hand.

The same plan as the weekly ``plan_replenishment`` flow, run in this process without Prefect: the
suggestions printed as a table, the CSV and HTML report written, SKUs below lead time alerted (once).
Listed by acorn/cli.py and imported when it runs; heavy imports happen inside the command.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape


def _cli() -> Any:  # the shared console and settings of acorn.cli, imported late (no cycle)
    from acorn import cli

    return cli


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date such as 2026-03-02", param_hint="--as-of") from None


def _accounts(settings: Any, account: str | None) -> list[Any]:
    from acorn.config import ConfigError

    try:
        return [settings.account(account)] if account else list(settings.accounts)
    except ConfigError as exc:
        raise typer.BadParameter(str(exc), param_hint="--account") from None


def _known_sku(store: Any, sku: str) -> None:
    """``--sku`` must name a SKU the plan covers: one of the SKU master's, not discontinued."""
    with store() as uow:
        found = uow.skus.get(sku)
    if found is None or found.discontinued:
        why = "is discontinued: it is not planned" if found else "is not in the SKU master (`acorn erp-load`)"
        raise typer.BadParameter(f"{sku!r} {why}", param_hint="--sku")


def replenish_command(
    account: str = typer.Option(None, "--account", help="One vendor account code; default all."),
    out: Path = typer.Option(None, "--out", file_okay=False,
                             help="Folder for the CSV and HTML report (default <reports>/replenishment)."),
    as_of: str = typer.Option(None, "--as-of", help="The business day to plan on, YYYY-MM-DD (default: today at "
                                                    "each account's dock)."),
    sku: str = typer.Option(None, "--sku", help="Also print how this SKU's suggestion was reached: every input "
                                                "and figure."),
) -> None:
    """Replenishment per SKU: what to make or send, how much, by when; alerts cover below lead time.

    Prints the suggestions, writes replenishment-<ACCOUNT>-<day>.csv and .html, and alerts each SKU whose
    cover is shorter than the lead time (once). Exit 0 when every SKU was planned, 1 when a SKU was set
    aside (its field named), 2 on a wrong option (an unknown account or SKU, a date that is not one).
    A warehouse that ships for several accounts is planned once, for their demand together, under the
    first of them in the settings.
    """
    from acorn.store import upgrade
    from acorn.store.uow import units

    cli = _cli()
    settings = cli._settings()
    accounts, day = _accounts(settings, account), _day(as_of)
    url = settings.resolved_database_url
    upgrade(url)
    if sku is not None:
        _known_sku(units(url), sku)
    failed = _plan_warehouses(settings, accounts, units(url), day, out or settings.resolved_replenishment_dir, sku)
    if failed:
        raise typer.Exit(1)


def _plan_warehouses(settings: Any, accounts: list[Any], store: Any, day: date | None, folder: Path,
                     sku: str | None) -> bool:
    """Each chosen account's warehouse once, for every account it ships for, under the first of them."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from acorn.services.replenishment_plan import plan_replenishment, sharing_warehouse

    failed, planned = False, set()
    for chosen in accounts:
        serving = sharing_warehouse(settings.accounts, chosen)
        vendor = serving[0]
        if vendor.code in planned:
            continue
        planned.add(vendor.code)
        when = day or datetime.now(UTC).astimezone(ZoneInfo(vendor.ship_from_tz)).date()
        outcome = plan_replenishment(store, vendor, day=when, at=datetime.now(UTC), out_dir=folder, serving=serving)
        failed |= _print_plan(outcome, sku)
    return failed


def _print_plan(outcome: Any, sku: str | None) -> bool:
    """The plan's table, what was set aside and the files; True when something needs fixing."""
    from rich.table import Table

    console, plan = _cli().console, outcome.plan
    rows = plan.rows()
    table = Table("SKU", "ASIN", "on hand", "expected/wk", "at level/wk", "cover wk", "suggested", "cases",
                  "start by", "below lead", title=f"Replenishment {plan.account_code} at {plan.warehouse}, "
                                                  f"{plan.day} (weeks from {plan.planning_week})")
    for r in rows:
        cover = "no demand" if r["weeks_of_cover"] == float("inf") else f"{r['weeks_of_cover']:.2f}"
        table.add_row(escape(r["sku"]), r["asin"], str(r["on_hand"]), f"{r['expected_weekly']:.2f}",
                      f"{r['at_level_weekly']:.2f}", cover, f"{r['suggested_units']:,}",
                      f"{r['cases']} × {r['case_pack']}", str(r["start_by"] or ""),
                      "[red]yes[/red]" if r["below_lead_time"] else "no")
    console.print(table)
    for problem in plan.set_aside:
        console.print(f"[yellow]set aside[/yellow] {escape(str(problem))}", soft_wrap=True)
    below = sum(r["below_lead_time"] for r in rows)
    console.print(f"{plan.account_code}: warehouse {plan.warehouse} for {', '.join(plan.accounts)}: {len(rows)} "
                  f"planned, {below} below the lead time, {len(plan.set_aside)} set aside; alerts opened "
                  f"{len(outcome.alerts.opened)}, resolved {outcome.alerts.resolved}")
    console.print(f"report: {outcome.paths.html}\ncsv: {outcome.paths.csv}", markup=False, soft_wrap=True)
    return bool(plan.set_aside) | (sku is not None and not _explain(plan, sku))


def _explain(plan: Any, sku: str) -> bool:
    """Print the domain's explanation of one suggestion; False (said why) when the SKU is not planned."""
    from acorn.domain.errors import DomainError

    console = _cli().console
    try:
        console.print(plan.suggestion(sku).explain(), markup=False, highlight=False, soft_wrap=True)
    except DomainError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]", soft_wrap=True)
        return False
    return True
