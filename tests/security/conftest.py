"""Shared pieces of the security suite: a client per role, sample URLs for every rule,
the CSRF switch for the route matrix and the header checks every page must pass."""

from __future__ import annotations

import re
import uuid

import pytest
from bs4 import BeautifulSoup
from flask import url_for

ROLES = ("anonymous", "patient", "other_patient", "clinician", "other_clinician", "admin")

# Which member of the `world` fixture signs in for each role.
ROLE_USERS = {
    "patient": "patient_user",
    "other_patient": "other_patient_user",
    "clinician": "clinician",
    "other_clinician": "other_clinician",
    "admin": "admin",
}

IGNORED_METHODS = {"HEAD", "OPTIONS"}
STATIC_ENDPOINTS = {"static", "assets"}
STATIC_FILES = {"static": "css/myhealth.css", "assets": "nhsuk-frontend.min.css"}
INVALID_TOKEN = "not-a-valid-token.abc123"
HEART_RATE = "8867-4"  # LOINC; the result the `record_with_result` fixture adds
# Samples for one endpoint's variables, where the generic sample by name does not fit.
ENDPOINT_SAMPLES = {
    "records.result_trend": {"code": HEART_RATE},
    "records.section": {"section": "results"},
}
# Every self-assessment page is tried with the PHQ-9 and its first question.
SELFCARE_SAMPLES = {"algorithm_id": "phq9", "slug": "items-1", "page": "suicidal_thoughts"}
SAFE_REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}


def routes(app) -> set[tuple[str, str]]:
    """Every (endpoint, method) the app serves, HEAD and OPTIONS aside."""
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - IGNORED_METHODS
    }


def rule_for(app, endpoint: str, method: str):
    for rule in app.url_map.iter_rules(endpoint):
        if method in rule.methods:
            return rule
    raise LookupError(f"no rule for {endpoint} {method}")


def sample_url(app, endpoint: str, method: str = "GET", **values) -> str:
    """A URL for the rule, with a sample value for each of its variables.

    Pass patient_id and device_id; token, code and filename have fixed samples. A new kind
    of URL variable fails loudly here so that its sample is chosen on purpose.
    """
    rule = rule_for(app, endpoint, method)
    args = {}
    for name in sorted(rule.arguments):
        if name in ENDPOINT_SAMPLES.get(endpoint, {}):
            args[name] = ENDPOINT_SAMPLES[endpoint][name]
        elif name in SELFCARE_SAMPLES:
            args[name] = SELFCARE_SAMPLES[name]
        elif name in ("assessment_id", "item_id", "user_id", "message_id") and name not in values:
            args[name] = uuid.uuid4()  # answers "not found": enough for header and CSRF checks
        elif name == "filename":
            args[name] = STATIC_FILES[endpoint]
        elif name == "token":
            args[name] = INVALID_TOKEN
        elif name == "code":
            args[name] = "cy"
        elif name in values:
            args[name] = values[name]
        else:
            raise AssertionError(f"no sample value for <{name}> in {rule.rule}: add one here")
    with app.test_request_context():
        return url_for(endpoint, **args)


@pytest.fixture
def record_with_result(db, world):
    """A heart rate in the patient's record, so the record pages have something to show."""
    from myhealth.records.fhir_import import import_document

    import_document(
        db,
        {
            "resourceType": "Observation",
            "id": f"security-suite-{uuid.uuid4()}",
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": HEART_RATE}]},
            "subject": {"reference": f"Patient/{world.patient.id}"},
            "effectiveDateTime": "2024-03-01T09:30:00+00:00",
            "valueQuantity": {"value": 72, "unit": "/min"},
        },
        organisation=world.practice,
        source="security suite",
    )
    db.commit()


@pytest.fixture
def flagged_assessment(db, world):
    """A PHQ-9 of the patient's over the review threshold, so it has a review item."""
    from tests import factories

    return factories.assessment(db, world.patient_user)


@pytest.fixture
def client_for(app, world, signed_in):
    """A fresh test client for a role: anonymous, or signed in on a new device."""

    def make(role: str):
        if role == "anonymous":
            return app.test_client()
        return signed_in(getattr(world, ROLE_USERS[role]))

    return make


def csrf_token(client, path: str = "/sign-up") -> str:
    """A valid CSRF token for this client's session, read from a page with a form."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def random_id() -> uuid.UUID:
    return uuid.uuid4()


# --- headers -------------------------------------------------------------------------------


def parse_csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def csp_nonce(response) -> str:
    script_src = parse_csp(response.headers["Content-Security-Policy"])["script-src"]
    nonces = [s[len("'nonce-") : -1] for s in script_src if s.startswith("'nonce-")]
    assert len(nonces) == 1, f"expected one nonce in script-src, got {script_src}"
    return nonces[0]


def header_problems(response, path: str) -> list[str]:
    """What is wrong with the security headers of one response (empty when all is well)."""
    problems = []
    headers = response.headers
    csp_header = headers.get("Content-Security-Policy")
    if not csp_header:
        return [f"{path}: no Content-Security-Policy"]
    csp = parse_csp(csp_header)
    script_src = csp.get("script-src", csp.get("default-src", []))
    if not script_src:
        problems.append(f"{path}: CSP has no script-src or default-src")
    for unsafe in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"):
        if unsafe in script_src:
            problems.append(f"{path}: script-src allows {unsafe}")
    if csp.get("frame-ancestors") != ["'none'"]:
        problems.append(f"{path}: frame-ancestors is {csp.get('frame-ancestors')}")
    if csp.get("object-src") != ["'none'"]:
        problems.append(f"{path}: object-src is {csp.get('object-src')}")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{path}: X-Content-Type-Options is not nosniff")
    if headers.get("Referrer-Policy") not in SAFE_REFERRER_POLICIES:
        problems.append(f"{path}: Referrer-Policy is {headers.get('Referrer-Policy')}")
    is_asset = path.startswith(("/static/", "/assets/"))
    if not is_asset and "no-store" not in headers.get("Cache-Control", ""):
        problems.append(f"{path}: Cache-Control is {headers.get('Cache-Control')}")
    return problems


def page_problems(response, path: str) -> list[str]:
    """What in an HTML page the CSP would block or that breaks the NHS.UK page shell."""
    problems = []
    html = response.get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    nonce = csp_nonce(response)
    inline = [s for s in soup.find_all("script") if not s.get("src")]
    if not inline:
        problems.append(f"{path}: no inline script (the NHS.UK js-enabled script is missing)")
    for script in inline:
        if script.get("nonce") != nonce:
            problems.append(f"{path}: inline script nonce {script.get('nonce')!r} != CSP {nonce!r}")
    for tag in soup.find_all(True):
        handlers = [name for name in tag.attrs if name.lower().startswith("on")]
        if handlers:
            problems.append(f"{path}: <{tag.name}> has inline handlers {handlers}")
        if str(tag.get("href", "")).strip().lower().startswith("javascript:"):
            problems.append(f"{path}: <{tag.name}> has a javascript: link")
        if tag.has_attr("style") or tag.name == "style":
            problems.append(f"{path}: <{tag.name}> uses inline styles that style-src blocks")
    if soup.select_one("header.nhsuk-header") is None:
        problems.append(f"{path}: not an NHS.UK styled page (no header)")
    return problems


def is_html(response) -> bool:
    return response.mimetype == "text/html"
