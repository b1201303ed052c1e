"""amendments; votes on amendments, analog totals, live tally option, publication

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('amendments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('original', sa.Text(), nullable=False),
    sa.Column('replacement', sa.Text(), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('proposed_by', sa.String(length=80), nullable=False),
    sa.Column('proposed_at', sa.DateTime(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('merged_version_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['measure_id'], ['measures.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['measure_versions.id'], ),
    sa.ForeignKeyConstraint(['merged_version_id'], ['measure_versions.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('measure_id', 'number')
    )
    # SQLite cannot add a foreign key to an existing table: batch mode copies the table.
    with op.batch_alter_table('votes') as batch:
        batch.add_column(sa.Column('amendment_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('measure_version', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('method', sa.String(length=10), server_default='electronic', nullable=False))
        batch.add_column(sa.Column('show_tally', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column('entered_by', sa.String(length=80), nullable=True))
        batch.add_column(sa.Column('entered_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('confirmed_by', sa.String(length=80), nullable=True))
        batch.add_column(sa.Column('published_at', sa.DateTime(), nullable=True))
        batch.create_foreign_key('fk_votes_amendment_id', 'amendments', ['amendment_id'], ['id'])


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('votes') as batch:
        batch.drop_constraint('fk_votes_amendment_id', type_='foreignkey')
        for column in ('published_at', 'confirmed_by', 'entered_at', 'entered_by', 'show_tally', 'method', 'measure_version', 'amendment_id'):
            batch.drop_column(column)
    op.drop_table('amendments')
