"""A realistic, deterministic demo: practices, a national service, pharmacies, a hospital,
practitioners, 60 patients with valid test-range NHS numbers (each with a FHIR health record,
stored through the importer), and demo sign-ins.

Seeding is idempotent: every object is found by its natural key before it is created.
"""

from __future__ import annotations

import base64
import hashlib
import random
from dataclasses import dataclass
from datetime import date, timedelta

import nhs_number
from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from myhealth.accounts import passwords
from myhealth.accounts.models import Role, User
from myhealth.config import REVIEW_DEFAULTS
from myhealth.database import utcnow
from myhealth.directory.models import Organisation, OrganisationKind, Practitioner
from myhealth.records.demo_records import build_record
from myhealth.records.fhir_import import import_document
from myhealth.records.models import Gender, Patient
from myhealth.selfcare.demo import seed_assessments

SEED = 2026

ORGANISATIONS = [
    (
        "Y90001",
        "Riverside Medical Practice",
        OrganisationKind.GP_PRACTICE,
        "12 Mill Lane, Leeds",
        "LS1 4AB",
        "0113 496 0001",
        "https://riverside.example.nhs.uk",
    ),
    (
        "Y90002",
        "Hillview Surgery",
        OrganisationKind.GP_PRACTICE,
        "3 Church Street, Sheffield",
        "S1 2GH",
        "0114 496 0002",
        "https://hillview.example.nhs.uk",
    ),
    (
        "Y90003",
        "Castle Health Centre",
        OrganisationKind.GP_PRACTICE,
        "45 Castle Road, Cardiff",
        "CF10 1AA",
        "029 2018 0003",
        "https://castle.example.nhs.uk",
    ),
    (
        "Y90004",
        "Meadowbank Family Practice",
        OrganisationKind.GP_PRACTICE,
        "8 Meadow Way, Bristol",
        "BS1 5TR",
        "0117 496 0004",
        "https://meadowbank.example.nhs.uk",
    ),
    (
        "Y90005",
        "Harbourside Group Practice",
        OrganisationKind.GP_PRACTICE,
        "2 Quay Street, Plymouth",
        "PL1 2LX",
        "01752 496005",
        "https://harbourside.example.nhs.uk",
    ),
    (
        "X26NAT",
        "NHS National Primary Care Service",
        OrganisationKind.NATIONAL_SERVICE,
        "Telephone and online",
        "",
        "0300 790 6000",
        "https://national.example.nhs.uk",
    ),
    (
        "FA001",
        "High Street Pharmacy",
        OrganisationKind.PHARMACY,
        "101 High Street, Leeds",
        "LS2 7EE",
        "0113 496 0101",
        "",
    ),
    (
        "FA002",
        "Parkside Chemist",
        OrganisationKind.PHARMACY,
        "7 Park Parade, Cardiff",
        "CF11 9XY",
        "029 2018 0102",
        "",
    ),
    (
        "RR801",
        "St Luke's General Hospital",
        OrganisationKind.HOSPITAL,
        "Beckett Street, Leeds",
        "LS9 7TF",
        "0113 496 0200",
        "https://stlukes.example.nhs.uk",
    ),
]

GIVEN_FEMALE = [
    "Amelia",
    "Olivia",
    "Isla",
    "Sarah",
    "Fatima",
    "Priya",
    "Megan",
    "Siân",
    "Grace",
    "Chloe",
    "Aisha",
    "Ffion",
    "Hannah",
    "Margaret",
    "Joan",
    "Nia",
]
GIVEN_MALE = [
    "Oliver",
    "George",
    "Harry",
    "Mohammed",
    "Dylan",
    "Rhys",
    "James",
    "Arjun",
    "Thomas",
    "David",
    "Kwame",
    "Owen",
    "Daniel",
    "Peter",
    "Tomasz",
    "Liam",
]
FAMILY = [
    "Jones",
    "Smith",
    "Williams",
    "Taylor",
    "Davies",
    "Evans",
    "Khan",
    "Patel",
    "Brown",
    "Wilson",
    "Roberts",
    "Thomas",
    "Hughes",
    "Ahmed",
    "Wright",
    "Walker",
    "Green",
    "Okafor",
    "Nowak",
    "Morgan",
    "Price",
    "Lewis",
    "Singh",
    "Clarke",
]
STREETS = [
    "Station Road",
    "Victoria Street",
    "Park Avenue",
    "Queens Road",
    "Manor Close",
    "Church Lane",
    "Orchard Way",
    "Chapel Street",
    "The Crescent",
    "Mill Road",
]
PROFESSIONS = [
    "General practitioner",
    "Practice nurse",
    "Advanced nurse practitioner",
    "Clinical pharmacist",
    "Physician associate",
]

DEMO_PATIENT_EMAIL = "patient@demo.myhealth.invalid"
DEMO_CLINICIAN_EMAIL = "clinician@demo.myhealth.invalid"
DEMO_ADMIN_EMAIL = "admin@demo.myhealth.invalid"
DEMO_PASSWORD = "demo-walnut-harbour-lantern"  # noqa: S105 - published demo credential


@dataclass(frozen=True)
class DemoLogins:
    patient_email: str
    clinician_email: str
    admin_email: str
    password: str
    clinician_totp_secret: str
    created: bool


def test_range_nhs_numbers(count: int) -> list[str]:
    """Valid NHS numbers from the 999 test range, in order, never a real person's."""
    numbers: list[str] = []
    candidate = 999_000_000
    while len(numbers) < count:
        candidate += 7
        digits = f"{candidate:09d}"
        check = nhs_number.calculate_checksum(digits)
        if check is not None and check != 10:
            numbers.append(digits + str(check))
    return numbers


def demo_totp_secret(email: str) -> str:
    """A stable demo-only TOTP secret, so the printed instructions stay true across runs."""
    digest = hashlib.sha256(f"myhealth-demo-totp:{email}".encode()).digest()
    return base64.b32encode(digest[:20]).decode()


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
        report = import_document(session, bundle, organisation=practice, source="demo", via="demo")
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
