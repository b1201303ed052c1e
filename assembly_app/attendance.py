"""Attendance at a session: finding a member by seat or name at the door, checking in, undoing, the sheet."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assembly_app import auditlog
from assembly_app.models import AssemblySession, Attendance, Member
from assembly_app.spreadsheets import csv_text, neutralise

__all__ = ["AlreadyPresent", "AttendanceError", "SheetRow", "check_in", "find_members", "neutralise", "sheet", "sheet_csv", "undo_check_in"]


class AttendanceError(Exception):
    """A check-in or undo that cannot be done; `reason` says why."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class AlreadyPresent(AttendanceError):
    """The member was already checked in: not a failure at the door, just news."""

    def __init__(self, member: Member, record: Attendance | None):
        self.member, self.record = member, record
        since = "" if record is None else f" since {record.checked_in_at:%H:%M} (by {record.checked_in_by})"
        super().__init__(f"seat {member.seat} · {member.name} is already checked in{since}")


@dataclass(frozen=True)
class SheetRow:
    """One line of the attendance sheet."""

    seat: int | None
    person_id: str
    name: str
    is_present: bool
    checked_in_at: datetime | None
    checked_in_by: str


def find_members(session: AssemblySession, query: str) -> list[Member]:
    """Active members matching what was typed at the door: a seat number, an id, or part of a name
    (ignoring case and accents). An exact seat or id gives that member alone."""
    typed = _fold(query)
    active = [member for member in session.assembly.members if member.status == "active"]
    if not typed:
        return []
    exact = [member for member in active if typed in (str(member.seat), _fold(member.person_id))]
    if exact or typed.isdigit():
        return exact
    return sorted((member for member in active if typed in _fold(member.name) or typed in _fold(member.person_id)), key=_seat)


def check_in(db: Session, session: AssemblySession, member: Member, *, actor: str, now: datetime) -> Attendance:
    """Record `member` as present; raise AlreadyPresent if they were, AttendanceError if they may not attend."""
    if member.assembly_id != session.assembly_id or member.status != "active":
        raise AttendanceError(f"{member.person_id} is not an active member of this assembly")
    present = _record(session, member)
    if present is not None:
        raise AlreadyPresent(member, present)
    record = Attendance(member=member, checked_in_at=now, checked_in_by=actor)
    try:
        with db.begin_nested():
            session.attendance.append(record)
            db.flush()
    except IntegrityError:  # checked in at another door at the same moment
        raise AlreadyPresent(member, None) from None
    after = {"seat": member.seat, "present": True}
    auditlog.append(db, at=now, actor=actor, action="attendance.check_in", target=_target(session, member), before={"present": False}, after=after)
    return record


def undo_check_in(db: Session, session: AssemblySession, member: Member, *, actor: str, now: datetime) -> None:
    record = _record(session, member)
    if record is None:
        raise AttendanceError(f"seat {member.seat} · {member.name} is not checked in")
    before = {"present": True, "checked_in_at": record.checked_in_at.isoformat(timespec="seconds"), "checked_in_by": record.checked_in_by}
    session.attendance.remove(record)
    db.delete(record)
    auditlog.append(db, at=now, actor=actor, action="attendance.undo", target=_target(session, member), before=before, after={"present": False})


def sheet(session: AssemblySession) -> list[SheetRow]:
    """Every active member, and anyone checked in who has left since, by seat."""
    records = {record.member_id: record for record in session.attendance}
    members = [member for member in session.assembly.members if member.status == "active" or member.id in records]
    rows = []
    for member in sorted(members, key=_seat):
        record = records.get(member.id)
        at, by = (record.checked_in_at, record.checked_in_by) if record else (None, "")
        rows.append(SheetRow(member.seat, member.person_id, member.name, record is not None, at, by))
    return rows


def sheet_csv(session: AssemblySession) -> str:
    """The attendance sheet as CSV, cells that a spreadsheet would run as formulas made inert."""
    header = ["session", "date", "seat", "id", "name", "present", "checked_in_at", "checked_in_by"]
    rows = (
        [session.number, session.held_on.isoformat(), row.seat or "", row.person_id, row.name, "yes" if row.is_present else "no",
         "" if row.checked_in_at is None else row.checked_in_at.isoformat(timespec="seconds"), row.checked_in_by]
        for row in sheet(session)
    )
    return csv_text(header, rows)


def _record(session: AssemblySession, member: Member) -> Attendance | None:
    return next((record for record in session.attendance if record.member_id == member.id), None)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _seat(member: Member) -> tuple[int, str]:
    return (member.seat or 10**6, member.person_id)


def _target(session: AssemblySession, member: Member) -> str:
    return f"assembly:{session.assembly_id}/session:{session.number}/member:{member.person_id}"
