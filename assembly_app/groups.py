"""Working groups: defining them, assigning members by hand or by a balanced draw, and each group's
report per session. Every change is one audit entry; the caller commits."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from assembly_app import auditlog, balancing
from assembly_app.models import Assembly, AssemblySession, GroupReport, Member, WorkingGroup, group_members
from sortition import new_seed

__all__ = [
    "Assigned",
    "GroupError",
    "SpreadRow",
    "StaleGroups",
    "assign_by_hand",
    "active_members",
    "assign_balanced",
    "create_group",
    "groups_version",
    "remove_group",
    "rename_group",
    "record_report",
    "reports_of",
    "spread",
]

NAME_LENGTH = 120


class GroupError(Exception):
    """A working-group change that is not allowed; `reason` says why."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class StaleGroups(GroupError):
    """The groups or the assignment changed after the form was opened."""

    def __init__(self) -> None:
        super().__init__("the groups were changed by someone else after you opened the page; nothing was saved, look again and redo your change")


@dataclass(frozen=True)
class SpreadRow:
    """How many active members with a feature value each group holds (in group order), and in all."""

    feature: str
    value: str
    counts: tuple[int, ...]
    total: int


@dataclass(frozen=True)
class Assigned:
    """A stored balanced assignment: its seed, where the seed came from, and the total deviation
    reached against the lower bound (equal when the assignment is proved optimal)."""

    seed: int
    seed_source: str
    total: int
    bound: int

    @property
    def is_optimal(self) -> bool:
        return self.total == self.bound


def active_members(assembly: Assembly) -> list[Member]:
    return sorted((member for member in assembly.members if member.status == "active"), key=lambda member: (member.seat or 10**6, member.person_id))


def groups_version(assembly: Assembly) -> str:
    """A fingerprint of the groups, their names and their members: a form carries it, and a change
    made by someone else in between makes the form stale."""
    state = [[group.id, group.name, sorted(member.id for member in group.members)] for group in assembly.groups]
    return hashlib.sha256(json.dumps(state).encode("ascii")).hexdigest()[:16]


def create_group(db: Session, assembly: Assembly, name: str, *, version: str | None, actor: str, now: datetime) -> WorkingGroup:
    _check_version(assembly, version)
    name = _checked_name(assembly, name, None)
    group = WorkingGroup(name=name, position=max((group.position for group in assembly.groups), default=0) + 1)
    assembly.groups.append(group)
    db.flush()
    auditlog.append(db, at=now, actor=actor, action="group.create", target=_target(group), after={"name": name})
    return group


def rename_group(db: Session, group: WorkingGroup, name: str, *, version: str | None, actor: str, now: datetime) -> None:
    _check_version(group.assembly, version)
    name = _checked_name(group.assembly, name, group)
    before = {"name": group.name}
    group.name = name
    db.flush()
    auditlog.append(db, at=now, actor=actor, action="group.rename", target=_target(group), before=before, after={"name": name})


def remove_group(db: Session, group: WorkingGroup, *, version: str | None, confirmed: bool, actor: str, now: datetime) -> None:
    """Remove a group; one with members only when `confirmed` (they become unassigned); never one with
    session reports, which stay in the record."""
    assembly = group.assembly
    _check_version(assembly, version)
    reports = db.scalars(select(GroupReport).where(GroupReport.group_id == group.id)).all()
    if reports:
        numbers = ", ".join(str(report.session.number) for report in sorted(reports, key=lambda report: report.session.number))
        raise GroupError(f"“{group.name}” has reports for session(s) {numbers}; a group with reports stays in the record (rename it instead)")
    members = [member.person_id for member in group.members if member.status == "active"]
    if members and not confirmed:
        raise GroupError(f"“{group.name}” has {len(members)} member(s); tick “also unassign its members” to remove it")
    db.delete(group)  # its rows in group_members go with it
    db.flush()
    db.expire(assembly, ["groups"])
    auditlog.append(db, at=now, actor=actor, action="group.remove", target=_target(group), before={"name": group.name, "members": members})


def assign_by_hand(db: Session, assembly: Assembly, choices: Mapping[int, int | None], *, version: str | None, actor: str, now: datetime) -> int:
    """Put each member id of `choices` in the group id given (None: in no group); return how many moved.

    Every id is checked before anything is written: an unknown member or group changes nothing."""
    _check_version(assembly, version)
    members = {member.id: member for member in active_members(assembly)}
    groups = {group.id: group for group in assembly.groups}
    unknown_members = sorted(member_id for member_id in choices if member_id not in members)
    if unknown_members:
        raise GroupError(f"no active member of this assembly has the number(s) {', '.join(map(str, unknown_members))}; reload the page")
    unknown_groups = sorted({group_id for group_id in choices.values() if group_id is not None and group_id not in groups})
    if unknown_groups:
        raise GroupError(f"no working group of this assembly has the number(s) {', '.join(map(str, unknown_groups))}; reload the page")
    moves = {member_id: group_id for member_id, group_id in sorted(choices.items()) if _group_id(members[member_id]) != group_id}
    if not moves:
        return 0
    before = {members[m].person_id: _group_name(members[m]) for m in moves}
    _place(db, moves)
    after = {members[m].person_id: None if g is None else groups[g].name for m, g in moves.items()}
    auditlog.append(db, at=now, actor=actor, action="groups.assign", target=f"assembly:{assembly.id}/groups", before=before, after=after)
    return len(moves)


