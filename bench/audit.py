"""The audit trail under concurrent reads, on PostgreSQL, and its tamper evidence.

    python -m bench.audit [--quick]

Eight reader processes each read patients' record summaries as the demo clinician (the
read `records.services.summary` does, audited, then commit) for a few seconds, with the
audit trail on, and again with auditing turned off in the readers (the audit entry is not
recorded: the baseline only, never a setting of the service). Runs alternate so the
machine's state affects both alike. Prints reads per second with auditing as a ratio to
the baseline (target at least 0.7), then shows what `myhealth audit verify` finds after
someone with write access to the database edits an entry and recomputes every hash without
the key, and after they delete the newest entries a checkpoint has seen.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import tempfile
import time
from pathlib import Path

from bench.common import emit

READERS = 8
TARGET = 0.7


def _app(database_url: str, instance: str):
    from myhealth import create_app

    return create_app(
        {
            "ENVIRONMENT": "test",
            "INSTANCE_DIR": instance,
            "SECRET_KEY": "bench-" + "x" * 40,
            # The seeding's key, whatever process this is (each import draws a new one).
            "AUDIT_KEY": os.environ["BENCH_AUDIT_KEY"],
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": False,
        }
    )


def _reader(database_url: str, instance: str, audited: bool, ready, seconds: float, counts) -> None:
    from sqlalchemy import select

    from myhealth.accounts.models import User
    from myhealth.demo import DEMO_CLINICIAN_EMAIL
    from myhealth.extensions import db
    from myhealth.people.models import Patient
    from myhealth.records import services as records

    if not audited:  # the baseline: the same reads with no audit entry recorded
        from myhealth.access import services as access

        access.record_event = lambda *args, **kwargs: None
    app = _app(database_url, instance)
    done = 0
    with app.app_context():
        clinician = db.session.scalar(select(User).where(User.email == DEMO_CLINICIAN_EMAIL))
        patients = db.session.scalars(
            select(Patient.id).where(
                Patient.registered_organisation_id == clinician.organisation_id
            )
        ).all()
        db.session.commit()
        ready.wait()  # every reader starts together, once all are ready
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            records.summary(db.session, clinician, patients[done % len(patients)], purpose="bench")
            db.session.commit()
            db.session.expunge_all()
            done += 1
        db.engine.dispose()
    counts.append(done)


def _round(database_url: str, instance: str, audited: bool, seconds: float) -> float:
    with multiprocessing.Manager() as manager:
        counts = manager.list()
        ready = manager.Barrier(READERS)
        readers = [
            multiprocessing.Process(
                target=_reader,
                args=(database_url, instance, audited, ready, seconds, counts),
            )
            for _ in range(READERS)
        ]
        for process in readers:
            process.start()
        for process in readers:
            process.join()
            if process.exitcode != 0:
                raise SystemExit(f"a reader failed (exit code {process.exitcode})")
        return sum(counts) / seconds


def _tampering(database_url: str, instance: str) -> None:
    import hashlib

    from sqlalchemy import select, text

    from myhealth.access import chain
    from myhealth.access.models import AuditEvent
    from myhealth.access.services import verify_chain
    from myhealth.extensions import db

    app = _app(database_url, instance)
    checkpoints = Path(instance) / "checkpoints.jsonl"
    with app.app_context():
        session = db.session
        chain.write_checkpoint(session, checkpoints)
        intact = verify_chain(session, checkpoints=str(checkpoints))
        emit("audit_verify_intact_trail", float(intact.ok), "bool", "== 1", intact.ok)

        # Someone with write access: past the append-only trigger, edit the newest entry of
        # one chain, then recompute every hash in id order with plain SHA-256.
        session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change"))
        victim = session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
        session.execute(
            text("UPDATE audit_event SET purpose = 'nothing to see' WHERE id = :id"),
            {"id": victim.id},
        )
        session.expire_all()
        prev: dict[int, str] = {}
        for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all():
            link = prev.get(event.chain, chain.GENESIS_HASH)
            message = f"{event.chain}|{link}|{chain.canonical(event)}"
            forged = hashlib.sha256(message.encode()).hexdigest()
            prev[event.chain] = forged
            session.execute(
                text("UPDATE audit_event SET prev_hash = :link, hash = :hash WHERE id = :id"),
                {"link": link, "hash": forged, "id": event.id},
            )
        edited = verify_chain(session, checkpoints="")
        print(f"# edited entry {victim.id}, chain recomputed without the key: {edited.reason}")
        emit(
            "audit_verify_detects_an_edited_row",
            float(not edited.ok),
            "bool",
            "== 1",
            not edited.ok,
        )
        session.rollback()

        session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change"))
        newest = session.scalars(
            select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(20)
        ).all()
        session.execute(text("DELETE FROM audit_event WHERE id >= :id"), {"id": min(newest)})
        truncated = verify_chain(session, checkpoints=str(checkpoints))
        print(
            f"# newest 20 entries deleted after a checkpoint: entry "
            f"{truncated.first_broken_id}: {truncated.reason}"
        )
        emit(
            "audit_verify_detects_deleted_newest_rows",
            float(not truncated.ok),
            "bool",
            "== 1",
            not truncated.ok,
        )
        session.rollback()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="2-second rounds instead of 6")
    args = parser.parse_args()
    seconds = 2.0 if args.quick else 6.0

    from tests.liveserver import AUDIT_KEY, seed_demo
    from tests.pgserver import PostgresServer

    os.environ["BENCH_AUDIT_KEY"] = AUDIT_KEY  # the readers, spawned, inherit it

    multiprocessing.set_start_method("spawn")
    work = Path(tempfile.mkdtemp(prefix="myhealth-audit-"))
    pg = PostgresServer()
    database_url = pg.start()
    try:
        seed_demo(database_url, work / "seed")
        rates = {True: [], False: []}
        for audited in (False, True, False, True):  # alternating, in one run
            rates[audited].append(_round(database_url, str(work), audited, seconds))
        audited_rate, baseline = sum(rates[True]), sum(rates[False])
        print(
            f"# {READERS} readers: {audited_rate / 2:.0f} audited reads/s, "
            f"{baseline / 2:.0f} without auditing"
        )
        ratio = audited_rate / baseline
        emit(
            "postgresql_audited_reads_vs_unaudited_8_readers",
            ratio,
            "ratio",
            f">= {TARGET}",
            ratio >= TARGET,
        )
        _tampering(database_url, str(work))
    finally:
        pg.stop()


if __name__ == "__main__":
    main()
