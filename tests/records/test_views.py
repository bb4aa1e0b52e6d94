"""The record pages a person sees: summary, sections, trends, download, print and upload.

Real data where possible: the Synthea patient Tommy Friesen imported with the importer,
registered with the `world` practice so its clinician may look.
"""

from __future__ import annotations

import io
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from myhealth.access.models import AuditEvent
from myhealth.accounts.models import Role
from myhealth.people.models import Patient
from myhealth.records.fhir_import import import_document
from myhealth.records.models import ClinicalResource
from myhealth.records.services import SECTIONS
from tests import factories
from tests.accounts.helpers import csrf_token

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "fhir-samples"
TOMMY = SAMPLES / "Tommy_Friesen_dc0e6a8c-6c31-4d75-966f-ac682f486756.json"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"


# --- building records ------------------------------------------------------------------------


def import_patient(db, document, practice) -> Patient:
    """Import a document holding one patient and register them with the practice."""
    report = import_document(db, document, organisation=practice, source="test")
    db.commit()
    patient = db.get(Patient, next(iter(report.patients)))
    patient.registered_organisation_id = practice.id
    db.commit()
    return patient


def patient_resource(fhir_id: str, given: str = "Rhiannon", family: str = "Test") -> dict:
    return {
        "resourceType": "Patient",
        "id": fhir_id,
        "identifier": [
            {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": factories.next_nhs_number()}
        ],
        "name": [{"use": "official", "family": family, "given": [given]}],
        "gender": "female",
        "birthDate": "1970-04-01",
    }


def observation(
    patient_ref: str,
    code: str,
    name: str,
    value: float,
    unit: str,
    when: datetime,
    *,
    low=None,
    high=None,
    system=LOINC,
) -> dict:
    resource = {
        "resourceType": "Observation",
        "id": str(uuid.uuid4()),
        "status": "final",
        "code": {"coding": [{"system": system, "code": code, "display": name}], "text": name},
        "subject": {"reference": patient_ref},
        "effectiveDateTime": when.isoformat(),
        "valueQuantity": {
            "value": value,
            "unit": unit,
            "system": "http://unitsofmeasure.org",
            "code": unit,
        },
    }
    if low is not None or high is not None:
        resource["referenceRange"] = [
            {"low": {"value": low, "unit": unit}, "high": {"value": high, "unit": unit}}
        ]
    return resource


def blood_pressure(patient_ref: str, systolic: int, diastolic: int, when: datetime) -> dict:
    def part(code, name, value):
        return {
            "code": {"coding": [{"system": LOINC, "code": code, "display": name}]},
            "valueQuantity": {"value": value, "unit": "mm[Hg]"},
        }

    return {
        "resourceType": "Observation",
        "id": str(uuid.uuid4()),
        "status": "final",
        "code": {
            "coding": [{"system": LOINC, "code": "85354-9", "display": "Blood pressure panel"}]
        },
        "subject": {"reference": patient_ref},
        "effectiveDateTime": when.isoformat(),
        # Diastolic first, as Synthea writes it: the page still reads "120/80".
        "component": [
            part("8462-4", "Diastolic blood pressure", diastolic),
            part("8480-6", "Systolic blood pressure", systolic),
        ],
    }


def condition(patient_ref: str, name: str, code: str, status: str, when: datetime) -> dict:
    return {
        "resourceType": "Condition",
        "id": str(uuid.uuid4()),
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": status,
                }
            ]
        },
        "code": {"coding": [{"system": SNOMED, "code": code, "display": name}], "text": name},
        "subject": {"reference": patient_ref},
        "onsetDateTime": when.isoformat(),
    }


def bundle(resources: list[dict]) -> dict:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": r} for r in resources],
    }


