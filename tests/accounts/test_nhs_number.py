"""NHS numbers: one normaliser (myhealth.nhs_number) and the sign-up form that uses it.

Numbers come from the 999 test range, with check digits the `nhs-number` package confirms.
"""

import nhs_number as package
import pytest
from sqlalchemy import select

from myhealth import nhs_number
from myhealth.accounts.models import User
from tests import factories
from tests.accounts.helpers import errors, field_error, post_form
from tests.accounts.test_sign_up import counts, form

VALID = "9990000018"
WRONG_CHECK_DIGIT = "9990000019"


def test_the_numbers_used_here_are_what_they_say():
    assert package.is_valid(VALID) and VALID.startswith("999")
    assert not package.is_valid(WRONG_CHECK_DIGIT)


@pytest.mark.parametrize(
    "typed",
    [
        "9990000018",
        "999 000 0018",
        "999-000-0018",
        "  999 000 0018  ",
        "999 - 000 - 0018",
        "999\u00a0000\u00a00018",  # pasted with non-breaking spaces
        "999\u2013000\u20130018",  # en dashes, as word processors write them
        9990000018,
    ],
)
def test_spaces_and_dashes_are_ignored(typed):
    assert nhs_number.normalise(typed) == VALID
    assert nhs_number.is_valid(typed)
    assert nhs_number.formatted(typed) == "999 000 0018"


@pytest.mark.parametrize(
    ("typed", "problem", "says"),
    [
        ("", nhs_number.Problem.MISSING, "No NHS number was given"),
        (None, nhs_number.Problem.MISSING, "No NHS number was given"),
        ("   ", nhs_number.Problem.MISSING, "No NHS number was given"),
        ("999 000 001", nhs_number.Problem.LENGTH, "it has 9 digits; an NHS number has 10"),
        ("99900000188", nhs_number.Problem.LENGTH, "it has 11 digits"),
        ("999 000 0019", nhs_number.Problem.CHECK_DIGIT, "the check digit is wrong"),
        ("NHS 9990000018", nhs_number.Problem.NOT_DIGITS, "letters or symbols"),
        # Other scripts' digits pass str.isdigit(), and once reached the database.
        (
            "\u0669\u0669\u0669\u0660\u0660\u0660\u0660\u0660\u0661\u0668",
            nhs_number.Problem.NOT_DIGITS,
            "letters or symbols",
        ),
        ("9990000018+", nhs_number.Problem.NOT_DIGITS, "letters or symbols"),
    ],
)
def test_what_is_not_an_nhs_number_is_refused_with_the_reason(typed, problem, says):
    with pytest.raises(nhs_number.InvalidNHSNumber) as refused:
        nhs_number.normalise(typed)
    assert isinstance(refused.value, ValueError)
    assert refused.value.problem is problem
    assert says in str(refused.value)
    assert not nhs_number.is_valid(typed)


def test_a_wrong_check_digit_is_named_with_the_number():
    with pytest.raises(nhs_number.InvalidNHSNumber) as refused:
        nhs_number.normalise("999-000-0019")
    assert str(refused.value) == (
        "'999-000-0019' is not a valid NHS number: the check digit is wrong; "
        "check it has been typed correctly"
    )
    assert refused.value.mistyped


def test_the_package_rules_beyond_the_check_digit_still_apply():
    # In the Scottish CHI range the first six digits are a date; 30/13 is none.
    assert package.calculate_checksum("301300000") == 7
    with pytest.raises(nhs_number.InvalidNHSNumber) as refused:
        nhs_number.normalise("3013000007")
    assert refused.value.problem is nhs_number.Problem.NOT_ISSUED and refused.value.mistyped


def test_formatting_shows_a_recorded_number_even_with_a_wrong_check_digit():
    # Numbers imported before check digits were checked are still shown as recorded.
    assert nhs_number.formatted(WRONG_CHECK_DIGIT) == "999 000 0019"
    with pytest.raises(nhs_number.InvalidNHSNumber):
        nhs_number.formatted("12345")


def test_a_patient_shows_their_number_in_groups(db, world):
    patient = factories.patient(db, world.practice, nhs_number=VALID)
    assert patient.formatted_nhs_number == "999 000 0018"


# --- the sign-up form ------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["999 000 0018", "999-000-0018", " 9990000018 "])
def test_sign_up_accepts_a_number_with_spaces_or_dashes_and_stores_its_digits(
    client, db, world, mailbox, typed
):
    response = post_form(client, "/sign-up", form(world.practice, nhs_number=typed))
    assert response.status_code == 302, errors(response.get_data(as_text=True))
    user = db.scalar(select(User).where(User.email == "megan.hughes@example.org"))
    assert user.patient.nhs_number == VALID


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("999 000 0019", "Enter a valid NHS number. Check you have typed it correctly"),
        ("999-000-0019", "Enter a valid NHS number. Check you have typed it correctly"),
        ("3013000007", "Enter a valid NHS number. Check you have typed it correctly"),
        ("999 000 001", "NHS number must be 10 digits"),
        ("\u0669\u0669\u0669\u0660\u0660\u0660\u0660\u0660\u0661\u0668", "NHS number must be"),
        ("   ", "Enter your NHS number"),
    ],
)
def test_sign_up_refuses_a_number_that_fails_its_check_with_a_specific_error(
    client, db, world, mailbox, typed, message
):
    before = counts(db)
    response = post_form(client, "/sign-up", form(world.practice, nhs_number=typed))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert any(message in text for text in errors(html).get("nhs_number", [])), errors(html)
    assert message in (field_error(html, "nhs_number") or "")
    assert counts(db) == before
    assert mailbox.messages == []
    # What was typed is shown again for correcting, not the digits picked out of it.
    assert f'value="{typed.strip()}"' in html or typed.isspace()


def test_the_sign_up_limit_counts_one_number_however_it_is_typed(
    rate_limited, client_at, db, world, mailbox
):
    app = rate_limited(SIGNUP_LIMIT_PER_PERSON="2 per hour")
    number = factories.next_nhs_number()
    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"
    dashed = spaced.replace(" ", "-")
    statuses = [
        post_form(
            client_at(f"203.0.113.{n + 80}", app),
            "/sign-up",
            form(
                world.practice,
                nhs_number=typed,
                email=f"try{n}@example.org",
                dob_day=str(n + 1),  # not the first person: the page is the same for them
            ),
        ).status_code
        for n, typed in enumerate([number, spaced, dashed])
    ]
    assert statuses == [302, 302, 429]
