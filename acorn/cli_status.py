"""`acorn status`, `acorn po`, `acorn alerts`: the picture of the day, one PO's thread, the alert list.

Listed by acorn/cli.py and imported when one of them runs; every list prints through
:mod:`acorn.cli_output` (table, ``--json`` or ``--csv``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import typer
from rich.markup import escape

from acorn.cli_output import CSV, JSON, TABLE, Column, emit, output_format, shown, write_csv, write_json

JSON_OPTION = typer.Option(False, "--json", help="Print JSON (every field whole) instead of a table.")
CSV_OPTION = typer.Option(False, "--csv", help="Print CSV (every field whole) instead of a table.")

#: the alert list, in order; a new alert column (say the PO number) is one more line here
ALERT_COLUMNS = (
    Column("id", "id"),
    Column("created_at", "raised"),
    Column("account_code", "account"),
    Column("severity", "severity"),
    Column("kind", "kind"),
    Column("code", "code"),
    Column("subject", "subject", max_width=48),
    Column("about", "PO / shipment / invoice", max_width=30),
    Column("detail", "detail / next step", max_width=60),
    Column("status", "status"),
    Column("resolved_at", "resolved"),
)


def _cli():  # the shared console and settings of acorn.cli, imported late (no cycle)
    from acorn import cli

    return cli


def _account(settings: Any, account: str | None) -> None:
    from acorn.config import ConfigError

    if account:
        try:
            settings.account(account)
        except ConfigError as exc:
            raise typer.BadParameter(str(exc), param_hint="--account") from None


def alert_row(alert: Any) -> dict[str, Any]:
    """An alert as every list shows it: the columns above, detail = what happened, then what to do."""
    detail = alert.message + (f" — next step: {alert.next_step}" if alert.next_step else "")
    about = [f"{label} {value}" for label, value in (("PO", alert.po_number), ("shipment", alert.shipment_identifier),
                                                       ("invoice", alert.invoice_number)) if value]
    computed = {"detail": detail, "about": ", ".join(about)}
    return {c.key: computed[c.key] if c.key in computed else getattr(alert, c.key, None) for c in ALERT_COLUMNS}


def alerts_command(
    all_: bool = typer.Option(False, "--all", help="Open and resolved alerts."),
    resolved: bool = typer.Option(False, "--resolved", help="Only resolved alerts."),
    severity: str = typer.Option(None, help="Only this severity (error, warning)."),
    account: str = typer.Option(None, help="One vendor account code; default all."),
    kind: str = typer.Option(None, help="Only this kind, e.g. asn_late."),
    since: str = typer.Option(None, "--since", help="Only alerts raised on or after this day, YYYY-MM-DD (UTC)."),
    as_json: bool = JSON_OPTION,
    as_csv: bool = CSV_OPTION,
) -> None:
    """Alerts (open by default) with the date raised, the detail and the next step for ops."""
    from acorn.domain.states import AlertStatus
    from acorn.store import UnitOfWork

    cli = _cli()
    fmt = output_format(as_json, as_csv)
    if all_ and resolved:
        raise typer.BadParameter("choose one of --all and --resolved", param_hint="--all/--resolved")
    settings = cli._settings()
    _account(settings, account)
    start = _since(since)
    cli._require_schema(settings.resolved_database_url)
    with UnitOfWork(settings.resolved_database_url) as uow:
        _known_severity(uow, severity)
        shown_status = None if all_ else AlertStatus.RESOLVED if resolved else AlertStatus.OPEN
        alerts = uow.alerts.list(status=shown_status, severity=severity,
                                 account_code=account, kind=kind, since=start)
    rows = [alert_row(a) for a in alerts]
    emit(cli.console, rows, ALERT_COLUMNS, fmt=fmt)
    if fmt == TABLE:
        cli.console.print(f"{len(rows)} {'alerts' if all_ else 'resolved alerts' if resolved else 'open alerts'}")


def _known_severity(uow: Any, severity: str | None) -> None:
    """A typo (``--severity eror``) is refused, not answered with an empty list."""
    if severity is None:
        return
    known = {"error", "warning"} | uow.alerts.severities()
    if severity not in known:
        raise typer.BadParameter(f"{severity!r} is not one of {', '.join(sorted(known))}", param_hint="--severity")


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), time(0), tzinfo=UTC)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date such as 2026-03-02", param_hint="--since") from None


#: `acorn outbox`: one row per document sent (or to send) to Amazon
OUTBOX_COLUMNS = (Column("idempotency_key", "key"), Column("account_code", "account"), Column("state", "state"),
                  Column("attempts", "attempts"), Column("transaction_id", "transaction"),
                  Column("updated_at", "updated"), Column("last_error", "last error", max_width=60))


def outbox_row(entry: Any) -> dict[str, Any]:
    last = entry.errors[-1] if entry.errors else {}
    computed = {"last_error": f"{last.get('code', '')} {last.get('message', '')}".strip()}
    return {c.key: computed[c.key] if c.key in computed else getattr(entry, c.key, None) for c in OUTBOX_COLUMNS}


# -- acorn status -------------------------------------------------------------------------------------------
PO_COLUMNS = (Column("account_code", "account"), Column("po_number", "PO"), Column("order_date", "ordered"),
              Column("deadline", "ack deadline"), Column("time_left", "time left"), Column("bucket", "when"),
              Column("acknowledgement", "acknowledgement"))
SHIPMENT_COLUMNS = (Column("account_code", "account"), Column("shipment_identifier", "shipment"),
                    Column("bucket", "ASN"), Column("status", "status"), Column("departure", "departure"),
                    Column("asn_deadline", "ASN deadline"), Column("time_left", "time to deadline"),
                    Column("asn_submitted_at", "submitted"))
TRANSACTION_COLUMNS = (Column("account_code", "account"), Column("key", "document"), Column("state", "state"),
                       Column("attempts", "attempts"), Column("transaction_id", "transaction"),
                       Column("age", "age"), Column("last_error", "last error", max_width=50))
ALERT_COUNT_COLUMNS = (Column("severity", "severity"), Column("kind", "kind"), Column("open", "open"))
STATUS_CSV_COLUMNS = (Column("section", "section"), Column("account_code", "account"), Column("record", "record"),
                      Column("state", "state"), Column("deadline", "deadline"), Column("time_left", "time left"),
                      Column("detail", "detail"))
BUCKET_WORDS = {"overdue": "overdue", "due_soon": "due within 4 h", "later": "later",
                "waiting_for_truck": "waiting for truck", "due": "due", "in_flight": "submitted/processing",
                "accepted": "accepted", "late": "late", "failed": "failed", "needs_review": "needs review",
                "held": "held by the gate"}


def status_command(
    account: str = typer.Option(None, help="One vendor account code; default all."),
    as_of: str = typer.Option(None, "--as-of", help="The time deadlines count from (ISO-8601 with zone); "
                                                    "default now."),
    as_json: bool = JSON_OPTION,
    as_csv: bool = CSV_OPTION,
) -> None:
    """The day at a glance: POs to acknowledge, ASNs by state, pending transactions, open alerts."""
    import dataclasses

    from acorn.services.status import day_status
    from acorn.store.uow import units

    cli = _cli()
    fmt = output_format(as_json, as_csv)
    settings = cli._settings()
    _account(settings, account)
    when = cli._as_of(as_of) or datetime.now(UTC)
    cli._require_schema(settings.resolved_database_url)
    day = day_status(units(settings.resolved_database_url), as_of=when, account_code=account)
    if fmt == JSON:
        write_json({"as_of": when, "account": account, "acknowledgements": day.acknowledgement_counts(),
                    "asns": day.asn_counts(), "alerts": day.alert_counts(),
                    **{k: [dataclasses.asdict(r) for r in getattr(day, k)]
                       for k in ("purchase_orders", "shipments", "transactions")},
                    "open_alerts": day.alerts})
    elif fmt == CSV:
        write_csv(_status_csv_rows(day), STATUS_CSV_COLUMNS)
    else:
        _print_status(cli.console, day)


def _counts_line(counts: dict[str, int]) -> str:
    return ", ".join(f"{BUCKET_WORDS.get(k, k)} {n}" for k, n in counts.items())


def _print_status(console: Any, day: Any) -> None:
    import dataclasses

    console.print(f"[bold]Acorn status at {shown(day.as_of)}[/bold] ({day.account_code or 'all accounts'})")
    console.print(f"\n[bold]POs to acknowledge[/bold]: {_counts_line(day.acknowledgement_counts())}")
    if day.purchase_orders:
        emit(console, [dataclasses.asdict(r) | {"bucket": BUCKET_WORDS[r.bucket]} for r in day.purchase_orders],
             PO_COLUMNS, fmt=TABLE)
    console.print(f"\n[bold]Shipments by ASN state, all time[/bold]: {_counts_line(day.asn_counts())}")
    # accepted ASNs with nothing open are history: counted above, not listed
    console.print(f"[bold]Open shipments[/bold] (not accepted yet, or with an open alert): {len(day.shipments)}")
    open_ = [dataclasses.asdict(r) | {"bucket": BUCKET_WORDS[r.bucket]}
             for r in sorted(day.shipments, key=lambda r: r.asn_deadline)]
    if open_:
        emit(console, open_, SHIPMENT_COLUMNS, fmt=TABLE)
    console.print(f"\n[bold]Pending transactions[/bold]: {len(day.transactions)}")
    if day.transactions:
        emit(console, [dataclasses.asdict(r) for r in day.transactions], TRANSACTION_COLUMNS, fmt=TABLE)
    totals = day.alert_counts()
    console.print(f"\n[bold]Open alerts[/bold]: {', '.join(f'{k} {n}' for k, n in totals.items()) or 'none'}")
    if totals:
        emit(console, [{"severity": s, "kind": k, "open": n} for s, kinds in day.alerts.items()
                       for k, n in kinds.items()], ALERT_COUNT_COLUMNS, fmt=TABLE)


def _status_csv_rows(day: Any) -> list[dict[str, Any]]:
    rows = [{"section": "purchase_order", "account_code": r.account_code, "record": r.po_number,
             "state": r.bucket, "deadline": r.deadline, "time_left": r.time_left,
             "detail": f"acknowledgement {r.acknowledgement}"} for r in day.purchase_orders]
    rows += [{"section": "shipment", "account_code": r.account_code, "record": r.shipment_identifier,
              "state": r.bucket, "deadline": r.asn_deadline, "time_left": r.time_left,
              "detail": f"status {r.status}"} for r in day.shipments]
    rows += [{"section": "transaction", "account_code": r.account_code, "record": r.key, "state": r.state,
              "time_left": None, "detail": f"age {int(r.age.total_seconds())} s; {r.last_error}".rstrip("; ")}
             for r in day.transactions]
    rows += [{"section": "open_alerts", "record": kind, "state": severity, "detail": str(n)}
             for severity, kinds in day.alerts.items() for kind, n in kinds.items()]
    return rows


# -- acorn po -----------------------------------------------------------------------------------------------
def po_command(
    po_number: str = typer.Argument(..., help="Amazon's PO number, e.g. 4Z32PABC."),
    account: str = typer.Option(None, help="Vendor account code, when the number exists for more than one."),
    all_: bool = typer.Option(False, "--all", help="List every carton and pallet SSCC."),
    as_of: str = typer.Option(None, "--as-of", help="The time deadlines count from (ISO-8601 with zone); "
                                                    "default now."),
    as_json: bool = JSON_OPTION,
) -> None:
    """One PO's thread: PO, acknowledgement, shipments and cartons, ASN, invoices, receipts, payments, alerts."""
    from acorn.services.po_thread import AmbiguousPurchaseOrder, po_thread
    from acorn.store.uow import units

    cli = _cli()
    settings = cli._settings()
    _account(settings, account)
    when = cli._as_of(as_of) or datetime.now(UTC)
    cli._require_schema(settings.resolved_database_url)
    try:
        thread = po_thread(units(settings.resolved_database_url), po_number, as_of=when, account_code=account)
    except AmbiguousPurchaseOrder as exc:
        cli.console.print(f"[red]{escape(str(exc))}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    if thread is None:
        where = f" for account {account}" if account else ""
        cli.console.print(f"[red]no purchase order {escape(po_number)}{where} in the store[/red]", soft_wrap=True)
        raise typer.Exit(1)
    if as_json:
        import dataclasses

        write_json({**{f.name: getattr(thread, f.name) for f in dataclasses.fields(thread)},
                    "alerts": [alert_row(a) | {"message": a.message, "next_step": a.next_step}
                               for a in thread.alerts]})
        return
    from acorn.cli_po import print_thread

    print_thread(cli.console, thread, ssccs=all_, alert_row=alert_row, alert_columns=ALERT_COLUMNS)