def generated_record(fhir_id: str, size: int) -> dict:
    """A patient with `size` resources: a fifth Conditions, the rest Observations."""
    ref = f"Patient/{fhir_id}"
    start = datetime(2015, 1, 1, tzinfo=UTC)
    resources: list[dict] = [patient_resource(fhir_id)]
    conditions = size // 5
    for i in range(conditions):
        resources.append(
            condition(
                ref,
                f"Condition number {i}",
                str(100000 + i),
                "active" if i % 2 else "resolved",
                start + timedelta(days=i),
            )
        )
    for i in range(size - conditions):
        resources.append(
            observation(
                ref,
                f"{1000 + i % 10}-{i % 10}",
                f"Test {i % 10}",
                4.0 + (i % 7) / 10,
                "mmol/L",
                start + timedelta(hours=i),
                low=3.5,
                high=5.5,
            )
        )
    return bundle(resources)


@pytest.fixture
def tommy(db, world) -> Patient:
    return import_patient(db, TOMMY.read_bytes(), world.practice)


@pytest.fixture
def tommy_user(db, tommy):
    return factories.user(db, Role.PATIENT, patient=tommy)


@pytest.fixture
def glucose_patient(db, world) -> Patient:
    """A small record with reference ranges and a blood pressure, as a laboratory sends."""
    ref = "Patient/glucose-test"
    base = datetime(2024, 1, 10, 9, 30, tzinfo=UTC)
    readings = [5.1, 6.3, 4.8, 7.2, 5.6]
    resources = [patient_resource("glucose-test", "Glenys", "Glucose")]
    resources += [
        observation(
            ref,
            "15074-8",
            "Glucose [Moles/volume] in Blood",
            value,
            "mmol/L",
            base + timedelta(days=30 * i),
            low=3.1,
            high=6.2,
        )
        for i, value in enumerate(readings)
    ]
    resources.append(blood_pressure(ref, 120, 80, base + timedelta(days=200)))
    return import_patient(db, json.dumps(bundle(resources)), world.practice)


# --- reading pages ---------------------------------------------------------------------------


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def table_rows(soup: BeautifulSoup, index: int = 0) -> list[list[str]]:
    """The body rows of the page's n-th table, as cell texts (responsive labels removed)."""
    table = soup.select("main table")[index]
    for label in table.select(".nhsuk-table__heading"):
        label.decompose()
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("td, th")]
        for row in table.select("tbody tr")
    ]


def stored(db, patient, *types) -> int:
    return (
        db.scalar(
            select(func.count(ClinicalResource.id)).where(
                ClinicalResource.patient_id == patient.id, ClinicalResource.resource_type.in_(types)
            )
        )
        or 0
    )


def audit_count(db, patient=None) -> int:
    db.expire_all()
    query = select(func.count(AuditEvent.id))
    if patient is not None:
        query = query.where(AuditEvent.patient_id == patient.id)
    return db.scalar(query) or 0


# --- the summary ---------------------------------------------------------------------------


def test_summary_shows_the_headline_record_with_links(db, tommy, tommy_user, signed_in):
    client = signed_in(tommy_user)
    page = soup_of(client.get(f"/record/{tommy.id}"))
    assert page.h1.get_text(strip=True) == "Your health record"
    text = page.main.get_text(" ", strip=True)
    problems = [row[0] for row in table_rows(page, 0)]
    # Active problems only, in plain English (the SNOMED "(disorder)" tag removed).
    assert "Chronic congestive heart failure" in problems and "Prediabetes" in problems
    assert "Acute bronchitis" not in " ".join(problems)  # resolved long ago
    assert "No allergies or reactions are recorded." in text
    medicines = [row[0] for row in table_rows(page, 1)]
    assert "Lasix 40mg" in medicines and "Acetaminophen 325 MG Oral Tablet" not in medicines
    results = page.select("main table")[2]
    trend_links = [a["href"] for a in results.select("tbody tr td:first-child a")]
    # The latest result of each of the five tests most recently done, each linking to its trend.
    assert len(trend_links) == len(results.select("tbody tr")) == 5
    assert all(link.startswith(f"/record/{tommy.id}/results/") for link in trend_links)
    links = {a["href"] for a in page.select("main a")}
    for section in SECTIONS:
        assert f"/record/{tommy.id}/{section}" in links
    assert f"/record/{tommy.id}/download" in links and f"/record/{tommy.id}/print" in links
    assert "196 entries" in text  # observations counted per section
    nav = page.select_one(".nhsuk-header__navigation")
    assert nav is not None and "Your health record" in nav.get_text()


