"""Shared fixtures: the app on SQLite or PostgreSQL (built by running the migrations), a
database session rolled back after each test, a real SMTP server, signed-in clients."""

from __future__ import annotations

import os
import re
import threading
import uuid
from dataclasses import dataclass

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from myhealth import create_app
from myhealth.accounts.models import Role, UserSession
from myhealth.extensions import db as _db
from tests import factories


def pytest_addoption(parser):
    parser.addoption(
        "--engine",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help="database engine for the run (postgresql starts its own server unless "
        "MYHEALTH_TEST_DATABASE_URL is set)",
    )


def pytest_report_header(config):
    return f"myhealth database engine: {config.getoption('--engine')}"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- real SMTP -----------------------------------------------------------------------------


class _Catcher:
    def __init__(self):
        self.messages: list[dict] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        import email
        from email import policy

        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(
                {
                    "to": list(envelope.rcpt_tos),
                    "subject": str(msg["Subject"]),
                    "body": msg.get_body(("plain",)).get_content(),
                }
            )
        return "250 OK"


@dataclass
class Mailbox:
    catcher: _Catcher

    @property
    def messages(self) -> list[dict]:
        return list(self.catcher.messages)

    def clear(self) -> None:
        self.catcher.messages.clear()

    def last_link(self) -> str:
        body = self.messages[-1]["body"]
        match = re.search(r"https?://\S+", body)
        assert match, f"no link in email: {body}"
        return match.group(0)


@pytest.fixture(scope="session")
def smtp_server():
    catcher = _Catcher()
    port = free_port()
    controller = Controller(catcher, hostname="127.0.0.1", port=port)
    controller.start()
    yield catcher, f"smtp://127.0.0.1:{port}"
    controller.stop()


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    catcher, _ = smtp_server
    catcher.messages.clear()
    return Mailbox(catcher)


# --- database ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def engine_name(pytestconfig) -> str:
    return pytestconfig.getoption("--engine")


@pytest.fixture(scope="session")
def database_url(engine_name, tmp_path_factory):
    if engine_name == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    given = os.environ.get("MYHEALTH_TEST_DATABASE_URL")
    if given:
        yield given
        return
    from tests.pgserver import PostgresServer

    server = PostgresServer()
    try:
        yield server.start()
    finally:
        server.stop()


def make_app(database_url, smtp_url, tmp_path, **overrides):
    config = {
        "ENVIRONMENT": "test",
        "INSTANCE_DIR": str(tmp_path),
        "SECRET_KEY": "test-only-secret-key-that-is-long-enough-123",
        "AUDIT_KEY": "test-only-audit-key-that-is-long-enough-4567",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SMTP_URL": smtp_url,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": "localhost",
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def scratch_database(database_url, tmp_path):
    """An empty database of the same engine, separate from the suite's."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    name = f"scratch_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def app(database_url, smtp_server, tmp_path_factory):
    from flask_migrate import upgrade

    app = make_app(database_url, smtp_server[1], tmp_path_factory.mktemp("instance"))
    with app.app_context():
        upgrade()
        _db.engine.dispose()
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture
def extra_app(database_url, smtp_server, tmp_path):
    """Another app on the same database with different settings; its engine is disposed."""
    made = []

    def build(**overrides):
        made.append(make_app(database_url, smtp_server[1], tmp_path, **overrides))
        return made[-1]

    yield build
    for other in made:
        with other.app_context():
            _db.engine.dispose()


@pytest.fixture
def db(app):
    """The test's own session, inside an outer transaction rolled back after the test.

    Requests get a fresh session per request (as in production) on the same connection, so
    they see what the test set up; the test re-reads with db.refresh()/expire_all() after a
    request. No app context stays pushed during the test, so each request has its own `g`.
    """
    with app.app_context():
        connection = _db.engine.connect()
    outer = connection.begin()
    original = _db.session
    _db.session = scoped_session(
        sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
    )
    test_session = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield test_session
    finally:
        test_session.close()
        _db.session.remove()
        _db.session = original
        outer.rollback()
        connection.close()


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def query_counter(app):
    """Counts SQL statements sent to the database while the block runs."""
    with app.app_context():
        engine = _db.engine

    class Counter:
        def __init__(self):
            self.count = 0

        def __enter__(self):
            event.listen(engine, "before_cursor_execute", self._tick)
            self.count = 0
            return self

        def __exit__(self, *exc):
            event.remove(engine, "before_cursor_execute", self._tick)

        def _tick(self, *args, **kwargs):
            self.count += 1

    return Counter()


# --- people and signed-in clients ------------------------------------------------------------


@dataclass
class World:
    practice: object
    other_practice: object
    patient: object
    patient_user: object
    other_patient: object
    other_patient_user: object
    clinician: object
    other_clinician: object
    admin: object


@pytest.fixture
def world(db) -> World:
    practice = factories.organisation(db, name="Riverside Test Practice")
    other = factories.organisation(db, name="Hilltop Test Practice")
    patient = factories.patient(db, practice, given_name="Sam", family_name="Patel")
    other_patient = factories.patient(db, other, given_name="Jo", family_name="Evans")
    return World(
        practice=practice,
        other_practice=other,
        patient=patient,
        patient_user=factories.user(db, Role.PATIENT, patient=patient),
        other_patient=other_patient,
        other_patient_user=factories.user(db, Role.PATIENT, patient=other_patient),
        clinician=factories.user(db, Role.CLINICIAN, org=practice),
        other_clinician=factories.user(db, Role.CLINICIAN, org=other),
        admin=factories.user(db, Role.ADMIN, org=practice),
    )


def sign_in_as(app, db, user):
    """A test client holding a real device session for this user (skips the sign-in form,
    which tests/accounts covers end to end)."""
    device = UserSession(user_id=user.id, client_address="127.0.0.1", user_agent="pytest")
    db.add(device)
    db.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(device.id)
        session["_fresh"] = True
    client.device_id = device.id
    return client


@pytest.fixture
def signed_in(app, db):
    return lambda user: sign_in_as(app, db, user)
