"""indexes for the day report's windows: a day's figures read that day's rows, not the history

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 16:00:00
"""
from __future__ import annotations

from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

#: (index name, table, columns): each backs a per-day count of acorn/services/day_figures.py, which
#: filters one account's rows on a timestamp between the first and last day of the report
INDEXES: list[tuple[str, str, list[str]]] = [
    ("ix_purchase_order_account_ordered", "purchase_order", ["account_code", "order_date"]),
    ("ix_acknowledgement_account_decided", "acknowledgement", ["account_code", "decided_at"]),
    ("ix_shipment_account_departure", "shipment", ["account_code", "departure"]),
    ("ix_shipment_account_asn_submitted", "shipment", ["account_code", "asn_submitted_at"]),
    # by kind and state too: then the delivery's open rows (account, kind, state) are read through
    # them as well, never through the account's whole history
    ("ix_outbox_account_applied", "outbox", ["account_code", "kind", "state", "applied_at"]),
    ("ix_outbox_account_completed", "outbox", ["account_code", "kind", "state", "completed_at"]),
    ("ix_invoice_account_date", "invoice", ["account_code", "invoice_date"]),
    ("ix_goods_receipt_account_received", "goods_receipt", ["account_code", "last_receive_date"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
