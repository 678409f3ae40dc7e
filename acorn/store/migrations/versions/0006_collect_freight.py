"""shipment: freight term and what Amazon answers for Amazon-arranged (collect) freight

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 07:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import schemas.tables

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # shipments planned before this revision were all booked by the vendor: Prepaid; the rest stays
    # empty until Amazon answers a routing request (carrier, ARN, pickup)
    with op.batch_alter_table('shipment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('freight_term', sqlmodel.sql.sqltypes.AutoString(length=10),
                                      server_default='Prepaid', nullable=False))
        batch_op.add_column(sa.Column('carrier_name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True))
        batch_op.add_column(sa.Column('amazon_reference_number', sqlmodel.sql.sqltypes.AutoString(length=40),
                                      nullable=True))
        batch_op.add_column(sa.Column('requested_pickup', schemas.tables.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('scheduled_pickup', schemas.tables.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('carrier_assigned_at', schemas.tables.UtcDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('shipment', schema=None) as batch_op:
        for column in ('carrier_assigned_at', 'scheduled_pickup', 'requested_pickup', 'amazon_reference_number',
                       'carrier_name', 'freight_term'):
            batch_op.drop_column(column)
