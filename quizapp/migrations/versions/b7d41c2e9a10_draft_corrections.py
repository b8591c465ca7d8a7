"""the teacher's corrections of a draft, kept across finding again

Revision ID: b7d41c2e9a10
Revises: 3c1d2e4f5a6b
Create Date: 2026-12-04 19:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b7d41c2e9a10"
down_revision = "3c1d2e4f5a6b"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("corrections", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.drop_column("corrections")
