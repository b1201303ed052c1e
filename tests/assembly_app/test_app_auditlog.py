"""The audit log under concurrency (SQLite and PostgreSQL): simultaneous check-ins all succeed, the chain holds, a change and its entry are one transaction."""

from __future__ import annotations

import threading
import time
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assembly_app import attendance, auditlog, roster, sessions
from assembly_app.models import AssemblySession, Attendance, AuditEntry, Member

NOW = datetime(2026, 3, 1, 9, 30)
DOORS = 8


def test_simultaneous_check_ins_all_succeed_and_the_chain_holds(engine, draw_folder, monkeypatch):
    with Session(engine) as db:
        assembly = roster.import_draw(db, "Convention", draw_folder, id_column="id", actor="ana", now=NOW)
        for day in (4, 18):
            sessions.create_session(db, assembly, held_on=date(2026, 4, day), place="Paris", actor="ana", now=NOW)
        db.commit()
        visits = [(s.id, m.id) for s in assembly.sessions for m in assembly.members if m.status == "active"]
        entries = db.scalar(select(func.count()).select_from(AuditEntry))
    # Widen the gap between reading the chain's head and writing the next entry, where appends collided.
    hash_entry = auditlog.entry_hash
    monkeypatch.setattr(auditlog, "entry_hash", lambda prev, entry: time.sleep(0.02) or hash_entry(prev, entry))
    start, failures = threading.Barrier(DOORS), []

    def door(share: list[tuple[int, int]]) -> None:
        start.wait()
        for session_id, member_id in share:
            try:
                with Session(engine) as db:
                    attendance.check_in(db, db.get(AssemblySession, session_id), db.get(Member, member_id), actor="desk", now=NOW)
                    db.commit()
            except Exception as error:  # noqa: BLE001 - every failure is reported below
                failures.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=door, args=(visits[n::DOORS],)) for n in range(DOORS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with Session(engine) as db:
        count, _, broken = auditlog.verify_chain(db)
    assert broken is None and count == entries + len(visits)


def test_a_check_in_and_its_audit_entry_are_one_transaction(engine, draw_folder, monkeypatch):
    """On SQLite the driver used to commit at the savepoint's release, before the audit entry was written."""
    with Session(engine) as db:
        assembly = roster.import_draw(db, "Convention", draw_folder, id_column="id", actor="ana", now=NOW)
        session = sessions.create_session(db, assembly, held_on=date(2026, 4, 4), place="Paris", actor="ana", now=NOW)
        db.commit()
        member = next(m for m in assembly.members if m.status == "active")

        def fail(*_args, **_kwargs):
            raise RuntimeError("the log is unavailable")

        monkeypatch.setattr(auditlog, "append", fail)
        with pytest.raises(RuntimeError):
            attendance.check_in(db, session, member, actor="desk", now=NOW)
        db.rollback()
    with Session(engine) as db:
        assert db.scalar(select(func.count()).select_from(Attendance)) == 0
