"""`acorn`: the command line ops and engineers use.

Imports happen inside commands, and the commands of other modules are imported only when
they run (:mod:`acorn.cli_lazy`; their one-line helps are in :data:`_ELSEWHERE`), so
`acorn --help` loads neither the settings nor Prefect, Great Expectations or the SP-API client.
"""

from __future__ import annotations

from datetime import UTC
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from typer.exceptions import TyperException

from acorn.cli_lazy import Lazy, LazyGroup

if TYPE_CHECKING:
    from pathlib import Path

    from acorn.services.packing import PackingDocuments

#: commands that can raise alerts outside a flow run: their alerts reach ops like a flow's
_RAISE_ALERTS = frozenset({"erp-load", "remittance", "reports", "disputes", "doctor", "reconcile", "run",
                           "replenish"})


def _announce_new_alerts() -> None:
    """After a command that can raise alerts, send their events when a Prefect server is configured.

    Without one they wait in the store (``announced_at`` empty) for the next flow run.
    """
    from acorn.alert_events import announce_pending, prefect_api_url

    if not prefect_api_url():
        return
    said = Console(stderr=True)  # stdout may be a --json or --csv listing
    try:
        sent = announce_pending(_settings().resolved_database_url)
    except Exception as exc:  # noqa: BLE001 - the command itself is done; the next run retries
        said.print(f"alerts not announced to Prefect yet: {exc}", style="yellow", markup=False)
        return
    if sent:
        said.print(f"{sent} new alert(s) announced to Prefect")


#: commands defined in other modules, imported when they run; the help is what `acorn --help` lists
_ELSEWHERE = {
    "reconcile": Lazy("acorn.cli_money:reconcile_command", "Reconcile a month (PO × ASN × receipt × invoice × "
                                                           "remittance) as a Prefect run; a rerun replaces it."),
    "metrics": Lazy("acorn.cli_money:metrics_command", "Vendor metrics over a range: acknowledgement, fill, ASN and "
                                                       "invoice rates, deductions, recovery."),
    "init": Lazy("acorn.cli_config:init", "Write a commented example configuration (accounts, endpoints, credentials, "
                                          "carriers, database, home)."),
    "status": Lazy("acorn.cli_status:status_command", "The day at a glance: POs to acknowledge, ASNs by state, "
                                                      "pending transactions, open alerts."),
    "po": Lazy("acorn.cli_status:po_command", "One PO's thread: PO, acknowledgement, shipments and cartons, ASN, "
                                              "invoices, receipts, payments, alerts."),
    "alerts": Lazy("acorn.cli_status:alerts_command", "Alerts (open by default) with the date raised, the detail and "
                                                      "the next step for ops."),
    "remittance": Lazy("acorn.cli_money:remittance_app", "What Amazon paid: load remittance files.", group=True),
    "reports": Lazy("acorn.cli_reports:reports_app", "Amazon's vendor reports: import one saved by hand.",
                    group=True),
    "replenish": Lazy("acorn.cli_replenish:replenish_command", "Replenishment per SKU: what to make or send, how "
                                                               "much, by when; alerts cover below lead time."),
    "disputes": Lazy("acorn.cli_money:disputes_app", "Deductions Amazon took: list them by money at stake and "
                                                     "deadline, record disputes.", group=True),
    "automations": Lazy("acorn.cli_automations:automations_app", "Notifications for ops, as Prefect automations.",
                        group=True),
    "sandbox": Lazy("acorn.sandbox.cli:app", "Run the simulated Vendor Central.", group=True),
    "bench": Lazy("acorn.cli_bench:bench_app", "Benchmarks that print their figures.", group=True),
}


class _ExpectedFailures(LazyGroup):
    """Every command's expected failures (database, configuration, network) as one paragraph, not a
    traceback (acorn/cli_errors.py); `--debug` / ACORN_DEBUG=1 keeps the traceback."""

    lazy = _ELSEWHERE

    def invoke(self, ctx: typer.Context):
        try:
            return super().invoke(ctx)
        except (TyperException, typer.Exit, typer.Abort):
            raise  # help, usage errors, exit codes: typer's own, none of them a failure to explain
        except Exception as exc:
            from acorn.cli_errors import explain  # loads httpx and SQLAlchemy: only on a failure

            failure = None if ctx.params.get("debug") else explain(exc)
            if failure is None:
                raise
            Console(stderr=True).print(failure.paragraph, style="red", markup=False, highlight=False,
                                       soft_wrap=True)
            raise typer.Exit(failure.exit_code) from None


