"""Index the clinician patient list: organisation, then family and given name

Revision ID: 26f2336c4b80
Revises: a1d17e0c5a9b
Create Date: 2026-11-25 05:45:59.784129

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '26f2336c4b80'
down_revision = 'a1d17e0c5a9b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('patient', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patient_registered_organisation_id'))
        batch_op.create_index('ix_patient_organisation_name', ['registered_organisation_id', 'family_name', 'given_name'], unique=False)



def downgrade():
    with op.batch_alter_table('patient', schema=None) as batch_op:
        batch_op.drop_index('ix_patient_organisation_name')
        batch_op.create_index(batch_op.f('ix_patient_registered_organisation_id'), ['registered_organisation_id'], unique=False)