def test_the_summary_shows_the_latest_five_of_each_part_and_links_to_the_rest(db, world, signed_in):
    # 12 conditions (the odd-numbered 6 active, the higher the newer) and 48 results of 10 tests.
    patient = import_patient(db, json.dumps(generated_record("many", 60)), world.practice)
    client = signed_in(factories.user(db, Role.PATIENT, patient=patient))
    page = soup_of(client.get(f"/record/{patient.id}"))
    problems = [row[0] for row in table_rows(page, 0)]
    assert problems == [f"Condition number {i}" for i in (11, 9, 7, 5, 3)]
    part = page.select_one("section:has(#part-conditions)")
    assert "Showing the latest 5 of 6." in part.get_text(" ", strip=True)
    link = part.select_one(f'a[href="/record/{patient.id}/conditions"]')
    assert link.get_text(strip=True) == "View all conditions (12 entries)"
    results = [row[0] for row in table_rows(page, 1)]  # the latest of the 5 newest tests
    assert results == [f"Test {i}" for i in (7, 6, 5, 4, 3)]
    results_part = page.select_one("section:has(#part-results)")
    assert "Showing the latest" not in results_part.get_text(" ", strip=True)
    assert "View all test results and measurements (48 entries)" in results_part.get_text(
        " ", strip=True
    )
    # The whole list, paged, behind the link; the printed summary keeps every current problem.
    section = soup_of(client.get(f"/record/{patient.id}/conditions"))
    assert len(table_rows(section)) == 12
    printed = soup_of(client.get(f"/record/{patient.id}/print"))
    assert len(table_rows(printed, 0)) == 6
    assert "Showing the latest" not in printed.main.get_text(" ", strip=True)


def test_homepage_widget_counts_the_record(db, tommy, tommy_user, signed_in):
    html = signed_in(tommy_user).get("/home").get_data(as_text=True)
    assert "4 current health problems" in html
    assert "3 current medicines" in html
    assert "196 test results and measurements" in html
    assert f"/record/{tommy.id}" in html


# --- sections ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("conditions", "Chronic congestive heart failure"),
        ("allergies", None),
        ("medicines", "Galantamine 4 MG Oral Tablet"),
        ("immunisations", "Influenza, seasonal, injectable, preservative free"),
        ("results", "Glucose"),
        ("encounters", "Encounter for check up"),
        ("procedures", "Documentation of current medications"),
        ("care-plans", "Diabetes self management plan"),
        ("documents", "Basic Metabolic Panel"),
    ],
)
def test_each_section_lists_its_own_entries(db, tommy, tommy_user, signed_in, section, expected):
    page = soup_of(signed_in(tommy_user).get(f"/record/{tommy.id}/{section}"))
    total = stored(db, tommy, *SECTIONS[section])
    text = page.main.get_text(" ", strip=True)
    if not total:
        assert "Nothing is recorded in this part of the record." in text
        return
    rows = table_rows(page)
    assert len(rows) == min(total, 20)
    assert expected in " ".join(" ".join(r) for r in rows)
    if total > 20:
        assert f"Showing 1 to 20 of {total} entries." in text
        assert page.select_one(".nhsuk-pagination") is not None
    else:
        assert f"{total} entries." in text


def test_results_show_values_with_units_and_ranges(db, world, glucose_patient, signed_in):
    user = factories.user(db, Role.PATIENT, patient=glucose_patient)
    rows = table_rows(soup_of(signed_in(user).get(f"/record/{glucose_patient.id}/results")))
    assert rows[0][:2] == ["Blood pressure panel", "120/80 mmHg"]
    glucose = [r for r in rows if r[0].startswith("Glucose")]
    assert len(glucose) == 5
    assert glucose[0][1:3] == ["5.6 mmol/L", "3.1 to 6.2 mmol/L"]
    assert glucose[0][3] == "9 May 2024"  # 10 January plus 4 x 30 days