# no locals in tracebacks: they would print settings and database URLs
app = typer.Typer(cls=_ExpectedFailures, no_args_is_help=True, add_completion=False,
                  pretty_exceptions_show_locals=False,
                  help="Acorn: Amazon Vendor (1P) operations — POs, ASNs, invoices, receipts.")


class _ConfigCommands(LazyGroup):
    lazy = {"check": Lazy("acorn.cli_config:check", "Check the configuration file, settings, credentials, Secret "
                                                    "blocks and database; exit 1 on a problem.")}


config_app = typer.Typer(cls=_ConfigCommands, no_args_is_help=True, help="Show and check the configuration.")
db_app = typer.Typer(no_args_is_help=True, help="Acorn's store: migrations and status.")
app.add_typer(config_app, name="config")
app.add_typer(db_app, name="db")

console = Console()


@app.callback()
def _acorn(ctx: typer.Context,
           debug: bool = typer.Option(False, "--debug", envvar="ACORN_DEBUG",
                                      help="Show the full traceback of a failure (also ACORN_DEBUG=1).")) -> None:
    """Acorn: Amazon Vendor (1P) operations — POs, ASNs, invoices, receipts."""
    if ctx.invoked_subcommand in _RAISE_ALERTS:
        ctx.call_on_close(_announce_new_alerts)


def _settings():
    from acorn.config import load_settings

    return load_settings()  # a ConfigError becomes one paragraph and exit 2 (_ExpectedFailures)


@config_app.command("show")
def config_show() -> None:
    """Print the effective configuration (secrets masked)."""
    import json

    console.print_json(json.dumps(_settings().redacted()))


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
    seed: int = typer.Option(0, help="Sandbox seed (same seed, same day, same result); the default, the "
                                     "sandbox's DEMO_SEED, matches the demo ERP files."),
    out: str = typer.Option("out", help="Directory for summary.json, the store and quarantine files."),
) -> None:
    """Run the daily lifecycle against the built-in sandbox for N simulated days."""
    from pathlib import Path

    from acorn.demo import DemoOptions, cli_home_line, run_demo, verdict

    summary = run_demo(DemoOptions(days=days, seed=seed, out=Path(out)), console)
    console.print(f"to look at this run with `acorn alerts`, `acorn outbox`, ...: {cli_home_line(Path(out))}",
                  markup=False, highlight=False, soft_wrap=True)
    problems = verdict(summary)
    if problems:
        console.print(f"[red]demo finished with problems: {'; '.join(problems)}[/red]")
        raise typer.Exit(1)
    console.print(f"[green]demo OK[/green]: {Path(out) / 'summary.json'}")


def _as_of(value: str | None):
    from datetime import datetime

    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not an ISO-8601 time such as 2026-03-02T20:10:00Z",
                                 param_hint="--as-of") from None
    if parsed.tzinfo is None:
        raise typer.BadParameter(f"{value!r} has no time zone; add Z or an offset", param_hint="--as-of")
    return parsed


@app.command("run")
def run_day(
    as_of: str = typer.Option(None, "--as-of", help="Business time (ISO-8601 with zone); default now."),
    account: str = typer.Option(None, help="One vendor account code; default all."),
) -> None:
    """Run daily_lifecycle once, in-process, against the configured SP-API host."""
    from pathlib import Path

    from acorn import prefect_env
    from acorn.cli_config import require_reachable
    from acorn.config import ConfigError

    settings = _settings()
    when = _as_of(as_of)
    if account is not None:
        try:
            settings.account(account)
        except ConfigError as exc:
            raise typer.BadParameter(str(exc), param_hint="--account") from None
    require_reachable(settings, [settings.account(account)] if account else settings.accounts)
    prefect_env.configure(Path(settings.home) / "prefect")
    from acorn.store import upgrade

    upgrade(settings.resolved_database_url)
    from flows.daily_lifecycle import daily_lifecycle

    state = daily_lifecycle(as_of=when, account=account, return_state=True)
    console.print(f"daily_lifecycle: {state.name}")
    raise typer.Exit(0 if state.is_completed() else 1)


