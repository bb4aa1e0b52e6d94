"""Administrators see what was not delivered (recipient masked, no text) and try again."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from sqlalchemy import select

from myhealth.messaging.models import OutboxMessage, OutboxStatus
from tests.conftest import sign_in_as
from tests.messaging.conftest import enqueue_email, send

PAGE = "/admin/messages/"


def words(response) -> str:
    return " ".join(BeautifulSoup(response.get_data(as_text=True), "html.parser").stripped_strings)


def dead_message(db, smtp_down_app, to="sam.patel@example.org"):
    message = enqueue_email(db, to=to)
    message.attempts = 3  # the next failure is the last (smtp_down_app allows 4)
    db.commit()
    assert send(smtp_down_app, db).dead == 1
    return message


def token(client) -> str:
    html = client.get(PAGE).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_an_administrator_sees_undelivered_messages_without_their_text(
    db, world, signed_in, smtp_down_app
):
    dead_message(db, smtp_down_app)
    waiting = enqueue_email(db, to="jo.evans@example.org", template="verify_email")
    db.commit()
    page = signed_in(world.admin).get(PAGE)
    assert page.status_code == 200
    text = words(page)
    assert "Not delivered" in text and "Waiting to be sent" in text
    assert "s***@e***.org" in text and "j***@e***.org" in text
    assert "SMTP server not reachable (ConnectionRefusedError)" in text
    assert "review_replied" in text and waiting.template in text
    html = page.get_data(as_text=True)
    for private in ("sam.patel@example.org", "jo.evans@example.org", "Sam Patel", "https://"):
        assert private not in html.replace('href="https://', "")


def test_nobody_else_sees_the_page(db, world, signed_in):
    for user in (world.patient_user, world.clinician):
        assert signed_in(user).get(PAGE).status_code == 403


def test_try_again_sends_a_dead_message_once_the_fault_is_fixed(
    db, world, signed_in, smtp_down_app, mailbox
):
    message = dead_message(db, smtp_down_app)
    client = signed_in(world.admin)  # on the suite's app, whose SMTP server works
    response = client.post(f"{PAGE}{message.id}/retry", data={"csrf_token": token(client)})
    assert response.status_code == 302
    assert "The message will be sent again." in words(client.get(PAGE))
    assert [m["to"] for m in mailbox.messages] == [["sam.patel@example.org"]]
    db.refresh(message)
    assert message.status is OutboxStatus.SENT and message.attempts == 1
    assert "There are no undelivered messages." in words(client.get(PAGE))


def test_try_again_without_the_csrf_token_changes_nothing(
    db, world, signed_in, smtp_down_app, mailbox
):
    message = dead_message(db, smtp_down_app)
    client = signed_in(world.admin)
    response = client.post(f"{PAGE}{message.id}/retry")
    assert response.status_code == 400
    db.refresh(message)
    assert message.status is OutboxStatus.DEAD
    assert mailbox.messages == []


def test_try_again_on_a_message_that_was_sent_is_not_found(db, world, app, signed_in, mailbox):
    message = enqueue_email(db)
    db.commit()
    send(app, db)
    client = signed_in(world.admin)
    response = client.post(f"{PAGE}{message.id}/retry", data={"csrf_token": token(client)})
    assert response.status_code == 404
    assert len(mailbox.messages) == 1
    assert db.scalar(select(OutboxMessage.status)) is OutboxStatus.SENT


def test_the_page_is_in_welsh_for_a_welsh_administrator(db, world, app, smtp_down_app):
    dead_message(db, smtp_down_app)
    client = sign_in_as(app, db, world.admin)
    page = client.get(PAGE, headers={"Accept-Language": "cy"})
    text = words(page)
    assert "Negeseuon heb eu hanfon" in text and "Heb ei danfon" in text
