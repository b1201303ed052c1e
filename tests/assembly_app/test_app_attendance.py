"""Attendance: finding members at the door, check-in and undo, duplicates, the CSV sheet."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assembly_app import attendance, roster, sessions
from assembly_app.models import Assembly, AssemblySession, Attendance, AuditEntry, Member
from app_testing import login

NOW = datetime(2026, 3, 1, 9, 30)


def _session_in_memory() -> AssemblySession:
    assembly = Assembly(contact_columns=["first_name", "last_name", "email"])
    people = [("P1", 1, "Émilie", "Morel"), ("P2", 2, "Emile", "Roux"), ("P3", 12, "Léa", "Girard"), ("P4", None, "Ana", "Lopez")]
    for person_id, seat, first, last in people:
        status = "active" if seat else "remaining"
        assembly.members.append(Member(person_id=person_id, seat=seat, status=status, contact={"first_name": first, "last_name": last, "email": "x@example.org"}))
    return AssemblySession(assembly=assembly, number=1)


@pytest.mark.parametrize(
    ("query", "found"),
    [("12", ["P3"]), ("1", ["P1"]), ("p2", ["P2"]), ("emil", ["P1", "P2"]), ("ÉMILIE", ["P1"]), ("lea gir", ["P3"]), ("girard", ["P3"]), ("lopez", []), ("7", []), (" ", [])],
)
def test_members_are_found_by_seat_id_or_part_of_a_name_ignoring_case_and_accents(query, found):
    assert [member.person_id for member in attendance.find_members(_session_in_memory(), query)] == found


@pytest.mark.parametrize("cell", ["=1+2", "+33 1 23", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_cells_a_spreadsheet_would_run_get_an_apostrophe(cell):
    assert attendance.neutralise(cell) == "'" + cell
    assert attendance.neutralise("Léa = Girard") == "Léa = Girard"


def _planned(db: Session, folder) -> AssemblySession:
    assembly = roster.import_draw(db, "Convention", folder, id_column="id", actor="ana", now=NOW)
    session = sessions.create_session(db, assembly, held_on=date(2026, 4, 4), place="Paris", actor="ana", now=NOW)
    db.commit()
    return session


def test_a_check_in_is_recorded_once_and_can_be_undone(engine, draw_folder):
    with Session(engine) as db:
        session = _planned(db, draw_folder)
        member = next(member for member in session.assembly.members if member.status == "active")
        attendance.check_in(db, session, member, actor="bo", now=NOW)
        db.commit()
        entries = db.scalar(select(func.count()).select_from(AuditEntry))
        with pytest.raises(attendance.AlreadyPresent, match=f"seat {member.seat} · .* is already checked in since 09:30 \\(by bo\\)"):
            attendance.check_in(db, session, member, actor="cy", now=NOW)
        db.rollback()
        assert db.scalar(select(func.count()).select_from(Attendance)) == 1 and db.scalar(select(func.count()).select_from(AuditEntry)) == entries
        attendance.undo_check_in(db, session, member, actor="bo", now=NOW)
        db.commit()
        assert db.scalar(select(func.count()).select_from(Attendance)) == 0
        assert [e.action for e in db.scalars(select(AuditEntry).order_by(AuditEntry.seq))][-2:] == ["attendance.check_in", "attendance.undo"]
        with pytest.raises(attendance.AttendanceError, match="is not checked in"):
            attendance.undo_check_in(db, session, member, actor="bo", now=NOW)


def test_only_active_members_check_in_and_the_sheet_neutralises_formulas(engine, draw_folder):
    with Session(engine) as db:
        session = _planned(db, draw_folder)
        active = [member for member in session.assembly.members if member.status == "active"]
        roster.withdraw(db, active[0], on=date(2026, 4, 1), reason="ill", actor="ana", now=NOW)
        with pytest.raises(attendance.AttendanceError, match="not an active member"):
            attendance.check_in(db, session, active[0], actor="bo", now=NOW)
        active[1].contact = {**active[1].contact, "first_name": "=HYPERLINK(\"http://evil\")"}
        attendance.check_in(db, session, active[1], actor="bo", now=NOW)
        db.commit()
        rows = list(csv.reader(io.StringIO(attendance.sheet_csv(session))))
        assert rows[0][:6] == ["session", "date", "seat", "id", "name", "present"] and len(rows) == 1 + 11
        marked = next(row for row in rows if row[3] == active[1].person_id)
        assert marked[4].startswith("'=HYPERLINK") and marked[5] == "yes"


def test_the_door_checks_in_by_seat_answers_duplicates_and_undoes(demo):
    client = demo.test_client()
    login(client, "facilitator")
    desk = "/assemblies/1/sessions/2/attendance"
    first = client.post(desk, data={"query": "3"})
    assert first.status_code == 302 and first.location.endswith(desk)
    assert b"checked in." in client.get(desk).data
    again = client.post(desk, data={"query": " 3 "}, follow_redirects=True)
    assert again.status_code == 200 and b"is already checked in" in again.data and b"Nothing changed" in again.data
    unknown = client.post(desk, data={"query": "Zorglub"})
    assert unknown.status_code == 400 and "No active member matches “Zorglub”".encode() in unknown.data
    with Session(demo.extensions["engine"]) as db:
        member = db.scalar(select(Member).where(Member.seat == 3))
    page = client.post(f"{desk}/{member.id}/undo", follow_redirects=True)
    assert b"check-in undone" in page.data and b"0 present of 12" in page.data
    sheet = client.get(f"{desk}/sheet.csv")
    assert sheet.mimetype == "text/csv" and "attachment" in sheet.headers["Content-Disposition"]
    assert sheet.data.decode("utf-8-sig").startswith("session,date,seat,id,name,present")


def test_a_name_matching_several_members_offers_a_choice_and_auditors_only_read(demo):
    client = demo.test_client()
    login(client, "facilitator")
    desk = "/assemblies/1/sessions/2/attendance"
    with Session(demo.extensions["engine"]) as db:
        members = db.scalars(select(Member).where(Member.status == "active").order_by(Member.seat)).all()
        last_names = [member.contact["last_name"] for member in members]
    shared = next(name for name in last_names if last_names.count(name) > 1)
    choice = client.post(desk, data={"query": shared.lower()})
    assert choice.status_code == 200 and b"Several members match" in choice.data
    auditor = demo.test_client()
    login(auditor, "auditor")
    assert auditor.get(desk).status_code == 200 and b"Seat number or part of a name" not in auditor.get(desk).data
    assert auditor.post(desk, data={"query": "1"}).status_code == 403
