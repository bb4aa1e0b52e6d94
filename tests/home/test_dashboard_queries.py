"""What a homepage request asks of the database: a fixed number of statements, whatever the
size of the record, the number of signed-in devices or of assessments, and the signed-in
device (with its user) read once, however many times the request checks it."""

from __future__ import annotations

from sqlalchemy import event

from myhealth.accounts.models import UserSession
from myhealth.extensions import db as _db
from myhealth.records.models import ClinicalResource
from tests import factories


class Statements:
    """The SQL statements sent while the block runs."""

    def __init__(self, app):
        with app.app_context():
            self.engine = _db.engine
        self.sql: list[str] = []

    def __enter__(self):
        self.sql = []
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, *args):
        self.sql.append(" ".join(statement.split()))


def test_a_request_reads_the_signed_in_device_and_its_user_once(app, db, world, signed_in):
    client = signed_in(world.patient_user)
    client.get("/home")
    with Statements(app) as seen:
        assert client.get("/home").status_code == 200
    devices = [s for s in seen.sql if s.startswith("SELECT user_session.id")]
    users = [s for s in seen.sql if s.startswith("SELECT user_account.id")]
    assert len(devices) == 1 and not users, seen.sql
    assert "JOIN user_account" in devices[0]  # the user comes with the device


def test_the_homepage_asks_the_same_whatever_the_person_has(app, db, world, signed_in):
    quiet = signed_in(world.other_patient_user)
    busy = signed_in(world.patient_user)
    for _ in range(5):  # more signed-in devices
        db.add(UserSession(user_id=world.patient_user.id, client_address="", user_agent="x"))
    for n in range(30):  # a record, where the other has none
        kind = "Condition" if n % 3 else "Observation"
        db.add(
            ClinicalResource(
                resource_type=kind,
                fhir_id=f"home-{n}",
                patient_id=world.patient.id,
                status="active" if kind == "Condition" else "final",
                content={"resourceType": kind, "id": f"home-{n}"},
            )
        )
    db.commit()
    for _ in range(3):  # and self-assessments
        factories.assessment(db, world.patient_user)

    def statements(client) -> int:
        client.get("/home")
        with Statements(app) as seen:
            assert client.get("/home").status_code == 200
        return len([s for s in seen.sql if "SAVEPOINT" not in s])  # the test's transaction

    # The device and its user, the patient with their practice, the layout, one statement for
    # each widget's data, and the audit entry at commit (its last link and the insert; SQLite
    # takes the write lock for it, PostgreSQL a lock for the audit trail).
    assert statements(busy) == statements(quiet) <= 10


def test_the_audit_trail_is_locked_only_for_the_homepage_s_own_entry(app, db, world, signed_in):
    """The read's entry is appended at commit, after everything the page reads, so the lock
    that serialises appends (SQLite's write lock, PostgreSQL's advisory lock) is not held
    while the page loads its widgets: under load, others wait for one short append."""
    client = signed_in(world.patient_user)
    client.get("/home")
    with Statements(app) as seen:
        assert client.get("/home").status_code == 200
    sql = [s for s in seen.sql if "SAVEPOINT" not in s]
    locking = [i for i, s in enumerate(sql) if "audit_event" in s or "advisory" in s]
    reading = [i for i, s in enumerate(sql) if s.startswith("SELECT") and i not in locking]
    assert locking and reading
    assert min(locking) > max(reading), sql
    assert any(s.startswith("INSERT INTO audit_event") for s in sql[min(locking):])
