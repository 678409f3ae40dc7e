"""inventory_level.restock_units and purchase_order_item.arriving_qty: accepting against arrivals

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 03:20:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a stock row from before this revision gave a restock date without a quantity: unknown (NULL),
    # which never turns into an acceptance
    with op.batch_alter_table('inventory_level', schema=None) as batch_op:
        batch_op.add_column(sa.Column('restock_units', sa.Integer(), nullable=True))
    # lines decided before this revision were all accepted from stock on hand
    with op.batch_alter_table('purchase_order_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('arriving_qty', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('purchase_order_item', schema=None) as batch_op:
        batch_op.drop_column('arriving_qty')
    with op.batch_alter_table('inventory_level', schema=None) as batch_op:
        batch_op.drop_column('restock_units')
