"""What the messages say: today's wording, in English and Welsh, with no clinical detail; and
the emails people rely on (sign-up, a clinician's reply) still arrive through the outbox."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from myhealth.messaging import outbox
from myhealth.messaging.models import OutboxMessage, OutboxStatus
from tests import factories
from tests.accounts.helpers import post_form
from tests.accounts.test_sign_up import form

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "messaging"
NAMES = sorted(p.stem for p in TEMPLATES.glob("*.txt") if not p.stem.startswith("_"))
CONTEXT = {
    "name": "Sam Patel",
    "link": "https://localhost/example",
    "minutes": 15,
    "address": "203.0.113.9",
}
# Words that would mean a message says something about someone's health. Messages say only
# that there is something to read, and where to sign in.
CLINICAL = re.compile(
    r"diagnos|symptom|depress|anxi|suicid|self-harm|medic|prescri|cancer|pain|blood|"
    r"score|urgent|phq|gad-?7|999|111|chest|breath|mental|result|disease|condition|"
    r"symptom|diagnos|iselder|pryder|meddyginiaeth|presgripsiwn|poen|gwaed|sgôr|brys|"
    r"canlyniad|clefyd|cyflwr",
    re.IGNORECASE,
)


def render_all(app, language: str) -> dict[str, tuple[str, str]]:
    with app.app_context():
        return {name: outbox.render(name, CONTEXT, language) for name in NAMES}


def test_every_message_is_written_in_english_and_welsh(app):
    assert NAMES == [
        "already_registered",
        "recovery_codes_issued",
        "review_replied",
        "sign_in_locked",
        "sign_up_unmatched",
        "two_factor_off",
        "verify_email",
    ]
    english, welsh = render_all(app, "en"), render_all(app, "cy")
    for name in NAMES:
        (en_subject, en_body), (cy_subject, cy_body) = english[name], welsh[name]
        assert en_subject and en_body.startswith("Hello"), name
        assert cy_subject != en_subject and cy_body.startswith("Helo"), name
        # Every paragraph of the Welsh is Welsh, not English left behind.
        en_paragraphs = {p.strip() for p in en_body.split("\n\n")} - {CONTEXT["link"]}
        assert not en_paragraphs & {p.strip() for p in cy_body.split("\n\n")}, name
    assert "15 minutes" in english["sign_in_locked"][1]
    assert "203.0.113.9" in english["sign_in_locked"][1]
    assert "two-factor authentication was turned off" in english["two_factor_off"][1].lower()


def test_a_message_has_today_s_wording(app):
    subject, body = render_all(app, "en")["verify_email"]
    assert subject == "Confirm your email address"
    assert body == (
        "Hello Sam Patel,\n\n"
        "Confirm your email address to finish setting up your myhealth account:\n\n"
        "https://localhost/example\n\n"
        "This link works for 24 hours. If you did not ask for an account, ignore this email.\n"
    )


@pytest.mark.parametrize("language", ["en", "cy"])
def test_no_message_says_anything_clinical(app, language):
    for name, (subject, body) in render_all(app, language).items():
        found = CLINICAL.findall(f"{subject}\n{body}")
        assert not found, f"{name} ({language}) says {found}"
    for path in TEMPLATES.glob("*.txt"):
        assert not CLINICAL.findall(path.read_text()), path.name


def test_a_welsh_speaker_hears_of_a_review_in_welsh_without_its_details(
    db, world, signed_in, mailbox
):
    from myhealth.clinician import services

    world.patient_user.language = "cy"
    assessment = factories.assessment(db, world.patient_user)
    item = db.scalar(
        select(services.ReviewItem).where(services.ReviewItem.assessment_id == assessment.id)
    )
    services.claim(db, world.clinician, item.id)
    db.commit()
    client = signed_in(world.clinician)
    url = f"/clinician/reviews/{item.id}"
    advice = "Stop taking the sertraline and book a blood test for your thyroid."
    response = post_form(
        client,
        f"{url}/close",
        {"outcome": "advice", "advice": advice, "note": "Reviewed"},
        token_from=url,
    )
    assert response.status_code == 302
    [email] = mailbox.messages
    assert email["to"] == [world.patient_user.email]
    assert email["body"].startswith("Helo ")
    assert "sertraline" not in email["body"] and assessment.algorithm_title not in email["body"]
    [row] = db.scalars(select(OutboxMessage)).all()
    assert set(row.context) == {"name", "link"} and row.status is OutboxStatus.SENT
    assert row.idempotency_key == f"review_replied:{item.id}:{world.patient_user.id}"


def test_sign_up_from_a_welsh_browser_sends_the_link_in_welsh(client, db, world, mailbox):
    client.get("/", headers={"Accept-Language": "cy"})
    data = form(world.practice)
    response = post_form(client, "/sign-up", data, headers={"Accept-Language": "cy"})
    assert response.status_code == 302
    [email] = mailbox.messages
    assert email["to"] == [data["email"]]
    assert email["body"].startswith("Helo Megan")
    assert "/verify-email/" in mailbox.last_link()
    [row] = db.scalars(select(OutboxMessage)).all()
    assert (row.template, row.language, row.status) == ("verify_email", "cy", OutboxStatus.SENT)
