"""The clinician workspace: patients registered with the clinician's organisation."""

from __future__ import annotations

import uuid
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, joinedload

from myhealth import access, nhs_number
from myhealth.access import policy
from myhealth.access.scoping import CHECKED_OPTIONS
from myhealth.access.services import record_event
from myhealth.clinician.models import ReviewItem, ReviewOutcome, ReviewStatus
from myhealth.database import utcnow
from myhealth.errors import Conflict, DeniedRead, InvalidInput, NotAllowed, NotFound
from myhealth.paging import Page
from myhealth.people.models import Patient
from myhealth.records import services as record_services

PAGE_SIZE = 25


def list_patients(
    session: Session, actor, *, query: str = "", page: int = 1, client_address: str = ""
) -> Page[Patient]:
    """A page of the actor's organisation's patients, searched by name, or by NHS number
    however it is spaced; the listing is audited."""
    if (
        not policy.has_permission(actor, "clinician:workspace:read")
        or actor.organisation_id is None
    ):
        raise NotAllowed("not a clinician")
    conditions = []
    query = " ".join(query.split())[:100]
    if query:
        like = f"%{query.lower()}%"
        terms = [
            func.lower(Patient.family_name).like(like),
            func.lower(Patient.given_name).like(like),
        ]
        with suppress(nhs_number.InvalidNHSNumber):  # a name, or a number nobody can have
            terms.append(Patient.nhs_number == nhs_number.normalise(query))
        conditions.append(or_(*terms))
    total = (
        session.scalar(
            access.scope(
                select(func.count(Patient.id)).where(*conditions),
                actor,
                "clinician:patient:read",
                patient_column=Patient.id,
            )
        )
        or 0
    )
    listing: Page[Patient] = Page.of(total, page, PAGE_SIZE)
    listing = listing.with_items(
        session.scalars(
            access.scope(select(Patient), actor, "clinician:patient:read")
            .where(*conditions)
            .order_by(Patient.family_name, Patient.given_name, Patient.id)
            .limit(listing.size)
            .offset(listing.offset)
        )
    )
    record_event(
        session,
        "patient.list",
        actor=actor,
        purpose="direct care",
        detail=f"search={query!r} page={listing.number} shown={len(listing.items)}",
        client_address=client_address,
    )
    return listing


# --- the review queue ----------------------------------------------------------------------

# How long a clinician may be asked to book within, when they ask the patient to book.
BOOK_WITHIN = ("today", "3_days", "2_weeks", "4_weeks")


@dataclass(frozen=True)
class ReviewQueue:
    items: list[ReviewItem]
    overdue: int
    unrouted: int
    now: datetime


def _require_reviewer(actor, permission: str) -> None:
    if not policy.has_permission(actor, permission) or actor.organisation_id is None:
        raise NotAllowed("not a clinician")


def review_queue(session: Session, actor, *, client_address: str = "") -> ReviewQueue:
    """The actor's organisation's review items not yet closed: most urgent first, then the
    oldest. Three queries whatever the length of the queue; the listing is audited."""
    _require_reviewer(actor, "clinician:review:read")
    now = utcnow()
    items = list(
        session.scalars(
            access.scope(
                select(ReviewItem).where(
                    ReviewItem.organisation_id == actor.organisation_id,
                    ReviewItem.status != ReviewStatus.CLOSED,
                ),
                actor,
                "clinician:review:read",
            )
            .options(
                joinedload(ReviewItem.patient),
                joinedload(ReviewItem.assessment),
                joinedload(ReviewItem.claimed_by),
            )
            .order_by(ReviewItem.urgency.desc(), ReviewItem.created_at, ReviewItem.id)
        )
    )
    unrouted = (
        session.scalar(
            # A number only, about items no practice holds: nobody's details are shown.
            access.internal(
                select(func.count(ReviewItem.id)).where(
                    ReviewItem.organisation_id.is_(None),
                    ReviewItem.status != ReviewStatus.CLOSED,
                )
            )
        )
        or 0
    )
    record_event(
        session,
        "review.list",
        actor=actor,
        purpose="review of self-assessments",
        detail=f"shown={len(items)}",
        client_address=client_address,
    )
    overdue = sum(1 for item in items if item.due_at < now)
    return ReviewQueue(items, overdue, unrouted, now)


@dataclass(frozen=True)
class ReviewDetail:
    item: ReviewItem
    record: object  # records.services.RecordSummary


def _item_for(session: Session, actor, item_id: uuid.UUID) -> ReviewItem:
    # Checked here, before anything of it is shown: the item is the actor's organisation's,
    # and its patient one the actor may see (as the queue's access.scope says).
    item = session.get(ReviewItem, item_id, execution_options=CHECKED_OPTIONS)
    if item is None:
        raise NotFound("Review item not found")
    if item.organisation_id != actor.organisation_id or not policy.may_access_patient(
        actor, item.patient, "clinician:review:read"
    ):
        raise DeniedRead(actor, item.patient_id, REVIEW_PURPOSE)
    return item


