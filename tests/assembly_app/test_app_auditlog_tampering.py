"""Tampering with the audit log directly in the database (SQL, bypassing the app): 1,000 seeded trials on a log of 20 entries.

What the chain alone detects (`verify_chain` names a break): any edit of any column of any entry (content, time,
actor, hashes, seq), a deleted entry other than the last, two entries swapped, an entry inserted before the end,
an entry appended with a wrong hash.

What the chain alone cannot detect, and a published head does: cutting entries off the end, and rewriting an
entry while re-hashing every entry after it (or deleting one and re-numbering and re-hashing the rest), since
the hash function is public. A head (count, hash) published earlier catches these: `holds_published_head` fails
because entry `count` is gone or has another hash.

What neither detects: an entry appended after the last published head with a correct hash is indistinguishable
from a genuine one; only the next publication vouches for it (the last test shows this limit).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from assembly_app import auditlog
from assembly_app.db import make_engine, upgrade
from assembly_app.models import AuditEntry

ENTRIES = 20
TRIALS = 1000
SEED = 20261129
NOW = datetime(2026, 3, 1, 9, 30)
COLUMNS = ("at", "actor", "action", "target", "before", "after", "prev_hash", "hash")
CHAIN_BREAKS = ("edit", "renumber", "delete", "swap", "insert", "append_unhashed")
HEAD_CHANGES = ("truncate", "rewrite_and_rehash", "delete_and_rehash")


@pytest.fixture(scope="module")
def log():
    """An in-memory SQLite database (one connection) holding a valid log of 20 entries, and its head (count, hash) as published."""
    engine = make_engine("sqlite://", poolclass=StaticPool)
    upgrade(engine)
    with Session(engine) as db:
        for n in range(ENTRIES):
            auditlog.append(
                db, at=NOW + timedelta(minutes=n), actor=("ana", "bruno", "member:P007")[n % 3], action=("member.withdraw", "vote.ballot", "session.edit")[n % 3],
                target=f"assembly:1/item:{n}", before={"n": n} if n % 2 else None, after={"n": n + 1, "note": "é" * (n % 4)},
            )
        db.commit()
        count, head, broken = auditlog.verify_chain(db)
    assert broken is None and count == ENTRIES
    yield engine, (count, head)
    engine.dispose()


def test_every_tampering_is_detected(log):
    engine, (count, head) = log
    rng = random.Random(SEED)
    detected = dict.fromkeys(CHAIN_BREAKS + HEAD_CHANGES, 0)
    for trial in range(TRIALS):
        kind = rng.choice(CHAIN_BREAKS + HEAD_CHANGES)
        with engine.connect() as connection:
            transaction = connection.begin()
            TAMPER[kind](connection, rng)
            with Session(bind=connection) as db:
                _, _, broken = auditlog.verify_chain(db)
                published = auditlog.holds_published_head(db, count, head)
            transaction.rollback()
        if kind in CHAIN_BREAKS:
            assert broken is not None, (trial, kind)
        else:
            assert broken is None and not published, (trial, kind, broken)
        detected[kind] += 1
    assert sum(detected.values()) == TRIALS and min(detected.values()) > 80, detected
    with Session(engine) as db:  # every trial was rolled back
        assert auditlog.verify_chain(db) == (count, head, None) and auditlog.holds_published_head(db, count, head)


def test_an_entry_appended_with_a_correct_hash_after_the_published_head_is_not_detected(log):
    """The limit of a hash chain: what was appended since the last publication is vouched for by nothing yet."""
    engine, (count, head) = log
    with engine.connect() as connection:
        transaction = connection.begin()
        with Session(bind=connection) as db:
            auditlog.append(db, at=NOW, actor="intruder", action="vote.ballot", target="assembly:1/vote:1", after={"choice": "yes"})
            db.flush()
        with Session(bind=connection) as db:
            assert auditlog.verify_chain(db)[0::2] == (count + 1, None)
            assert auditlog.holds_published_head(db, count, head)
        transaction.rollback()


def _seqs(connection: Connection) -> list[int]:
    return list(connection.scalars(text("SELECT seq FROM audit_log ORDER BY seq")))


def _edit(connection: Connection, rng: random.Random) -> None:
    """Change one character of one column of one entry (or add one)."""
    seq, column = rng.choice(_seqs(connection)), rng.choice(COLUMNS)
    value = connection.scalar(text(f"SELECT {column} FROM audit_log WHERE seq = :seq"), {"seq": seq})
    at = rng.randrange(len(value) + 1)
    alphabet = "0123456789abcdef" if column.endswith("hash") else "abcdefxyz:.{}\"' 0123456789é"
    changed = value[:at] + rng.choice([c for c in alphabet if value[at : at + 1] != c]) + value[at + 1 :]
    connection.execute(text(f"UPDATE audit_log SET {column} = :value WHERE seq = :seq"), {"value": changed, "seq": seq})


def _renumber(connection: Connection, rng: random.Random) -> None:
    seqs = _seqs(connection)
    free = rng.choice([0, -1, max(seqs) + rng.randint(1, 5)] + [n for n in range(1, max(seqs)) if n not in seqs])
    connection.execute(text("UPDATE audit_log SET seq = :new WHERE seq = :old"), {"new": free, "old": rng.choice(seqs)})


def _delete(connection: Connection, rng: random.Random) -> None:
    """Delete one entry other than the last."""
    connection.execute(text("DELETE FROM audit_log WHERE seq = :seq"), {"seq": rng.choice(_seqs(connection)[:-1])})


def _swap(connection: Connection, rng: random.Random) -> None:
    first, second = rng.sample(_seqs(connection), 2)
    for old, new in ((first, -1), (second, first), (-1, second)):
        connection.execute(text("UPDATE audit_log SET seq = :new WHERE seq = :old"), {"new": new, "old": old})


def _insert(connection: Connection, rng: random.Random) -> None:
    """Insert a well-formed entry, chained to the one before it, anywhere but the end; later entries move up one."""
    position = rng.randint(1, ENTRIES)
    connection.execute(text("UPDATE audit_log SET seq = -(seq + 1) WHERE seq >= :p"), {"p": position})
    connection.execute(text("UPDATE audit_log SET seq = -seq WHERE seq < 0"))
    previous = connection.scalar(text("SELECT hash FROM audit_log WHERE seq = :seq"), {"seq": position - 1}) or auditlog.GENESIS
    _add(connection, position, previous, hashed=True)


def _append_unhashed(connection: Connection, rng: random.Random) -> None:
    """Append an entry after the last, pointing to it, with a hash that does not match its content."""
    head = connection.execute(text("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")).one()
    _add(connection, head.seq + 1, head.hash, hashed=False, rng=rng)


def _truncate(connection: Connection, rng: random.Random) -> None:
    connection.execute(text("DELETE FROM audit_log WHERE seq > :keep"), {"keep": rng.randrange(ENTRIES)})


def _rewrite_and_rehash(connection: Connection, rng: random.Random) -> None:
    """Change what one entry says, then recompute its hash and every later one: the chain holds again."""
    seq = rng.randint(1, ENTRIES)
    connection.execute(text("UPDATE audit_log SET after = :after WHERE seq = :seq"), {"after": '{"choice":"no"}', "seq": seq})
    _rehash(connection, seq)


def _delete_and_rehash(connection: Connection, rng: random.Random) -> None:
    """Delete one entry, move the later ones down one and re-hash them."""
    seq = rng.randint(1, ENTRIES)
    connection.execute(text("DELETE FROM audit_log WHERE seq = :seq"), {"seq": seq})
    connection.execute(text("UPDATE audit_log SET seq = -(seq - 1) WHERE seq > :seq"), {"seq": seq})
    connection.execute(text("UPDATE audit_log SET seq = -seq WHERE seq < 0"))
    _rehash(connection, seq)


def _rehash(connection: Connection, start: int) -> None:
    with Session(bind=connection) as db:
        previous = auditlog.GENESIS if start == 1 else db.get(AuditEntry, start - 1).hash
        for entry in db.query(AuditEntry).filter(AuditEntry.seq >= start).order_by(AuditEntry.seq):
            entry.prev_hash = previous
            entry.hash = previous = auditlog.entry_hash(previous, entry)
        db.flush()


def _add(connection: Connection, seq: int, previous: str, *, hashed: bool, rng: random.Random | None = None) -> None:
    with Session(bind=connection) as db:
        entry = AuditEntry(seq=seq, at=NOW.isoformat(), actor="intruder", action="vote.ballot", target="assembly:1/vote:1", before="null", after='{"choice":"yes"}', prev_hash=previous)
        entry.hash = auditlog.entry_hash(previous, entry) if hashed else rng.randbytes(32).hex()
        db.add(entry)
        db.flush()


TAMPER = {
    "edit": _edit,
    "renumber": _renumber,
    "delete": _delete,
    "swap": _swap,
    "insert": _insert,
    "append_unhashed": _append_unhashed,
    "truncate": _truncate,
    "rewrite_and_rehash": _rewrite_and_rehash,
    "delete_and_rehash": _delete_and_rehash,
}
