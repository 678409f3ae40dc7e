"""alert: what it is about (PO, shipment, invoice) and when its Prefect event went out

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 09:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import schemas.tables

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.add_column(sa.Column('po_number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column('shipment_identifier', sqlmodel.sql.sqltypes.AutoString(length=60),
                                      nullable=True))
        batch_op.add_column(sa.Column('invoice_number', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True))
        batch_op.add_column(sa.Column('announced_at', schemas.tables.UtcDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_alert_po_number'), ['po_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_shipment_identifier'), ['shipment_identifier'], unique=False)
    # alerts raised before this revision were announced by the daily run, or never will be
    op.execute(sa.text("UPDATE alert SET announced_at = created_at"))


def downgrade() -> None:
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_shipment_identifier'))
        batch_op.drop_index(batch_op.f('ix_alert_po_number'))
        for column in ('announced_at', 'invoice_number', 'shipment_identifier', 'po_number'):
            batch_op.drop_column(column)