@app.command("erp-load")
def erp_load(
    skus: str = typer.Option(..., help="SKU master CSV (see acorn/erp/csv_source.py for columns)."),
    inventory: str = typer.Option(..., help="Inventory CSV."),
    quarantine: str = typer.Option("quarantine", help="Where rejected rows are written."),
) -> None:
    """Load the SKU master and stock from ERP CSV exports; bad rows are reported and quarantined.

    Exit 0 when rows loaded (rejected rows are printed, file:line: field, and written to the
    quarantine directory); 2 when the input is unusable as a whole: a file that cannot be
    read, or not one good row in either file.
    """
    from datetime import datetime

    from rich.markup import escape

    from acorn.erp import CsvErp, ErpInputError
    from acorn.progress import Bars, progress_bar, step
    from acorn.services.erp import load_erp
    from acorn.store import upgrade
    from acorn.store.uow import units

    url = _settings().resolved_database_url
    try:
        with progress_bar() as bar:  # on stderr: the rejected rows and the count below stay on stdout
            with step(bar, "create or upgrade the store"):
                upgrade(url)
            result = load_erp(units(url), CsvErp(skus, inventory, quarantine_dir=quarantine),
                              as_of=datetime.now(UTC), progress=Bars(bar))
    except ErpInputError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    for error in result.errors:  # escaped: a row's own text may look like console markup
        console.print(f"[yellow]rejected[/yellow] {escape(str(error))}", soft_wrap=True)
    console.print(f"loaded {result.skus} SKUs and {result.stock_rows} stock rows; {len(result.errors)} rows rejected"
                  + (f" (see {escape(quarantine)}/)" if result.errors else ""))
    if result.errors and not (result.skus or result.stock_rows):
        console.print("[red]nothing loaded: every row was rejected[/red]")
        raise typer.Exit(2)


outbox_app = typer.Typer(help="Submissions to Amazon: list them, and close one by hand after checking Vendor "
                              "Central.")
app.add_typer(outbox_app, name="outbox")


@outbox_app.callback(invoke_without_command=True)
def list_outbox(ctx: typer.Context,
                state: str = typer.Option(None, help="Only rows in this state (pending, unknown, stuck, "
                                                     "needs_review, ...)."),
                as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
                as_csv: bool = typer.Option(False, "--csv", help="Print CSV instead of a table.")) -> None:
    """Submissions to Amazon and where each one stands."""
    if ctx.invoked_subcommand is not None:
        return
    from acorn.cli_output import emit, output_format
    from acorn.cli_status import OUTBOX_COLUMNS, outbox_row
    from acorn.domain.documents import DocumentState
    from acorn.store import UnitOfWork

    fmt = output_format(as_json, as_csv)
    if state is not None and state not in {s.value for s in DocumentState}:
        raise typer.BadParameter(f"{state!r} is not one of {', '.join(s.value for s in DocumentState)}",
                                 param_hint="--state")
    with UnitOfWork(_settings().resolved_database_url) as uow:
        rows = uow.outbox.list(states=[state] if state else None)
    emit(console, [outbox_row(r) for r in rows], OUTBOX_COLUMNS, fmt=fmt)


@outbox_app.command("resolve")
def resolve_outbox(
    key: str = typer.Argument(..., help="Outbox key, e.g. invoice:ACRNUS:US-4Z32PABC-260303."),
    accepted: bool = typer.Option(None, "--accepted/--rejected",
                                  help="What Vendor Central shows: the document was accepted, or rejected."),
    by: str = typer.Option(..., "--by", help="Who checked Vendor Central (kept in the audit log)."),
    note: str = typer.Option(..., "--note", help="What Vendor Central shows (kept in the audit log)."),
) -> None:
    """Record the outcome of an open document after checking Vendor Central (audited)."""
    from datetime import datetime

    from acorn.domain.documents import IllegalTransition
    from acorn.services.outbox import resolve_by_hand
    from acorn.store import UnitOfWork

    if accepted is None:
        raise typer.BadParameter("say what Vendor Central shows: --accepted or --rejected",
                                 param_hint="--accepted/--rejected")
    if not note.strip():
        raise typer.BadParameter("say what you saw in Vendor Central", param_hint="--note")
    with UnitOfWork(_settings().resolved_database_url) as uow:
        try:
            entry = resolve_by_hand(uow, key, accepted=accepted, actor=by, note=note, at=datetime.now(UTC))
        except (KeyError, ValueError, IllegalTransition) as exc:
            console.print(f"[red]{exc.args[0] if isinstance(exc, KeyError) else exc}[/red]")
            raise typer.Exit(2) from None
        uow.commit()
    console.print(f"{key} recorded as {entry.state} by {by}")


