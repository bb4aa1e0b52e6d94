"""The audit trail's tamper evidence: keyed hash chains, and checkpoints outside the database.

- Each entry's hash is an HMAC-SHA256, under a key from configuration (MYHEALTH_AUDIT_KEY,
  never stored in the database), of the previous entry's hash and the entry's content. Someone
  who can write to the database can neither edit an entry nor recompute the chain after it.
- On PostgreSQL the trail is kept as ``POSTGRESQL_CHAINS`` chains. A unit of work appends to
  one chain, chosen at random when it first appends, and takes that chain's lock alone, so
  people reading different records do not queue behind one lock. (SQLite lets one writer in
  at a time, so it keeps one chain.) Within a chain, entries follow each other in id order.
- A checkpoint records, for every chain, how many entries it has, its newest entry's id and
  hash, and a keyed MAC of all that; checkpoints are appended to a file (and the log), which
  the database cannot rewrite. Verify walks every chain and checks that each checkpointed
  entry is still there at its place, so deleting the newest entries shows too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import bindparam, func, select, text
from sqlalchemy.orm import Session

from myhealth.access.models import AuditEvent
from myhealth.access.scoping import internal

GENESIS_HASH = "0" * 64
POSTGRESQL_CHAINS = 16
_CHAIN = "audit_chain"  # session.info key: the chain this unit of work appends to
# Any constant will do: with the chain's number, it names that chain's lock on PostgreSQL.
_LOCK_KEY = 7_272_2026
_LAST_LINK = internal(  # the chain's bookkeeping: nobody is shown anything
    select(AuditEvent.hash)
    .where(AuditEvent.chain == bindparam("chain"))
    .order_by(AuditEvent.id.desc())
    .limit(1)
)
log = logging.getLogger("myhealth.audit")


def canonical(event) -> str:
    """The entry's content as the hash covers it (every column but its id, chain and links)."""
    fields = {
        "occurred_at": event.occurred_at.isoformat(),
        "action": event.action,
        "outcome": event.outcome,
        "actor_user_id": str(event.actor_user_id) if event.actor_user_id else None,
        "actor_name": event.actor_name,
        "actor_role": event.actor_role,
        "actor_organisation_id": (
            str(event.actor_organisation_id) if event.actor_organisation_id else None
        ),
        "actor_organisation_name": event.actor_organisation_name,
        "patient_id": str(event.patient_id) if event.patient_id else None,
        "purpose": event.purpose,
        "detail": event.detail,
        "client_address": event.client_address,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"))


_APP_KEY: list[bytes] = []  # the key of the app created last in this process


def init_app(app) -> None:
    _APP_KEY[:] = [app.config["AUDIT_KEY"].encode()]


def audit_key() -> bytes:
    """The app's key; outside an app context (a script or test holding its own session), the
    key of the app created last in this process."""
    if has_app_context():
        return current_app.config["AUDIT_KEY"].encode()
    if not _APP_KEY:
        raise RuntimeError(
            "the audit trail's key comes from the app's configuration (MYHEALTH_AUDIT_KEY): "
            "create the app (myhealth.create_app) before writing to or checking the trail"
        )
    return _APP_KEY[0]


def entry_hash(key: bytes, chain: int, prev_hash: str, event) -> str:
    """The entry's link: its chain's number, the previous hash and its content, keyed. (With
    the chain's number, two chains' first entries differ even when their content is the same.)"""
    message = f"{chain}|{prev_hash}|{canonical(event)}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def _mac(key: bytes, body: str) -> str:
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def chains(session: Session) -> int:
    return POSTGRESQL_CHAINS if session.get_bind().dialect.name == "postgresql" else 1


def lock_chain(session: Session) -> tuple[int, str]:
    """This unit of work's chain, locked for it, and that chain's newest link."""
    chain = session.info.get(_CHAIN)
    if chain is None:
        chain = session.info[_CHAIN] = random.randrange(chains(session))  # noqa: S311 - spread
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:key, :chain)"), {"key": _LOCK_KEY, "chain": chain}
        )
    return chain, session.scalar(_LAST_LINK, {"chain": chain}) or GENESIS_HASH


def forget_chain(session: Session) -> None:
    """At the end of a unit of work: the next one chooses its chain afresh."""
    session.info.pop(_CHAIN, None)


# --- checkpoints --------------------------------------------------------------------------


