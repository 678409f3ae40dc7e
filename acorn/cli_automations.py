"""`acorn automations`: what ops are notified of, applied to the Prefect server from deployments/automations.yaml."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

automations_app = typer.Typer(no_args_is_help=True, help="Notifications for ops, as Prefect automations.")
console = Console()


@automations_app.command("apply")
def apply_automations(
    notify: str = typer.Option(..., "--notify", help="Where notifications go: a webhook URL (kept as a secret in "
                                                     "the block acorn-ops-webhook) or a notification block as "
                                                     "TYPE/NAME, e.g. slack-webhook/ops."),
    file: Path = typer.Option(None, "--file", help="Automations file (default: deployments/automations.yaml)."),
) -> None:
    """Create or update (by name) every automation in the file; applying twice changes nothing."""
    from acorn.alert_events import prefect_api_url

    if not prefect_api_url():
        console.print("[red]No Prefect server configured: automations live on one. Start it (`prefect server "
                      "start`) and run `prefect config set PREFECT_API_URL=http://127.0.0.1:4200/api`.[/red]")
        raise typer.Exit(2)
    from acorn.automations import AUTOMATIONS_FILE, AutomationError, apply

    try:
        applied = apply(notify, file or AUTOMATIONS_FILE)
    except AutomationError as exc:
        console.print(f"[red]{exc}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    table = Table("automation", "applied", "id")
    for item in applied:
        table.add_row(item.name, item.action, str(item.automation_id))
    console.print(table)