def test_results_out_of_range_are_marked_high_or_low_in_words(
    db, world, glucose_patient, signed_in
):
    """HbA1c 52 against 20 to 41 once looked like any other value. Out of range is shown in
    words, as an NHS tag, on the list, the summary, the trend table and the chart."""
    client = signed_in(factories.user(db, Role.PATIENT, patient=glucose_patient))
    page = soup_of(client.get(f"/record/{glucose_patient.id}/results"))
    glucose = {r[3]: r[1] for r in table_rows(page) if r[0].startswith("Glucose")}
    assert glucose["9 May 2024"] == "5.6 mmol/L"
    assert glucose["9 Apr 2024"] == "7.2 mmol/L High"  # above 6.2
    assert glucose["9 Feb 2024"] == "6.3 mmol/L High"
    tags = [t.get_text(strip=True) for t in page.select("main td .nhsuk-tag")]
    assert tags.count("High") == 2
    trend = soup_of(client.get(f"/record/{glucose_patient.id}/results/15074-8"))
    assert [r[1] for r in table_rows(trend)].count("7.2 High") == 1
    for chart in trend.select("svg.myhealth-chart"):  # one per screen size
        assert [t.get_text() for t in chart.select(".myhealth-chart__flag")] == ["High", "High"]
    assert any("(High)" in t.get_text() for t in trend.select("svg title"))


@pytest.mark.parametrize(
    ("content", "flag"),
    [
        ({"interpretation": [{"coding": [{"code": "L"}]}], "valueQuantity": {"value": 9}}, "low"),
        ({"interpretation": [{"coding": [{"code": "HH"}]}]}, "high"),
        ({"interpretation": [{"coding": [{"code": "A"}]}]}, "abnormal"),
        ({"valueQuantity": {"value": 52}, "referenceRange": [{"high": {"value": 41}}]}, "high"),
        ({"valueQuantity": {"value": 19}, "referenceRange": [{"low": {"value": 20}}]}, "low"),
        ({"valueQuantity": {"value": 41}, "referenceRange": [{"high": {"value": 41}}]}, None),
        ({"valueQuantity": {"value": 30}}, None),
    ],
)
def test_a_result_is_flagged_from_the_laboratory_or_its_range(content, flag):
    from myhealth.records.flags import result_flag

    assert result_flag(content) == flag


