"""The clinician's list of their practice's patients: paged 25 at a time, searched by name or
by NHS number however it is spaced."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from myhealth.access.models import AuditEvent
from tests import factories


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def names(page: BeautifulSoup) -> list[str]:
    return [row.td.get_text(strip=True) for row in page.select("tbody tr")]


def links(page: BeautifulSoup) -> dict[str, str]:
    """The pagination's previous and next links, by direction."""
    return {
        direction: link["href"]
        for direction in ("prev", "next")
        for link in page.select(f"a.nhsuk-pagination__link--{direction}")
    }


@pytest.fixture
def many(db, world):
    """60 more patients at the practice: 61 in all, three pages of 25, 25 and 11."""
    return [
        factories.patient(db, world.practice, given_name="Ann", family_name=f"Zed{n:02d}")
        for n in range(60)
    ]


def test_the_list_is_paged_with_previous_and_next_links(db, world, signed_in, many):
    clinician = signed_in(world.clinician)
    first = soup(clinician.get("/clinician/"))
    assert "61 patients found." in first.get_text(" ", strip=True)
    assert names(first)[0] == "PATEL, Sam" and len(names(first)) == 25
    assert links(first) == {"next": "/clinician/?page=2"}

    second = soup(clinician.get("/clinician/?page=2"))
    assert names(second)[0] == "ZED24, Ann" and len(names(second)) == 25
    assert links(second) == {"prev": "/clinician/?page=1", "next": "/clinician/?page=3"}

    last = soup(clinician.get("/clinician/?page=3"))
    assert names(last)[-1] == "ZED59, Ann" and len(names(last)) == 11
    assert links(last) == {"prev": "/clinician/?page=2"}


@pytest.mark.parametrize(("asked", "shown"), [("99", 3), ("0", 1), ("x", 1), ("²", 1), ("", 1)])
def test_a_page_out_of_range_or_not_a_number_shows_the_nearest_page(
    db, world, signed_in, many, asked, shown
):
    clinician = signed_in(world.clinician)
    expected = names(soup(clinician.get(f"/clinician/?page={shown}")))
    assert names(soup(clinician.get(f"/clinician/?page={asked}"))) == expected
    listed = db.scalars(
        select(AuditEvent.detail)
        .where(AuditEvent.action == "patient.list")
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).one()
    assert f"page={shown} shown={len(expected)}" in listed


def test_a_search_keeps_its_words_in_the_page_links(db, world, signed_in, many):
    page = soup(signed_in(world.clinician).get("/clinician/?q=zed&page=2"))
    assert "60 patients found." in page.get_text(" ", strip=True)
    assert links(page) == {"prev": "/clinician/?q=zed&page=1", "next": "/clinician/?q=zed&page=3"}


@pytest.mark.parametrize("spacing", ["{}{}{}", "{} {} {}", "{}-{}-{}", " {} {}  {} "])
def test_a_patient_is_found_by_nhs_number_however_it_is_spaced(db, world, signed_in, many, spacing):
    wanted = many[37]
    n = wanted.nhs_number
    query = spacing.format(n[:3], n[3:6], n[6:])
    page = soup(signed_in(world.clinician).get("/clinician/", query_string={"q": query}))
    assert names(page) == ["ZED37, Ann"]
    assert wanted.formatted_nhs_number in page.get_text(" ", strip=True)


def test_a_number_with_a_wrong_check_digit_finds_nobody(db, world, signed_in, many):
    n = many[37].nhs_number
    wrong = n[:9] + str((int(n[9]) + 1) % 10)
    page = soup(signed_in(world.clinician).get("/clinician/", query_string={"q": wrong}))
    assert names(page) == []
    assert "No patients match your search." in page.get_text(" ", strip=True)


def test_another_practices_patient_is_not_found_by_nhs_number(db, world, signed_in):
    page = soup(
        signed_in(world.clinician).get(
            "/clinician/", query_string={"q": world.other_patient.formatted_nhs_number}
        )
    )
    assert names(page) == []


def _mistyped(number: str) -> str:
    """The number with its last digit changed so that the check digit fails."""
    import nhs_number as checker

    for digit in "0123456789":
        candidate = number[:9] + digit
        if candidate != number and not checker.is_valid(candidate):
            return candidate
    raise AssertionError("no mistyped form")


def test_a_mistyped_nhs_number_is_said_to_be_mistyped(db, world, signed_in):
    """Ten digits that fail the check digit: the clinician is told to check the number, in an
    NHS.UK error summary linked to the search box, not only that nobody matches."""
    client = signed_in(world.clinician)
    typo = _mistyped(world.patient.nhs_number)
    page = soup(client.get("/clinician/", query_string={"q": f"{typo[:3]} {typo[3:6]} {typo[6:]}"}))
    summary = page.select_one(".nhsuk-error-summary")
    assert summary is not None
    assert "Enter a valid NHS number" in summary.get_text(" ", strip=True)
    assert summary.select_one("a")["href"] == "#q"
    assert page.select_one("#q-error") is not None
    # A name, or the right number, gives no error.
    for fine in ("Patel", world.patient.nhs_number):
        assert soup(client.get("/clinician/", query_string={"q": fine})).select_one(
            ".nhsuk-error-summary"
        ) is None
