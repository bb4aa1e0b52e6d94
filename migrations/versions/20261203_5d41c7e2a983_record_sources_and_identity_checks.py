"""Imported records keep their source's ids per source; accounts wait for identity checks

Revision ID: 5d41c7e2a983
Revises: 3b7e9a1c5d20
Create Date: 2026-12-03 11:05:00

Existing resources that belong to a patient take the patient's organisation as their source;
those that belong to no patient (shared practitioners, resources still waiting for their
patient) keep none, so no later import matches or links them. Existing patient accounts that
signed up without matching a record (their sign-up audit entry says "created") wait for their
practice to confirm who they are; those that matched a record count as confirmed.

Downgrading restores one FHIR id per resource type across the system, so it fails if two
sources have since used the same id.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d41c7e2a983'
down_revision = '3b7e9a1c5d20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('clinical_resource', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column('source_system', sa.String(length=300), nullable=False, server_default='')
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_clinical_resource_organisation_id_organisation'),
            'organisation',
            ['organisation_id'],
            ['id'],
        )
    op.execute(
        "UPDATE clinical_resource SET organisation_id = ("
        "SELECT patient.registered_organisation_id FROM patient "
        "WHERE patient.id = clinical_resource.patient_id) "
        "WHERE patient_id IS NOT NULL"
    )
    with op.batch_alter_table('clinical_resource', schema=None) as batch_op:
        batch_op.alter_column('source_system', server_default=None)
        batch_op.drop_constraint('uq_clinical_resource_type_id', type_='unique')
        batch_op.create_unique_constraint(
            'uq_clinical_resource_source_id',
            ['organisation_id', 'source_system', 'resource_type', 'fhir_id'],
        )

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('identity_pending_since', sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column('identity_verified_at', sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column('identity_conflict_patient_id', sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_user_account_identity_pending_since'),
            ['identity_pending_since'],
            unique=False,
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_user_account_identity_conflict_patient_id_patient'),
            'patient',
            ['identity_conflict_patient_id'],
            ['id'],
        )
    for column, outcome in (('identity_pending_since', 'created'), ('identity_verified_at', 'linked')):
        op.execute(
            f"UPDATE user_account SET {column} = created_at "
            "WHERE role = 'patient' AND id IN ("
            "SELECT actor_user_id FROM audit_event "
            f"WHERE action = 'signup' AND detail = '{outcome}')"
        )


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_user_account_identity_conflict_patient_id_patient'), type_='foreignkey'
        )
        batch_op.drop_index(batch_op.f('ix_user_account_identity_pending_since'))
        batch_op.drop_column('identity_conflict_patient_id')
        batch_op.drop_column('identity_verified_at')
        batch_op.drop_column('identity_pending_since')

    with op.batch_alter_table('clinical_resource', schema=None) as batch_op:
        batch_op.drop_constraint('uq_clinical_resource_source_id', type_='unique')
        batch_op.create_unique_constraint(
            'uq_clinical_resource_type_id', ['resource_type', 'fhir_id']
        )
        batch_op.drop_constraint(
            batch_op.f('fk_clinical_resource_organisation_id_organisation'), type_='foreignkey'
        )
        batch_op.drop_column('source_system')
        batch_op.drop_column('organisation_id')
