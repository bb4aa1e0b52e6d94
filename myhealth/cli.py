"""The `myhealth` command: a Flask CLI group with the project's own jobs.

`myhealth db ...` comes from Flask-Migrate; `myhealth run`, `shell` and `routes` from Flask.
"""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from myhealth import create_app


def _create_app():
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """myhealth: the citizen self-service health portal."""


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


@main.command("demo")
@click.option(
    "--serve/--no-serve", default=True, help="Serve after seeding (default) or only seed."
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def demo(serve: bool, host: str, port: int) -> None:
    """Seed the realistic demo (idempotently), then serve it."""
    from flask_migrate import upgrade

    from myhealth import demo as demo_data
    from myhealth.extensions import db

    if current_app.config["ENVIRONMENT"] == "production":
        _fail("the demo seeds made-up people; it does not run with MYHEALTH_ENV=production")
    click.echo("Applying database migrations...")
    upgrade()
    click.echo("Seeding the demo...")
    from myhealth import context

    try:
        with context.system_job(db.session, "demo"):
            logins = demo_data.seed(db.session)
    except Exception as exc:  # noqa: BLE001 - report any failure plainly, store nothing
        _fail(f"seeding failed, nothing was stored: {exc}")
    click.echo("Demo data is ready." if logins.created else "Demo data was already there.")
    click.echo("")
    click.echo("Demo sign-in details")
    click.echo(f"  Patient:   {logins.patient_email}")
    click.echo(
        f"  Clinician: {logins.clinician_email}  (two-factor secret: "
        f"{logins.clinician_totp_secret})"
    )
    click.echo(f"  Admin:     {logins.admin_email}  (sets up two-factor at first sign-in)")
    click.echo(f"  Password for all three: {logins.password}")
    click.echo(
        "  For the clinician's security code, add the secret to an authenticator app, or run:"
    )
    one_liner = f"import pyotp; print(pyotp.TOTP('{logins.clinician_totp_secret}').now())"
    click.echo(f'    .venv/bin/python -c "{one_liner}"')
    if not serve:
        return
    from myhealth import mailcatcher
    from myhealth.messaging import outbox

    catcher = mailcatcher.start(current_app.config["SMTP_URL"])
    # Requests send what they enqueue at once; this sends what is left (retries) every 5 s.
    sender = outbox.start_background_sender(current_app._get_current_object(), interval=5)
    click.echo("")
    click.echo(f"Serving on http://{host}:{port}  (Ctrl+C to stop)")
    try:
        # Flask refuses app.run() inside its CLI; werkzeug's server is what it would use.
        from werkzeug.serving import run_simple

        from myhealth.mailcatcher import PlainRequestLog

        run_simple(
            host,
            port,
            current_app._get_current_object(),
            threaded=True,
            request_handler=PlainRequestLog,
        )
    finally:
        sender.set()
        if catcher is not None:
            catcher.stop()


@main.command("create-user")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True, help="Full name as colleagues see it.")
@click.option("--role", type=click.Choice(["clinician", "admin"]), required=True)
@click.option("--organisation", "ods_code", required=True, help="ODS code of their organisation.")
@click.password_option(help="At least 12 characters; prompted for if not given.")
@with_appcontext
def create_user(email: str, display_name: str, role: str, ods_code: str, password: str) -> None:
    """Set up a staff account (clinician or admin). They must turn on 2FA at first sign-in."""
    from myhealth import context
    from myhealth.accounts.models import Role
    from myhealth.accounts.services import create_staff_user
    from myhealth.errors import InvalidInput
    from myhealth.extensions import db

    try:
        with context.system_job(db.session, "create-user"):
            user = create_staff_user(
                db.session,
                email=email,
                password=password,
                role=Role(role),
                display_name=display_name,
                organisation_ods_code=ods_code,
            )
    except InvalidInput as exc:
        _fail("; ".join(str(m) for m in exc.field_errors.values()) or exc.message, 2)
    click.echo(f"Created {role} {user.email} at {user.organisation.name}.")


@main.group("audit")
def audit() -> None:
    """The append-only audit trail."""


@audit.command("verify")
@with_appcontext
def audit_verify() -> None:
    """Walk every chain, check the checkpoints, and report the first broken link."""
    from myhealth.access.services import verify_chain
    from myhealth.extensions import db

    def progress(done: int, total: int) -> None:
        click.echo(f"  checked {done} of {total} entries", err=True)

    report = verify_chain(db.session, progress=progress)
    if report.ok:
        click.echo(
            f"Audit trail intact: {report.checked} entries checked, "
            f"{report.checkpoints} checkpoints found in place."
        )
        return
    where = f" at entry {report.first_broken_id}" if report.first_broken_id is not None else ""
    _fail(f"audit trail broken{where}: {report.reason} ({report.checked} entries checked).", 1)


