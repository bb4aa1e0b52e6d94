"""Identity provider links: an account signs in through an OpenID Connect provider

Revision ID: c7d2a4f9e613
Revises: b4c8e1f07a2d
Create Date: 2026-12-03 21:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7d2a4f9e613'
down_revision = 'b4c8e1f07a2d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('identity_provider_link',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('issuer', sa.String(length=255), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_identity_provider_link_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_provider_link')),
    sa.UniqueConstraint('issuer', 'subject', name=op.f('uq_identity_provider_link_issuer')),
    sa.UniqueConstraint('user_id', 'issuer', name=op.f('uq_identity_provider_link_user_id'))
    )
    with op.batch_alter_table('identity_provider_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_provider_link_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('identity_provider_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_provider_link_user_id'))

    op.drop_table('identity_provider_link')
