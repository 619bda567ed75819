"""outreach claim leases

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 09:00:00.000000
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outreach_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_attempt_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('lease_expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('lease_token', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outreach_message', schema=None) as batch_op:
        batch_op.drop_column('lease_token')
        batch_op.drop_column('lease_expires_at')
        batch_op.drop_column('first_attempt_at')
