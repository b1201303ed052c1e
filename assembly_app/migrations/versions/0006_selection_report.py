"""the draw's selection report (report.pdf), kept byte for byte with its SHA-256

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('assemblies', sa.Column('selection_report', sa.LargeBinary(), nullable=True))
    op.add_column('assemblies', sa.Column('selection_report_sha256', sa.String(length=64), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('assemblies') as batch:
        batch.drop_column('selection_report_sha256')
        batch.drop_column('selection_report')
