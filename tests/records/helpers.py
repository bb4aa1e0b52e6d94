"""Driving imports the way people do: a clinician's upload through the web form, an operator's
`myhealth import-fhir`, and a person signing up and signing in through the account pages."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

from bs4 import BeautifulSoup
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from myhealth.cli import main
from tests.accounts.helpers import csrf_token, post_form

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "fhir-samples"
TOMMY = SAMPLES / "Tommy_Friesen_dc0e6a8c-6c31-4d75-966f-ac682f486756.json"
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
PASSWORD = "harbour-lantern-walnut-7"


def sample(name: str) -> dict:
    return json.loads((SAMPLES / name).read_bytes())


def collection(*resources: dict) -> dict:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": copy.deepcopy(r)} for r in resources],
    }


def tommy_with_nhs_number(nhs_number: str) -> dict:
    """The Synthea record of Tommy Friesen as a practice would hold it: with his NHS number."""
    bundle = json.loads(TOMMY.read_bytes())
    patient = bundle["entry"][0]["resource"]
    patient["identifier"].append({"system": NHS_NUMBER_SYSTEM, "value": nhs_number})
    return bundle


def upload(client, document, filename: str = "record.json"):
    """A clinician's upload through the web form, with the page's CSRF token.

    The multipart body is encoded here, in memory: the test client's own encoder leaves a
    temporary file open for bodies over 500 kB, which the suite's warnings-as-errors catch.
    """
    data = document if isinstance(document, bytes) else json.dumps(document).encode()
    boundary, body = encode_multipart(
        {
            "csrf_token": csrf_token(client, "/records/upload"),
            "document": FileStorage(io.BytesIO(data), filename=filename),
        }
    )
    return client.post(
        "/records/upload", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def error_summary(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    summary = soup.select_one(".nhsuk-error-summary")
    return summary.get_text(" ", strip=True) if summary else ""


def page_text(response) -> str:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser").get_text(" ", strip=True)


def import_cli(app, tmp_path, document, *options: str, name: str = "import.json"):
    """`myhealth import-fhir` run as an operator runs it, on a file written for the purpose."""
    path = tmp_path / name
    path.write_bytes(document if isinstance(document, bytes) else json.dumps(document).encode())
    return app.test_cli_runner().invoke(main, ["import-fhir", *options, str(path)])


def sign_up_and_sign_in(client, mailbox, practice, *, nhs_number, given, family, born, email):
    """Sign up through the web form, follow the emailed link and sign in. Returns the client."""
    response = post_form(
        client,
        "/sign-up",
        {
            "nhs_number": nhs_number,
            "given_name": given,
            "family_name": family,
            "dob_day": str(born.day),
            "dob_month": str(born.month),
            "dob_year": str(born.year),
            "practice": str(practice.id),
            "email": email,
            "password": PASSWORD,
            "password_confirm": PASSWORD,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert client.get(mailbox.last_link()).status_code == 200
    signed_in = post_form(client, "/sign-in", {"email": email, "password": PASSWORD})
    assert signed_in.headers["Location"].endswith("/home"), signed_in.headers.get("Location")
    return client
