"""Identity checks: patient accounts waiting for their practice to confirm who they are.

An account waits when it signed up with an NHS number its practice held no record of, and it
is flagged when an import then found that number on a practice record whose date of birth or
family name did not match (see ``records.identity``). A clinician of the practice checks the
person, with photo ID, and confirms: a waiting account keeps its own record; a flagged one is
linked to the practice record it claimed. Listing, viewing and confirming are all audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from myhealth import access
from myhealth.access import policy
from myhealth.access.services import record_event
from myhealth.accounts.models import Role, User
from myhealth.database import utcnow
from myhealth.errors import Conflict, NotAllowed, NotFound
from myhealth.people.models import Patient

PURPOSE = "identity check"
LIST_LIMIT = 200


@dataclass(frozen=True)
class IdentityCheck:
    account: User
    record: Patient  # the account's own record: the details it signed up with
    claimed: Patient | None  # the practice record holding its NHS number, when flagged

    @property
    def waiting(self) -> bool:
        return self.account.identity_pending_since is not None

    @property
    def flagged(self) -> bool:
        return self.claimed is not None


def _clinician(actor) -> uuid.UUID:
    if not policy.has_permission(actor, "clinician:identity:read") or actor.organisation_id is None:
        raise NotAllowed("not a clinician")
    return actor.organisation_id


def _waiting_for(actor):
    """Accounts this organisation is asked to check: its own waiting accounts, and accounts
    flagged against one of its records (access.visible: the practice's patients)."""
    own, claimed = aliased(Patient), aliased(Patient)
    where = and_(
        User.role == Role.PATIENT,
        User.identity_pending_since.is_not(None),
        or_(
            and_(
                User.identity_conflict_patient_id.is_(None),
                access.visible(actor, "clinician:identity:read", own.id),
            ),
            access.visible(actor, "clinician:identity:read", claimed.id),
        ),
    )
    return own, claimed, where


def waiting_count(session: Session, actor) -> int:
    """How many accounts wait for the actor's practice (no personal details read)."""
    _clinician(actor)
    own, claimed, where = _waiting_for(actor)
    stmt = access.scoped(  # `where` holds access.visible for both patients
        select(func.count(User.id))
        .join(own, User.patient_id == own.id)
        .outerjoin(claimed, User.identity_conflict_patient_id == claimed.id)
        .where(where)
    )
    return session.scalar(stmt) or 0


def waiting_accounts(session: Session, actor, *, client_address: str = "") -> list[IdentityCheck]:
    """The accounts waiting for the actor's practice, longest waiting first; audited."""
    _clinician(actor)
    own, claimed, where = _waiting_for(actor)
    rows = session.execute(
        access.scoped(  # `where` holds access.visible for both patients
            select(User, own, claimed)
            .join(own, User.patient_id == own.id)
            .outerjoin(claimed, User.identity_conflict_patient_id == claimed.id)
            .where(where)
            .order_by(User.identity_pending_since, User.id)
            .limit(LIST_LIMIT)
        )
    ).all()
    record_event(
        session,
        "identity.list",
        actor=actor,
        purpose=PURPOSE,
        detail=f"shown={len(rows)}",
        client_address=client_address,
    )
    return [IdentityCheck(account, record, claim) for account, record, claim in rows]


def _load(session: Session, actor, user_id: uuid.UUID) -> IdentityCheck:
    organisation_id = _clinician(actor)
    account = session.get(User, user_id)
    if account is None or account.role is not Role.PATIENT or account.patient is None:
        raise NotFound("Account not found")
    claimed = (
        session.get(Patient, account.identity_conflict_patient_id)
        if account.identity_conflict_patient_id
        else None
    )
    check = IdentityCheck(account, account.patient, claimed)
    # Flagged: checked by the practice whose record it claimed. Otherwise: its own practice.
    ours = claimed if claimed is not None else check.record
    if ours.registered_organisation_id != organisation_id:
        raise NotFound("Account not found")
    return check


def check_for(
    session: Session, actor, user_id: uuid.UUID, *, client_address: str = ""
) -> IdentityCheck:
    """One account's check, with the records it is checked against; each read is audited.
    An account another practice checks answers "not found", like one that does not exist."""
    check = _load(session, actor, user_id)
    for patient in (check.record, check.claimed):
        if patient is not None:
            record_event(
                session,
                "patient.read",
                actor=actor,
                patient_id=patient.id,
                purpose=PURPOSE,
                detail=f"account {check.account.id}",
                client_address=client_address,
            )
    return check


def confirm(
    session: Session, actor, user_id: uuid.UUID, *, client_address: str = ""
) -> IdentityCheck | None:
    """The clinician has checked who the account holder is: the account sees its record from
    now on. A flagged account is linked to the practice record it claimed. Returns None when
    there was nothing to confirm (the account was confirmed already)."""
    if not policy.has_permission(actor, "clinician:identity:update"):
        raise NotAllowed("not a clinician")
    check = _load(session, actor, user_id)
    if not check.waiting:
        return None
    account = check.account
    detail = f"account {account.id}"
    if check.claimed is not None:
        if session.scalar(select(User.id).where(User.patient_id == check.claimed.id)):
            raise Conflict("the practice record already belongs to another account")
        detail += f": linked to the practice record; it signed up as patient {account.patient_id}"
        account.patient_id = check.claimed.id
        account.identity_conflict_patient_id = None
        session.flush()
        session.expire(account, ["patient"])
    account.identity_pending_since = None
    account.identity_verified_at = utcnow()
    record_event(
        session,
        "identity.verified",
        actor=actor,
        patient_id=account.patient_id,
        purpose=PURPOSE,
        detail=detail,
        client_address=client_address,
    )
    return IdentityCheck(account, check.claimed or check.record, None)
