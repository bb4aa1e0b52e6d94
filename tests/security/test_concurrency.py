"""Fifty people at once against a live server (gunicorn, 2 workers, production settings) on
the suite's engine: nobody gets a server error, and every look at a record is in the audit
trail, whose chain still verifies.

The embedded SQLite default used to answer about 40% of such requests with 500 "database is
locked" (issue 10): every read of patient data writes an audit entry, and SQLite refuses a
second writer at once unless the write lock is taken up front.
"""

from __future__ import annotations

import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from myhealth.access.models import AuditEvent
from myhealth.access.services import verify_chain
from myhealth.accounts.models import User
from myhealth.demo_people import DEMO_PASSWORD, DEMO_PATIENT_EMAIL
from tests.liveserver import Browser, Gunicorn, seed_demo

CLIENTS = 50


def _reads_by_purpose(session: Session, user: User) -> Counter:
    rows = session.execute(
        select(AuditEvent.purpose, func.count())
        .where(AuditEvent.action == "patient.read", AuditEvent.actor_user_id == user.id)
        .group_by(AuditEvent.purpose)
    )
    return Counter(dict(rows.all()))


@pytest.fixture
def live(scratch_database, tmp_path):
    seed_demo(scratch_database, tmp_path)
    server = Gunicorn(scratch_database, workers=2)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _visit(base: str) -> dict:
    """One person's visit: sign in (which lands on the homepage), the homepage again, the
    record summary, a section, a result's trend, start a self-assessment (a write that reads
    the record to fill in what it holds), its first question, then the front page (which
    sends a signed-in patient to their homepage). Returns each answer and the reads of the
    record the visit made, by purpose."""
    person = Browser(base)
    person.sign_in(DEMO_PATIENT_EMAIL, DEMO_PASSWORD)
    statuses = [("sign in", 200)]
    reads = Counter(homepage=1)

    def get(path: str) -> str:
        status, body = person.get(path)
        statuses.append((path, status))
        return body

    home = get("/home")
    reads["homepage"] += 1
    summary = re.search(r'href="(/record/[0-9a-f-]{36})"', home).group(1)
    body = get(summary)
    get(summary + "/conditions")
    chart = re.search(rf'href="({summary}/results/[^"]+)"', body).group(1)
    get(chart.replace("&amp;", "&"))
    reads["record"] += 3
    token = person.csrf("/self-assessment/sore_throat")
    status, _ = person.post("/self-assessment/sore_throat", {"csrf_token": token})
    statuses.append(("start sore_throat", status))
    reads["self-assessment"] += 1
    get(person.url.removeprefix(base))
    get("/")
    reads["homepage"] += 1
    return {"statuses": statuses, "reads": reads}


def test_fifty_people_at_once_get_no_server_error_and_every_read_is_audited(
    live, scratch_database
):
    engine = create_engine(scratch_database)
    with Session(engine) as session:
        patient_user = session.scalar(select(User).where(User.email == DEMO_PATIENT_EMAIL))
        reads_before = _reads_by_purpose(session, patient_user)

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        futures = [pool.submit(_visit, live.base) for _ in range(CLIENTS)]
    problems = [str(f.exception()) for f in futures if f.exception() is not None]
    assert problems == [], live.log.read_text()[-20000:]
    visits = [f.result() for f in futures]

    answers = [status for visit in visits for _, status in visit["statuses"]]
    assert len(answers) >= 300  # a few hundred requests, sign-ins and form pages aside
    failures = [(path, status) for v in visits for path, status in v["statuses"] if status != 200]
    assert failures == [], live.log.read_text()[-20000:]
    assert live.errors_logged() == []

    with Session(engine) as session:
        made = sum((v["reads"] for v in visits), Counter())
        assert _reads_by_purpose(session, patient_user) - reads_before == made
        report = verify_chain(session, key=live.audit_key)
        assert report.ok, report.reason
    engine.dispose()


def test_a_reader_that_writes_after_another_writer_waits_instead_of_failing(
    extra_app, scratch_database
):
    """SQLite: a deferred transaction that has read cannot take the write lock once another
    connection has written since ("database is locked", whatever the busy timeout). The audit
    entry of a read comes after the read, so the lock is taken afresh for it."""
    from flask_migrate import upgrade

    from myhealth.access.services import record_event
    from myhealth.extensions import db as _db

    app = extra_app(SQLALCHEMY_DATABASE_URI=scratch_database)
    with app.app_context():
        upgrade()
        engine = _db.engine
        with Session(engine) as reader, Session(engine) as writer:
            assert reader.scalar(select(func.count()).select_from(AuditEvent)) == 0
            record_event(writer, "other.request", detail="written in between")
            writer.commit()
            record_event(reader, "patient.read", detail="after reading")
            reader.commit()
            assert verify_chain(reader).ok
            assert reader.scalar(select(func.count()).select_from(AuditEvent)) == 2
        engine.dispose()
