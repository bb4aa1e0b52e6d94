"""Emails to patients about reviews of their assessments: that there is news, never what."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from myhealth.accounts.models import User
from myhealth.clinician.models import ReviewItem, ReviewOutcome
from myhealth.messaging import outbox
from myhealth.messaging.models import Channel
from myhealth.urls import external_url

# Outcomes the patient needs to act on or read.
ANNOUNCED = (ReviewOutcome.ADVICE, ReviewOutcome.BOOK_APPOINTMENT)


def announce_review(session: Session, item: ReviewItem) -> int:
    """Enqueue an email to the patient's verified account(s) that a clinician has replied, in
    each one's language. Returns how many. No clinical detail goes in an email: only a link
    to sign in. Closing the same review again enqueues nothing new."""
    if item.outcome not in ANNOUNCED:
        return 0
    users = session.scalars(
        select(User).where(User.patient_id == item.patient_id, User.email_verified_at.is_not(None))
    ).all()
    link = external_url("selfcare.result", assessment_id=item.assessment_id)
    for user in users:
        outbox.enqueue(
            session,
            channel=Channel.EMAIL,
            recipient=user.email,
            language=user.language or "en",
            template="review_replied",
            context={"name": user.display_name, "link": link},
            idempotency_key=f"review_replied:{item.id}:{user.id}",
        )
    return len(users)
