"""Audit trail and policy-checked access to patient data."""

from __future__ import annotations

import uuid

from flask import current_app, has_app_context, has_request_context
from sqlalchemy import bindparam, insert, inspect, select
from sqlalchemy import event as orm_event
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.util import identity_key

from myhealth.access import chain, policy
from myhealth.access.models import AuditEvent
from myhealth.access.scoping import checked
from myhealth.database import take_write_lock, utcnow
from myhealth.errors import DeniedRead, NotAllowed, NotFound
from myhealth.people.models import Patient

_WAITING = "audit_waiting"  # session.info key: entries to append at commit
_COLUMNS = [column.key for column in AuditEvent.__table__.columns if column.key != "id"]
_INSERT = insert(AuditEvent.__table__).returning(AuditEvent.__table__.c.id)
# Built once (composing a statement costs more than running it): the patient with their
# practice, which most pages that read a patient show.
# The policy checks the patient it loads before anything of theirs is shown (checked).
_PATIENT = checked(
    select(Patient)
    .options(joinedload(Patient.registered_organisation))
    .where(Patient.id == bindparam("patient_id"))
)


def record_event(
    session: Session,
    action: str,
    *,
    actor=None,
    patient_id: uuid.UUID | None = None,
    purpose: str = "",
    detail: str = "",
    outcome: str = "success",
    client_address: str = "",
    at_commit: bool = False,
) -> AuditEvent:
    """Append one entry to the audit trail, in the caller's transaction.

    With ``at_commit`` the entry is chained when the transaction commits (a read of patient
    data: nothing else is written, and the data is only shown once that commit succeeds), so
    the lock that serialises appends is held for the append alone, not for the rest of the
    request. An entry recorded without it first appends those waiting, keeping their order.
    """
    organisation = getattr(actor, "organisation", None) if actor is not None else None
    event = AuditEvent(
        occurred_at=utcnow().replace(microsecond=0),
        action=action,
        outcome=outcome,
        actor_user_id=actor.id if actor is not None else None,
        actor_name=actor.display_name if actor is not None else "",
        actor_role=str(actor.role) if actor is not None else "",
        actor_organisation_id=organisation.id if organisation is not None else None,
        actor_organisation_name=organisation.name if organisation is not None else "",
        patient_id=patient_id,
        purpose=purpose,
        detail=detail[:2000],
        client_address=client_address or _request_address(),
    )
    waiting = session.info.setdefault(_WAITING, [])
    waiting.append(event)
    if not at_commit:
        append_waiting(session)
    return event


def _request_address() -> str:
    """In a request, its client's address (from the request context) for an entry recorded
    without one; outside a request (a command, a job), none."""
    if not has_request_context():
        return ""
    from myhealth import context

    return context.current().client_address


def audit_waiting(session: Session) -> bool:
    return bool(session.info.get(_WAITING))


def append_waiting(session: Session) -> None:
    """Chain and write the entries recorded to be appended at commit (if any), now."""
    waiting = session.info.pop(_WAITING, None)
    if not waiting:
        return
    take_write_lock(session)  # SQLite: before reading the last link of the chain
    number, prev = chain.lock_chain(session)  # PostgreSQL: this unit of work's chain alone
    key = chain.audit_key()
    connection = session.connection()
    for event in waiting:
        event.chain = number
        event.prev_hash = prev
        event.hash = prev = chain.entry_hash(key, number, prev, event)
        # A plain INSERT: the entry is never changed afterwards, so the unit of work's
        # bookkeeping for it would be spent for nothing.
        values = {column: getattr(event, column) for column in _COLUMNS}
        event.id = connection.execute(_INSERT, values).scalar_one()


@orm_event.listens_for(Session, "before_commit")
def _append_at_commit(session: Session) -> None:
    append_waiting(session)


@orm_event.listens_for(Session, "do_orm_execute")
def _append_before_reading_the_trail(state) -> None:
    # As autoflush does for rows: whoever reads the trail (the "who has viewed your record"
    # list, verify) sees the entries waiting in this unit of work, the current look included.
    if (
        state.is_select
        and audit_waiting(state.session)
        and any(mapper.class_ is AuditEvent for mapper in state.all_mappers)
    ):
        append_waiting(state.session)


