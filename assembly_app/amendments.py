"""Amendments: proposing a change to one passage of a measure version, deciding on it (admissible or not,
accepted by the drafting group, adopted or rejected by a vote, withdrawn), and merging it into a new version
without overwriting what changed since it was written. Every action is one audit entry; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assembly_app import auditlog, measures
from assembly_app.models import Amendment, Measure, MeasureVersion, Vote
from assembly_app.passages import Edit, Step, apply_edits, edits_between, follow, occurrences, overlaps
from assembly_app.wording import Segment, word_diff

__all__ = [
    "OPEN_STATES",
    "TRANSITIONS",
    "AmbiguousPassage",
    "AmendmentError",
    "PassageChanged",
    "StaleAmendment",
    "Status",
    "accept",
    "declare_admissible",
    "declare_inadmissible",
    "in_context",
    "locate",
    "propose",
    "settle",
    "statuses",
    "withdraw",
]

REPLACEMENT_LENGTH = 20_000
RATIONALE_LENGTH = 5_000
REASON_LENGTH = 2_000
# Amendments are proposed and merged while the measure is still being written or before the plenary.
AMENDABLE = ("draft", "submitted")
OPEN_STATES = ("proposed", "admissible")
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "proposed": ("admissible", "inadmissible", "withdrawn"),
    "admissible": ("accepted", "adopted", "rejected", "withdrawn"),
    "inadmissible": (),
    "accepted": (),
    "adopted": (),
    "rejected": (),
    "withdrawn": (),
}


class AmendmentError(Exception):
    """An amendment action that is not allowed; `reason` says why."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class StaleAmendment(AmendmentError):
    """The amendment changed state after the page showing it as `seen` was opened."""

    def __init__(self, number: int, seen: str, state: str):
        self.number, self.seen, self.state = number, seen, state
        super().__init__(f"amendment {number} is now {state} (it was {seen} when you opened the page); nothing was saved, reload the page")


class AmbiguousPassage(AmendmentError):
    """The passage occurs more than once in the version: `contexts` holds (before, after) around each occurrence."""

    def __init__(self, version: int, contexts: list[tuple[str, str]]):
        self.version, self.contexts = version, contexts
        super().__init__(f"the passage occurs {len(contexts)} times in version {version}; say which occurrence (1 to {len(contexts)})")


class PassageChanged(AmendmentError):
    """The passage was changed in version `changed_in` (by amendment `changed_by`, if one made that version)
    after the amendment was written: `now_reads` is what stands there now ("" if it is gone)."""

    def __init__(self, number: int, changed_in: int, changed_by: int | None, now_reads: str):
        self.number, self.changed_in, self.changed_by, self.now_reads = number, changed_in, changed_by, now_reads
        by = "" if changed_by is None else f" by amendment {changed_by}"
        now = f"it now reads “{now_reads}”" if now_reads else "it is no longer in the text"
        super().__init__(f"amendment {number} cannot be merged: its passage was changed in version {changed_in}{by}; {now}; nothing was merged")


@dataclass(frozen=True)
class Status:
    """An amendment against the measure's current version. `start`, `end`: where its passage is now (exactly
    when it applies; otherwise the stretch that replaced it, `now_reads`). `overlaps`: the numbers of other
    open amendments whose passages overlap this one's in the current version."""

    number: int
    written_against: int
    current: int
    merged_into: int | None
    start: int
    end: int
    changed_in: int | None
    changed_by: int | None
    now_reads: str
    overlaps: tuple[int, ...] = ()

    @property
    def applies(self) -> bool:
        return self.changed_in is None


def locate(version: MeasureVersion, passage: str, *, occurrence: int | None = None, insert_after: bool = False) -> tuple[int, int]:
    """The range of `passage` in the version's text, or the point after it for an insertion; spaces around the
    passage count if the text has them there, else they are dropped. A passage found several times needs its
    `occurrence`, counted from 1."""
    passage = passage.replace("\r\n", "\n")
    if not passage.strip():
        raise AmendmentError("give the passage to change (or after which to insert), exactly as it is in the text")
    starts = occurrences(version.text, passage)
    if not starts:
        passage = passage.strip()
        starts = occurrences(version.text, passage)
    if not starts:
        raise AmendmentError(f"“{_short(passage)}” is not in the text of version {version.number}; copy the passage exactly from it")
    if occurrence is None and len(starts) > 1:
        raise AmbiguousPassage(version.number, [(version.text[max(0, at - 40) : at], version.text[at + len(passage) : at + len(passage) + 40]) for at in starts])
    occurrence = occurrence or 1
    if not 1 <= occurrence <= len(starts):
        raise AmendmentError(f"the passage occurs {len(starts)} time(s) in version {version.number}; there is no occurrence {occurrence}")
    start = starts[occurrence - 1]
    end = start + len(passage)
    return (end, end) if insert_after else (start, end)


