"""Access that scopes queries: any list of patients or patient data shows only what the actor
may see.

``scope(statement, actor, permission)`` adds the filter; ``visible(actor, permission, column)``
is the same rule as a condition on a column holding patient ids, for queries that combine it
(an account flagged against a practice's record, say). The rule is the policy's
(``policy.may_access_patient``) written as SQL, so a list never shows what opening one of
its entries would refuse:

- a patient: their own record;
- staff of an organisation (a GP practice or the national service): the patients registered
  with it, when their role grants the permission;
- a proxy: the patients whose records they were granted;
- an OAuth client: its one patient, for the permissions its scopes grant;
- a system job (``myhealth import-fhir``, a scheduled job): everyone;
- anyone else, or anyone without the permission: nobody.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, false, select, true

from myhealth.access import policy
from myhealth.accounts.models import Role
from myhealth.context import CLIENT, PROXY, SYSTEM, USER, actor_of
from myhealth.people.models import Patient

# The execution option that says how a query of patient data went through access; a test
# crawls every page as every role and fails on a query of patient data without one.
ACCESS = "myhealth_access"
SCOPED, CHECKED, INTERNAL = "scoped", "checked", "internal"
CHECKED_OPTIONS = {ACCESS: CHECKED}  # for Session.get(..., execution_options=)


def visible(actor, permission: str, patient_column) -> ColumnElement[bool]:
    """The condition on ``patient_column`` (a column of patient ids) that keeps only the
    patients the actor may see with this permission."""
    actor = actor_of(actor)
    if actor is None:
        return false()
    if actor.kind == SYSTEM:
        return true()
    if actor.kind in (CLIENT, PROXY):
        granted = (
            permission in actor.scopes
            if actor.kind == CLIENT
            else (policy.has_permission(actor.user, permission))
        )
        if not granted or not actor.patient_ids:
            return false()
        return patient_column.in_(sorted(actor.patient_ids, key=str))
    user = actor.user
    if actor.kind != USER or not policy.has_permission(user, permission):
        return false()
    if user.role is Role.PATIENT:
        return patient_column == user.patient_id  # a patient account always has a record
    if user.role is Role.CLINICIAN and user.organisation_id is not None:
        if patient_column is Patient.id:
            return Patient.registered_organisation_id == user.organisation_id
        return patient_column.in_(
            select(Patient.id).where(Patient.registered_organisation_id == user.organisation_id)
        )
    return false()


def scope(statement: Select, actor, permission: str, *, patient_column=None) -> Select:
    """``statement`` limited to the patients the actor may see with ``permission``.

    The patient column is found from the statement's first entity (``Patient`` itself, or a
    model with a ``patient_id``); name it with ``patient_column`` when the statement selects
    something else (a count, an aliased patient).
    """
    if patient_column is None:
        patient_column = _patient_column(statement)
    return statement.where(visible(actor, permission, patient_column)).execution_options(
        **{ACCESS: SCOPED}
    )


def scoped(statement):
    """Mark a statement whose conditions already hold ``visible(...)`` for each patient it
    reads (a query that combines the rule, where ``scope`` cannot add it whole)."""
    return statement.execution_options(**{ACCESS: SCOPED})


def checked(statement):
    """Mark a query of one patient's data that the policy checks (access.services:
    get_patient_for, get_record_for) before anything of it is shown, so that the query is
    known to have gone through access. Build the statement once, with its bind parameters,
    where you can."""
    return statement.execution_options(**{ACCESS: CHECKED})


def internal(statement):
    """Mark a query that reads patient-data tables for the system's own bookkeeping (the audit
    trail's chain, say) and shows nobody anything."""
    return statement.execution_options(**{ACCESS: INTERNAL})


def _patient_column(statement: Select):
    for description in statement.column_descriptions:
        entity = description.get("entity")
        if entity is None:
            continue
        if entity is Patient:
            return Patient.id
        column = getattr(entity, "patient_id", None)
        if column is not None:
            return column
    raise TypeError("scope() cannot tell which column holds the patient; pass patient_column=")
