"""How `acorn po` prints a PO's thread on screen: one section per step, tables through cli_output."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape

from acorn.cli_output import TABLE, Column, emit, shown

LINE_COLUMNS = (Column("item_sequence", "line"), Column("vendor_sku", "SKU"), Column("asin", "ASIN"),
                Column("ordered", "ordered"), Column("accepted", "accepted"), Column("backordered", "backordered"),
                Column("rejected", "rejected"), Column("rejection_reason", "reason"), Column("shipped", "shipped"),
                Column("received", "received"), Column("invoiced", "invoiced"), Column("net_cost", "unit cost"))
# the ASN column says accepted (on time), late, due, ...: the shipment's status adds nothing to it
SHIPMENT_COLUMNS = (Column("shipment_identifier", "shipment"), Column("carrier", "carrier / PRO"),
                    Column("departure", "departure"), Column("units_of_this_po", "units"),
                    Column("cartons", "cartons"), Column("pallets", "pallets"), Column("asn_standing", "ASN"),
                    Column("asn_deadline", "ASN deadline"), Column("asn_submitted_at", "submitted"),
                    Column("asn_accepted_at", "accepted"))
INVOICE_COLUMNS = (Column("invoice_number", "invoice"), Column("invoice_date", "date"), Column("status", "status"),
                   Column("amount_for_this_po", "this PO"), Column("total", "invoice total"),
                   Column("currency", "cur"), Column("payment_due", "due"), Column("transaction_id", "transaction"))
RECEIPT_COLUMNS = (Column("item_sequence", "line"), Column("receive_status", "status"), Column("shipped", "shipped"),
                   Column("received", "received"), Column("damaged", "damaged"),
                   Column("not_received", "not received"), Column("last_receive_date", "last received"))
REMITTANCE_COLUMNS = (Column("payment_number", "payment"), Column("payment_date", "date"),
                      Column("invoice_number", "invoice"), Column("item_sequence", "line"), Column("paid", "paid"),
                      Column("deducted", "deducted"), Column("currency", "cur"))
CLAIM_COLUMNS = (Column("claim_key", "claim"), Column("kind", "kind"), Column("amount", "amount"),
                 Column("recovered", "recovered"), Column("currency", "cur"), Column("status", "status"),
                 Column("dispute_deadline", "dispute by"))


def print_thread(console: Console, thread: Any, *, ssccs: bool, alert_row: Callable[[Any], dict],
                 alert_columns: Sequence[Column]) -> None:
    po = thread.purchase_order
    console.print(f"[bold]PO {escape(po['po_number'])}[/bold] ({po['account_code']}) — {po['state']}, ordered "
                  f"{shown(po['order_date'])}, ship to {po['ship_to']}, {po['currency']}")
    console.print(f"ship window {_window(po['ship_window'])}; delivery window {_window(po['delivery_window'])}")
    emit(console, thread.lines, LINE_COLUMNS, fmt=TABLE, title="Lines")
    console.print(_acknowledgement(thread.acknowledgement))
    _section(console, "Shipments", [_shipment_row(s) for s in thread.shipments], SHIPMENT_COLUMNS)
    if ssccs:
        for s in thread.shipments:
            console.print(f"{s['shipment_identifier']} cartons: {' '.join(s['carton_ssccs']) or '-'}", soft_wrap=True)
            console.print(f"{s['shipment_identifier']} pallets: {' '.join(s['pallet_ssccs']) or '-'}", soft_wrap=True)
    _section(console, "Invoices", thread.invoices, INVOICE_COLUMNS)
    _section(console, "Receipts", thread.receipts, RECEIPT_COLUMNS)
    _section(console, "Remittance", thread.remittances, REMITTANCE_COLUMNS, quiet=True)
    _section(console, "Claims", thread.claims, CLAIM_COLUMNS, quiet=True)
    _section(console, "Alerts", [alert_row(a) for a in thread.alerts], alert_columns)


def _section(console: Console, title: str, rows: list[dict], columns: Sequence[Column], *, quiet: bool = False) -> None:
    if rows:
        emit(console, rows, columns, fmt=TABLE, title=title)
    elif not quiet:
        console.print(f"{title}: none")


def _window(bounds: list) -> str:
    start, end = bounds
    return f"{shown(start) or '?'} – {shown(end) or '?'}" if start or end else "none"


def _acknowledgement(ack: dict[str, Any]) -> str:
    if not ack["decided"]:
        return f"Acknowledgement: not decided yet; deadline {shown(ack['deadline'])} ({shown(ack['time_left'])} left)"
    timing = {None: "", True: ", on time", False: ", [red]late[/red]"}[ack["on_time"]]
    return (f"Acknowledgement: decided {shown(ack['decided_at'])}, deadline {shown(ack['deadline'])}; "
            f"{ack['accepted_units']} accepted, {ack['backordered_units']} backordered, {ack['rejected_units']} "
            f"rejected units; outbox {ack['outbox_state']}, transaction {ack.get('transaction_id') or '-'}, "
            f"applied {shown(ack.get('applied_at')) or '-'}{timing}")


def _shipment_row(s: dict[str, Any]) -> dict[str, Any]:
    asn = s["asn"]
    return {**s, "carrier": " ".join(x for x in (s["carrier_scac"], s["pro_number"]) if x),
            "cartons": f"{s['cartons']} of {s['cartons_in_shipment']}", "asn_standing": asn["standing"],
            "asn_deadline": asn["deadline"], "asn_submitted_at": asn["submitted_at"],
            "asn_accepted_at": asn.get("completed_at") if asn.get("outbox_state") == "accepted" else None}