def review_detail(
    session: Session, actor, item_id: uuid.UUID, *, client_address: str = ""
) -> ReviewDetail:
    """An item of the actor's organisation with the patient's record summary; the read of
    the patient's answers and record is audited once, with its purpose."""
    _require_reviewer(actor, "clinician:review:read")
    item = _item_for(session, actor, item_id)
    record = record_services.summary(
        session,
        actor,
        item.patient_id,
        client_address=client_address,
        purpose=REVIEW_PURPOSE,
    )
    return ReviewDetail(item, record)


REVIEW_PURPOSE = "review of self-assessment"


def _audit_item(session, action: str, actor, item, client_address: str, detail: str = ""):
    record_event(
        session,
        action,
        actor=actor,
        patient_id=item.patient_id,
        purpose=REVIEW_PURPOSE,
        detail=f"item={item.id}{detail}",
        client_address=client_address,
    )


def _update_own_claim(session: Session, actor, item: ReviewItem, **values) -> bool:
    """Change an item only while the actor holds its claim: one conditional UPDATE."""
    result = session.execute(
        update(ReviewItem)
        .where(
            ReviewItem.id == item.id,
            ReviewItem.status == ReviewStatus.CLAIMED,
            ReviewItem.claimed_by_user_id == actor.id,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.refresh(item)
    return result.rowcount == 1


def claim(session: Session, actor, item_id: uuid.UUID, *, client_address: str = "") -> ReviewItem:
    """Take an open item. The first statement is one conditional UPDATE, so of two clinicians
    claiming at once exactly one wins (the database serialises the writes) and the other gets
    Conflict naming the owner. Claiming one's own item again changes nothing."""
    _require_reviewer(actor, "clinician:review:update")
    try:
        result = session.execute(
            update(ReviewItem)
            .where(
                ReviewItem.id == item_id,
                ReviewItem.organisation_id == actor.organisation_id,
                ReviewItem.status == ReviewStatus.OPEN,
            )
            .values(status=ReviewStatus.CLAIMED, claimed_by_user_id=actor.id, claimed_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    except OperationalError as error:
        # SQLite: another clinician's claim was committed after this transaction first read
        # (it cannot then write). PostgreSQL waits for the other claim instead, and the
        # UPDATE then matches nothing. Either way the other claim stands.
        if session.get_bind().dialect.name != "sqlite" or "locked" not in str(error):
            raise
        raise Conflict("Someone else claimed this item at the same moment") from None
    item = _item_for(session, actor, item_id)
    session.refresh(item)
    if result.rowcount != 1:
        if item.status is ReviewStatus.CLOSED:
            raise Conflict("This item has already been closed")
        if item.claimed_by_user_id == actor.id:
            return item
        owner = item.claimed_by.display_name if item.claimed_by else ""
        raise Conflict(f"{owner} is already reviewing this item", {"owner": owner})
    _audit_item(session, "review.claim", actor, item, client_address)
    return item


def release(session: Session, actor, item_id: uuid.UUID, *, client_address: str = "") -> ReviewItem:
    """Give back an item the actor has claimed but cannot finish, so a colleague can take it."""
    _require_reviewer(actor, "clinician:review:update")
    item = _item_for(session, actor, item_id)
    released = _update_own_claim(
        session, actor, item, status=ReviewStatus.OPEN, claimed_by_user_id=None, claimed_at=None
    )
    if not released:
        raise Conflict("Only the clinician who claimed this item can release it")
    _audit_item(session, "review.release", actor, item, client_address)
    return item


def close(
    session: Session,
    actor,
    item_id: uuid.UUID,
    *,
    outcome: str,
    note: str,
    advice: str = "",
    book_within: str | None = None,
    client_address: str = "",
) -> ReviewItem:
    """Close an item the actor has claimed, with an outcome and always a note. Advice to the
    patient needs the advice; asking them to book needs how soon."""
    _require_reviewer(actor, "clinician:review:update")
    item = _item_for(session, actor, item_id)
    errors = {}
    try:
        chosen = ReviewOutcome(outcome)
    except ValueError:
        errors["outcome"] = "Choose what you did"
        chosen = None
    if not note.strip():
        errors["note"] = "Enter a note"
    if chosen is ReviewOutcome.ADVICE and not advice.strip():
        errors["advice"] = "Enter the advice for the patient"
    if chosen is ReviewOutcome.BOOK_APPOINTMENT and book_within not in BOOK_WITHIN:
        errors["book_within"] = "Choose how soon the patient should book"
    if errors:
        raise InvalidInput("The review was not closed", errors)
    closed = _update_own_claim(
        session,
        actor,
        item,
        status=ReviewStatus.CLOSED,
        closed_by_user_id=actor.id,
        closed_at=utcnow(),
        outcome=chosen,
        note=note.strip(),
        advice=advice.strip() if chosen is ReviewOutcome.ADVICE else "",
        book_within=book_within if chosen is ReviewOutcome.BOOK_APPOINTMENT else None,
    )
    if not closed:
        raise Conflict("Claim this item before closing it")
    _audit_item(session, "review.close", actor, item, client_address, f" outcome={chosen.value}")
    return item
