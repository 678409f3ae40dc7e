"""The dispute package: one HTML page and one CSV an ops person attaches to a Vendor Central dispute.

Input is the plain mapping ``acorn.services.dispute_evidence.build_package`` gathers (no
database rows): the claims on one invoice of one kind, the PO lines, the acknowledgement,
the ASN shipments with carton SSCCs, carrier, PRO/BOL and ship date, the receipt reported
over time, the invoice and the remittance lines. The HTML is for a person to read and
print; the CSV carries the same facts one per row (``section`` says which), for a
spreadsheet or a case attachment.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from acorn.documents._env import day, money, render, when
from acorn.documents.errors import DocumentError

KIND_TITLE = {"shortage": "Shortage claim", "damage": "Damage claim", "price": "Price claim"}
CSV_COLUMNS = ("section", "reference", "po_number", "item_sequence", "asin", "sscc", "quantity", "amount",
               "currency", "date", "detail")


def render_dispute_package_html(package: Mapping[str, Any]) -> str:
    _check(package)
    return render("dispute_package.html", title=KIND_TITLE.get(package["kind"], "Claim"), **package)


def render_dispute_package_csv(package: Mapping[str, Any]) -> str:
    _check(package)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    currency = package["currency"]
    for row in _rows(package):
        writer.writerow({"currency": currency if row.get("amount") not in (None, "") else "", **row})
    return buffer.getvalue()


def _plain(value: Any, currency: str) -> str:
    """An amount a spreadsheet reads as a number: no thousands separator."""
    return money(value, currency).replace(",", "")


def _check(package: Mapping[str, Any]) -> None:
    if not package.get("invoice_number"):
        raise DocumentError("a dispute package needs its invoice number", field="invoice_number")
    if not package.get("claims"):
        raise DocumentError("a dispute package needs at least one claim", record=package["invoice_number"],
                            field="claims")


def _rows(p: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    cur = p["currency"]
    for c in p["claims"]:
        yield {"section": "claim", "reference": c["claim_key"], "quantity": c["units"],
               "amount": _plain(c["at_stake"], cur), "date": day(c["deadline"]),
               "detail": f"{p['kind']} deducted {_plain(c['amount'], cur)} in payment {c['payment_number']} on "
                         f"{day(c['deducted_on'])}; recovered {_plain(c['recovered'], cur)}; status {c['status']}; "
                         f"dispute by {day(c['deadline'])}"}
    for ln in p["claim_lines"]:
        yield {"section": "claim_line", "po_number": ln.get("po_number"), "item_sequence": ln.get("item_sequence"),
               "asin": ln.get("asin"), "quantity": ln.get("units"), "amount": ln.get("amount"),
               "detail": f"invoiced {ln.get('invoiced_quantity')} at {ln.get('invoiced_unit_cost')}, received "
                         f"{ln.get('received_quantity')}, PO cost {ln.get('po_unit_cost')}"}
    yield from _order_rows(p)
    yield from _shipment_rows(p)
    for r in p["receipts"]:
        yield {"section": "receipt", "po_number": r["po_number"], "item_sequence": r["item_sequence"],
               "quantity": r["received"], "date": when(r["observed_at"]),
               "detail": f"{r['receive_status']}; last received {when(r['last_receive_date']) or 'n/a'}"}
    yield from _invoice_rows(p)
    for r in p["remittance"]:
        yield {"section": "remittance", "reference": r["payment_number"], "po_number": r["po_number"],
               "item_sequence": r["item_sequence"], "asin": r["asin"], "amount": _plain(r["line_paid"], cur),
               "date": day(r["payment_date"]),
               "detail": f"line {_plain(r['line_amount'], cur)}, shortage {_plain(r['shortage'], cur)}, "
                         f"damage {_plain(r['damage'], cur)}, price {_plain(r['price'], cur)}, "
                         f"other {_plain(r['other'], cur)}"}


def _order_rows(p: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    for po in p["purchase_orders"]:
        for i in po["order_lines"]:
            yield {"section": "purchase_order", "reference": po["po_number"], "po_number": po["po_number"],
                   "item_sequence": i["item_sequence"], "asin": i["asin"], "quantity": i["ordered"],
                   "amount": _plain(i["net_cost"], p["currency"]), "date": when(po["order_date"]),
                   "detail": f"accepted {i['accepted']}, shipped {i['shipped']}, received {i['received']}, "
                             f"damaged {i['damaged']}, invoiced {i['invoiced']} (amount = PO unit cost)"}
        ack = po["acknowledgement"]
        if ack:
            yield {"section": "acknowledgement", "reference": po["po_number"], "po_number": po["po_number"],
                   "quantity": ack["accepted"], "date": when(ack["decided_at"]),
                   "detail": f"accepted {ack['accepted']}, backordered {ack['backordered']}, rejected "
                             f"{ack['rejected']}; delivery {ack['state']}, applied {when(ack['applied_at']) or 'n/a'}"
                             f"{', transaction ' + ack['transaction_id'] if ack['transaction_id'] else ''}"}


def _shipment_rows(p: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    for s in p["shipments"]:
        yield {"section": "shipment", "reference": s["shipment_identifier"], "date": when(s["departure"]),
               "detail": f"carrier {s['carrier_scac'] or 'n/a'}, PRO {s['pro_number'] or 'n/a'}, BOL "
                         f"{s['bill_of_lading'] or 'n/a'}, shipped {when(s['departure'])}, estimated delivery "
                         f"{when(s['estimated_delivery'])}, ASN {s['status']}"
                         f"{' ' + when(s['asn_submitted_at']) if s['asn_submitted_at'] else ''}, "
                         f"ship to {s['ship_to']}"}
        for ln in s["lines"]:
            yield {"section": "shipment_line", "reference": s["shipment_identifier"], "po_number": ln["po_number"],
                   "item_sequence": ln["item_sequence"], "asin": ln["asin"], "quantity": ln["shipped"]}
        for c in s["cartons"]:
            for item in c["contents"]:
                yield {"section": "carton", "reference": s["shipment_identifier"], "sscc": c["sscc"],
                       "po_number": item.get("po_number"), "item_sequence": item.get("item_sequence"),
                       "asin": item.get("asin"), "quantity": item.get("qty"),
                       "detail": f"pallet {c['pallet_sscc']}" if c["pallet_sscc"] else ""}


def _invoice_rows(p: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    inv = p["invoice"]
    if not inv:
        return
    yield {"section": "invoice", "reference": inv["invoice_number"], "amount": _plain(inv["total"], p["currency"]),
           "date": day(inv["invoice_date"]),
           "detail": f"due {day(inv['payment_due']) or 'n/a'}, status {inv['status']}, shipment "
                     f"{inv['shipment_identifier'] or 'n/a'}"}
    for ln in inv["lines"]:
        yield {"section": "invoice_line", "reference": inv["invoice_number"], "po_number": ln["po_number"],
               "item_sequence": ln["po_item_sequence"], "asin": ln["asin"], "quantity": ln["quantity"],
               "amount": _plain(ln["amount"], p["currency"]),
               "detail": f"invoice line {ln['item_sequence']} at {ln['unit_cost']}"}