def propose(
    db: Session, version: MeasureVersion, *, start: int, end: int, replacement: str, rationale: str, proposed_by: str, now: datetime
) -> Amendment:
    """A proposed amendment replacing characters [start, end) of `version` (a point: an insertion) by `replacement`
    ("": a deletion), numbered next within its measure."""
    measure = version.measure
    _lock(db, measure)
    if measure.state not in AMENDABLE:
        raise AmendmentError(f"the measure is {measure.state}; amendments are proposed only to a draft or a submitted measure")
    if not 0 <= start <= end <= len(version.text):
        raise AmendmentError(f"characters {start} to {end} are not within version {version.number} ({len(version.text)} characters)")
    replacement, rationale = replacement.replace("\r\n", "\n"), rationale.replace("\r\n", "\n").strip()
    original = version.text[start:end]
    if replacement == original:
        raise AmendmentError("the amendment changes nothing: give a different text, or an empty one to delete the passage")
    for name, value, limit in (("replacement", replacement, REPLACEMENT_LENGTH), ("rationale", rationale, RATIONALE_LENGTH)):
        if len(value) > limit:
            raise AmendmentError(f"the {name} is {len(value)} characters long; at most {limit}")
    number = (db.scalar(select(func.max(Amendment.number)).where(Amendment.measure_id == measure.id)) or 0) + 1
    amendment = Amendment(
        measure=measure, number=number, version=version, start=start, end=end, original=original, replacement=replacement,
        rationale=rationale, proposed_by=proposed_by, proposed_at=now, state="proposed",
    )
    db.add(amendment)
    db.flush()
    after = {"version": version.number, "start": start, "end": end, "original": original, "replacement": replacement, "rationale": rationale, "state": "proposed"}
    auditlog.append(db, at=now, actor=proposed_by, action="amendment.propose", target=_target(amendment), after=after)
    return amendment


def declare_admissible(db: Session, amendment: Amendment, *, actor: str, now: datetime, seen: str | None = None) -> None:
    _move(db, amendment, "admissible", seen=seen)
    _record(db, amendment, "amendment.admissible", "proposed", actor=actor, now=now)


def declare_inadmissible(db: Session, amendment: Amendment, *, reason: str, actor: str, now: datetime, seen: str | None = None) -> None:
    reason = reason.replace("\r\n", "\n").strip()
    if not reason:
        raise AmendmentError("say why the amendment is inadmissible")
    if len(reason) > REASON_LENGTH:
        raise AmendmentError(f"the reason is {len(reason)} characters long; at most {REASON_LENGTH}")
    _move(db, amendment, "inadmissible", seen=seen)
    amendment.reason = reason
    _record(db, amendment, "amendment.inadmissible", "proposed", actor=actor, now=now, reason=reason)


def withdraw(db: Session, amendment: Amendment, *, actor: str, now: datetime, seen: str | None = None) -> None:
    before = amendment.state
    _move(db, amendment, "withdrawn", seen=seen)
    _record(db, amendment, "amendment.withdraw", before, actor=actor, now=now)


def accept(db: Session, amendment: Amendment, *, actor: str, now: datetime, seen: str | None = None) -> MeasureVersion:
    """The drafting group takes the admissible amendment: it is merged into a new version of the measure."""
    _move(db, amendment, "accepted", seen=seen)
    version = _merge(amendment, actor=actor, now=now)
    _record(db, amendment, "amendment.accept", "admissible", actor=actor, now=now)
    return version


def settle(db: Session, amendment: Amendment, *, passed: bool, actor: str, now: datetime) -> None:
    """The vote on the amendment closed: passed, it is adopted and merged; failed, rejected. The vote's result
    stands even if the passage changed while the vote ran: the amendment is then adopted but not merged, and
    its reason says what the passage is now."""
    if not passed:
        _move(db, amendment, "rejected", voted=True)
        _record(db, amendment, "amendment.reject", "admissible", actor=actor, now=now)
        return
    _move(db, amendment, "adopted", voted=True)
    try:
        _merge(amendment, actor=actor, now=now)
    except AmendmentError as refused:
        amendment.reason = f"adopted by the vote, not merged: {refused.reason}"
    _record(db, amendment, "amendment.adopt", "admissible", actor=actor, now=now, reason=amendment.reason)


def statuses(measure: Measure) -> dict[int, Status]:
    """Each amendment of the measure (by number) against its current version."""
    steps, made_by = _history(measure)
    current = measure.current
    found: dict[int, Status] = {}
    for amendment in measure.amendments:
        base = amendment.version.number
        followed = follow(amendment.start, amendment.end, steps[base - 1 :])
        changed_in = None if followed.touched_at is None else base + followed.touched_at + 1
        by = made_by.get(changed_in) if changed_in is not None else None
        found[amendment.number] = Status(
            number=amendment.number, written_against=base, current=current.number,
            merged_into=None if amendment.merged_version is None else amendment.merged_version.number,
            start=followed.start, end=followed.end, changed_in=changed_in, changed_by=None if by is None else by.number,
            now_reads=current.text[followed.start : followed.end].strip(),
        )
    open_ones = [found[amendment.number] for amendment in measure.amendments if amendment.state in OPEN_STATES and found[amendment.number].applies]
    for status in open_ones:
        others = tuple(o.number for o in open_ones if o.number != status.number and overlaps(status.start, status.end, o.start, o.end))
        found[status.number] = replace(status, overlaps=others)
    return found