@orm_event.listens_for(Session, "after_transaction_end")
def _forget_at_rollback(session: Session, transaction) -> None:
    # A rolled back (or closed) unit of work appends nothing; after a commit nothing waits.
    if transaction.parent is None:
        session.info.pop(_WAITING, None)
        chain.forget_chain(session)


def verify_chain(
    session: Session, progress=None, *, key: str | None = None, checkpoints: str | None = None
) -> chain.ChainReport:
    """Walk every chain of the trail and report the first entry whose link or content changed,
    or the first entry a checkpoint saw that is no longer there (see myhealth.access.chain).
    The key and the checkpoints file are the app's (MYHEALTH_AUDIT_KEY, _CHECKPOINTS)."""
    if checkpoints is None:
        checkpoints = current_app.config["AUDIT_CHECKPOINTS"] if has_app_context() else ""
    path = checkpoints
    try:
        seen = chain.read_checkpoints(path, key=key)
    except chain.CheckpointsAltered as exc:
        return chain.ChainReport(0, None, str(exc))
    return chain.verify(session, seen, progress=progress, key=key)


def _patient(session: Session, patient_id: uuid.UUID) -> Patient | None:
    patient = session.identity_map.get(identity_key(Patient, patient_id))
    if patient is None or inspect(patient).expired:
        patient = session.execute(_PATIENT, {"patient_id": patient_id}).scalar_one_or_none()
    return patient


def get_patient_for(
    session: Session,
    actor,
    patient_id: uuid.UUID,
    *,
    permission: str = "record:patient:read",
    purpose: str,
    client_address: str = "",
) -> Patient:
    """The patient, if the actor may see them; audited. Otherwise NotFound, never a hint.

    The read's audit entry is appended when the caller's unit of work commits, which it does
    before showing anything: if that fails, nothing is shown.
    """
    patient = _patient(session, patient_id)
    if patient is None:
        raise NotFound("Patient not found")
    if not policy.may_access_patient(actor, patient, permission):
        raise DeniedRead(actor, patient.id, purpose, client_address)
    record_event(
        session,
        "patient.read",
        actor=actor,
        patient_id=patient.id,
        purpose=purpose,
        client_address=client_address,
        at_commit=True,
    )
    return patient


class IdentityNotConfirmed(NotAllowed):
    """The patient's own record, withheld until their practice confirms who they are."""

    def __init__(self, patient: Patient):
        super().__init__("identity not confirmed")
        self.patient = patient


def get_record_for(
    session: Session, actor, patient_id: uuid.UUID, *, purpose: str, client_address: str = ""
) -> Patient:
    """The patient whose clinical record the actor may read, audited like get_patient_for.

    A patient account still waiting for an identity check gets IdentityNotConfirmed for its
    own record (another person's record is "not found" as ever), and nothing is read.
    """
    patient = _patient(session, patient_id)
    if (
        patient is not None
        and policy.may_access_patient(actor, patient, "record:patient:read")
        and not policy.identity_confirmed(actor)
    ):
        raise IdentityNotConfirmed(patient)
    return get_patient_for(
        session, actor, patient_id, purpose=purpose, client_address=client_address
    )


def record_reads_for(session: Session, actor, patient_id: uuid.UUID) -> list[AuditEvent]:
    """Who has looked at this patient's record, newest first (patient or their clinicians)."""
    patient = _patient(session, patient_id)
    if patient is None:
        raise NotFound("Patient not found")
    if not policy.may_access_patient(actor, patient, "record:patient:read"):
        raise DeniedRead(actor, patient.id, "record access list")
    stmt = checked(
        select(AuditEvent)
        .where(
            AuditEvent.patient_id == patient_id,
            AuditEvent.action.like("patient.%"),
            AuditEvent.outcome == "success",
        )
        .order_by(AuditEvent.id.desc())
    )
    return list(session.scalars(stmt))
