"""Sign-in hardening: pending sign-ins held on the server, lockout by account and address

Revision ID: 3b7e9a1c5d20
Revises: 0c960f0d472b
Create Date: 2026-12-03 11:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b7e9a1c5d20'
down_revision = '0c960f0d472b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pending_sign_in',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('client_address', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_pending_sign_in_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_sign_in'))
    )
    with op.batch_alter_table('pending_sign_in', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_sign_in_user_id'), ['user_id'], unique=False)

    op.create_table('sign_in_lock',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('email_digest', sa.String(length=64), nullable=False),
    sa.Column('client_address', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_lock')),
    sa.UniqueConstraint('email_digest', 'client_address', name=op.f('uq_sign_in_lock_email_digest'))
    )
    with op.batch_alter_table('sign_in_lock', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_lock_updated_at'), ['updated_at'], unique=False)

    op.create_table('two_factor_setup',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('secret', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_two_factor_setup_user_id_user_account')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_two_factor_setup'))
    )


def downgrade():
    op.drop_table('two_factor_setup')
    with op.batch_alter_table('sign_in_lock', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_lock_updated_at'))

    op.drop_table('sign_in_lock')
    with op.batch_alter_table('pending_sign_in', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_sign_in_user_id'))

    op.drop_table('pending_sign_in')
