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


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
