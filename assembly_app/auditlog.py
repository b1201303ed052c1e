"""The append-only, hash-chained audit log: appending an entry and verifying the chain."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from assembly_app.models import AuditEntry
from sortition.audit import canonical_json

__all__ = ["GENESIS", "append", "entry_hash", "holds_published_head", "verify_chain", "Break"]

GENESIS = "0" * 64
CHAIN_LOCK = 0x61756469745F6C6F  # "audit_lo": the advisory lock key of the chain's head on PostgreSQL


def entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    """SHA-256 over the previous entry's hash and the canonical JSON of this entry's content."""
    body = {
        "seq": entry.seq,
        "at": entry.at,
        "actor": entry.actor,
        "action": entry.action,
        "target": entry.target,
        "before": entry.before,
        "after": entry.after,
    }
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_json(body)).hexdigest()


def append(db: Session, *, at: datetime, actor: str, action: str, target: str, before: Any = None, after: Any = None) -> AuditEntry:
    """Add the next entry to the log (in the caller's transaction; it does not commit).

    Appends wait for each other: on PostgreSQL a transaction-scoped advisory lock, on SQLite the write
    lock that every writing transaction takes when it begins (db.make_engine). Should anything else
    write the log, `seq` is the primary key, so two appends at once still cannot both succeed."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    last = db.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).first()
    entry = AuditEntry(
        seq=1 if last is None else last.seq + 1,
        at=at.isoformat(timespec="seconds"),
        actor=actor,
        action=action,
        target=target,
        before=canonical_json(before).decode("utf-8"),
        after=canonical_json(after).decode("utf-8"),
        prev_hash=GENESIS if last is None else last.hash,
    )
    entry.hash = entry_hash(entry.prev_hash, entry)
    db.add(entry)
    db.flush()
    return entry


@dataclass(frozen=True)
class Break:
    """The first entry where the chain does not hold, and why."""

    seq: int
    reason: str

    def __str__(self) -> str:
        return f"entry {self.seq}: {self.reason}"


def verify_chain(db: Session) -> tuple[int, str, Break | None]:
    """Check every entry in order: (number of entries, hash of the last, first break or None).

    Removing entries from the end leaves a valid shorter chain: publish the head hash to catch that."""
    expected_prev, count = GENESIS, 0
    for entry in db.scalars(select(AuditEntry).order_by(AuditEntry.seq)):
        count += 1
        if entry.seq != count:
            reason = f"entry {count} is missing before it" if entry.seq > count else f"it is out of place (entry {count} expected)"
            return count, expected_prev, Break(entry.seq, reason)
        if entry.prev_hash != expected_prev:
            return count, expected_prev, Break(entry.seq, "does not point to the hash of the entry before it")
        if entry_hash(entry.prev_hash, entry) != entry.hash:
            return count, expected_prev, Break(entry.seq, "its content does not match its hash (it was edited)")
        expected_prev = entry.hash
    return count, expected_prev, None


def holds_published_head(db: Session, count: int, head: str) -> bool:
    """Whether entry `count` still has the hash `head` that was published for it. With a chain that verifies, it
    means entries 1 to `count` are exactly as they were then: none cut off the end, none rewritten and re-hashed.
    Entries appended since the publication are vouched for only by the next one."""
    entry = db.get(AuditEntry, count)
    return entry is not None and entry.hash == head
