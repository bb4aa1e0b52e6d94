"""Bad input never breaks a page: every route, as each kind of person, with generated query
strings and form fields (odd digits, huge numbers, NaN, dates in year 9999, control characters,
long text), answers with a page or a refusal, never a server error.

Form field names come from the page itself (the inputs of its forms) and the query names the
views read, so a new field is fuzzed without a change here.
"""

from __future__ import annotations

import string

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.conftest import STATIC_ENDPOINTS, csrf_token, routes, sample_url

FUZZ = settings(
    max_examples=20,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ROLES = ("anonymous", "patient", "clinician")
# What the views read from the query string, and a few they do not.
QUERY_NAMES = ("page", "q", "next", "system", "date_from", "date_to", "code", "sort", "status")
NASTY = [
    "²",
    "٣",
    "１２",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e309",
    "-1",
    "0",
    "99999999999",
    "9" * 400,
    "31/12/9999",
    "9999-12-31",
    "0000-00-00",
    "2026-02-30",
    "\x00",
    "\ufeff",
    "' OR '1'='1",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%",
    "%(x)s",
    "{{7*7}}",
    "",
    " ",
]
VALUES = st.one_of(
    st.sampled_from(NASTY),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(alphabet=string.digits + ".-/", min_size=1, max_size=25),
)


def _form_fields(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    names = []
    for form in soup.select("main form[method=post], main form[method=POST]"):
        for field in form.select("input[name], select[name], textarea[name]"):
            name = field["name"]
            if name != "csrf_token" and name not in names:
                names.append(name)
    return names


@pytest.fixture
def clients(world, signed_in, client):
    return {
        "anonymous": client,
        "patient": signed_in(world.patient_user),
        "clinician": signed_in(world.clinician),
    }


def _urls(app, world, flagged_assessment, endpoint, method, device_id):
    return sample_url(
        app,
        endpoint,
        method,
        patient_id=world.patient.id,
        device_id=device_id,
        assessment_id=flagged_assessment.id,
        item_id=flagged_assessment.review_item.id,
    )


def check_no_server_error(response, where: str) -> None:
    status = response.status_code
    response.close()
    assert status < 500, f"{where}: {status}"


@pytest.mark.parametrize("role", ROLES)
def test_no_query_string_breaks_a_page(app, world, clients, flagged_assessment, role):
    client = clients[role]
    device_id = getattr(client, "device_id", None) or clients["patient"].device_id
    gets = sorted(
        endpoint
        for endpoint, method in routes(app)
        if method == "GET" and endpoint not in STATIC_ENDPOINTS
    )
    urls = [_urls(app, world, flagged_assessment, e, "GET", device_id) for e in gets]

    @FUZZ
    @given(query=st.dictionaries(st.sampled_from(QUERY_NAMES), VALUES, min_size=1, max_size=4))
    def fuzz(query):
        for url in urls:
            check_no_server_error(
                client.get(url, query_string=query), f"GET {url}?{query} as {role}"
            )

    fuzz()


@pytest.mark.parametrize("role", ROLES)
def test_no_form_input_breaks_a_form(app, world, clients, flagged_assessment, role):
    client = clients[role]
    device_id = getattr(client, "device_id", None) or clients["patient"].device_id
    posts = sorted(
        endpoint
        for endpoint, method in routes(app)
        if method == "POST"
        and endpoint not in STATIC_ENDPOINTS
        and endpoint not in ("accounts.sign_out", "accounts.sign_out_everywhere")
    )
    forms = []
    for endpoint in posts:
        url = _urls(app, world, flagged_assessment, endpoint, "POST", device_id)
        page = client.get(url)
        fields = _form_fields(page.get_data(as_text=True)) if page.status_code == 200 else []
        page.close()
        forms.append((url, fields or ["answer", "email", "password"]))

    @FUZZ
    @given(data=st.data())
    def fuzz(data):
        token = csrf_token(client)
        for url, fields in forms:
            values = {
                name: data.draw(st.one_of(VALUES, st.lists(VALUES, min_size=2, max_size=3)))
                for name in fields
            }
            check_no_server_error(
                client.post(url, data={"csrf_token": token, **values}), f"POST {url} as {role}"
            )

    fuzz()
