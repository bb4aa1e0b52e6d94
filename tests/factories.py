"""Plain factory functions for domain objects. Each takes the session and commits, which
in tests releases a savepoint: the outer transaction is still rolled back after the test."""

from __future__ import annotations

import itertools
from datetime import date

import pyotp

from myhealth.accounts import passwords
from myhealth.accounts.models import Role, User
from myhealth.config import REVIEW_DEFAULTS
from myhealth.database import utcnow
from myhealth.demo_people import test_range_nhs_numbers
from myhealth.people.models import Gender, Organisation, OrganisationKind, Patient

PASSWORD = "sturdy-otter-violin-41"
_counter = itertools.count(1)
_nhs_numbers = iter(test_range_nhs_numbers(5000)[200:])  # clear of the demo's numbers
_hash_cache: dict[str, str] = {}


def password_hash(password: str = PASSWORD) -> str:
    if password not in _hash_cache:
        _hash_cache[password] = passwords.hash_password(password)
    return _hash_cache[password]


def organisation(session, kind=OrganisationKind.GP_PRACTICE, name=None, **values) -> Organisation:
    n = next(_counter)
    org = Organisation(
        ods_code=values.pop("ods_code", f"T{n:05d}"),
        name=name or f"Test Practice {n}",
        kind=kind,
        postcode=values.pop("postcode", "LS1 1AA"),
        **values,
    )
    session.add(org)
    session.commit()
    return org


def next_nhs_number() -> str:
    return next(_nhs_numbers)


def patient(session, org=None, **values) -> Patient:
    p = Patient(
        nhs_number=values.pop("nhs_number", next_nhs_number()),
        given_name=values.pop("given_name", "Alex"),
        family_name=values.pop("family_name", f"Tester{next(_counter)}"),
        birth_date=values.pop("birth_date", date(1980, 5, 17)),
        gender=values.pop("gender", Gender.FEMALE),
        registered_organisation_id=org.id if org else None,
        **values,
    )
    session.add(p)
    session.commit()
    return p


def user(
    session,
    role=Role.PATIENT,
    *,
    patient=None,
    org=None,
    email=None,
    two_factor=None,
    verified=True,
    password=PASSWORD,
) -> User:
    n = next(_counter)
    if two_factor is None:
        two_factor = role is not Role.PATIENT
    u = User(
        email=email or f"user{n}@example.org",
        password_hash=password_hash(password),
        role=role,
        display_name=(patient.display_name if patient else f"Staff Member {n}"),
        patient=patient,
        organisation=org,
        email_verified_at=utcnow() if verified else None,
    )
    if two_factor:
        u.totp_secret = pyotp.random_base32()
        u.totp_enabled_at = utcnow()
    session.add(u)
    session.commit()
    return u


REVIEW_CONFIG = REVIEW_DEFAULTS


def assessment(session, patient_user, algorithm_id: str = "phq9", answers=None, created_at=None):
    """A completed self-assessment saved through the service, as the web flow saves it.
    The default PHQ-9 answers total 12, over the review threshold."""
    import triage_algorithms
    from myhealth.selfcare import services

    if answers is None:
        answers = {"items": [2, 1, 2, 1, 1, 1, 2, 2, 0]}
    completed = services.record_assessment(
        session,
        patient_user.patient,
        triage_algorithms.load(algorithm_id),
        answers,
        submitted_by=patient_user,
        config=REVIEW_CONFIG,
        created_at=created_at,
    )
    session.commit()
    return completed.assessment