@dataclass(frozen=True)
class Head:
    count: int
    last_id: int
    hash: str


def heads(session: Session) -> dict[int, Head]:
    """Every chain's length and newest entry, counted in the database."""
    counted = session.execute(
        select(AuditEvent.chain, func.count(AuditEvent.id), func.max(AuditEvent.id)).group_by(
            AuditEvent.chain
        )
    ).all()
    newest = dict(
        session.execute(
            select(AuditEvent.id, AuditEvent.hash).where(
                AuditEvent.id.in_([last_id for _, _, last_id in counted])
            )
        ).all()
    )
    return {chain: Head(count, last_id, newest[last_id]) for chain, count, last_id in counted}


def write_checkpoint(session: Session, path: str | os.PathLike) -> dict:
    """Append a keyed checkpoint of every chain's head to the file (and the log)."""
    body = json.dumps(
        {
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "chains": {
                str(chain): [head.count, head.last_id, head.hash]
                for chain, head in sorted(heads(session).items())
            },
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    line = json.dumps({"checkpoint": body, "mac": _mac(audit_key(), body)}) + "\n"
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # One write to a file opened for appending: lines from several processes never interleave.
    descriptor = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, line.encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    log.info("audit checkpoint %s", line.strip())
    return json.loads(body)


class CheckpointsAltered(ValueError):
    """A checkpoint line does not carry a valid MAC: the file was edited."""


def read_checkpoints(path: str | os.PathLike, *, key: str | None = None) -> list[dict]:
    """The checkpoints in the file (none if there is no file yet), each checked by its MAC."""
    if not path or not Path(path).exists():
        return []
    target = Path(path)
    found = []
    key = key.encode() if key is not None else audit_key()
    for number, line in enumerate(target.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            body = record["checkpoint"]
            valid = hmac.compare_digest(record["mac"], _mac(key, body))
        except (ValueError, KeyError, TypeError):
            valid = False
        if not valid:
            raise CheckpointsAltered(f"line {number} of {target} is not a valid checkpoint")
        found.append(json.loads(body))
    return found


# --- verify -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None
    reason: str = ""
    checkpoints: int = 0

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None and not self.reason


def verify(
    session: Session,
    checkpoints: Iterable[dict] = (),
    progress: Callable[[int, int], None] | None = None,
    key: str | None = None,
) -> ChainReport:
    """Walk every chain in order and report the first entry whose link or content changed,
    then any checkpointed entry that is no longer where the checkpoint saw it."""
    checkpoints = list(checkpoints)
    expected: dict[tuple[int, int], tuple[int, str, str]] = {}
    for checkpoint in checkpoints:
        for chain, (count, last_id, head_hash) in checkpoint["chains"].items():
            expected[(int(chain), last_id)] = (count, head_hash, checkpoint["at"])
    key = key.encode() if key is not None else audit_key()
    prev: dict[int, str] = {}
    lengths: dict[int, int] = {}
    checked = 0
    total = session.scalar(select(func.count(AuditEvent.id))) or 0
    # populate_existing: compare what is stored now, not what this session cached earlier.
    stmt = select(AuditEvent).order_by(AuditEvent.id).execution_options(populate_existing=True)
    for event in session.execute(stmt).scalars().yield_per(1000):
        checked += 1
        chain = event.chain
        link = prev.get(chain, GENESIS_HASH)
        if event.prev_hash != link:
            return ChainReport(checked, event.id, "its link to the previous entry is broken")
        if not hmac.compare_digest(entry_hash(key, chain, link, event), event.hash):
            return ChainReport(checked, event.id, "its content does not match its hash")
        prev[chain] = event.hash
        lengths[chain] = lengths.get(chain, 0) + 1
        seen = expected.pop((chain, event.id), None)
        if seen is not None and (seen[0], seen[1]) != (lengths[chain], event.hash):
            return ChainReport(
                checked, event.id, f"it is not where the checkpoint of {seen[2]} saw it"
            )
        if progress is not None and checked % 1000 == 0:
            progress(checked, total)
    if expected:
        (chain, missing_id), (count, _, at) = min(expected.items(), key=lambda item: item[0][1])
        return ChainReport(
            checked,
            missing_id,
            f"it is missing: the checkpoint of {at} counted {count} entries in its chain up to it",
            len(checkpoints),
        )
    return ChainReport(checked, None, checkpoints=len(checkpoints))