@app.command("release")
def release_stuck(key: str = typer.Argument(..., help="Outbox key, e.g. asn:4Z32PABC-260303:r0."),
                  by: str = typer.Option(..., "--by", help="Who checked Vendor Central (kept in the audit log).")
                  ) -> None:
    """Release a stuck submission after checking Vendor Central: the next run sends it again.

    If Amazon answers that it already has it, the document ends accepted, not failed.
    """
    from acorn.services.outbox import release
    from acorn.store import UnitOfWork

    with UnitOfWork(_settings().resolved_database_url) as uow:
        try:
            release(uow, key, actor=by)
        except (KeyError, ValueError) as exc:
            console.print(f"[red]{exc.args[0] if isinstance(exc, KeyError) else exc}[/red]")
            raise typer.Exit(2) from None
        uow.commit()
    console.print(f"{key} released; the next run of its flow sends it again")


@app.command("doctor")
def doctor(
    account: str = typer.Option(None, help="One vendor account code; default all."),
    repair: bool = typer.Option(False, "--repair", help="Repair what can be repaired and raise alerts for the "
                                                        "rest (what every daily run does)."),
) -> None:
    """Check Acorn's promises: nothing accepted unbilled, nothing open unseen, no ASN overdue."""
    from datetime import datetime

    from rich.table import Table

    from acorn.config import ConfigError
    from acorn.services.invariants import sweep
    from acorn.store.uow import units

    settings = _settings()
    try:
        accounts = [settings.account(account)] if account else list(settings.accounts)
    except ConfigError as exc:
        raise typer.BadParameter(str(exc), param_hint="--account") from None
    url = settings.resolved_database_url
    _require_schema(url)
    findings = [(a.code, f) for a in accounts
                for f in sweep(units(url), a, as_of=datetime.now(UTC), repair=repair)]
    if not findings:
        console.print(f"[green]all invariants hold[/green] ({', '.join(a.code for a in accounts)})")
        return
    table = Table("account", "check", "record", "problem", "action")
    for code, f in findings:
        table.add_row(code, f.check, f.record, f.problem, f.action)
    console.print(table)
    unsettled = [f for _, f in findings if f.action in ("none", "alerted")]
    raise typer.Exit(1 if unsettled else 0)


def _require_schema(url: str) -> None:
    from acorn.store import current_revision

    if current_revision(url) is None:
        from acorn.cli_errors import ExpectedFailure, database_name, store_not_migrated

        raise ExpectedFailure(store_not_migrated(database_name(), "no migration has run"))


@app.command("resolve-alert")
def resolve_alert(alert_id: int = typer.Argument(..., help="Alert id from `acorn alerts`."),
                  by: str = typer.Option(..., "--by", help="Who handled it (kept in the audit log)."),
                  note: str = typer.Option("", help="What was done.")) -> None:
    """Mark an alert handled; it stays in the history, out of the open list."""
    from datetime import datetime

    from acorn.domain.states import AlertStatus
    from acorn.store import UnitOfWork

    with UnitOfWork(_settings().resolved_database_url) as uow:
        alert = next((a for a in uow.alerts.list(status=AlertStatus.OPEN) if a.id == alert_id), None)
        if alert is None:
            console.print(f"[red]no open alert with id {alert_id}[/red]")
            raise typer.Exit(2)
        uow.alerts.resolve(alert.dedupe_key, at=datetime.now(UTC))
        uow.audit.append(action="alert.resolved", entity="alert", entity_id=str(alert_id), actor=by,
                         detail={"note": note, "kind": alert.kind})
        uow.commit()
    console.print(f"alert {alert_id} resolved")


