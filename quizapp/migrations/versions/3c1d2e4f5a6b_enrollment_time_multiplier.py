"""enrollment time multiplier

Revision ID: 3c1d2e4f5a6b
Revises: 7605021c09a5

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c1d2e4f5a6b'
down_revision = '7605021c09a5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_multiplier', sa.Double(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_column('time_multiplier')
