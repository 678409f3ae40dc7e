"""`acorn`: the command line ops and engineers use.

Heavy imports (Prefect, Great Expectations) happen inside commands, so `acorn --help`
stays instant.
"""

from __future__ import annotations

import json

import typer
from rich.console import Console

from acorn.config import ConfigError, load_settings

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Acorn: Amazon Vendor (1P) operations — POs, ASNs, invoices, receipts.")
config_app = typer.Typer(no_args_is_help=True, help="Show and check the configuration.")
db_app = typer.Typer(no_args_is_help=True, help="Acorn's store: migrations and status.")
app.add_typer(config_app, name="config")
app.add_typer(db_app, name="db")

console = Console()


def _settings():  # noqa: ANN202
    try:
        return load_settings()
    except ConfigError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


@config_app.command("show")
def config_show() -> None:
    """Print the effective configuration (secrets masked)."""
    console.print_json(json.dumps(_settings().redacted()))


@config_app.command("check")
def config_check() -> None:
    """Validate the configuration and exit non-zero naming any bad setting."""
    s = _settings()
    console.print(f"configuration OK: {len(s.accounts)} vendor account(s), database {s.resolved_database_url}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate every table (Alembic) in ACORN_DATABASE_URL."""
    from acorn.store import current_revision, upgrade

    url = _settings().resolved_database_url
    upgrade(url)
    console.print(f"database at revision {current_revision(url)}")


@db_app.command("status")
def db_status() -> None:
    """Show the schema revision of ACORN_DATABASE_URL."""
    from acorn.store import current_revision

    rev = current_revision(_settings().resolved_database_url)
    console.print(f"revision: {rev or 'none (run `acorn db upgrade`)'}")


@app.command()
def demo(
    days: int = typer.Option(14, min=1, max=60, help="Simulated business days to run."),
    seed: int = typer.Option(0, help="Sandbox seed (same seed, same day, same result)."),
    out: str = typer.Option("out", help="Directory for summary.json, the store and quarantine files."),
) -> None:
    """Run the daily lifecycle against the built-in sandbox for N simulated days."""
    from pathlib import Path

    from acorn.demo import DemoOptions, run_demo, verdict

    summary = run_demo(DemoOptions(days=days, seed=seed, out=Path(out)), console)
    problems = verdict(summary)
    if problems:
        console.print(f"[red]demo finished with problems: {'; '.join(problems)}[/red]")
        raise typer.Exit(1)
    console.print(f"[green]demo OK[/green]: {Path(out) / 'summary.json'}")


def _mount_optional_apps() -> None:
    from acorn.sandbox.cli import app as sandbox_app
    from acorn.spapi.bench import app as bench_app

    app.add_typer(sandbox_app, name="sandbox", help="Run the simulated Vendor Central.")
    app.add_typer(bench_app, name="bench", help="Benchmarks that print their figures.")


try:
    _mount_optional_apps()
except ImportError:  # pragma: no cover - parts still being built
    pass


if __name__ == "__main__":
    app()
