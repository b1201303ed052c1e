"""Session minutes from the app: a stored session turned into the report's plain data, and its PDF.

Minutes are meant to be published, so they list members by seat and id only. An organiser may ask for a
version with names; it has them only if the draw carried name columns (first_name, last_name...).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from assembly_app import groups
from assembly_app.models import Amendment, AssemblySession, Measure, Member, Vote
from reports import AgendaEntry, AmendmentHandled, Attendee, GroupOutcome, SessionMinutesData, VoteHeld, build_session_minutes

__all__ = ["minutes_data", "minutes_pdf"]


def minutes_data(db: Session, session: AssemblySession, *, with_names: bool = False) -> SessionMinutesData:
    """The minutes of `session`: present are those checked in; absent, the active members who were not. The votes
    are those closed at the session (or closed on its date without a session); the amendments, those decided by
    these votes or on the session's date."""
    assembly = session.assembly
    checked_in = {record.member_id for record in session.attendance}
    shows_names = with_names and bool(assembly.name_columns)
    present = [member for member in assembly.members if member.id in checked_in]
    absent = [member for member in assembly.members if member.status == "active" and member.id not in checked_in]
    reports = groups.reports_of(db, session)
    votes = _votes(db, session)
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
        amendments=tuple(_handled(amendment, votes) for amendment in _amendments(db, session, votes)),
        votes=tuple(VoteHeld(v.question, v.yes or 0, v.no or 0, v.abstain or 0, bool(v.passed), v.reason or "", v.published_at is not None) for v in votes),
        shows_names=shows_names,
    )


def minutes_pdf(db: Session, session: AssemblySession, *, with_names: bool = False) -> bytes:
    return build_session_minutes(minutes_data(db, session, with_names=with_names))


def _attendee(member: Member, shows_names: bool) -> Attendee:
    return Attendee(member.seat, member.person_id, member.name if shows_names else member.person_id)


def _seat(member: Member) -> tuple[int, str]:
    return (member.seat or 10**6, member.person_id)


def _votes(db: Session, session: AssemblySession) -> list[Vote]:
    closed = db.scalars(select(Vote).where(Vote.assembly_id == session.assembly_id, Vote.state == "closed").order_by(Vote.closed_at, Vote.id))
    return [v for v in closed if v.session_id == session.id or (v.session_id is None and v.closed_at is not None and v.closed_at.date() == session.held_on)]


def _amendments(db: Session, session: AssemblySession, votes: list[Vote]) -> list[Amendment]:
    voted = {v.amendment_id for v in votes if v.amendment_id is not None}
    decided = db.scalars(
        select(Amendment).join(Measure).where(Measure.assembly_id == session.assembly_id, Amendment.decided_at.is_not(None)).order_by(Amendment.decided_at, Amendment.id)
    )
    return [a for a in decided if a.id in voted or (a.decided_at is not None and a.decided_at.date() == session.held_on)]


def _handled(amendment: Amendment, votes: list[Vote]) -> AmendmentHandled:
    """The measure, the amendment as "n: “before” → “after”", and what became of it."""
    vote = next((v for v in reversed(votes) if v.amendment_id == amendment.id), None)
    outcome = {"accepted": "accepted by the drafting group", "adopted": "adopted by vote", "rejected": "rejected" + (" by vote" if vote else ""),
               "inadmissible": "inadmissible", "withdrawn": "withdrawn by its author"}.get(amendment.state, amendment.state)
    if vote is not None:
        outcome += f": {vote.reason}"
    if amendment.reason:
        outcome += f" ({amendment.reason})"
    if amendment.merged_version is not None:
        outcome += f"; made version {amendment.merged_version.number}"
    change = f"{amendment.number}: “{amendment.original}” → “{amendment.replacement}”"
    return AmendmentHandled(amendment.measure.title, change, outcome)
