"""`acorn reports import FILE --account CODE`: a vendor report downloaded by hand from Vendor Central;
`acorn reports list [--account CODE]`: the reports kept and those quarantined.

Listed by acorn/cli.py and imported when it runs; heavy imports happen inside the command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

reports_app = typer.Typer(no_args_is_help=True,
                          help="Amazon's vendor reports: import one saved by hand, list those kept or quarantined.")


@reports_app.command("import")
def reports_import(
    file: Path = typer.Argument(..., help="A vendor report document: JSON, or gzip-compressed JSON (.json.gz)."),
    account: str = typer.Option(..., "--account", help="The vendor account code the report belongs to."),
) -> None:
    """Check a sales, inventory or forecast report against its schema and store it (twice changes nothing).

    Exit 0 when stored (or stored before), 2 when it cannot be read or is quarantined (the field named).
    """
    from acorn import cli
    from acorn.config import ConfigError
    from acorn.domain.vendor_reports import ReportRequestState
    from acorn.services.vendor_reports import import_report_file
    from acorn.store import upgrade
    from acorn.store.uow import units

    settings = cli._settings()
    try:
        vendor = settings.account(account)
    except ConfigError as exc:
        raise typer.BadParameter(str(exc), param_hint="--account") from None
    url = settings.resolved_database_url
    upgrade(url)
    try:
        result = import_report_file(units(url), vendor, file)
    except OSError as exc:
        cli.console.print(f"[red]{escape(str(exc))}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    if result.state == ReportRequestState.QUARANTINED:
        cli.console.print(f"[red]quarantined[/red] {escape(str(file))}: {escape(result.report_type)} "
                          f"{escape(str(result.field))}: {escape(str(result.reason))}", soft_wrap=True)
        raise typer.Exit(2)
    said = "stored" if result.new else "already stored; nothing changed"
    cli.console.print(f"{escape(str(file))}: {result.report_type} {said}")


@reports_app.command("list")
def reports_list(
    account: str | None = typer.Option(None, "--account", help="Only this vendor account (default: every one)."),
) -> None:
    """The vendor reports Acorn keeps, and the documents it quarantined with the field that failed.

    Exit 0; 1 when any quarantined document waits for a person.
    """
    from acorn import cli
    from acorn.config import ConfigError
    from acorn.store import upgrade
    from acorn.store.uow import units

    settings = cli._settings()
    try:
        codes = [settings.account(account).code] if account else [a.code for a in settings.accounts]
    except ConfigError as exc:
        raise typer.BadParameter(str(exc), param_hint="--account") from None
    url = settings.resolved_database_url
    upgrade(url)
    stored = _table("stored vendor reports", "account", "report", "period", "from", "received (UTC)")
    held = _table("quarantined vendor reports", "account", "report", "from", "field", "reason")
    with units(url)() as uow:
        for code in codes:
            for d in uow.vendor_reports.documents(code):
                period = f"{d.period_start} .. {d.period_end}" if d.period_start else "-"
                stored.add_row(code, _short(d.report_type), period, escape(d.report_id or d.source),
                               f"{d.received_at:%Y-%m-%d %H:%M}")
            for q in uow.vendor_reports.quarantined(code):
                held.add_row(code, _short(q.report_type), escape(q.report_id or q.source), escape(q.field),
                             escape(q.reason[:120]))
    cli.console.print(stored)
    cli.console.print(held if held.row_count else "no quarantined vendor reports")
    if held.row_count:
        raise typer.Exit(1)


def _table(title: str, *columns: str) -> Any:
    """A table that folds long values onto more lines rather than cutting them: ops read every character."""
    from rich.table import Table

    table = Table(title=title)
    for name in columns:
        table.add_column(name, overflow="fold")
    return table


def _short(report_type: str) -> str:
    """``GET_VENDOR_SALES_REPORT`` → ``SALES``: what the report is, without Amazon's wrapping."""
    return report_type.removeprefix("GET_VENDOR_").removesuffix("_REPORT")
