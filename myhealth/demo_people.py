"""Who is in the demo: the organisations, the names its staff and patients are drawn from,
their test-range NHS numbers, and the published demo sign-ins.

Nothing here touches the database; ``myhealth.demo`` seeds these into it.
"""

from __future__ import annotations

import base64
import hashlib

import nhs_number

from myhealth.people.models import OrganisationKind

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
