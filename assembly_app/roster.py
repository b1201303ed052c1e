"""The roster: an assembly created from a draw folder, member withdrawals, voting codes."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from assembly_app import auditlog
from assembly_app.accounts import hash_code, new_code
from assembly_app.models import Assembly, Member
from stratification import InputError, Pool, Problem, load_pool, load_quotas

__all__ = ["DRAW_FILES", "RosterError", "import_draw", "withdraw", "issue_codes"]

# The files of a draw folder, as `sortition select` writes them (features.csv added by the organiser).
DRAW_FILES = ("selected.csv", "remaining.csv", "features.csv", "audit.json", "report.pdf")


class RosterError(Exception):
    """A roster change that is not allowed; `reason` says why."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def import_draw(db: Session, name: str, folder: Path, *, id_column: str, actor: str, now: datetime) -> Assembly:
    """Create an assembly from a draw folder; raise InputError naming every problem (nothing is added then).
    A report.pdf in the folder is kept as it is, to be downloaded byte for byte."""
    try:
        quotas = load_quotas(folder / "features.csv")
    except InputError as error:
        raise InputError([_short(problem) for problem in error.problems]) from None
    problems: list[Problem] = []
    pools: dict[str, Pool] = {}
    for kind in ("selected", "remaining"):
        try:
            pools[kind] = load_pool(folder / f"{kind}.csv", quotas, id_column)
        except InputError as error:
            problems += error.problems
    bundle, audit_sha256 = None, None
    if (folder / "audit.json").exists():
        raw = (folder / "audit.json").read_bytes()
        audit_sha256 = hashlib.sha256(raw).hexdigest()
        try:
            bundle = json.loads(raw.decode("utf-8"))
            if not isinstance(bundle, dict):
                raise ValueError
        except ValueError:
            problems.append(Problem("audit.json", "is not a JSON audit bundle"))
    report = (folder / "report.pdf").read_bytes() if (folder / "report.pdf").exists() else None
    if report is not None and not report.startswith(b"%PDF-"):
        problems.append(Problem("report.pdf", "is not a PDF file"))
    if len(pools) == 2:
        problems += _consistency_problems(pools["selected"], pools["remaining"], bundle)
    if problems:
        raise InputError([_short(problem) for problem in problems])

    selected = pools["selected"]
    features = set(selected.features)
    contact_columns = [column for column in selected.columns if column not in features and column != selected.id_column]
    seed = (bundle or {}).get("seed", {})
    households = (bundle or {}).get("household_columns")
    assembly = Assembly(
        name=name,
        created_at=now,
        id_column=selected.id_column,
        quotas=[[quota.feature, quota.value, quota.min, quota.max] for quota in quotas.quotas],
        contact_columns=contact_columns,
        audit_sha256=audit_sha256,
        algorithm=None if bundle is None else str(bundle.get("algorithm")),
        seed=None if not isinstance(seed, dict) or seed.get("value") is None else str(seed["value"]),
        household_columns=[column for column in households if column in contact_columns] if isinstance(households, list) else [],
        selection_report=report,
        selection_report_sha256=None if report is None else hashlib.sha256(report).hexdigest(),
    )
    db.add(assembly)
    for kind, status in (("selected", "active"), ("remaining", "remaining")):
        pool = pools[kind]
        for seat, person in enumerate(pool.people, start=1):
            assembly.members.append(
                Member(
                    person_id=person.id,
                    status=status,
                    seat=seat if status == "active" else None,
                    row=person.row,
                    features={feature: pool.value(person, feature) for feature in pool.features},
                    contact={column: pool.field(person, column) for column in contact_columns if column in pool.columns},
                )
            )
    db.flush()
    summary = {
        "name": name,
        "members": len(selected),
        "remaining": len(pools["remaining"]),
        "audit_sha256": audit_sha256,
        "algorithm": assembly.algorithm,
        "seed": assembly.seed,
        "report_sha256": assembly.selection_report_sha256,
    }
    auditlog.append(db, at=now, actor=actor, action="assembly.import", target=f"assembly:{assembly.id}", after=summary)
    return assembly


def _consistency_problems(selected: Pool, remaining: Pool, bundle: dict | None) -> list[Problem]:
    problems = []
    chosen = {person.id for person in selected.people}
    for person in remaining.people:
        if person.id in chosen:
            problems.append(Problem("remaining.csv", "this person is also in selected.csv", person.row, remaining.id_column, person.id))
    if bundle is not None and "selected" in bundle and sorted(map(str, bundle["selected"])) != sorted(chosen):
        problems.append(Problem("audit.json", "its selected ids differ from the people in selected.csv"))
    return problems


def _short(problem: Problem) -> Problem:
    """Name files as the organiser knows them, not by the temporary folder they were saved in."""
    return replace(problem, file=Path(problem.file).name)


def withdraw(db: Session, member: Member, *, on: date, reason: str, actor: str, now: datetime) -> None:
    if member.status != "active":
        raise RosterError(f"{member.person_id} is {member.status}; only an active member can withdraw")
    before = {"status": member.status}
    member.status, member.withdrawn_on, member.withdrawal_reason = "withdrawn", on, reason
    member.code_hash = None
    after = {"status": "withdrawn", "withdrawn_on": on.isoformat(), "reason": reason}
    auditlog.append(db, at=now, actor=actor, action="member.withdraw", target=f"assembly:{member.assembly_id}/member:{member.person_id}", before=before, after=after)


def issue_codes(db: Session, assembly: Assembly, *, actor: str, now: datetime) -> list[tuple[Member, str]]:
    """Give every active member a new voting code (old codes stop working); the codes are returned
    once, to be printed, and only their hashes are kept."""
    issued = []
    for member in assembly.members:
        if member.status == "active":
            code = new_code()
            member.code_hash = hash_code(code)
            issued.append((member, code))
    auditlog.append(
        db, at=now, actor=actor, action="codes.issue", target=f"assembly:{assembly.id}", after={"members": [member.person_id for member, _ in issued]}
    )
    return issued
