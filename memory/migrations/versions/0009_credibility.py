"""credibility

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 19:10:00.000000

Audience credibility per account (memory/domain/credibility.py, a heuristic): the score and
its reasons, filled by the next analytics recompute (import, sync posts, seed).
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credibility', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('credibility_reasons', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('credibility_reasons')
        batch_op.drop_column('credibility')
