"""Tamper evidence against someone who can write to the database (issue 11, part 5).

Each attack is what such a person could do with SQL: edit an entry and recompute the whole
chain with plain SHA-256 as the app once did, delete the newest entries, or edit the
checkpoints file. The chain is keyed (HMAC with a key the database never holds) and
checkpoints are kept outside the database, so each shows in `myhealth audit verify`.
"""

import hashlib
import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session as _Session

from myhealth.access import chain
from myhealth.access.models import AuditEvent
from myhealth.access.services import record_event, verify_chain
from myhealth.cli import main


def _tamperer_disables_the_guard(db):
    """Only a tamperer with DDL rights gets past the append-only trigger; be one."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change"))
    else:
        db.execute(text("DROP TRIGGER audit_event_no_update"))
        db.execute(text("DROP TRIGGER audit_event_no_delete"))


def _entries(db, world, count, action="test.entry"):
    events = [record_event(db, f"{action}.{i}", actor=world.patient_user) for i in range(count)]
    db.commit()
    return events


def test_an_edited_entry_shows_even_when_every_hash_is_recomputed_without_the_key(db, world):
    events = _entries(db, world, 6)
    _tamperer_disables_the_guard(db)
    db.execute(
        text("UPDATE audit_event SET purpose = 'covering tracks' WHERE id = :id"),
        {"id": events[3].id},
    )
    # Recompute every link and hash in id order, as the unkeyed chain was computed.
    prev = {}
    db.expire_all()
    for event in db.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all():
        link = prev.get(event.chain, chain.GENESIS_HASH)
        message = f"{event.chain}|{link}|{chain.canonical(event)}"  # the format, without the key
        forged = hashlib.sha256(message.encode()).hexdigest()
        db.execute(
            text("UPDATE audit_event SET prev_hash = :link, hash = :hash WHERE id = :id"),
            {"link": link, "hash": forged, "id": event.id},
        )
        prev[event.chain] = forged
    report = verify_chain(db)
    assert not report.ok
    assert "content does not match its hash" in report.reason


def test_deleting_the_newest_entries_shows_once_a_checkpoint_has_seen_them(
    app, db, world, tmp_path
):
    events = _entries(db, world, 25)
    checkpoints = tmp_path / "checkpoints.jsonl"
    with app.app_context():
        chain.write_checkpoint(db, checkpoints)
    assert verify_chain(db, checkpoints=str(checkpoints)).ok
    # The newest 20 go: what is left is a whole chain, so only the checkpoint can tell.
    _tamperer_disables_the_guard(db)
    db.execute(text("DELETE FROM audit_event WHERE id >= :id"), {"id": events[5].id})
    assert verify_chain(db).ok  # without the checkpoint, the shortened chain looks whole
    report = verify_chain(db, checkpoints=str(checkpoints))
    assert not report.ok
    assert report.first_broken_id == events[-1].id
    assert "it is missing" in report.reason


def test_an_edited_checkpoints_file_is_refused(app, db, world, tmp_path):
    _entries(db, world, 3)
    checkpoints = tmp_path / "checkpoints.jsonl"
    with app.app_context():
        chain.write_checkpoint(db, checkpoints)
    record = json.loads(checkpoints.read_text())
    body = json.loads(record["checkpoint"])
    for head in body["chains"].values():
        head[0] -= 1  # claim fewer entries, to hide the deletion of one
    record["checkpoint"] = json.dumps(body, sort_keys=True, separators=(",", ":"))
    checkpoints.write_text(json.dumps(record) + "\n")
    report = verify_chain(db, checkpoints=str(checkpoints))
    assert not report.ok
    assert "line 1 of" in report.reason and "is not a valid checkpoint" in report.reason
    checkpoints.write_text("\nnot a checkpoint at all\n")  # a blank line is passed over
    report = verify_chain(db, checkpoints=str(checkpoints))
    assert "line 2 of" in report.reason and "is not a valid checkpoint" in report.reason


def test_rewriting_history_a_checkpoint_saw_shows_even_with_the_key(app, db, world, tmp_path):
    """Someone holding the key as well (say, an administrator gone rogue) deletes an entry
    and reseals the chain: the chain verifies, but no longer ends where the checkpoint saw."""
    events = _entries(db, world, 5)
    checkpoints = tmp_path / "checkpoints.jsonl"
    with app.app_context():
        chain.write_checkpoint(db, checkpoints)
    with open(checkpoints, "a") as file:
        file.write("\n")
    _tamperer_disables_the_guard(db)
    db.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": events[1].id})
    db.expire_all()
    key = chain.audit_key()
    prev = {}
    for event in db.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all():
        link = prev.get(event.chain, chain.GENESIS_HASH)
        resealed = chain.entry_hash(key, event.chain, link, event)
        db.execute(
            text("UPDATE audit_event SET prev_hash = :link, hash = :hash WHERE id = :id"),
            {"link": link, "hash": resealed, "id": event.id},
        )
        prev[event.chain] = resealed
    assert verify_chain(db).ok  # the resealed chain is whole
    report = verify_chain(db, checkpoints=str(checkpoints))
    assert not report.ok
    assert "not where the checkpoint" in report.reason


def test_cli_checkpoint_then_verify_finds_a_deleted_entry(app, db, world, tmp_path, monkeypatch):
    _entries(db, world, 4)
    monkeypatch.setitem(
        app.config, "AUDIT_CHECKPOINTS", str(tmp_path / "audit" / "checkpoints.jsonl")
    )
    runner = app.test_cli_runner()
    written = runner.invoke(main, ["audit", "checkpoint"])
    assert written.exit_code == 0, written.output
    assert "Checkpoint written" in written.output
    intact = runner.invoke(main, ["audit", "verify"])
    assert intact.exit_code == 0, intact.output
    assert "1 checkpoints found in place" in intact.output

    _tamperer_disables_the_guard(db)
    newest = db.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    db.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": newest})
    db.commit()
    broken = runner.invoke(main, ["audit", "verify"])
    assert broken.exit_code == 1
    assert f"broken at entry {newest}: it is missing" in broken.output


def test_a_checkpoint_that_cannot_be_written_is_a_clear_error(
    app, db, world, tmp_path, monkeypatch
):
    _entries(db, world, 1)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    # A directory that cannot be made: its parent is a file.
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINTS", str(blocker / "checkpoints.jsonl"))
    result = app.test_cli_runner().invoke(main, ["audit", "checkpoint"])
    assert result.exit_code == 1
    assert "cannot write the checkpoint" in result.output


def test_a_unit_of_work_keeps_to_one_chain_and_postgresql_spreads_them(db, world):
    first = _entries(db, world, 3)
    assert len({event.chain for event in first}) == 1  # one unit of work, one chain
    for _ in range(40):
        _entries(db, world, 1, action="test.spread")
    used = set(db.scalars(select(AuditEvent.chain).distinct()))
    if db.get_bind().dialect.name == "postgresql":
        assert len(used) > 1
        assert used <= set(range(chain.POSTGRESQL_CHAINS))
    else:
        assert used == {0}  # SQLite has one writer at a time: one chain
    assert verify_chain(db).ok


def test_postgresql_appends_to_another_chain_while_one_is_locked(app, db, world):
    """A reader of one record does not wait for the lock of another reader's chain."""
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite lets one writer in at a time")
    from myhealth.extensions import db as _db

    with app.app_context():
        engine = _db.engine
    with _Session(engine) as holder, _Session(engine) as other:
        holder.info["audit_chain"] = 3
        record_event(holder, "test.holds", actor=None)  # chain 3 locked until commit
        other.info["audit_chain"] = 4
        other.execute(text("SET LOCAL lock_timeout = '2s'"))
        record_event(other, "test.other", actor=None)  # would time out if it waited
        assert other.info["audit_chain"] == 4
        other.rollback()
        holder.rollback()



def test_the_key_asked_for_before_any_app_exists_is_a_clear_error(monkeypatch):
    """A script that writes to the trail without creating the app is told why, not IndexError."""
    from myhealth.access import chain as audit_chain

    monkeypatch.setattr(audit_chain, "_APP_KEY", [])
    with pytest.raises(RuntimeError, match="MYHEALTH_AUDIT_KEY"):
        audit_chain.audit_key()
