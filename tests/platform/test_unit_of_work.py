"""One unit of work per request and per command (myhealth.context).

Written from what must hold for the people using the site: a request that fails stores
nothing of what it did; a request that succeeds stores all of it, with the audit entries of
what it showed; an expected refusal inside a view undoes that change alone; side effects wait
for the commit; no view commits or rolls back by itself; and jobs run by the `myhealth`
command are named in the audit trail.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from flask import Blueprint
from sqlalchemy import select

from myhealth import context
from myhealth.access.models import AuditEvent
from myhealth.access.policy import public
from myhealth.accounts.models import Role
from myhealth.cli import main
from myhealth.directory.models import Organisation
from myhealth.errors import Conflict
from myhealth.extensions import db as _db
from myhealth.records.models import Patient
from tests import factories
from tests.records.helpers import collection

ROOT = Path(__file__).resolve().parents[2]


def _org(ods: str) -> Organisation:
    return Organisation(ods_code=ods, name=f"Unit of work {ods}", kind="gp_practice")


def _test_routes(effects: list[str]) -> Blueprint:
    """Views that write, then succeed or fail in the ways real views do."""
    bp = Blueprint("uow_test", __name__)

    @bp.post("/uow/ok/<ods>")
    @public
    def ok(ods):
        _db.session.add(_org(ods))
        context.after_commit(_db.session, lambda: effects.append(f"sent {ods}"))
        return "stored"

    @bp.post("/uow/refused/<ods>")
    @public
    def refused(ods):
        _db.session.add(_org(ods))
        _db.session.flush()
        context.after_commit(_db.session, lambda: effects.append(f"sent {ods}"))
        raise Conflict("someone else got there first")

    @bp.post("/uow/crash/<ods>")
    @public
    def crash(ods):
        _db.session.add(_org(ods))
        _db.session.flush()
        context.after_commit(_db.session, lambda: effects.append(f"sent {ods}"))
        raise RuntimeError("a bug")

    @bp.post("/uow/attempt/<ods>")
    @public
    def attempt(ods):
        _db.session.add(_org(ods + "A"))  # kept: done before the attempt
        try:
            with context.attempt(_db.session):
                _db.session.add(_org(ods + "B"))
                _db.session.flush()
                context.after_commit(_db.session, lambda: effects.append(f"sent {ods}B"))
                raise Conflict("taken")
        except Conflict:
            return "refused, and said so", 200
        return "not reached"

    return bp


@pytest.fixture
def uow_app(extra_app):
    effects: list[str] = []
    app = extra_app(PROPAGATE_EXCEPTIONS=False, WTF_CSRF_ENABLED=False)
    app.register_blueprint(_test_routes(effects))
    app.effects = effects
    return app


def _stored(db, *codes: str) -> set[str]:
    db.expire_all()
    return set(db.scalars(select(Organisation.ods_code).where(Organisation.ods_code.in_(codes))))


def test_a_request_that_succeeds_stores_what_it_did_then_runs_its_side_effects(uow_app, db):
    response = uow_app.test_client().post("/uow/ok/UOW01")
    assert response.status_code == 200
    assert _stored(db, "UOW01") == {"UOW01"}
    assert uow_app.effects == ["sent UOW01"]


def test_a_refused_request_stores_nothing_and_sends_nothing(uow_app, db):
    response = uow_app.test_client().post("/uow/refused/UOW02")
    assert response.status_code == 409
    assert _stored(db, "UOW02") == set()
    assert uow_app.effects == []


def test_a_request_that_crashes_stores_nothing_and_sends_nothing(uow_app, db):
    response = uow_app.test_client().post("/uow/crash/UOW03")
    assert response.status_code == 500
    assert "call 111" in response.get_data(as_text=True)
    assert _stored(db, "UOW03") == set()
    assert uow_app.effects == []


def test_a_refusal_inside_an_attempt_undoes_that_change_alone(uow_app, db):
    response = uow_app.test_client().post("/uow/attempt/UOW04")
    assert response.status_code == 200
    assert _stored(db, "UOW04A", "UOW04B") == {"UOW04A"}
    assert uow_app.effects == []  # the undone change's side effect is dropped with it


def test_a_denied_look_at_a_patient_is_audited_though_the_request_failed(client, db, signed_in):
    """The one thing an error page keeps: the record that someone tried to look."""
    practice, other = factories.organisation(db), factories.organisation(db)
    clinician = factories.user(db, Role.CLINICIAN, org=practice)
    stranger = factories.patient(db, other)
    response = signed_in(clinician).get(f"/clinician/patients/{stranger.id}")
    assert response.status_code == 404
    denied = db.scalars(
        select(AuditEvent).where(
            AuditEvent.patient_id == stranger.id, AuditEvent.action == "patient.read.denied"
        )
    ).all()
    assert [e.actor_user_id for e in denied] == [clinician.id]


def _calls_on_session(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"commit", "rollback"}
        ):
            found.append((node.lineno, node.func.attr))
    return found


def test_no_view_commits_or_rolls_back():
    """Views parse input, call services and render; the unit of work commits, in one place."""
    views = sorted(
        p
        for p in (ROOT / "myhealth").rglob("*.py")
        if p.name == "views.py" or p.name.endswith("_views.py")
    )
    assert len(views) >= 7  # the walk found the views (accounts, records, clinician...)
    offenders = {
        str(p.relative_to(ROOT)): calls
        for p in views
        if (calls := _calls_on_session(ast.parse(p.read_text())))
    }
    assert offenders == {}


def test_import_and_export_jobs_are_named_in_the_audit_trail(app, db, tmp_path):
    practice = factories.organisation(db)
    patient = {
        "resourceType": "Patient",
        "id": "uow-1",
        "identifier": [
            {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": factories.next_nhs_number()}
        ],
        "name": [{"family": "Okafor", "given": ["Ada"]}],
        "birthDate": "1961-02-03",
    }
    path = tmp_path / "one.json"
    path.write_text(json.dumps(collection(patient)))
    runner = app.test_cli_runner()
    result = runner.invoke(main, ["import-fhir", "--organisation", practice.ods_code, str(path)])
    assert result.exit_code == 0, result.output

    number = patient["identifier"][0]["value"]
    exported = runner.invoke(main, ["export-fhir", number])
    assert exported.exit_code == 0, exported.output
    db.expire_all()
    events = db.execute(
        select(AuditEvent.action, AuditEvent.actor_name, AuditEvent.actor_role, AuditEvent.purpose)
        .join(Patient, Patient.id == AuditEvent.patient_id)
        .where(Patient.nhs_number == number)
        .order_by(AuditEvent.id)
    ).all()
    assert [tuple(e) for e in events] == [
        ("patient.import", "myhealth import-fhir", "system", "record import"),
        ("patient.read", "myhealth export-fhir", "system", "record export"),
    ]


def test_a_refused_import_leaves_nothing_not_even_an_audit_entry(app, db, tmp_path):
    practice = factories.organisation(db)
    path = tmp_path / "bad.json"
    bad = collection(
        {"resourceType": "Patient", "id": "uow-2", "name": [{"family": "Lee"}]},
        {"resourceType": "Observation", "id": "o1", "status": "final"},  # no code: invalid
    )
    path.write_text(json.dumps(bad))
    before = db.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    result = app.test_cli_runner().invoke(
        main, ["import-fhir", "--organisation", practice.ods_code, str(path)]
    )
    assert result.exit_code == 1 and "nothing stored" in result.output
    db.expire_all()
    after = db.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    assert after == before



def test_the_request_context_follows_the_person_and_their_language(app, db, world, signed_in):
    """Built once per request: who acts (as they are when asked), from where, in which
    language; an audit entry recorded without an address gets the request's."""
    from myhealth.access.services import record_event

    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "203.0.113.7"}):
        request_context = context.current()
        assert request_context is context.current()  # once per request
        assert request_context.actor is None  # nobody signed in
        assert request_context.client_address == "203.0.113.7"
        assert request_context.language == "en"
        event = record_event(_db.session, "test.event", actor=world.clinician, patient_id=None)
        assert event.client_address == "203.0.113.7"
        _db.session.rollback()
    job = context.RequestContext(actor=context.Actor.system("recalls run"))
    assert job.actor.display_name == "myhealth recalls run" and job.actor.role == "system"