def assign_balanced(
    db: Session, assembly: Assembly, *, seed: int | None, version: str | None, actor: str, now: datetime, solver: str | None = None
) -> Assigned:
    """Spread every active member over the groups with balancing.balance_groups (seeded; a fresh seed
    when none is given), replacing the whole assignment; the seed goes into the audit entry."""
    _check_version(assembly, version)
    members = active_members(assembly)
    groups = list(assembly.groups)
    features = assembly.feature_names
    profiles = [balancing.Profile(str(member.id), tuple((feature, member.features[feature]) for feature in features)) for member in members]
    seed_source, seed = ("fresh", new_seed()) if seed is None else ("given", seed)
    try:
        balanced = balancing.balance_groups(profiles, len(groups), seed=seed, solver=solver)
    except balancing.BalancingError as error:
        raise GroupError(error.reason) from None
    before = _assignment(assembly)
    db.execute(delete(group_members).where(group_members.c.group_id.in_([group.id for group in groups])))
    _place(db, {member.id: groups[balanced.groups[str(member.id)]].id for member in members})
    result = Assigned(seed, seed_source, balanced.total, balanced.bound)
    after = {"seed": seed, "seed_source": seed_source, "total_deviation": result.total, "lower_bound": result.bound, "groups": _assignment(assembly)}
    auditlog.append(db, at=now, actor=actor, action="groups.balance", target=f"assembly:{assembly.id}/groups", before=before, after=after)
    return result


def spread(assembly: Assembly) -> list[SpreadRow]:
    """Per feature value of the quotas, the active members in each group."""
    index = {group.id: position for position, group in enumerate(assembly.groups)}
    rows = []
    for feature, value, *_ in assembly.quotas:
        holders = [member for member in active_members(assembly) if member.features.get(feature) == value]
        counts = [0] * len(index)
        for member in holders:
            if _group_id(member) in index:
                counts[index[_group_id(member)]] += 1
        rows.append(SpreadRow(feature, value, tuple(counts), len(holders)))
    return rows


def reports_of(db: Session, session: AssemblySession) -> dict[int, GroupReport]:
    """The session's group reports by group id."""
    return {report.group_id: report for report in db.scalars(select(GroupReport).where(GroupReport.session_id == session.id))}


def record_report(
    db: Session, session: AssemblySession, group: WorkingGroup, *, notes: str, outcomes: str, version: int | None, actor: str, now: datetime
) -> GroupReport:
    """Write or rewrite what `group` did at `session`; `version` is the report's version when the form
    was opened (None for a new one), so that a report written meanwhile is not overwritten."""
    if group.assembly_id != session.assembly_id:
        raise GroupError(f"“{group.name}” is not a working group of this assembly")
    notes, outcomes = notes.strip(), outcomes.strip()
    if not notes and not outcomes:
        raise GroupError("write the notes or the outcomes (or both)")
    report = reports_of(db, session).get(group.id)
    current = None if report is None else report.version
    if version != current:
        raise GroupError(f"the report was changed by someone else after you opened the form (version {version}, now {current}); reload it")
    before = None if report is None else {"notes": report.notes, "outcomes": report.outcomes}
    if report is None:
        report = GroupReport(session=session, group=group, notes=notes, outcomes=outcomes, version=1)
        db.add(report)
    else:
        report.notes, report.outcomes, report.version = notes, outcomes, report.version + 1
    db.flush()
    target = f"assembly:{session.assembly_id}/session:{session.number}/group:{group.id}"
    auditlog.append(db, at=now, actor=actor, action="group.report", target=target, before=before, after={"group": group.name, "notes": notes, "outcomes": outcomes})
    return report


def _check_version(assembly: Assembly, version: str | None) -> None:
    if version != groups_version(assembly):
        raise StaleGroups()


def _checked_name(assembly: Assembly, name: str, renamed: WorkingGroup | None) -> str:
    name = " ".join(name.split())
    if not name:
        raise GroupError("give the group a name")
    if len(name) > NAME_LENGTH:
        raise GroupError(f"a group name has at most {NAME_LENGTH} characters, not {len(name)}")
    if any(group.name.casefold() == name.casefold() and group is not renamed for group in assembly.groups):
        raise GroupError(f"there is already a group called “{name}”")
    return name


def _place(db: Session, groups: Mapping[int, int | None]) -> None:
    """Set each member's group (None: none), in bulk: the member is the key of group_members."""
    db.execute(delete(group_members).where(group_members.c.member_id.in_(list(groups))))
    rows = [{"member_id": member_id, "group_id": group_id} for member_id, group_id in groups.items() if group_id is not None]
    if rows:
        db.execute(insert(group_members), rows)
    db.expire_all()  # the members' and groups' loaded collections


def _group_id(member: Member) -> int | None:
    return None if member.group is None else member.group.id


def _group_name(member: Member) -> str | None:
    return None if member.group is None else member.group.name


def _assignment(assembly: Assembly) -> dict[str, list[str]]:
    return {group.name: sorted(member.person_id for member in group.members if member.status == "active") for group in assembly.groups}


def _target(group: WorkingGroup) -> str:
    return f"assembly:{group.assembly_id}/group:{group.id}"
