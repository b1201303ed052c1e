"""Replacing withdrawn members (SQLite and PostgreSQL): quotas met again, seats and codes handed on, one log entry."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assembly_app import accounts, replacements, roster
from assembly_app.models import Assembly, AuditEntry, Member

NOW = datetime(2026, 3, 1, 9, 30)


def _withdrawn(db: Session, folder, count: int) -> tuple[Assembly, list[Member]]:
    assembly = roster.import_draw(db, "Convention", folder, id_column="id", actor="ana", now=NOW)
    leaving = [member for member in assembly.members if member.status == "active"][:count]
    for member in leaving:
        roster.withdraw(db, member, on=date(2026, 2, 28), reason="moved", actor="ana", now=NOW)
    db.commit()
    return assembly, leaving


def _replace(db: Session, assembly: Assembly, dropouts, **options) -> replacements.Replaced:
    return replacements.replace_withdrawn(db, assembly, dropouts, **{"seed": 7, "accept_missed": False, "actor": "ana", "now": NOW, **options})


def test_a_replacement_meets_the_quotas_and_takes_the_seat_and_a_code(engine, draw_folder):
    with Session(engine) as db:
        assembly, leaving = _withdrawn(db, draw_folder, 2)
        assert assembly.household_columns == ["address", "postcode"]
        seats = [member.seat for member in leaving]
        done = _replace(db, assembly, leaving)
        db.commit()
        assert done.missed == () and all(row.is_met_after for row in done.rows)
        active = [member for member in assembly.members if member.status == "active"]
        assert len(active) == 12 and sorted(member.seat for member in active) == list(range(1, 13))
        for (dropout, newcomer, code), seat in zip(done.pairs, seats):
            assert dropout.status == "replaced" and dropout.replaced_by is newcomer and newcomer.seat == seat
            assert accounts.member_for_code(db, code) is newcomer
        entry = db.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        after = json.loads(entry.after)
        assert entry.action == "member.replace" and after["seed"] == 7 and after["seed_source"] == "given"
        assert after["replaced_by"] == {dropout.person_id: newcomer.person_id for dropout, newcomer, _ in done.pairs}


def test_the_same_seed_draws_the_same_replacements(engine, draw_folder):
    drawn = []
    for _ in range(2):
        with Session(engine) as db:
            assembly, leaving = _withdrawn(db, draw_folder, 1)
            drawn.append([newcomer.person_id for _, newcomer, _ in _replace(db, assembly, leaving, seed=11).pairs])
            db.rollback()
            db.execute(Member.__table__.delete())
            db.execute(AuditEntry.__table__.delete())
            db.execute(Assembly.__table__.delete())
            db.commit()
    assert drawn[0] == drawn[1]


def test_a_missed_quota_is_named_and_changes_nothing_unless_accepted(engine, draw_folder):
    with Session(engine) as db:
        assembly, leaving = _withdrawn(db, draw_folder, 1)
        active = [member for member in assembly.members if member.status == "active"]
        urban = sum(member.features["territory"] == "urban" for member in active)
        # Tighten the urban max below what the members who stay already hold.
        assembly.quotas = [[f, v, low, urban - 1 if v == "urban" else high] for f, v, low, high in assembly.quotas]
        db.commit()
        entries = db.scalar(select(func.count()).select_from(AuditEntry))
        with pytest.raises(replacements.QuotasMissed) as raised:
            _replace(db, assembly, leaving)
        assert any((miss.feature, miss.value, miss.bound) == ("territory", "urban", "max") for miss in raised.value.missed)
        assert leaving[0].status == "withdrawn" and db.scalar(select(func.count()).select_from(AuditEntry)) == entries
        done = _replace(db, assembly, leaving, accept_missed=True)
        assert leaving[0].status == "replaced" and done.missed == raised.value.missed


def test_only_withdrawn_members_are_replaced_and_only_while_the_pool_lasts(engine, draw_folder):
    with Session(engine) as db:
        assembly, leaving = _withdrawn(db, draw_folder, 1)
        active = next(member for member in assembly.members if member.status == "active")
        with pytest.raises(replacements.ReplacementError, match="only a withdrawn member"):
            _replace(db, assembly, [active])
        with pytest.raises(replacements.ReplacementError, match="at least one"):
            _replace(db, assembly, [])
        for member in assembly.members:
            if member.status == "remaining":
                member.status = "replaced"
        with pytest.raises(replacements.ReplacementError, match="only 0 people may replace 1"):
            _replace(db, assembly, leaving)
