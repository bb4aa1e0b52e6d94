"""Keep self-assessments in progress on the server, not in the session cookie

Revision ID: 9e2f6b1d4c77
Revises: 5d41c7e2a983
Create Date: 2026-12-03 11:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9e2f6b1d4c77'
down_revision = '5d41c7e2a983'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'selfcare_draft',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('user_id', sa.Uuid(), nullable=True),
        sa.Column('algorithm_id', sa.String(length=64), nullable=False),
        sa.Column('state', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_selfcare_draft_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_selfcare_draft')),
    )
    with op.batch_alter_table('selfcare_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_selfcare_draft_updated_at'), ['updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_selfcare_draft_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('selfcare_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_selfcare_draft_user_id'))
        batch_op.drop_index(batch_op.f('ix_selfcare_draft_updated_at'))
    op.drop_table('selfcare_draft')