def test_pagination_moves_through_the_section(db, tommy, tommy_user, signed_in):
    client = signed_in(tommy_user)
    total = stored(db, tommy, "Observation")
    last_page = -(-total // 20)
    page = soup_of(client.get(f"/record/{tommy.id}/results?page={last_page}"))
    assert len(table_rows(page)) == total - 20 * (last_page - 1)
    assert page.select_one(".nhsuk-pagination__item--current").get_text(strip=True) == str(
        last_page
    )
    first = table_rows(soup_of(client.get(f"/record/{tommy.id}/results?page=1")))
    second = table_rows(soup_of(client.get(f"/record/{tommy.id}/results?page=2")))
    assert first != second


def test_search_and_filters_narrow_the_list(db, tommy, tommy_user, signed_in):
    client = signed_in(tommy_user)
    base = f"/record/{tommy.id}"
    glucose = table_rows(soup_of(client.get(f"{base}/results?q=GLUCOSE")))
    assert len(glucose) == 11 and all(r[0] == "Glucose" for r in glucose)

    in_2020 = table_rows(
        soup_of(client.get(f"{base}/results?q=glucose&date_from=2020-01-01&date_to=2020-12-31"))
    )
    assert [r[3] for r in in_2020] == ["13 Dec 2020", "15 Jun 2020", "22 Mar 2020"]
    typed = table_rows(
        soup_of(client.get(f"{base}/results?q=glucose&date_from=1/1/2020&date_to=31/12/2020"))
    )
    assert typed == in_2020

    resolved = table_rows(soup_of(client.get(f"{base}/conditions?status=resolved")))
    active = table_rows(soup_of(client.get(f"{base}/conditions?status=active")))
    assert {r[2] for r in resolved} == {"Resolved"} and {r[2] for r in active} == {"Active"}
    assert len(resolved) + len(active) == stored(db, tommy, "Condition")

    stopped = table_rows(soup_of(client.get(f"{base}/medicines?status=stopped")))
    assert sorted(r[0] for r in stopped) == [
        "Acetaminophen 325 MG Oral Tablet",
        "Amoxicillin 250 MG / Clavulanate 125 MG Oral Tablet",
    ]
    none = soup_of(client.get(f"{base}/results?q=no-such-test"))
    assert "Nothing in this part of the record matches your filters." in none.get_text()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date_from=2020-02-30", "The start date must be a real date, like 27/3/2024"),
        ("date_to=yesterday", "The end date must be a real date, like 31/3/2025"),
        (
            "date_from=2021-01-01&date_to=2020-01-01",
            "The end date must be the same as or after the start date",
        ),
    ],
)
def test_bad_dates_show_an_error_summary(db, tommy, tommy_user, signed_in, query, message):
    client = signed_in(tommy_user)
    before = audit_count(db, tommy)
    response = client.get(f"/record/{tommy.id}/results?{query}")
    page = soup_of(response)
    summary = page.select_one(".nhsuk-error-summary")
    assert summary is not None and message in summary.get_text()
    assert page.title.get_text().startswith("Error:")
    assert len(table_rows(page)) == 20  # the list is still shown, without the bad dates
    assert audit_count(db, tommy) == before + 1


def test_unknown_status_is_refused_and_unknown_section_is_not_found(
    db, tommy, tommy_user, signed_in
):
    client = signed_in(tommy_user)
    page = soup_of(client.get(f"/record/{tommy.id}/conditions?status=bogus"))
    assert page.select_one(".nhsuk-error-summary") is not None
    assert client.get(f"/record/{tommy.id}/claims").status_code == 404


# --- results over time ------------------------------------------------------------------------


def test_trend_page_has_a_chart_and_the_same_data_as_a_table(db, tommy, tommy_user, signed_in):
    page = soup_of(signed_in(tommy_user).get(f"/record/{tommy.id}/results/2339-0?system={LOINC}"))
    svg = page.select_one("main svg")
    assert svg is not None and svg["role"] == "img"
    assert "Glucose" in svg.title.get_text() and "11 results" in svg.desc.get_text()
    points = svg.select("circle.myhealth-chart__point")
    rows = table_rows(page)
    assert len(points) == len(rows) == 11
    assert rows[0] == ["13 Dec 2020", "70.3", "mg/dL", "–"]
    assert "mg/dL" in [t.get_text() for t in svg.select("text")]  # the axis says its unit
    assert not page.select("[style]")  # the CSP forbids inline styles


def test_trend_chart_shades_the_reference_range(db, glucose_patient, signed_in):
    user = factories.user(db, Role.PATIENT, patient=glucose_patient)
    page = soup_of(signed_in(user).get(f"/record/{glucose_patient.id}/results/15074-8"))
    svg = page.select_one("main svg")
    assert svg.select_one("rect.myhealth-chart__range") is not None
    assert "normal range, 3.1 to 6.2 mmol/L" in svg.desc.get_text()
    assert [r[3] for r in table_rows(page)] == ["3.1 to 6.2 mmol/L"] * 5


def test_blood_pressure_trend_draws_both_readings(db, tommy, tommy_user, signed_in):
    page = soup_of(signed_in(tommy_user).get(f"/record/{tommy.id}/results/55284-4"))
    svg = page.select_one("main svg")
    assert len(svg.select("polyline")) == 2  # systolic and diastolic
    assert all("/" in row[1] and row[2] == "mmHg" for row in table_rows(page))


