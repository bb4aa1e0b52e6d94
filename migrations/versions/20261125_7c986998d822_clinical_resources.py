"""Store the clinical record as FHIR R4 resources with columns for search

Revision ID: 7c986998d822
Revises: 26f2336c4b80
Create Date: 2026-11-25 05:55:17.152963

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '7c986998d822'
down_revision = '26f2336c4b80'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('clinical_resource',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('resource_type', sa.String(length=64), nullable=False),
    sa.Column('fhir_id', sa.String(length=64), nullable=False),
    sa.Column('patient_id', sa.Uuid(), nullable=True),
    sa.Column('subject_ref', sa.String(length=140), nullable=True),
    sa.Column('code_system', sa.String(length=200), nullable=True),
    sa.Column('code', sa.String(length=64), nullable=True),
    sa.Column('display', sa.String(length=500), nullable=True),
    sa.Column('effective_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('last_updated', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('content', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_clinical_resource_patient_id_patient')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clinical_resource')),
    sa.UniqueConstraint('resource_type', 'fhir_id', name='uq_clinical_resource_type_id')
    )
    with op.batch_alter_table('clinical_resource', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clinical_resource_last_updated'), ['last_updated'], unique=False)
        batch_op.create_index('ix_clinical_resource_patient_code', ['patient_id', 'code_system', 'code'], unique=False)
        batch_op.create_index('ix_clinical_resource_patient_type_date', ['patient_id', 'resource_type', 'effective_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_clinical_resource_subject_ref'), ['subject_ref'], unique=False)



def downgrade():
    with op.batch_alter_table('clinical_resource', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clinical_resource_subject_ref'))
        batch_op.drop_index('ix_clinical_resource_patient_type_date')
        batch_op.drop_index('ix_clinical_resource_patient_code')
        batch_op.drop_index(batch_op.f('ix_clinical_resource_last_updated'))

    op.drop_table('clinical_resource')
