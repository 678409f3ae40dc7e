"""`acorn reports import FILE --account CODE`: a vendor report downloaded by hand from Vendor Central.

Listed by acorn/cli.py and imported when it runs; heavy imports happen inside the command.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

reports_app = typer.Typer(no_args_is_help=True, help="Amazon's vendor reports: import one saved by hand.")


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