def test_unknown_test_is_not_found(db, tommy, tommy_user, signed_in):
    response = signed_in(tommy_user).get(f"/record/{tommy.id}/results/0000-0")
    assert response.status_code == 404


# --- download and print ---------------------------------------------------------------------


def test_download_is_the_whole_record_as_a_fhir_bundle(db, tommy, tommy_user, signed_in):
    response = signed_in(tommy_user).get(f"/record/{tommy.id}/download")
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"{tommy.id}.json" in disposition
    data = json.loads(response.get_data())
    assert data["resourceType"] == "Bundle"
    own = db.scalar(
        select(func.count(ClinicalResource.id)).where(ClinicalResource.patient_id == tommy.id)
    )
    kinds = [e["resource"]["resourceType"] for e in data["entry"]]
    # Everything stored for him, and the practices and practitioners his entries name.
    assert len(kinds) == data["total"] == own + 4
    assert kinds.count("Organization") == 2 and kinds.count("Practitioner") == 2


def test_download_names_the_file_by_nhs_number(db, glucose_patient, signed_in, world):
    response = signed_in(world.clinician).get(f"/record/{glucose_patient.id}/download")
    assert (
        f"health-record-{glucose_patient.nhs_number}.json"
        in response.headers["Content-Disposition"]
    )


def test_print_page_has_demographics_and_the_summary(db, app, tommy, tommy_user, signed_in):
    client = signed_in(tommy_user)
    page = soup_of(client.get(f"/record/{tommy.id}/print"))
    text = page.main.get_text(" ", strip=True)
    assert "Personal details" in text and "Tommy Friesen" in text and "15 June 1947" in text
    assert "Chronic congestive heart failure" in text and "Lasix 40mg" in text
    with client.get("/static/css/myhealth.css") as response:
        css = response.get_data(as_text=True)
    assert "@media print" in css and ".myhealth-no-print" in css


# --- who may see what ----------------------------------------------------------------------


def record_urls(patient) -> list[str]:
    base = f"/record/{patient.id}"
    return [
        base,
        f"{base}/conditions",
        f"{base}/results",
        f"{base}/results/2339-0",
        f"{base}/download",
        f"{base}/print",
    ]


def test_the_practice_clinician_sees_the_record_and_each_view_is_audited_once(
    db, world, tommy, signed_in
):
    client = signed_in(world.clinician)
    for url in record_urls(tommy):
        before = audit_count(db, tommy)
        response = client.get(url)
        assert response.status_code == 200, url
        assert audit_count(db, tommy) == before + 1, url
    html = client.get(f"/record/{tommy.id}").get_data(as_text=True)
    assert "Health record: Tommy Friesen" in html and "myhealth-patient-banner" in html
    patient_page = client.get(f"/clinician/patients/{tommy.id}").get_data(as_text=True)
    assert f'href="/record/{tommy.id}"' in patient_page


@pytest.mark.parametrize("who", ["other_patient_user", "other_clinician", "patient_user"])
def test_anyone_else_gets_not_found_and_only_the_refusal_is_audited(
    db, world, tommy, signed_in, who
):
    client = signed_in(getattr(world, who))
    before = audit_count(db)
    urls = record_urls(tommy)
    for url in urls:
        assert client.get(url).status_code == 404, url
    db.expire_all()
    actions = db.scalars(
        select(AuditEvent.action).where(AuditEvent.patient_id == tommy.id).order_by(AuditEvent.id)
    ).all()[-len(urls) :]
    assert audit_count(db) == before + len(urls)
    assert set(actions) == {"patient.read.denied"}


def test_admins_and_signed_out_people_cannot_read_records(db, world, tommy, signed_in, client):
    admin = signed_in(world.admin)
    assert admin.get(f"/record/{tommy.id}").status_code == 403
    assert client.get(f"/record/{tommy.id}").status_code == 302


