"""Audit trail: several chains, keyed with HMAC (MYHEALTH_AUDIT_KEY)

The existing trail is checked with its old, unkeyed hashes first: if it is broken, the upgrade
stops (seal nothing that has been tampered with). Then every entry is sealed again with the
key, in one chain (chain 0), and the append-only guard is put back.

Revision ID: b4c8e1f07a2d
Revises: 9e2f6b1d4c77
Create Date: 2026-12-03 19:00:00

"""

import hashlib

import sqlalchemy as sa
from alembic import op
from flask import current_app

revision = "b4c8e1f07a2d"
down_revision = "9e2f6b1d4c77"
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64


def _guard(on: bool) -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        state = "ENABLE" if on else "DISABLE"
        op.execute(f"ALTER TABLE audit_event {state} TRIGGER audit_event_no_change")
    elif on:
        op.execute(
            "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
            "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
        )
        op.execute(
            "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
            "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
        )
    else:
        op.execute("DROP TRIGGER audit_event_no_update")
        op.execute("DROP TRIGGER audit_event_no_delete")


def upgrade():
    from myhealth.access.chain import canonical, entry_hash
    from myhealth.access.models import AuditEvent

    bind = op.get_bind()
    table = AuditEvent.__table__
    # Checked before anything changes (SQLite's schema changes are not undone on failure).
    columns = [column for column in table.columns if column.key != "chain"]
    rows = bind.execute(sa.select(*columns).order_by(table.c.id)).all()
    prev = GENESIS_HASH
    for row in rows:
        unkeyed = hashlib.sha256(f"{prev}|{canonical(row)}".encode()).hexdigest()
        if row.prev_hash != prev or row.hash != unkeyed:
            raise RuntimeError(
                f"The audit trail is broken at entry {row.id}: investigate it before upgrading "
                "(nothing has been changed)."
            )
        prev = row.hash
    op.add_column(
        "audit_event", sa.Column("chain", sa.SmallInteger(), nullable=False, server_default="0")
    )
    op.create_index("ix_audit_event_chain_id", "audit_event", ["chain", "id"])
    if not rows:
        return
    key = current_app.config["AUDIT_KEY"].encode()
    _guard(on=False)
    prev = GENESIS_HASH
    sealed = []
    for row in rows:
        sealed.append({"row_id": row.id, "link": prev, "sealed": entry_hash(key, 0, prev, row)})
        prev = sealed[-1]["sealed"]
    update = (
        table.update()
        .where(table.c.id == sa.bindparam("row_id"))
        .values(prev_hash=sa.bindparam("link"), hash=sa.bindparam("sealed"))
    )
    bind.execute(update, sealed)
    _guard(on=True)


def downgrade():
    # The entries keep their keyed hashes: the trail is not unsealed (that would remove its
    # tamper evidence), so the previous version's verify reports it broken.
    op.drop_index("ix_audit_event_chain_id", table_name="audit_event")
    op.drop_column("audit_event", "chain")
