"""The `myhealth` command: demo seeding, staff accounts, and clear failures."""

import nhs_number
from sqlalchemy import func, select

from myhealth.accounts.models import Role, User
from myhealth.cli import main
from myhealth.demo_people import DEMO_CLINICIAN_EMAIL, DEMO_PASSWORD, DEMO_PATIENT_EMAIL
from myhealth.extensions import db as _db
from myhealth.people.models import Organisation, OrganisationKind, Patient, Practitioner


def test_demo_seeds_realistic_data_idempotently(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(main, ["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    assert DEMO_PATIENT_EMAIL in first.output and DEMO_CLINICIAN_EMAIL in first.output
    assert DEMO_PASSWORD in first.output

    kinds = dict(
        db.execute(select(Organisation.kind, func.count()).group_by(Organisation.kind)).all()
    )
    assert kinds[OrganisationKind.GP_PRACTICE] >= 3
    assert kinds[OrganisationKind.NATIONAL_SERVICE] == 1
    assert kinds[OrganisationKind.PHARMACY] == 2
    assert kinds[OrganisationKind.HOSPITAL] == 1
    assert db.scalar(select(func.count(Practitioner.id))) >= 15
    patients = db.scalars(select(Patient)).all()
    assert len(patients) >= 60
    numbers = [p.nhs_number for p in patients]
    assert all(n.startswith("999") and nhs_number.is_valid(n) for n in numbers)
    assert len(set(numbers)) == len(numbers)
    assert len({p.family_name for p in patients}) > 10

    counts = (db.scalar(select(func.count(Patient.id))), db.scalar(select(func.count(User.id))))
    second = runner.invoke(main, ["demo", "--no-serve"])
    assert second.exit_code == 0, second.output
    assert "already there" in second.output
    db.expire_all()
    assert counts == (
        db.scalar(select(func.count(Patient.id))),
        db.scalar(select(func.count(User.id))),
    )


def test_demo_records_are_imported_for_each_patients_practice(app, db):
    from myhealth.records.models import ClinicalResource

    assert app.test_cli_runner().invoke(main, ["demo", "--no-serve"]).exit_code == 0
    rows = db.execute(
        select(ClinicalResource.organisation_id, Patient.registered_organisation_id)
        .join(Patient, ClinicalResource.patient_id == Patient.id)
        .where(ClinicalResource.source == "demo")  # imported, not written here by self-care
    ).all()
    assert rows and all(source == practice for source, practice in rows)
    demo_user = db.scalar(select(User).where(User.email == DEMO_PATIENT_EMAIL))
    assert demo_user.identity_pending_since is None  # the demo patient sees their record


def test_demo_patient_can_sign_in(app, db, client):
    from tests.accounts.helpers import post_form

    app.test_cli_runner().invoke(main, ["demo", "--no-serve"])
    response = post_form(
        client, "/sign-in", {"email": DEMO_PATIENT_EMAIL, "password": DEMO_PASSWORD}
    )
    assert response.headers["Location"].endswith("/home")
    assert "Riverside Medical Practice" in client.get("/home").get_data(as_text=True)


def test_create_user_sets_up_a_staff_account(app, db, world):
    runner = app.test_cli_runner()
    result = runner.invoke(
        main,
        [
            "create-user",
            "--email",
            "Nurse.New@Example.org",
            "--name",
            "Nia Evans",
            "--role",
            "clinician",
            "--organisation",
            world.practice.ods_code.lower(),
            "--password",
            "kettle-orchard-puzzle-9",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Created clinician nurse.new@example.org" in result.output
    user = db.scalar(select(User).where(User.email == "nurse.new@example.org"))
    assert user.role is Role.CLINICIAN and user.organisation_id == world.practice.id
    assert not user.two_factor_enabled  # they set it up at first sign-in


def test_create_user_refuses_bad_input_with_a_message(app, db, world):
    runner = app.test_cli_runner()
    before = db.scalar(select(func.count(User.id)))
    unknown_org = runner.invoke(
        main,
        [
            "create-user",
            "--email",
            "a@example.org",
            "--name",
            "A",
            "--role",
            "admin",
            "--organisation",
            "NOPE1",
            "--password",
            "kettle-orchard-puzzle-9",
        ],
    )
    assert unknown_org.exit_code == 2
    assert "No organisation has ODS code NOPE1" in unknown_org.output
    weak = runner.invoke(
        main,
        [
            "create-user",
            "--email",
            "b@example.org",
            "--name",
            "B",
            "--role",
            "admin",
            "--organisation",
            world.practice.ods_code,
            "--password",
            "short",
        ],
    )
    assert weak.exit_code == 2
    assert "12 characters" in weak.output
    duplicate = runner.invoke(
        main,
        [
            "create-user",
            "--email",
            world.clinician.email,
            "--name",
            "C",
            "--role",
            "admin",
            "--organisation",
            world.practice.ods_code,
            "--password",
            "kettle-orchard-puzzle-9",
        ],
    )
    assert duplicate.exit_code == 2
    assert "already uses" in duplicate.output
    db.expire_all()
    assert db.scalar(select(func.count(User.id))) == before


def test_healthz_reports_an_unreachable_database(smtp_server, tmp_path):
    from tests.conftest import make_app

    broken = make_app(
        "postgresql+psycopg://nobody@127.0.0.1:1/none",
        smtp_server[1],
        tmp_path,
        SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}},
    )
    response = broken.test_client().get("/healthz")
    with broken.app_context():
        _db.engine.dispose()
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unavailable"}


def test_the_demo_mail_catcher_without_its_extra_says_how_to_get_it():
    """`myhealth demo` installed without the [demo] extra: a hint, and the demo still serves."""
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['aiosmtpd'] = None\n"
        "from myhealth import mailcatcher\n"
        "print(mailcatcher.start('smtp://127.0.0.1:8025'))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "None"
    assert "make run" in run.stderr and ".[demo]" in run.stderr