@audit.command("checkpoint")
@with_appcontext
def audit_checkpoint() -> None:
    """Record every chain's length and newest entry outside the database (run it often, e.g.
    from cron): `audit verify` then notices entries deleted since."""
    from myhealth.access.chain import write_checkpoint
    from myhealth.extensions import db

    path = current_app.config["AUDIT_CHECKPOINTS"]
    try:
        checkpoint = write_checkpoint(db.session, path)
    except OSError as exc:
        _fail(f"cannot write the checkpoint to {path}: {exc.strerror}", 1)
    entries = sum(count for count, _, _ in checkpoint["chains"].values())
    click.echo(f"Checkpoint written to {path}: {entries} entries.")


@main.group("notifications")
def notifications() -> None:
    """The notification outbox (emails and text messages)."""


@notifications.command("send")
@with_appcontext
def notifications_send() -> None:
    """Send every due message in the outbox (run it every minute, e.g. from cron). A message
    that fails waits longer each time; after the last attempt it is dead and shows on the
    administrators' "Messages not sent" page. Exits 1 if a message died in this run, 2 if
    the mail settings are unusable."""
    from myhealth.config import ConfigError
    from myhealth.extensions import db
    from myhealth.messaging import channels, outbox

    config = current_app.config
    try:
        channels.check_config(config)
    except ConfigError as exc:
        _fail(str(exc), 2)
    due = outbox.count_due(db.session)
    db.session.rollback()
    via = "GOV.UK Notify" if config.get("NOTIFY_API_KEY") else "SMTP"
    click.echo(f"{due} message(s) due; sending through {via}...")

    def progress(message, outcome: str) -> None:
        reason = f": {message.last_error}" if message.last_error else ""
        click.echo(
            f"  {outcome}: {message.template} to {message.masked_recipient} "
            f"(attempt {message.attempts}){reason}",
            err=True,
        )

    report = outbox.send_due(db.session, config, progress=progress)
    click.echo(
        f"Sent {report.sent}; {report.retrying} to try again later; "
        f"{report.dead} not delivered after the last attempt."
    )
    if report.dead:
        _fail(f"{report.dead} message(s) could not be delivered; see Messages not sent.", 1)


@main.command("import-fhir")
@click.option(
    "--organisation",
    "ods_code",
    required=True,
    help="ODS code of the organisation whose records these are. Patients are matched and "
    "created only within it, and the files' ids are kept as that organisation's.",
)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_fhir(ods_code: str, files: tuple[str, ...]) -> None:
    """Import FHIR R4 bundles or resources for one organisation; each file is all or nothing."""
    from collections import Counter
    from pathlib import Path

    from sqlalchemy import select

    from myhealth import context
    from myhealth.extensions import db
    from myhealth.people.models import Organisation
    from myhealth.records.fhir_import import ImportRefused, ImportReport, import_document

    organisation = db.session.scalar(
        select(Organisation).where(Organisation.ods_code == ods_code.strip().upper())
    )
    if organisation is None:
        _fail(f"No organisation has ODS code {ods_code}", 2)
    total = ImportReport()
    refused: list[str] = []
    max_bytes = current_app.config["IMPORT_MAX_BYTES"]
    max_entries = current_app.config["IMPORT_MAX_ENTRIES"]
    click.echo(f"Importing for {organisation.name} ({organisation.ods_code})", err=True)
    for number, name in enumerate(files, start=1):
        path = Path(name)
        label = f"[{number}/{len(files)}] {path.name}"

        def progress(done: int, count: int, label=label) -> None:
            click.echo(f"\r{label}: {done}/{count} resources", nl=False, err=True)

        try:
            # Each file is one unit of work, done by the system job the audit trail names.
            with context.system_job(db.session, "import-fhir") as job:
                report = import_document(
                    db.session,
                    path.read_bytes(),
                    organisation=organisation,
                    source=path.name,
                    via="import-fhir",
                    max_bytes=max_bytes,
                    max_entries=max_entries,
                    progress=progress,
                    system=job.actor,
                )
        except ImportRefused as exc:
            refused.append(path.name)
            click.echo(f"\r{label}: refused, nothing stored: {exc}", err=True)
            continue
        total.merge(report)
        click.echo(
            f"\r{label}: {report.total} resources ({sum(report.stored.values())} new, "
            f"{sum(report.updated.values())} updated, "
            f"{sum(report.unchanged.values())} unchanged)",
            err=True,
        )
    click.echo("Summary")
    stored = Counter(total.stored) + Counter(total.updated)
    for rtype, count in sorted(stored.items()):
        click.echo(f"  stored  {rtype}: {count}")
    for rtype, count in sorted(total.unchanged.items()):
        click.echo(f"  unchanged  {rtype}: {count}")
    for rtype, count in sorted(total.skipped.items()):
        click.echo(f"  skipped  {rtype}: {count}")
    click.echo(f"  patients: {len(total.patients)}")
    for label, count in (
        ("resources linked to their patient on arrival", total.linked),
        ("resources waiting for their patient", total.waiting),
        ("accounts matched to their record", total.matched),
        ("accounts flagged for an identity check", total.flagged),
    ):
        if count:
            click.echo(f"  {label}: {count}")
    click.echo(f"  files refused: {len(refused)}" + (f" ({', '.join(refused)})" if refused else ""))
    if refused:
        sys.exit(1)


