"""Storage on SQLite and PostgreSQL: the migrated schema, importing a draw, withdrawals, the audit chain."""

from __future__ import annotations

import random
import shutil
from datetime import date, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assembly_app import accounts, auditlog, roster
from assembly_app.db import make_engine, upgrade
from assembly_app.models import Assembly, AuditEntry, Base, LoginAttempt, Member
from stratification import InputError

NOW = datetime(2026, 3, 1, 9, 30)


def test_the_migrations_create_exactly_the_models_schema(engine):
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_upgrading_from_0001_numbers_the_seats_of_existing_panels(tmp_path, draw_folder):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    upgrade(engine, "0001")
    members = Member.__table__
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO assemblies (id, name, created_at, id_column, quotas, contact_columns) VALUES (1, 'Old', '2026-01-01', 'id', '[]', '[]')"))
        for number, status in enumerate(["active", "remaining", "withdrawn", "active"], start=1):
            connection.execute(
                text("INSERT INTO members (assembly_id, person_id, status, row, features, contact) VALUES (1, :p, :s, :r, '{}', '{}')"),
                {"p": f"P{number}", "s": status, "r": number + 1},
            )
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(select(members.c.person_id, members.c.seat).order_by(members.c.id)).all() == [("P1", 1), ("P2", None), ("P3", 2), ("P4", 3)]
        assert connection.execute(select(Assembly.__table__.c.household_columns)).scalar() == []
    engine.dispose()


def _import(db: Session, folder) -> Assembly:
    return roster.import_draw(db, "Convention", folder, id_column="id", actor="ana", now=NOW)


def test_importing_a_draw_keeps_features_contact_columns_and_the_bundle(engine, draw_folder):
    with Session(engine) as db:
        assembly = _import(db, draw_folder)
        db.commit()
    with Session(engine) as db:
        assembly = db.scalars(select(Assembly)).one()
        statuses = [member.status for member in assembly.members]
        assert statuses.count("active") == 12 and statuses.count("remaining") == 88
        member = assembly.members[0]
        assert list(member.features) == ["gender", "age", "territory"]
        assert assembly.contact_columns == ["first_name", "last_name", "email", "address", "postcode", "city"]
        assert member.contact["email"].endswith("@example.org")
        assert assembly.algorithm == "leximin" and assembly.seed == "1" and len(assembly.audit_sha256) == 64
        assert [entry.action for entry in db.scalars(select(AuditEntry))] == ["assembly.import"]


def test_a_rejected_draw_stores_nothing(engine, draw_folder, tmp_path):
    folder = tmp_path / "draw"
    shutil.copytree(draw_folder, folder)
    lines = (folder / "remaining.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",woman,", ",femme,").replace(",man,", ",homme,")
    (folder / "remaining.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Session(engine) as db:
        with pytest.raises(InputError) as raised:
            _import(db, folder)
        db.rollback()
        (problem,) = raised.value.problems
        assert (problem.file, problem.row, problem.column) == ("remaining.csv", 4, "gender")
        assert problem.value in ("femme", "homme")
        for table in (Assembly, Member, AuditEntry):
            assert db.scalar(select(func.count()).select_from(table)) == 0


def test_withdrawal_is_recorded_with_before_and_after(engine, draw_folder):
    with Session(engine) as db:
        member = _import(db, draw_folder).members[0]
        roster.withdraw(db, member, on=date(2026, 2, 28), reason="moved abroad", actor="ana", now=NOW)
        db.commit()
        with pytest.raises(roster.RosterError):
            roster.withdraw(db, member, on=date(2026, 2, 28), reason="again", actor="ana", now=NOW)
        entry = db.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert (entry.action, entry.before) == ("member.withdraw", '{"status":"active"}')
        assert '"reason":"moved abroad"' in entry.after and member.withdrawn_on == date(2026, 2, 28)


def test_voting_codes_open_the_member_and_stop_with_a_withdrawal(engine, draw_folder):
    with Session(engine) as db:
        assembly = _import(db, draw_folder)
        issued = roster.issue_codes(db, assembly, actor="ana", now=NOW)
        db.commit()
        member, code = issued[0]
        assert accounts.member_for_code(db, code) is member
        assert member.code_hash != code
        roster.withdraw(db, member, on=date(2026, 3, 1), reason="ill", actor="ana", now=NOW)
        db.commit()
        assert accounts.member_for_code(db, code) is None


def test_failed_logins_are_counted_per_username_and_address_within_the_window(engine):
    with Session(engine) as db:
        for minute in range(5):
            assert not accounts.is_rate_limited(db, "10.0.0.1", NOW, username="ana")
            accounts.record_failure(db, "ana", f"10.0.0.{minute + 1}", NOW - timedelta(minutes=minute))
        db.commit()
        assert accounts.is_rate_limited(db, "10.0.0.9", NOW, username="ana")
        assert not accounts.is_rate_limited(db, "10.0.0.9", NOW, username="bob")
        assert not accounts.is_rate_limited(db, "10.0.0.9", NOW + timedelta(minutes=16), username="ana")
        accounts.record_failure(db, "x", "10.0.0.9", NOW + timedelta(hours=2))
        db.commit()
        assert db.scalar(select(func.count()).select_from(LoginAttempt)) == 1


def _chain(db: Session, length: int) -> None:
    for number in range(length):
        auditlog.append(db, at=NOW, actor="ana", action="test.change", target=f"thing:{number}", before={"n": number}, after={"n": number + 1})
    db.commit()


def test_an_untouched_chain_verifies_and_two_entries_cannot_take_the_same_place(engine):
    with Session(engine) as db:
        _chain(db, 5)
        count, head, broken = auditlog.verify_chain(db)
        assert (count, broken) == (5, None) and head == db.get(AuditEntry, 5).hash
        db.add(AuditEntry(seq=5, at="", actor="", action="", target="", before="", after="", prev_hash="", hash=""))
        with pytest.raises(IntegrityError):
            db.flush()


@pytest.mark.parametrize("trial", range(6))
def test_tampering_in_the_database_is_detected(engine, trial):
    rng = random.Random(trial)
    with Session(engine) as db:
        _chain(db, 8)
        seq = rng.randint(1, 7)  # removing the very last entry is caught only by a published head hash
        kind = ["edit", "delete", "swap"][trial % 3]
        table = AuditEntry.__table__
        with engine.begin() as connection:
            if kind == "edit":
                field = rng.choice(["at", "actor", "action", "target", "before", "after"])
                connection.execute(update(table).where(table.c.seq == seq).values({field: '{"n":99}'}))
            elif kind == "delete":
                connection.execute(table.delete().where(table.c.seq == seq))
            else:
                connection.execute(update(table).where(table.c.seq == seq).values(seq=-1))
                connection.execute(update(table).where(table.c.seq == seq + 1).values(seq=seq))
                connection.execute(update(table).where(table.c.seq == -1).values(seq=seq + 1))
        db.expire_all()
        _, _, broken = auditlog.verify_chain(db)
        assert broken is not None and broken.seq == (seq + 1 if kind == "delete" else seq), kind


def test_sqlite_connections_use_wal_and_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.sqlite3'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()
