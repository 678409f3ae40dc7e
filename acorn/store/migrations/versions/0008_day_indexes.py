"""indexes for work proportional to the day: each stage selects only what is open or changed

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 12:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

#: (index name, table, columns): one list per stage, so each stage's reads say what backs them
INTAKE_AND_ACKNOWLEDGEMENT: list[tuple[str, str, list[str]]] = [
]

OUTBOX: list[tuple[str, str, list[str]]] = [
]

PLANNING: list[tuple[str, str, list[str]]] = [
    ("ix_shipment_account_status", "shipment", ["account_code", "status"]),  # packing: shipments still planned
]
#: (index name, table, columns, predicate): partial indexes, holding only the rows a stage looks for
#: (both SQLite and PostgreSQL use one when the query repeats the predicate)
PLANNING_PARTIAL: list[tuple[str, str, list[str], str]] = [
    # planning: PO lines with accepted units still to ship, a day's worth whatever the history
    ("ix_purchase_order_item_to_ship", "purchase_order_item", ["purchase_order_id"], "accepted_qty > shipped_qty"),
]

ASNS_INVOICES_RECEIPTS: list[tuple[str, str, list[str]]] = [
]

INDEXES = INTAKE_AND_ACKNOWLEDGEMENT + OUTBOX + PLANNING + ASNS_INVOICES_RECEIPTS


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)
    for name, table, columns, where in PLANNING_PARTIAL:
        op.create_index(name, table, columns, unique=False, sqlite_where=sa.text(where),
                        postgresql_where=sa.text(where))


def downgrade() -> None:
    for name, table, *_ in reversed(PLANNING_PARTIAL):
        op.drop_index(name, table_name=table)
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
