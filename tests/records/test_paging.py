"""The one paging helper (myhealth.paging) the record sections and the clinician's patient list
share, and a record section paged through it."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from myhealth.accounts.models import Role
from myhealth.paging import Page, requested
from tests import factories
from tests.records.test_views import generated_record, import_patient


@pytest.mark.parametrize(
    ("total", "asked", "number", "pages", "offset", "previous", "next_"),
    [
        (0, 1, 1, 1, 0, None, None),  # an empty list is one empty page
        (0, 5, 1, 1, 0, None, None),
        (20, 1, 1, 1, 0, None, None),
        (21, 1, 1, 2, 0, None, 2),
        (21, 2, 2, 2, 20, 1, None),
        (45, 2, 2, 3, 20, 1, 3),
        (45, 999, 3, 3, 40, 2, None),  # past the end: the last page
        (45, 0, 1, 3, 0, None, 2),  # before the start: the first
        (45, -4, 1, 3, 0, None, 2),
    ],
)
def test_a_page_is_clamped_to_the_pages_there_are(
    total, asked, number, pages, offset, previous, next_
):
    page = Page.of(total, asked, 20)
    assert (page.number, page.pages, page.total, page.size) == (number, pages, total, 20)
    assert (page.offset, page.previous, page.next) == (offset, previous, next_)
    assert page.items == ()


def test_a_page_with_its_items_says_which_of_the_whole_it_shows():
    page = Page.of(45, 3, 20).with_items(iter(["a", "b", "c", "d", "e"]))
    assert page.items == ["a", "b", "c", "d", "e"]
    assert (page.first, page.last, page.number) == (41, 45, 3)


def test_a_page_holds_at_least_one_item():
    with pytest.raises(ValueError):
        Page.of(10, 1, 0)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        (None, 1),
        ("", 1),
        ("3", 3),
        ("0", 0),  # clamped by Page.of, not here
        ("999999", 999999),
        ("1000000", 1),  # seven digits: nobody means that page
        ("-2", 1),
        ("2.5", 1),
        ("²", 1),  # str.isdigit() says yes; int() says no
        ("\u0663", 1),  # an Arabic-Indic 3
        (" 2", 1),
    ],
)
def test_the_page_asked_for_in_a_link(text, number):
    assert requested(text) == number


def test_a_record_section_shows_where_its_page_stands(db, world, signed_in):
    # 250 resources: 50 conditions, three pages of 20, 20 and 10.
    patient = import_patient(db, json.dumps(generated_record("paging", 250)), world.practice)
    client = signed_in(factories.user(db, Role.PATIENT, patient=patient))
    base = f"/record/{patient.id}/conditions"

    def page(asked: str) -> BeautifulSoup:
        response = client.get(f"{base}?page={asked}")
        assert response.status_code == 200
        return BeautifulSoup(response.get_data(as_text=True), "html.parser").main

    def links(shown: BeautifulSoup) -> dict[str, str]:
        return {d: a["href"] for d in ("prev", "next") for a in shown.select(f"a[rel={d}]")}

    for asked, showing, current, around in [
        ("1", "Showing 1 to 20 of 50 entries.", "1", {"next": f"{base}?page=2"}),
        ("0", "Showing 1 to 20 of 50 entries.", "1", {"next": f"{base}?page=2"}),
        (
            "2",
            "Showing 21 to 40 of 50 entries.",
            "2",
            {"prev": f"{base}?page=1", "next": f"{base}?page=3"},
        ),
        ("99", "Showing 41 to 50 of 50 entries.", "3", {"prev": f"{base}?page=2"}),
    ]:
        shown = page(asked)
        assert showing in shown.get_text(" ", strip=True), asked
        assert shown.select_one(".nhsuk-pagination__item--current").get_text(strip=True) == current
        assert links(shown) == around, asked
