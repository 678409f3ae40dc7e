"""money loop: remittances, claims, receipt snapshots, reconciliation results

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 20:32:47.507879
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import schemas.tables

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('account_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('invoice_number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('payment_number', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('deducted_on', sa.Date(), nullable=False),
    sa.Column('invoice_date', sa.Date(), nullable=True),
    sa.Column('invoice_due', sa.Date(), nullable=True),
    sa.Column('units', sa.Integer(), server_default='0', nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('recovered', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('dispute_deadline', sa.Date(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('disputed_on', sa.Date(), nullable=True),
    sa.Column('resolved_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('lines', sa.JSON(), nullable=False),
    sa.Column('package_path', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=True),
    sa.Column('created_at', schemas.tables.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', schemas.tables.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('claim_key')
    )
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_account_code'), ['account_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_invoice_number'), ['invoice_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_status'), ['status'], unique=False)

    op.create_table('receipt_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('po_number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('item_sequence', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('observed_at', schemas.tables.UtcDateTime(timezone=True), nullable=False),
    sa.Column('receive_status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('received_qty', sa.Integer(), nullable=False),
    sa.Column('last_receive_date', schemas.tables.UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('receipt_snapshot', schema=None) as batch_op:
        batch_op.create_index('ix_receipt_snapshot_item', ['account_code', 'po_number', 'item_sequence'], unique=False)

    op.create_table('remittance_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('loaded', sa.Integer(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('imported_at', schemas.tables.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sha256')
    )
    op.create_table('remittance_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.Column('row_number', sa.Integer(), nullable=False),
    sa.Column('payment_number', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('payment_date', sa.Date(), nullable=False),
    sa.Column('invoice_number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('invoice_date', sa.Date(), nullable=True),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('po_number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('item_sequence', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('asin', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('invoiced_quantity', sa.Integer(), nullable=True),
    sa.Column('received_quantity', sa.Integer(), nullable=True),
    sa.Column('invoiced_unit_cost', sa.Numeric(precision=18, scale=6), nullable=True),
    sa.Column('po_unit_cost', sa.Numeric(precision=18, scale=6), nullable=True),
    sa.Column('line_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('shortage_deduction', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('damage_deduction', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('price_deduction', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('other_deduction', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('line_paid', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('imported_at', schemas.tables.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['remittance_import.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('account_code', 'payment_number', 'invoice_number', 'po_number', 'item_sequence',
                        name='uq_remittance_line')
    )
    with op.batch_alter_table('remittance_line', schema=None) as batch_op:
        batch_op.create_index('ix_remittance_invoice', ['account_code', 'invoice_number'], unique=False)
        batch_op.create_index('ix_remittance_po_item', ['account_code', 'po_number', 'item_sequence'], unique=False)

    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.create_index('ix_invoice_line_po_item', ['po_number', 'po_item_sequence'], unique=False)

    with op.batch_alter_table('reconciliation_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accepted_qty', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('units', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('invoiced_amount', sa.Numeric(precision=14, scale=2), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('paid_amount', sa.Numeric(precision=14, scale=2), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('deducted_amount', sa.Numeric(precision=14, scale=2), server_default='0',
                                      nullable=False))

    with op.batch_alter_table('reconciliation_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('as_of', schemas.tables.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totals', sa.JSON(), server_default=sa.text("'{}'"), nullable=False))

    with op.batch_alter_table('shipment_line', schema=None) as batch_op:
        batch_op.create_index('ix_shipment_line_po_item', ['po_number', 'item_sequence'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('shipment_line', schema=None) as batch_op:
        batch_op.drop_index('ix_shipment_line_po_item')

    with op.batch_alter_table('reconciliation_run', schema=None) as batch_op:
        batch_op.drop_column('totals')
        batch_op.drop_column('as_of')

    with op.batch_alter_table('reconciliation_line', schema=None) as batch_op:
        batch_op.drop_column('deducted_amount')
        batch_op.drop_column('paid_amount')
        batch_op.drop_column('invoiced_amount')
        batch_op.drop_column('units')
        batch_op.drop_column('accepted_qty')

    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.drop_index('ix_invoice_line_po_item')

    with op.batch_alter_table('remittance_line', schema=None) as batch_op:
        batch_op.drop_index('ix_remittance_po_item')
        batch_op.drop_index('ix_remittance_invoice')

    op.drop_table('remittance_line')
    op.drop_table('remittance_import')
    with op.batch_alter_table('receipt_snapshot', schema=None) as batch_op:
        batch_op.drop_index('ix_receipt_snapshot_item')

    op.drop_table('receipt_snapshot')
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_status'))
        batch_op.drop_index(batch_op.f('ix_claim_invoice_number'))
        batch_op.drop_index(batch_op.f('ix_claim_account_code'))

    op.drop_table('claim')
