"""The schema changes only through migrations: they match the models and run both ways."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from myhealth.extensions import db as _db
from tests.conftest import make_app


def test_models_and_migrations_agree(app):
    with app.app_context(), _db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, _db.metadata)
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


def test_every_revision_upgrades_and_downgrades(scratch_database, smtp_server, tmp_path):
    app = make_app(scratch_database, smtp_server[1], tmp_path)
    with app.app_context():
        upgrade()
        tables = set(inspect(_db.engine).get_table_names())
        assert {"user_account", "patient", "organisation", "audit_event"} <= tables
        downgrade(revision="base")
        assert set(inspect(_db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert {"user_account", "audit_event"} <= set(inspect(_db.engine).get_table_names())
        _db.engine.dispose()


def test_migration_files_are_date_prefixed():
    from pathlib import Path

    versions = Path(__file__).resolve().parents[2] / "migrations" / "versions"
    names = [p.name for p in versions.glob("*.py")]
    assert names
    assert all(n[:8].isdigit() and n[8] == "_" for n in names), names


def _old_trail_guard(connection, on: bool) -> None:
    """The append-only guard of the trail before it was keyed; a tamperer turns it off."""
    from sqlalchemy import text

    if connection.dialect.name == "postgresql":
        state = "ENABLE" if on else "DISABLE"
        connection.execute(text(f"ALTER TABLE audit_event {state} TRIGGER audit_event_no_change"))
    elif on:
        connection.execute(
            text(
                "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
            )
        )
    else:
        connection.execute(text("DROP TRIGGER audit_event_no_update"))


def test_upgrading_refuses_a_broken_unkeyed_trail_and_seals_an_intact_one(
    scratch_database, smtp_server, tmp_path
):
    """The trail written before it was keyed is checked with its old hashes, then sealed."""
    import hashlib
    import json
    from datetime import UTC, datetime

    import pytest
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from myhealth.access.chain import GENESIS_HASH
    from myhealth.access.services import verify_chain

    before_keyed = "9e2f6b1d4c77"
    app = make_app(scratch_database, smtp_server[1], tmp_path)
    with app.app_context():
        upgrade(revision=before_keyed)
        prev = GENESIS_HASH
        with _db.engine.begin() as connection:
            for number in range(3):
                at = datetime(2026, 11, 1, 9, number, tzinfo=UTC)
                fields = dict.fromkeys(
                    (
                        "actor_name",
                        "actor_organisation_name",
                        "actor_role",
                        "client_address",
                        "detail",
                        "purpose",
                    ),
                    "",
                )
                fields.update(
                    action=f"old.{number}",
                    outcome="success",
                    occurred_at=at.isoformat(),
                    actor_user_id=None,
                    actor_organisation_id=None,
                    patient_id=None,
                )
                content = json.dumps(fields, sort_keys=True, separators=(",", ":"))
                digest = hashlib.sha256(f"{prev}|{content}".encode()).hexdigest()
                connection.execute(
                    text(
                        "INSERT INTO audit_event (occurred_at, action, outcome, actor_name, "
                        "actor_role, actor_organisation_name, purpose, detail, client_address, "
                        "prev_hash, hash) VALUES (:at, :action, 'success', '', '', '', '', '', "
                        "'', :prev, :hash)"
                    ),
                    {
                        "at": at.replace(tzinfo=None),
                        "action": f"old.{number}",
                        "prev": prev,
                        "hash": digest,
                    },
                )
                prev = digest

        def edit_detail(value: str) -> None:
            with _db.engine.begin() as connection:
                _old_trail_guard(connection, on=False)
                connection.execute(
                    text("UPDATE audit_event SET detail = :value WHERE action = 'old.1'"),
                    {"value": value},
                )
                _old_trail_guard(connection, on=True)

        edit_detail("edited")
        with pytest.raises(SystemExit):  # Flask-Migrate logs the migration's error and exits
            upgrade()
        with _db.engine.connect() as connection:
            assert "chain" not in {
                c["name"] for c in inspect(connection).get_columns("audit_event")
            }
        edit_detail("")  # as it was: the old chain is whole again
        upgrade()
        with _db.engine.connect() as connection:
            report = verify_chain(Session(connection), checkpoints="")
        assert report.ok and report.checked == 3, report.reason
        _db.engine.dispose()
