"""Measures: creating them, editing their text (each edit a new immutable version), moving them through
their states. Every change is one audit entry; the caller commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from assembly_app import auditlog
from assembly_app.models import MEASURE_ROUTES, Assembly, Measure, MeasureVersion, WorkingGroup

__all__ = ["TRANSITIONS", "MeasureError", "StaleMeasure", "change_state", "create_measure", "edit_measure", "version_of"]

TITLE_LENGTH = 200
TEXT_LENGTH = 100_000

# A measure is drafted, submitted to the plenary, then adopted or rejected; it can be withdrawn before a
# decision, and a submitted measure can go back to its group for more drafting. Decided ones stay decided.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("submitted", "withdrawn"),
    "submitted": ("adopted", "rejected", "withdrawn", "draft"),
    "adopted": (),
    "rejected": (),
    "withdrawn": (),
}


class MeasureError(Exception):
    """A measure change that is not allowed; `reason` says why."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class StaleMeasure(MeasureError):
    """The text was edited by someone else after the form was opened on version `based_on`."""

    def __init__(self, based_on: int | None, current: int):
        self.based_on, self.current = based_on, current
        super().__init__(f"someone else saved version {current} after you opened version {based_on}; nothing was saved, reload the page and redo your change")


def create_measure(
    db: Session, assembly: Assembly, *, title: str, objective: str, route: str, group: WorkingGroup | None, text: str, actor: str, now: datetime
) -> Measure:
    """A new draft measure with its first version."""
    fields = _checked(assembly, title=title, objective=objective, route=route, group=group)
    measure = Measure(assembly=assembly, state="draft", created_at=now, **fields)
    measure.versions.append(MeasureVersion(number=1, text=_checked_text(text), created_by=actor, created_at=now))
    db.add(measure)
    db.flush()
    auditlog.append(db, at=now, actor=actor, action="measure.create", target=_target(measure), after={**_state(measure), "version": 1, "text": measure.current.text})
    return measure


def edit_measure(
    db: Session,
    measure: Measure,
    *,
    based_on: int | None,
    title: str,
    objective: str,
    route: str,
    group: WorkingGroup | None,
    text: str,
    actor: str,
    now: datetime,
) -> MeasureVersion | None:
    """Change a draft: a new version when the text changed (returned), the measure's fields in place.
    `based_on` is the version the form showed; a later version makes the edit stale."""
    if measure.state != "draft":
        raise MeasureError(f"the measure is {measure.state}; only a draft can be edited")
    current = measure.current
    if based_on != current.number:
        raise StaleMeasure(based_on, current.number)
    fields = _checked(measure.assembly, title=title, objective=objective, route=route, group=group)
    text = _checked_text(text)
    before = _state(measure)
    for name, value in fields.items():
        setattr(measure, name, value)
    after = _state(measure)
    version = None
    if text != current.text:
        version = MeasureVersion(number=current.number + 1, text=text, created_by=actor, created_at=now)
        measure.versions.append(version)
        before.update(version=current.number, text=current.text)
        after.update(version=version.number, text=text)
    if before == after:
        return None
    db.flush()
    changed = [key for key in after if before.get(key) != after[key]]
    auditlog.append(
        db, at=now, actor=actor, action="measure.edit", target=_target(measure),
        before={key: before[key] for key in changed}, after={key: after[key] for key in changed},
    )
    return version


def change_state(db: Session, measure: Measure, state: str, *, actor: str, now: datetime) -> None:
    allowed = TRANSITIONS.get(measure.state, ())
    if state not in allowed:
        options = ", ".join(allowed) or "none: the decision is final"
        raise MeasureError(f"a {measure.state} measure cannot become “{state}” (possible: {options})")
    before = measure.state
    measure.state = state
    db.flush()
    auditlog.append(db, at=now, actor=actor, action="measure.state", target=_target(measure), before={"state": before}, after={"state": state})


def version_of(measure: Measure, number: Any) -> MeasureVersion:
    """The version numbered `number` (as typed in a URL or form), or MeasureError naming the versions there are."""
    found = next((version for version in measure.versions if str(version.number) == str(number).strip()), None)
    if found is None:
        raise MeasureError(f"this measure has no version “{number}” (it has versions 1 to {measure.current.number})")
    return found


def _checked(assembly: Assembly, *, title: str, objective: str, route: str, group: WorkingGroup | None) -> dict[str, Any]:
    title = title.strip()
    if not title:
        raise MeasureError("a measure needs a title")
    if len(title) > TITLE_LENGTH:
        raise MeasureError(f"the title is {len(title)} characters long; at most {TITLE_LENGTH}")
    if route not in MEASURE_ROUTES:
        raise MeasureError(f"the route “{route}” is not one of {', '.join(MEASURE_ROUTES)}")
    if group is not None and group.assembly_id != assembly.id:
        raise MeasureError(f"the working group “{group.name}” belongs to another assembly")
    return {"title": title, "objective": objective.strip(), "route": route, "group": group}


def _checked_text(text: str) -> str:
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise MeasureError("a measure needs a text")
    if len(text) > TEXT_LENGTH:
        raise MeasureError(f"the text is {len(text)} characters long; at most {TEXT_LENGTH}")
    return text


def _state(measure: Measure) -> dict[str, Any]:
    group = measure.group
    return {"title": measure.title, "objective": measure.objective, "route": measure.route, "group": None if group is None else group.name, "state": measure.state}


def _target(measure: Measure) -> str:
    return f"assembly:{measure.assembly_id}/measure:{measure.id}"
