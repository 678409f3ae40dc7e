"""indexes for work proportional to the day: each stage selects only what is open or changed

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 12:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

#: (index name, table, columns): one list per stage, so each stage's reads say what backs them
INTAKE_AND_ACKNOWLEDGEMENT: list[tuple[str, str, list[str]]] = [
    # acknowledgement: the account's POs not acknowledged yet (acknowledged_at IS NULL)
    ("ix_purchase_order_account_acknowledged", "purchase_order", ["account_code", "acknowledged_at"]),
]

OUTBOX: list[tuple[str, str, list[str]]] = [
    # delivery: the open rows of one kind (kind alone reads every document of that kind ever sent)
    ("ix_outbox_kind_state", "outbox", ["kind", "state"]),
]

PLANNING: list[tuple[str, str, list[str]]] = [
    # packing: the shipments still planned, through ASNS_INVOICES_RECEIPTS' ix_shipment_account_status
]
#: (index name, table, columns, predicate): partial indexes, holding only the rows a stage looks for
#: (both SQLite and PostgreSQL use one when the query repeats the predicate)
PARTIAL: list[tuple[str, str, list[str], str]] = [
    # free stock (acknowledgement) and planning: PO lines with accepted units still to ship, a day's worth
    # whatever the history (nearly every line of history is shipped)
    ("ix_purchase_order_item_open", "purchase_order_item", ["purchase_order_id"], "accepted_qty > shipped_qty"),
]

ASNS_INVOICES_RECEIPTS: list[tuple[str, str, list[str]]] = [
    # planned shipments departed (ASNs), accepted ones (invoices, receipts), open ones (sweep, status)
    ("ix_shipment_account_status", "shipment", ["account_code", "status", "departure"]),
    # accepted shipments without an invoice: the anti-join probes this
    ("ix_invoice_shipment", "invoice", ["shipment_identifier"]),
    # invoices still open beside their outbox row (sweep)
    ("ix_invoice_account_status", "invoice", ["account_code", "status"]),
    # an account's open alerts (sweep, ASN watch, receipts)
    ("ix_alert_account_status", "alert", ["account_code", "status"]),
]

INDEXES = INTAKE_AND_ACKNOWLEDGEMENT + OUTBOX + PLANNING + ASNS_INVOICES_RECEIPTS


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)
    for name, table, columns, where in PARTIAL:
        op.create_index(name, table, columns, unique=False, sqlite_where=sa.text(where),
                        postgresql_where=sa.text(where))


def downgrade() -> None:
    for name, table, *_ in reversed(PARTIAL):
        op.drop_index(name, table_name=table)
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
