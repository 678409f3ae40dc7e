"""purchase_order_item.backorder_allowed: Amazon's isBackOrderAllowed, kept for acknowledgements

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 02:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # rows read before this revision never stored the flag: not allowed, so nothing is backordered
    # that Amazon would refuse
    with op.batch_alter_table('purchase_order_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('backorder_allowed', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('purchase_order_item', schema=None) as batch_op:
        batch_op.drop_column('backorder_allowed')
