"""The schema changes only through migrations: they match the models and run both ways."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from myhealth.extensions import db as _db
from tests.conftest import make_app


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
