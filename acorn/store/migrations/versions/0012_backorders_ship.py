"""ix_purchase_order_item_open holds lines with backordered units still to ship too

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 09:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

INDEX, TABLE, COLUMNS = "ix_purchase_order_item_open", "purchase_order_item", ["purchase_order_id"]


def _open_lines_index(where: str) -> None:
    op.drop_index(INDEX, table_name=TABLE)
    op.create_index(INDEX, TABLE, COLUMNS, unique=False, sqlite_where=sa.text(where), postgresql_where=sa.text(where))


def upgrade() -> None:
    # backordered units ship once their arrival has come: planning and free stock read those lines too
    _open_lines_index("shipped_qty < accepted_qty + backordered_qty")


def downgrade() -> None:
    _open_lines_index("accepted_qty > shipped_qty")