def in_context(amendment: Amendment, status: Status, *, around: int | None = None) -> tuple[int, list[Segment]]:
    """The amendment as a word-level diff inside its text: the current version while it is open and applies,
    else the version it was written against. Returns that version's number and the segments; `around` cuts the
    context to about that many characters each side."""
    if amendment.state in OPEN_STATES and status.applies:
        number, text, start, end = status.current, amendment.measure.current.text, status.start, status.end
    else:
        number, text, start, end = status.written_against, amendment.version.text, amendment.start, amendment.end
    before, after = text[:start], text[end:]
    if around is not None:
        if len(before) > around:
            before = "…" + before[-around:].split(" ", 1)[-1]
        if len(after) > around:
            after = after[:around].rsplit(" ", 1)[0] + "…"
    segments = [("equal", before), *word_diff(text[start:end], amendment.replacement), ("equal", after)]
    return number, [segment for segment in segments if segment[1]]


def _move(db: Session, amendment: Amendment, state: str, *, seen: str | None = None, voted: bool = False) -> None:
    """Check that the amendment may go to `state` now: the form was not stale, the transition is allowed, and
    (unless the vote itself decides) no vote on it is open."""
    _lock(db, amendment.measure, amendment)
    if seen is not None and seen != amendment.state:
        raise StaleAmendment(amendment.number, seen, amendment.state)
    allowed = TRANSITIONS[amendment.state]
    if state not in allowed or (state in ("adopted", "rejected")) != voted:
        raise AmendmentError(f"amendment {amendment.number} is {amendment.state}; it cannot be {state} now")
    if not voted and db.scalar(select(Vote.id).where(Vote.amendment_id == amendment.id, Vote.state == "open").limit(1)) is not None:
        raise AmendmentError(f"a vote on amendment {amendment.number} is open; its result decides the amendment")
    amendment.state = state


def _merge(amendment: Amendment, *, actor: str, now: datetime) -> MeasureVersion:
    """A new version of the measure with the amendment's change made where its passage now stands."""
    measure = amendment.measure
    if measure.state not in AMENDABLE:
        raise AmendmentError(f"the measure is {measure.state}; amendments are merged only into a draft or a submitted measure")
    status = statuses(measure)[amendment.number]
    if not status.applies:
        assert status.changed_in is not None
        raise PassageChanged(amendment.number, status.changed_in, status.changed_by, status.now_reads)
    current = measure.current
    text = apply_edits(current.text, [Edit(status.start, status.end, amendment.replacement)])
    if not text.strip():
        raise AmendmentError(f"merging amendment {amendment.number} would leave the measure without text")
    if len(text) > measures.TEXT_LENGTH:
        raise AmendmentError(f"the text would be {len(text)} characters long; at most {measures.TEXT_LENGTH}")
    version = MeasureVersion(number=current.number + 1, text=text, created_by=actor, created_at=now)
    measure.versions.append(version)
    amendment.merged_version = version
    return version


def _record(db: Session, amendment: Amendment, action: str, before: str, *, actor: str, now: datetime, reason: str | None = None) -> None:
    """The decision's time and its audit entry; a merge adds the new version and its text."""
    amendment.decided_at = now
    db.flush()
    after: dict[str, object] = {"state": amendment.state}
    if reason:
        after["reason"] = reason
    if amendment.merged_version is not None:
        after.update(version=amendment.merged_version.number, text=amendment.merged_version.text)
    auditlog.append(db, at=now, actor=actor, action=action, target=_target(amendment), before={"state": before}, after=after)


def _history(measure: Measure) -> tuple[list[Step], dict[int, Amendment]]:
    """The edits from each version to the next (steps[0]: version 1 to 2), and which amendment made each merged
    version. A merged version's step is the amendment's own edit, where its passage stood, so that nothing is
    guessed; any other edit is found by a word-level diff."""
    made_by = {amendment.merged_version.number: amendment for amendment in measure.amendments if amendment.merged_version is not None}
    steps: list[Step] = []
    for old, new in zip(measure.versions, measure.versions[1:]):
        step: Step | None = None
        amendment = made_by.get(new.number)
        if amendment is not None:
            followed = follow(amendment.start, amendment.end, steps[amendment.version.number - 1 :])
            edit = Edit(followed.start, followed.end, amendment.replacement)
            if followed.touched_at is None and apply_edits(old.text, [edit]) == new.text:
                step = [edit]
        steps.append(step if step is not None else edits_between(old.text, new.text))
    return steps, made_by


def _lock(db: Session, measure: Measure, amendment: Amendment | None = None) -> None:
    """Amendment actions on one measure wait for each other (a row lock on PostgreSQL; SQLite's writer lock is
    taken when the transaction begins), then read the measure and the amendment afresh."""
    db.execute(select(Measure.id).where(Measure.id == measure.id).with_for_update())
    db.expire(measure, ["versions", "amendments", "state"])
    if amendment is not None:
        db.expire(amendment)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _target(amendment: Amendment) -> str:
    return f"assembly:{amendment.measure.assembly_id}/measure:{amendment.measure_id}/amendment:{amendment.number}"
