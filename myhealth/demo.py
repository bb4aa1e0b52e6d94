"""A realistic, deterministic demo: practices, a national service, pharmacies, a hospital,
practitioners, 60 patients with valid test-range NHS numbers (each with a FHIR health record,
stored through the importer), and demo sign-ins. Who they are is in ``demo_people``.

Seeding is idempotent: every object is found by its natural key before it is created.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from myhealth.accounts import passwords
from myhealth.accounts.models import Role, User
from myhealth.config import REVIEW_DEFAULTS
from myhealth.context import Actor
from myhealth.database import utcnow
from myhealth.demo_people import (
    DEMO_ADMIN_EMAIL,
    DEMO_CLINICIAN_EMAIL,
    DEMO_PASSWORD,
    DEMO_PATIENT_EMAIL,
    FAMILY,
    GIVEN_FEMALE,
    GIVEN_MALE,
    ORGANISATIONS,
    PROFESSIONS,
    STREETS,
    demo_totp_secret,
    test_range_nhs_numbers,
)
from myhealth.people.models import Gender, Organisation, OrganisationKind, Patient, Practitioner
from myhealth.records.demo_records import build_record
from myhealth.records.fhir_import import import_document
from myhealth.selfcare.demo import seed_assessments

SEED = 2026


@dataclass(frozen=True)
class DemoLogins:
    patient_email: str
    clinician_email: str
    admin_email: str
    password: str
    clinician_totp_secret: str
    created: bool


def _get_or_create(session: Session, model, lookup: dict, **values):
    found = session.scalar(select(model).filter_by(**lookup))
    if found is not None:
        return found, False
    obj = model(**lookup, **values)
    session.add(obj)
    return obj, True


def _staff_names(session: Session) -> dict:
    """Each organisation's staff as patients see them on their record: "Dr Nia Evans"."""
    names: dict = {}
    for person in session.scalars(select(Practitioner).order_by(Practitioner.gmc_or_nmc_number)):
        doctor = person.profession == "General practitioner"
        name = f"{person.given_name} {person.family_name}"
        names.setdefault(person.organisation_id, []).append(
            f"Dr {name}" if doctor else f"{name} ({person.profession.lower()})"
        )
    return {
        org: sorted(staff, key=lambda n: not n.startswith("Dr ")) for org, staff in names.items()
    }


def seed_records(session: Session, patients: list[Patient], demo_patient: Patient) -> bool:
    """Every demo patient's health record, stored through the FHIR import like real data.

    True when anything was stored or changed; a second run finds it all unchanged.
    """
    organisations = {o.id: o for o in session.scalars(select(Organisation))}
    staff = _staff_names(session)
    changed = False
    for patient in patients:
        practice = organisations[patient.registered_organisation_id]
        bundle = build_record(
            patient,
            practice_ods=practice.ods_code,
            practice_name=practice.name,
            clinicians=staff.get(practice.id, ()),
            rich=patient is demo_patient,
        )
        report = import_document(
            session,
            bundle,
            organisation=practice,
            source="demo",
            via="demo",
            system=Actor.system("demo"),
        )
        changed |= bool(report.stored or report.updated)
    return changed


def seed(session: Session) -> DemoLogins:
    rng = random.Random(SEED)
    created_any = False
    orgs: dict[str, Organisation] = {}
    for ods, name, kind, address, postcode, phone, website in ORGANISATIONS:
        org, created = _get_or_create(
            session,
            Organisation,
            {"ods_code": ods},
            name=name,
            kind=kind,
            address=address,
            postcode=postcode,
            phone=phone,
            website=website,
        )
        orgs[ods] = org
        created_any |= created
    session.flush()

    staffed = [
        o
        for o in orgs.values()
        if o.kind
        in (
            OrganisationKind.GP_PRACTICE,
            OrganisationKind.NATIONAL_SERVICE,
            OrganisationKind.HOSPITAL,
        )
    ]
    number = 0
    for org in staffed:
        for _ in range(3):
            number += 1
            sex_f = rng.random() < 0.55
            given = rng.choice(GIVEN_FEMALE if sex_f else GIVEN_MALE)
            family = rng.choice(FAMILY)
            profession = PROFESSIONS[number % len(PROFESSIONS)]
            _, created = _get_or_create(
                session,
                Practitioner,
                {"gmc_or_nmc_number": f"D{7000000 + number}"},
                organisation_id=org.id,
                given_name=given,
                family_name=family,
                profession=profession,
            )
            created_any |= created

    practices = [o for o in orgs.values() if o.accepts_registrations]
    today = date(2026, 1, 1)
    patients: list[Patient] = []
    for i, nhs in enumerate(test_range_nhs_numbers(60)):
        female = rng.random() < 0.52
        given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
        family = rng.choice(FAMILY)
        age_days = rng.randint(18 * 365, 92 * 365)
        practice = practices[i % len(practices)]
        postcode = practice.postcode or "LS1 4AB"
        patient, created = _get_or_create(
            session,
            Patient,
            {"nhs_number": nhs},
            given_name=given,
            family_name=family,
            birth_date=today - timedelta(days=age_days),
            gender=Gender.FEMALE if female else Gender.MALE,
            address=f"{rng.randint(1, 140)} {rng.choice(STREETS)}",
            postcode=postcode,
            phone=f"07700 900{rng.randint(100, 999)}",
            registered_organisation_id=practice.id,
        )
        patients.append(patient)
        created_any |= created
    session.flush()

    demo_patient = patients[0]
    riverside = orgs["Y90001"]
    demo_patient.registered_organisation_id = riverside.id
    created_any |= seed_records(session, patients, demo_patient)
    password_hash = None

    def user(email: str, **values) -> User:
        nonlocal password_hash, created_any
        found = session.scalar(select(User).where(User.email == email))
        if found is not None:
            return found
        if password_hash is None:
            password_hash = passwords.hash_password(DEMO_PASSWORD)
        created_any = True
        account = User(
            email=email, password_hash=password_hash, email_verified_at=utcnow(), **values
        )
        session.add(account)
        return account

    user(
        DEMO_PATIENT_EMAIL,
        role=Role.PATIENT,
        display_name=demo_patient.display_name,
        patient=demo_patient,
    )
    secret = demo_totp_secret(DEMO_CLINICIAN_EMAIL)
    clinician = user(
        DEMO_CLINICIAN_EMAIL,
        role=Role.CLINICIAN,
        display_name="Dr Aled Rees",
        organisation=riverside,
        totp_secret=secret,
        totp_enabled_at=utcnow(),
    )
    user(
        DEMO_ADMIN_EMAIL,
        role=Role.ADMIN,
        display_name="Morgan Ellis (practice manager)",
        organisation=riverside,
    )
    session.flush()
    others = [
        p
        for p in patients
        if p.registered_organisation_id == riverside.id and p is not demo_patient
    ]
    config = current_app.config if has_app_context() else REVIEW_DEFAULTS
    created_any |= seed_assessments(session, demo_patient, others, clinician, config)
    return DemoLogins(
        DEMO_PATIENT_EMAIL,
        DEMO_CLINICIAN_EMAIL,
        DEMO_ADMIN_EMAIL,
        DEMO_PASSWORD,
        clinician.totp_secret or secret,
        created_any,
    )
