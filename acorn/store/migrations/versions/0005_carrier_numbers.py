"""carrier references: PRO blocks, BOL serials, carton tracking numbers, shipment seal number

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 06:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # the next PRO base per carrier, and the next VICS BOL serial per GS1 prefix: never reused
    op.create_table('pro_number_allocation',
    sa.Column('carrier_scac', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('next_number', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('carrier_scac')
    )
    op.create_table('bill_of_lading_serial',
    sa.Column('company_prefix', sqlmodel.sql.sqltypes.AutoString(length=11), nullable=False),
    sa.Column('next_serial', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('company_prefix')
    )
    # rows planned before this revision keep no tracking number / seal: both stay empty (nullable)
    with op.batch_alter_table('carton', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tracking_number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
    with op.batch_alter_table('shipment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seal_number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('shipment', schema=None) as batch_op:
        batch_op.drop_column('seal_number')
    with op.batch_alter_table('carton', schema=None) as batch_op:
        batch_op.drop_column('tracking_number')
    op.drop_table('bill_of_lading_serial')
    op.drop_table('pro_number_allocation')
