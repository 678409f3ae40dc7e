"""vendor reports: requests remembered by reportId, stored documents, quarantined ones

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 22:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import schemas.tables

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('quarantined_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('account_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('report_type', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('report_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.Column('received_at', schemas.tables.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sha256')
    )
    with op.batch_alter_table('quarantined_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quarantined_report_account_code'), ['account_code'], unique=False)

    op.create_table('report_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('report_type', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('report_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('processing_status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('requested_at', schemas.tables.UtcDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', schemas.tables.UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('account_code', 'report_type', 'period_start', 'period_end',
                        name='uq_report_request_period')
    )
    with op.batch_alter_table('report_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_request_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_request_state'), ['state'], unique=False)

    op.create_table('vendor_report_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('account_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('report_type', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('report_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('received_at', schemas.tables.UtcDateTime(timezone=True), nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sha256')
    )
    with op.batch_alter_table('vendor_report_document', schema=None) as batch_op:
        batch_op.create_index('ix_vendor_report_document_period', ['account_code', 'report_type', 'period_start'],
                              unique=False)



def downgrade() -> None:
    with op.batch_alter_table('vendor_report_document', schema=None) as batch_op:
        batch_op.drop_index('ix_vendor_report_document_period')

    op.drop_table('vendor_report_document')
    with op.batch_alter_table('report_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_request_state'))
        batch_op.drop_index(batch_op.f('ix_report_request_report_id'))

    op.drop_table('report_request')
    with op.batch_alter_table('quarantined_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quarantined_report_account_code'))

    op.drop_table('quarantined_report')
