"""outbox state machine: version, lease and submission times; stage locks

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 17:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import schemas.tables

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('lease_owner', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True))
        batch_op.add_column(sa.Column('lease_expires_at', schemas.tables.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('posted_at', schemas.tables.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('unconfirmed_posted_at', schemas.tables.UtcDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('applied_at', schemas.tables.UtcDateTime(timezone=True), nullable=True))
    # rows accepted before this revision were applied when they were submitted
    op.execute("UPDATE outbox SET applied_at = submitted_at, posted_at = submitted_at WHERE state = 'accepted'")
    op.create_table('stage_lock',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('holder', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('locked_at', schemas.tables.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )


def downgrade() -> None:
    op.drop_table('stage_lock')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        for column in ('applied_at', 'unconfirmed_posted_at', 'posted_at', 'lease_expires_at', 'lease_owner',
                       'version'):
            batch_op.drop_column(column)
