"""`acorn reconcile`, `acorn remittance import`, `acorn disputes`, `acorn metrics`: the money side.

Listed by acorn/cli.py and imported when one of them runs; heavy imports happen inside the commands.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from acorn.cli_output import Column

if TYPE_CHECKING:
    from schemas.tables import Claim

remittance_app = typer.Typer(no_args_is_help=True, help="What Amazon paid: load remittance files.")
disputes_app = typer.Typer(help="Deductions Amazon took: list them by money at stake and deadline, record disputes.")


def _cli():  # the shared console and settings of acorn.cli, imported late (no cycle)
    from acorn import cli

    return cli


def _accounts(settings, account: str | None) -> list:
    from acorn.config import ConfigError

    try:
        return [settings.account(account)] if account else list(settings.accounts)
    except ConfigError as exc:
        raise typer.BadParameter(str(exc), param_hint="--account") from None


def _day(value: str | None, hint: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date such as 2026-11-30", param_hint=hint) from None


def reconcile_command(
    month: str = typer.Option(..., "--month", help="The month to reconcile, YYYY-MM (POs ordered in it)."),
    account: str = typer.Option(None, help="One vendor account code; default all."),
    out: str = typer.Option(None, "--out", help="Where the report and dispute packages go "
                                                 "(default <documents>/reconciliation)."),
    as_of: str = typer.Option(None, "--as-of", help="Business time (ISO-8601 with zone); default now."),
) -> None:
    """Reconcile a month (PO × ASN × receipt × invoice × remittance) as a Prefect run; a rerun replaces it."""
    from acorn import prefect_env
    from acorn.domain.errors import InvalidRecord
    from acorn.domain.reconciliation import parse_month

    cli = _cli()
    settings = cli._settings()
    try:
        parse_month(month)
    except (InvalidRecord, ValueError) as exc:
        raise typer.BadParameter(str(exc), param_hint="--month") from None
    _accounts(settings, account)
    when = cli._as_of(as_of)
    prefect_env.configure(Path(settings.home) / "prefect")
    from acorn.progress import progress_bar, start_prefect, step
    from acorn.store import upgrade

    with progress_bar() as bar:  # on stderr; the totals table stays on stdout
        with step(bar, "load Prefect and create or upgrade the store"):
            from flows.monthly_reconcile import monthly_reconcile

            upgrade(settings.resolved_database_url)
        start_prefect(bar)
        with step(bar, f"reconcile {month} (PO × ASN × receipt × invoice × remittance)"):
            state = monthly_reconcile(month=month, account=account, as_of=when, out_dir=out, return_state=True)
    if not state.is_completed():
        cli.console.print(f"[red]monthly_reconcile: {state.name}: {escape(str(state.message or ''))}[/red]")
        raise typer.Exit(1)
    result = state.result()
    _print_totals(result)
    cli.console.print(f"report: {result['report']}")


def _print_totals(result: dict) -> None:
    from rich.table import Table

    table = Table("account", "category", "lines", "units", "amount", title=f"Reconciliation {result['month']}")
    for code, info in result["accounts"].items():
        totals = info["totals"]
        for category, v in totals.get("categories", {}).items():
            if v.get("lines"):
                table.add_row(code, category, str(v["lines"]), str(v["units"]), f"{v['amount']} {totals['currency']}")
    _cli().console.print(table)


@remittance_app.command("import")
def remittance_import(
    file: Path = typer.Argument(..., help="Remittance CSV: the sandbox's format or Vendor Central's payments export."),
    account: str = typer.Option(None, help="Account for rows whose invoice Acorn does not know."),
    as_of: str = typer.Option(None, "--as-of", help="Business time for dispute deadlines; default now."),
) -> None:
    """Load a remittance file (bad rows named by line and field, the rest load; twice changes nothing).

    Exit 0 when the file loaded or was already loaded, 2 when it cannot be read or no row was good.
    """
    from acorn.services import disputes
    from acorn.services.remittances import RemittanceFileError, import_remittance
    from acorn.store import upgrade
    from acorn.store.uow import units

    cli = _cli()
    settings = cli._settings()
    if account:
        _accounts(settings, account)
    url = settings.resolved_database_url
    upgrade(url)
    try:
        result = import_remittance(units(url), file, list(settings.accounts), account_code=account)
    except (OSError, RemittanceFileError) as exc:
        cli.console.print(f"[red]{escape(str(exc))}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    if result.already_imported:
        cli.console.print(f"{escape(str(file))} was already imported; nothing changed")
        return
    for line, field, problem in result.errors:
        cli.console.print(f"[yellow]rejected[/yellow] {escape(str(file))}:{line}: {escape(field)}: "
                          f"{escape(problem)}", soft_wrap=True)
    cli.console.print(f"{result.rows} rows: {result.loaded} loaded, {result.duplicates} already known, "
                      f"{len(result.errors)} rejected")
    when = cli._as_of(as_of) or datetime.now(UTC)
    for acct in settings.accounts:
        disputes.refresh_claims(units(url), acct, settings.disputes, as_of=when)
    if result.errors and not result.loaded and not result.duplicates:
        raise typer.Exit(2)


DISPUTE_COLUMNS = (Column("claim_key", "claim"), Column("account_code", "account"), Column("invoice_number", "invoice"),
                   Column("kind", "kind"), Column("at_stake", "at stake"), Column("currency", "cur"),
                   Column("dispute_deadline", "deadline"), Column("days_left", "days left"),
                   Column("status", "status"), Column("package_path", "package"))


@disputes_app.callback(invoke_without_command=True)
def list_disputes(
    ctx: typer.Context,
    account: str = typer.Option(None, help="One vendor account code; default all."),
    due_within: str = typer.Option(None, "--due-within", help="Only claims whose window closes within this long, "
                                                              "e.g. 7d or 2w."),
    all_: bool = typer.Option(False, "--all", help="Every claim, not only the open ones."),
    as_of: str = typer.Option(None, "--as-of", help="Business date/time the deadlines count from; default now."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV instead of a table."),
) -> None:
    """Claims (shortage, damage, price deductions) by money at stake, then deadline."""
    if ctx.invoked_subcommand is not None:
        return
    from acorn.cli_output import TABLE, emit, output_format
    from acorn.domain.claims import ClaimStatus, parse_duration
    from acorn.services.disputes import disputes
    from acorn.store.uow import units

    cli = _cli()
    fmt = output_format(as_json, as_csv)
    settings = cli._settings()
    if account:
        _accounts(settings, account)
    try:
        within = parse_duration(due_within) if due_within else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--due-within") from None
    today = (cli._as_of(as_of) or datetime.now(UTC)).date()
    cli._require_schema(settings.resolved_database_url)
    claims = disputes(units(settings.resolved_database_url), account_code=account, as_of=today,
                      due_within=within, statuses=None if all_ else (ClaimStatus.OPEN,))
    emit(cli.console, _dispute_rows(claims, today), DISPUTE_COLUMNS, fmt=fmt)
    if fmt == TABLE:
        cli.console.print(_stake_line(claims))


def _dispute_rows(claims: list[Claim], today: date) -> list[dict[str, object]]:
    """One row per claim: what is still at stake, and the days left to dispute it."""
    from acorn.domain.claims import at_stake

    return [{"claim_key": c.claim_key, "account_code": c.account_code, "invoice_number": c.invoice_number,
             "kind": c.kind, "at_stake": at_stake(c.amount, c.recovered), "currency": c.currency,
             "dispute_deadline": c.dispute_deadline,
             "days_left": (c.dispute_deadline - today).days if c.dispute_deadline else None,
             "status": c.status, "package_path": c.package_path} for c in claims]


def _stake_line(claims: list[Claim]) -> str:
    """``3 claims, 120.50 USD at stake``: totals per currency (never two currencies added together)."""
    from acorn.domain.claims import at_stake

    stake: dict[str, Decimal] = {}
    for c in claims:
        stake[c.currency] = stake.get(c.currency, Decimal("0")) + at_stake(c.amount, c.recovered)
    return (f"{len(claims)} claims" + "".join(f", {v} {k}" for k, v in sorted(stake.items()))
            + (" at stake" if stake else ""))


@disputes_app.command("mark")
def mark_dispute(
    claim_key: str = typer.Argument(..., help="Claim key from `acorn disputes`."),
    status: str = typer.Option(..., "--status", help="disputed (filed in Vendor Central), won or lost."),
    by: str = typer.Option(..., "--by", help="Who filed or read the outcome (kept in the audit log)."),
    note: str = typer.Option("", "--note", help="Case number, outcome text."),
    on: str = typer.Option(None, "--on", help="Date it happened (default today)."),
) -> None:
    """Record that a claim was disputed, won or lost."""
    from acorn.domain.claims import ClaimStatus
    from acorn.services.disputes import mark_claim
    from acorn.store.uow import units

    cli = _cli()
    settings = cli._settings()
    if status not in (ClaimStatus.DISPUTED, ClaimStatus.WON, ClaimStatus.LOST):
        raise typer.BadParameter(f"{status!r} is not one of disputed, won, lost", param_hint="--status")
    when = _day(on, "--on") or datetime.now(UTC).date()
    try:
        claim = mark_claim(units(settings.resolved_database_url), claim_key, status=status, on=when, note=note,
                           by=by)
    except (KeyError, ValueError) as exc:
        cli.console.print(f"[red]{escape(str(exc.args[0] if isinstance(exc, KeyError) else exc))}[/red]")
        raise typer.Exit(2) from None
    cli.console.print(f"{claim_key} is now {claim.status}")


METRIC_COLUMNS = (Column("metric", "metric"), Column("value", "value"), Column("basis", "basis"))


def metrics_command(
    start: str = typer.Option(..., "--from", help="First day, YYYY-MM-DD."),
    end: str = typer.Option(..., "--to", help="Last day, YYYY-MM-DD (inclusive)."),
    account: str = typer.Option(None, help="One vendor account code; default all."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV (metric, value, basis) instead of a table."),
) -> None:
    """Vendor metrics over a range: acknowledgement, fill, ASN and invoice rates, deductions, recovery."""
    import dataclasses

    from acorn.cli_output import JSON, emit, output_format
    from acorn.services.metrics import metrics_rows, vendor_metrics
    from acorn.store.uow import units

    cli = _cli()
    fmt = output_format(as_json, as_csv)
    settings = cli._settings()
    first, last = _day(start, "--from"), _day(end, "--to")
    if last < first:
        raise typer.BadParameter(f"--to {last} is before --from {first}", param_hint="--to")
    if account:
        _accounts(settings, account)
    cli._require_schema(settings.resolved_database_url)
    m = vendor_metrics(units(settings.resolved_database_url), start=first, end=last, account_code=account)
    rows = [{"metric": name, "value": value, "basis": basis} for name, value, basis in metrics_rows(m)]
    emit(cli.console, rows, METRIC_COLUMNS, fmt=fmt, document=dataclasses.asdict(m) if fmt == JSON else None,
         title=f"Vendor metrics {first} – {last}" + (f" ({account})" if account else ""))
