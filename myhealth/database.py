"""The declarative base, shared column types and engine set-up for SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC timestamps on every engine (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_uuid() -> uuid.UUID:
    return uuid.uuid4()


# SQLite allows one writer at a time. A transaction that reads first and writes later
# ("deferred") cannot wait for the write lock: if another connection wrote in between, SQLite
# refuses at once with "database is locked", whatever the busy timeout. So:
# - a request that changes things (POST and the like) begins with the write lock
#   (BEGIN IMMEDIATE), where waiting works, and its reads and writes are one consistent unit;
# - everything else (GET and HEAD, the CLI, jobs) begins deferred, so readers never queue
#   behind writers, and at its first write (an audit entry, a session's last-seen time) the
#   read snapshot ends and the write lock is taken then (take_write_lock), before anything
#   is read for the write.
_IMMEDIATE = ContextVar("myhealth_immediate_begin", default=False)
BUSY_TIMEOUT_MS = 15000  # below gunicorn's 30-second worker timeout


@contextmanager
def immediate_begin():
    """Transactions begun inside take SQLite's write lock at once (see above)."""
    token = _IMMEDIATE.set(True)
    try:
        yield
    finally:
        _IMMEDIATE.reset(token)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    # Let SQLAlchemy, not pysqlite, manage transactions so SAVEPOINTs work, and enforce
    # foreign keys, which SQLite leaves off by default.
    module = type(dbapi_connection).__module__
    if module.startswith("sqlite3"):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # WAL lets readers and the one writer work at once; NORMAL sync is durable in WAL
        # mode except on power loss, the usual trade-off for a single-server SQLite site.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn):
    if conn.dialect.name == "sqlite":
        writing = _IMMEDIATE.get()
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")
        conn.info["sqlite_writing"] = writing


def take_write_lock(session: Session) -> None:
    """Hold SQLite's write lock before writing (no-op on PostgreSQL or if already held).

    In a deferred transaction nothing has been written yet, so ending it and beginning again
    with the lock loses nothing; reads after this see the latest committed data. Inside a
    SAVEPOINT the outer transaction's owner decided already (the test suite's outer
    transaction begins immediate), so it is left alone.
    """
    conn = session.connection()
    if conn.dialect.name != "sqlite" or conn.info.get("sqlite_writing"):
        return
    if conn.in_nested_transaction():
        return
    conn.exec_driver_sql("COMMIT")
    conn.exec_driver_sql("BEGIN IMMEDIATE")
    conn.info["sqlite_writing"] = True


@event.listens_for(Session, "before_flush")
def _lock_before_flush(session, flush_context, instances):
    if session.new or session.dirty or session.deleted:
        take_write_lock(session)


@event.listens_for(Session, "do_orm_execute")
def _lock_before_dml(state):
    if state.is_insert or state.is_update or state.is_delete:
        take_write_lock(state.session)


def str_enum(enum_cls, length: int = 32):
    """A portable enum column that stores the members' values, readable in SQL."""
    from sqlalchemy import Enum

    return Enum(
        enum_cls,
        native_enum=False,
        length=length,
        validate_strings=True,
        values_callable=lambda members: [m.value for m in members],
    )
