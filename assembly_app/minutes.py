"""Session minutes from the app: a stored session turned into the report's plain data, and its PDF.

Minutes are meant to be published, so they list members by seat and id only. An organiser may ask for a
version with names; it has them only if the draw carried name columns (first_name, last_name...).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from assembly_app import groups
from assembly_app.models import AssemblySession, Member
from reports import AgendaEntry, Attendee, GroupOutcome, SessionMinutesData, build_session_minutes

__all__ = ["minutes_data", "minutes_pdf"]


def minutes_data(db: Session, session: AssemblySession, *, with_names: bool = False) -> SessionMinutesData:
    """The minutes of `session`: present are those checked in; absent, the active members who were not.
    Amendments and votes stay empty until they are stored per session."""
    assembly = session.assembly
    checked_in = {record.member_id for record in session.attendance}
    shows_names = with_names and bool(assembly.name_columns)
    present = [member for member in assembly.members if member.id in checked_in]
    absent = [member for member in assembly.members if member.status == "active" and member.id not in checked_in]
    reports = groups.reports_of(db, session)
    return SessionMinutesData(
        assembly=assembly.name,
        number=session.number,
        date=session.held_on.isoformat(),
        place=session.place,
        is_online=session.is_online,
        agenda=tuple(AgendaEntry(item.kind.replace("_", " ").capitalize(), item.title, item.minutes) for item in session.agenda),
        present=tuple(_attendee(member, shows_names) for member in sorted(present, key=_seat)),
        absent=tuple(_attendee(member, shows_names) for member in sorted(absent, key=_seat)),
        groups=tuple(
            GroupOutcome(group.name, reports[group.id].notes, reports[group.id].outcomes) for group in assembly.groups if group.id in reports
        ),
        shows_names=shows_names,
    )


def minutes_pdf(db: Session, session: AssemblySession, *, with_names: bool = False) -> bytes:
    return build_session_minutes(minutes_data(db, session, with_names=with_names))


def _attendee(member: Member, shows_names: bool) -> Attendee:
    return Attendee(member.seat, member.person_id, member.name if shows_names else member.person_id)


def _seat(member: Member) -> tuple[int, str]:
    return (member.seat or 10**6, member.person_id)