def test_a_record_id_that_does_not_exist_is_not_found(db, world, signed_in):
    assert signed_in(world.clinician).get(f"/record/{uuid.uuid4()}").status_code == 404


# --- upload ---------------------------------------------------------------------------------


def upload(client, data: bytes, filename="record.json"):
    token = csrf_token(client, "/records/upload")
    return client.post(
        "/records/upload",
        data={"csrf_token": token, "document": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_a_clinician_uploads_a_fhir_bundle(db, world, signed_in):
    client = signed_in(world.clinician)
    page = soup_of(client.get("/records/upload"))
    assert page.select_one("input[type=file][name=document]") is not None
    ref = "Patient/upload-test"
    document = bundle(
        [
            patient_resource("upload-test"),
            observation(ref, "2339-0", "Glucose", 5.5, "mmol/L", datetime(2024, 5, 1, tzinfo=UTC)),
            condition(ref, "Asthma", "195967001", "active", datetime(2001, 1, 1, tzinfo=UTC)),
        ]
    )
    before = db.scalar(select(func.count(ClinicalResource.id)))
    page = soup_of(upload(client, json.dumps(document).encode()))
    assert "3 resources were imported." in page.get_text()
    assert ["Condition", "1", "0", "0"] in table_rows(page)
    db.expire_all()
    assert db.scalar(select(func.count(ClinicalResource.id))) == before + 3


def test_a_bad_bundle_is_refused_whole_naming_the_entry(db, world, signed_in):
    client = signed_in(world.admin)
    ref = "Patient/refused-test"
    good = observation(ref, "2339-0", "Glucose", 5.5, "mmol/L", datetime(2024, 5, 1, tzinfo=UTC))
    bad = {**good, "id": "bad-one", "valueQuantity": {"value": "lots", "unit": "mmol/L"}}
    future = observation(
        ref, "2339-0", "Glucose", 5.5, "mmol/L", datetime.now(UTC) + timedelta(days=30)
    )
    document = bundle([patient_resource("refused-test"), good, bad, future])
    before = db.scalar(select(func.count(ClinicalResource.id)))
    page = soup_of(upload(client, json.dumps(document).encode()))
    summary = page.select_one(".nhsuk-error-summary").get_text(" ", strip=True)
    assert "The file was not imported" in summary
    assert "entry 2 (Observation) at valueQuantity.value" in summary
    db.expire_all()
    assert db.scalar(select(func.count(ClinicalResource.id))) == before

    in_future = bundle([patient_resource("x"), good, future])
    page = soup_of(upload(client, json.dumps(in_future).encode()))
    summary = page.select_one(".nhsuk-error-summary").get_text(" ", strip=True)
    assert "entry 2 (Observation) at effectiveDateTime" in summary and "in the future" in summary
    page = soup_of(upload(client, b"{not json"))
    assert "not valid JSON" in page.select_one(".nhsuk-error-summary").get_text()


def test_an_upload_joins_new_patients_to_the_practice_and_is_audited(db, world, signed_in):
    client = signed_in(world.clinician)
    ref = "Patient/joins-practice"
    document = bundle(
        [
            patient_resource("joins-practice", "Nia", "Newcomer"),
            condition(ref, "Asthma", "195967001", "active", datetime(2001, 1, 1, tzinfo=UTC)),
        ]
    )
    soup_of(upload(client, json.dumps(document).encode()))
    db.expire_all()
    patient = db.scalar(select(Patient).where(Patient.family_name == "Newcomer"))
    assert patient.registered_organisation_id == world.practice.id
    imports = db.scalars(
        select(AuditEvent).where(
            AuditEvent.patient_id == patient.id, AuditEvent.action == "patient.import"
        )
    ).all()
    assert [(e.actor_user_id, e.detail) for e in imports] == [
        (world.clinician.id, "source=record.json")
    ]
    assert "Asthma" in client.get(f"/record/{patient.id}/conditions").get_data(as_text=True)


def test_an_upload_cannot_touch_another_practices_patient(db, world, signed_in):
    client = signed_in(world.other_clinician)
    planted = {
        "resourceType": "AllergyIntolerance",
        "id": "planted-allergy",
        "code": {"text": "Planted allergy to penicillin"},
        "patient": {"reference": f"Patient/{world.patient.id}"},
    }
    page = soup_of(upload(client, json.dumps(bundle([planted])).encode()))
    summary = page.select_one(".nhsuk-error-summary").get_text(" ", strip=True)
    assert "entry 0 (AllergyIntolerance)" in summary
    assert "not registered with your organisation" in summary
    db.expire_all()
    assert stored(db, world.patient, "AllergyIntolerance") == 0


def test_upload_needs_a_file_and_the_permission(db, world, signed_in):
    client = signed_in(world.clinician)
    token = csrf_token(client, "/records/upload")
    page = soup_of(
        client.post(
            "/records/upload", data={"csrf_token": token}, content_type="multipart/form-data"
        )
    )
    assert "Select a FHIR JSON file" in page.select_one(".nhsuk-error-summary").get_text()
    assert signed_in(world.patient_user).get("/records/upload").status_code == 403


# --- the query budget ------------------------------------------------------------------------


def test_pages_issue_the_same_number_of_queries_whatever_the_record_size(
    db, world, signed_in, query_counter
):
    small = import_patient(db, json.dumps(generated_record("budget-small", 20)), world.practice)
    large = import_patient(db, json.dumps(generated_record("budget-large", 5000)), world.practice)
    assert stored(db, large, "Observation", "Condition") == 5000
    clients = {p.id: signed_in(factories.user(db, Role.PATIENT, patient=p)) for p in (small, large)}
    pages = [
        "",
        "/print",
        "/conditions",
        "/results",
        "/results?q=test&date_from=2015-01-01&page=2",
        "/results?page=150",  # deep in the large record; the small one has only one page
        "/results/1003-3",
    ]

    def queries(patient, path):
        client = clients[patient.id]
        url = path if path.startswith("/home") else f"/record/{patient.id}{path}"
        client.get(url)  # warm up: the first request loads the same things for both
        with query_counter as counted:
            assert client.get(url).status_code == 200
        return counted.count

    for path in [*pages, "/home"]:
        assert queries(small, path) == queries(large, path), path
    summary = clients[large.id].get(f"/record/{large.id}").get_data(as_text=True)
    assert "4000 entries" in summary and "1000 entries" in summary
    assert "Showing the latest 5 of 500." in summary  # of the current problems
    deep = soup_of(clients[large.id].get(f"/record/{large.id}/results?page=150"))
    assert "Showing 2981 to 3000 of 4000 entries." in deep.main.get_text(" ", strip=True)


def test_a_new_patient_with_an_empty_record_is_offered_an_example_to_explore(db, world, signed_in):
    client = signed_in(world.patient_user)
    page = soup_of(client.get(f"/record/{world.patient.id}"))
    link = page.select_one('main a[href="/record/example"]')
    assert link is not None and "example record" in link.get_text()
    example = soup_of(client.get("/record/example"))
    text = example.main.get_text(" ", strip=True)
    assert "This is an example" in text and "made-up person" in text
    assert "Current health problems" in text and "Latest test results" in text
    assert len(table_rows(example)) >= 1
    assert world.patient.family_name not in text
    # it reads nobody's record
    db.expire_all()
    assert not db.scalars(select(AuditEvent).where(AuditEvent.purpose == "example")).all()
    # someone with a record is not offered it
    tommy_page = soup_of(signed_in(world.clinician).get(f"/record/{world.patient.id}"))
    assert tommy_page.select_one('main a[href="/record/example"]') is None


def test_the_example_record_is_open_to_anyone_and_in_welsh_too(client):
    assert client.get("/record/example").status_code == 200
    client.get("/language/cy")
    page = soup_of(client.get("/record/example"))
    assert page.html["lang"] == "cy"