@main.command("export-fhir")
@click.argument("patient", required=False)
@click.option(
    "--all",
    "all_dir",
    type=click.Path(file_okay=False),
    help="Write one Bundle per patient into this folder (a full backup).",
)
@with_appcontext
def export_fhir(patient: str | None, all_dir: str | None) -> None:
    """Write a patient's record (by NHS number or id) as a FHIR Bundle to standard output.

    The Bundle is written as the record is read, so a large record never sits whole in memory.
    """
    from pathlib import Path

    from sqlalchemy import select

    from myhealth import context, nhs_number
    from myhealth.access.services import record_event
    from myhealth.extensions import db
    from myhealth.people.models import Patient
    from myhealth.records.fhir_export import bundle_chunks, find_patient

    def audited(patient_id) -> None:
        """Each record read is in the audit trail, committed before any of it is written out."""
        with context.system_job(db.session, "export-fhir") as job:
            record_event(
                db.session,
                "patient.read",
                actor=job.actor,
                patient_id=patient_id,
                purpose="record export",
            )

    if bool(patient) == bool(all_dir):
        _fail("give either an NHS number or patient id, or --all DIR", 2)
    if patient:
        found = find_patient(db.session, patient)
        if found is None:
            try:
                nhs_number.normalise(patient)
            except nhs_number.InvalidNHSNumber as error:
                if error.mistyped:
                    _fail(str(error), 2)
            _fail(f"no patient with NHS number or id {patient}", 1)
        audited(found.id)
        for chunk in bundle_chunks(db.session, found.id):
            click.echo(chunk, nl=False)
        return
    folder = Path(all_dir)
    folder.mkdir(parents=True, exist_ok=True)
    ids = db.session.scalars(select(Patient.id).order_by(Patient.id)).all()
    count, done = len(ids), 0
    for patient_id in ids:
        audited(patient_id)
        with (folder / f"{patient_id}.json").open("w", encoding="utf-8") as out:
            out.writelines(bundle_chunks(db.session, patient_id))
        done += 1
        if done % 10 == 0 or done == count:
            click.echo(f"\rexported {done}/{count} patients", nl=False, err=True)
    click.echo(f"\nWrote {done} bundles to {folder}", err=True)


@main.command("assess", with_appcontext=False)
@click.argument("algorithm_id", required=False)
@click.option(
    "--answers",
    "answers_json",
    help="The answers as a JSON object, e.g. '{\"items\": [1, 0, 2, 0, 1, 0, 0, 1, 0]}'; "
    '"-" reads it from standard input.',
)
@click.option("--list", "list_all", is_flag=True, help="List every algorithm and exit.")
@click.option("--questions", is_flag=True, help="Print the algorithm's questions and exit.")
def assess(algorithm_id, answers_json, list_all, questions) -> None:
    """Run a self-assessment algorithm and print the outcome as JSON.

    Exit status 2, with the reason, for an unknown algorithm or missing or invalid answers.
    Needs no database: the algorithms are pure.
    """
    import json

    import triage_algorithms

    if list_all:
        click.echo(json.dumps(triage_algorithms.catalogue(), indent=2))
        return
    if not algorithm_id:
        _fail("give an algorithm id (see `myhealth assess --list`)", 2)
    try:
        algorithm = triage_algorithms.load(algorithm_id)
    except triage_algorithms.UnknownAlgorithm as error:
        _fail(f"{error}; see `myhealth assess --list`", 2)
    if questions:
        click.echo(json.dumps([q.to_dict() for q in algorithm.questions], indent=2))
        return
    if answers_json is None:
        _fail("give the answers with --answers JSON", 2)
    text = sys.stdin.read() if answers_json == "-" else answers_json
    try:
        answers = json.loads(text)
    except json.JSONDecodeError as error:
        _fail(f"--answers is not valid JSON: {error}", 2)
    try:
        outcome = algorithm.evaluate(answers)
    except triage_algorithms.InvalidAnswers as error:
        click.echo(json.dumps({"error": "invalid answers", "fields": error.errors}), err=True)
        _fail(str(error), 2)
    click.echo(json.dumps(outcome.to_dict(), indent=2, ensure_ascii=False))
