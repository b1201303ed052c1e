"""Sessions of an assembly: numbered, dated, in a place or online, each with an agenda of items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from assembly_app import auditlog
from assembly_app.models import AGENDA_KINDS, AgendaItem, Assembly, AssemblySession

__all__ = ["ONLINE", "ItemInput", "SessionError", "StaleForm", "create_session", "update_session"]

ONLINE = "online"


class SessionError(Exception):
    """A session or agenda change that is not allowed; `reason` says why."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class StaleForm(SessionError):
    """The thing changed after the form was opened: `version` was read, `current` is stored now."""

    def __init__(self, version: int | None, current: int):
        self.version, self.current = version, current
        super().__init__(f"it was changed by someone else after you opened the form (version {version}, now {current}); reload it")


@dataclass(frozen=True)
class ItemInput:
    """An agenda item as entered: its kind, title and planned minutes."""

    kind: str
    title: str
    minutes: int


def create_session(
    db: Session, assembly: Assembly, *, held_on: date, place: str, agenda: Sequence[ItemInput] = (), actor: str, now: datetime
) -> AssemblySession:
    """Add the next numbered session; `place` is a place name or "online"."""
    _check(place, agenda)
    number = max((session.number for session in assembly.sessions), default=0) + 1
    session = AssemblySession(number=number, version=1, **_where(held_on, place))
    session.agenda = _items(agenda)
    assembly.sessions.append(session)
    db.flush()
    auditlog.append(db, at=now, actor=actor, action="session.create", target=_target(session), after=_state(session))
    return session


def update_session(
    db: Session, session: AssemblySession, *, version: int | None, held_on: date, place: str, agenda: Sequence[ItemInput], actor: str, now: datetime
) -> None:
    """Replace the session's date, place and agenda, unless someone changed them since `version` was read."""
    if version != session.version:
        raise StaleForm(version, session.version)
    _check(place, agenda)
    before = _state(session)
    for field, value in _where(held_on, place).items():
        setattr(session, field, value)
    session.agenda = _items(agenda)
    session.version += 1
    db.flush()
    auditlog.append(db, at=now, actor=actor, action="session.update", target=_target(session), before=before, after=_state(session))


def _check(place: str, agenda: Sequence[ItemInput]) -> None:
    if not place.strip():
        raise SessionError(f"give the place of the session, or “{ONLINE}”")
    for number, item in enumerate(agenda, start=1):
        if item.kind not in AGENDA_KINDS:
            raise SessionError(f"agenda item {number}: the kind must be one of {', '.join(AGENDA_KINDS)}, not {item.kind!r}")
        if not item.title.strip():
            raise SessionError(f"agenda item {number}: give it a title")
        if not 1 <= item.minutes <= 24 * 60:
            raise SessionError(f"agenda item {number} ({item.title}): plan between 1 and 1440 minutes, not {item.minutes}")


def _where(held_on: date, place: str) -> dict[str, Any]:
    is_online = place.strip().casefold() == ONLINE
    return {"held_on": held_on, "place": ONLINE if is_online else place.strip(), "is_online": is_online}


def _items(agenda: Sequence[ItemInput]) -> list[AgendaItem]:
    return [AgendaItem(position=position, kind=item.kind, title=item.title.strip(), minutes=item.minutes) for position, item in enumerate(agenda, start=1)]


def _target(session: AssemblySession) -> str:
    return f"assembly:{session.assembly_id}/session:{session.number}"


def _state(session: AssemblySession) -> dict[str, Any]:
    return {
        "held_on": session.held_on.isoformat(),
        "place": session.place,
        "agenda": [[item.kind, item.title, item.minutes] for item in session.agenda],
    }
