"""Emails to patients about reviews of their assessments: that there is news, never what."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from myhealth.accounts.models import User
from myhealth.clinician.models import ReviewItem, ReviewOutcome
from myhealth.messaging.services import send_email
from myhealth.urls import external_url

# Outcomes the patient needs to act on or read.
ANNOUNCED = (ReviewOutcome.ADVICE, ReviewOutcome.BOOK_APPOINTMENT)


def announce_review(session: Session, item: ReviewItem) -> int:
    """Email the patient's verified account(s) that a clinician has replied. Returns how many
    emails were sent. No clinical detail goes in an email: only a link to sign in."""
    if item.outcome not in ANNOUNCED:
        return 0
    users = session.scalars(
        select(User).where(User.patient_id == item.patient_id, User.email_verified_at.is_not(None))
    ).all()
    link = external_url("selfcare.result", assessment_id=item.assessment_id)
    for user in users:
        with force_locale(user.language or "en"):
            body = _(
                "Hello %(name)s,\n\n"
                "A clinician at your GP practice has looked at a health assessment you "
                "completed and left a message for you. Sign in to read it:\n\n%(link)s\n\n"
                "For your privacy, we do not put any details in emails.\n",
                name=user.display_name,
                link=link,
            )
            subject = _("A clinician has replied about your health assessment")
        send_email(current_app.config, user.email, subject, body)
    return len(users)