@app.command("change-transport")
def change_transport(
    shipment: str = typer.Argument(..., help="Shipment identifier of an accepted ASN."),
    account: str = typer.Option(..., help="Vendor account code."),
    carrier: str = typer.Option(..., help="New carrier SCAC."),
    mode: str = typer.Option(..., help="SmallParcel, LessThanTruckLoad or TruckLoad."),
    pro: str = typer.Option(..., help="New PRO / tracking number."),
    bol: str = typer.Option(None, help="Bill of lading number (LTL / truckload)."),
) -> None:
    """Record a carrier change and queue the replacing ASN (sent by the next submit_asns run)."""
    from datetime import datetime

    from acorn.config import ConfigError
    from acorn.services.asns import change_transport as change
    from acorn.store.uow import units

    if mode not in ("SmallParcel", "LessThanTruckLoad", "TruckLoad"):
        raise typer.BadParameter(f"{mode!r} is not SmallParcel, LessThanTruckLoad or TruckLoad", param_hint="--mode")
    settings = _settings()
    try:
        key = change(units(settings.resolved_database_url), settings.account(account), shipment, carrier_scac=carrier,
                     transport_mode=mode, pro_number=pro, bill_of_lading=bol, as_of=datetime.now(UTC))
    except (KeyError, ValueError, ConfigError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    console.print(f"replacing ASN queued as {key}")


@app.command("labels")
def reprint_labels(
    shipment: str = typer.Argument(..., help="Shipment identifier, e.g. 4Z32PABC-260303."),
    format_: str = typer.Option("zpl", "--format", help="zpl (for the printer), pdf (one 4x6 in page per "
                                                        "label) or png (one image per label)."),
    out: str = typer.Option(".", "--out", help="Directory to write the labels to."),
) -> None:
    """Reprint a shipment's carton and pallet labels from the store (cartons first, then pallets)."""
    from pathlib import Path

    from rich.markup import escape

    from acorn.config import ConfigError
    from acorn.documents import DocumentError
    from acorn.services.packing import UnknownShipment, packing_documents
    from acorn.store import UnitOfWork

    if format_ not in ("zpl", "pdf", "png"):
        raise typer.BadParameter(f"{format_!r} is not zpl, pdf or png", param_hint="--format")
    settings = _settings()
    url = settings.resolved_database_url
    _require_schema(url)
    try:
        with UnitOfWork(url) as uow:
            row = uow.shipments.get(shipment)
            if row is None:
                raise UnknownShipment(f"no shipment {shipment!r} in {url}")
            docs = packing_documents(uow, settings, settings.account(row.account_code), shipment)
    except (UnknownShipment, ConfigError, DocumentError, LookupError) as exc:
        console.print(f"[red]{escape(str(exc.args[0] if exc.args else exc))}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    folder = Path(out)
    written = _write_labels(docs, shipment, format_, folder)
    cartons = sum(label.kind == "carton" for label in docs.labels)
    console.print(f"{shipment}: {cartons} carton and {len(docs.labels) - cartons} pallet labels "
                  f"({format_}) written to {escape(str(folder))}", soft_wrap=True)
    for path in written:
        console.print(escape(str(path)), soft_wrap=True, highlight=False)


def _write_labels(docs: PackingDocuments, shipment: str, format_: str, folder: Path) -> list[Path]:
    """The labels as one ZPL file, one PDF (a 4x6 in page each) or one PNG each; the files written."""
    from acorn.documents.label_preview import render_label_png, render_labels_pdf

    folder.mkdir(parents=True, exist_ok=True)
    if format_ == "zpl":
        written = [folder / f"{shipment}-labels.zpl"]
        written[0].write_text(docs.zpl(), encoding="utf-8")
    elif format_ == "pdf":
        written = [folder / f"{shipment}-labels.pdf"]
        written[0].write_bytes(render_labels_pdf(docs.labels))
    else:
        written = [folder / f"{shipment}-{label.sscc}.png" for label in docs.labels]
        for path, label in zip(written, docs.labels, strict=True):
            path.write_bytes(render_label_png(label))
    return written


if __name__ == "__main__":
    app()
