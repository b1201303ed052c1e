"""Replacing withdrawn members: the engine's quota-aware draw from the remaining pool, stored in one go."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from assembly_app import auditlog
from assembly_app.accounts import hash_code, new_code
from assembly_app.models import Assembly, Member
from sortition import Infeasible, new_seed
from sortition.replacement import MissedQuota, replace_members
from stratification import Person, Pool, Quota, QuotaSet

__all__ = ["CompositionRow", "Replaced", "ReplacementError", "QuotasMissed", "composition", "replace_withdrawn"]


class ReplacementError(Exception):
    """No replacement is possible; `reason` says why."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class QuotasMissed(Exception):
    """The best replacement would miss these quotas, and the organiser has not accepted that."""

    def __init__(self, missed: tuple[MissedQuota, ...]):
        self.missed = missed
        super().__init__("; ".join(map(str, missed)))


@dataclass(frozen=True)
class CompositionRow:
    """How many panel members have a value, before and after a replacement, against its quota."""

    feature: str
    value: str
    min: int
    max: int
    before: int
    after: int

    @property
    def is_met_after(self) -> bool:
        return self.min <= self.after <= self.max


@dataclass(frozen=True)
class Replaced:
    """A stored replacement: who replaced whom (with the new member's voting code, shown once)."""

    seed: int
    pairs: tuple[tuple[Member, Member, str], ...]
    rows: tuple[CompositionRow, ...]
    missed: tuple[MissedQuota, ...]


def composition(assembly: Assembly, before: Iterable[Member], after: Iterable[Member]) -> tuple[CompositionRow, ...]:
    """Per quota, in the features file's order: the counts of `before` and `after`."""
    counts = [Counter((feature, member.features[feature]) for member in members for feature in member.features) for members in (before, after)]
    return tuple(CompositionRow(f, v, low, high, counts[0][(f, v)], counts[1][(f, v)]) for f, v, low, high in assembly.quotas)


def replace_withdrawn(
    db: Session,
    assembly: Assembly,
    dropouts: Sequence[Member],
    *,
    seed: int | None,
    accept_missed: bool,
    actor: str,
    now: datetime,
    solver: str | None = None,
) -> Replaced:
    """Draw one replacement per withdrawn member in `dropouts`, with the assembly's algorithm.

    The panel is the active members plus the dropouts; other withdrawn or replaced members take
    no part. The new members become active (with a voting code, and the seat and working group
    they fill), the dropouts "replaced". Raise QuotasMissed, changing nothing, if the draw misses a quota and
    `accept_missed` is false; ReplacementError if no draw is possible."""
    if not dropouts:
        raise ReplacementError("choose at least one withdrawn member to replace")
    for member in dropouts:
        if member.assembly_id != assembly.id or member.status != "withdrawn":
            raise ReplacementError(f"{member.person_id} is {member.status}; only a withdrawn member can be replaced")
    active = [member for member in assembly.members if member.status == "active"]
    remaining = [member for member in assembly.members if member.status == "remaining"]
    panel = [member.person_id for member in active + list(dropouts)]
    seed_source, seed = ("fresh", new_seed()) if seed is None else ("given", seed)
    try:
        outcome = replace_members(
            _pool(assembly, active + list(dropouts) + remaining),
            _quotas(assembly),
            len(panel),
            panel,
            [member.person_id for member in dropouts],
            algorithm=assembly.algorithm if assembly.algorithm in ("leximin", "maximin", "nash") else "leximin",
            seed=seed,
            households=tuple(assembly.household_columns),
            solver=solver,
        )
    except Infeasible as error:
        raise ReplacementError(error.reason) from None
    if outcome.missed and not accept_missed:
        raise QuotasMissed(outcome.missed)
    by_id = {member.person_id: member for member in remaining}
    pairs = []
    for dropout, newcomer in _pair(sorted(dropouts, key=lambda m: m.seat or 0), [by_id[i] for i in outcome.added]):
        code = new_code()
        newcomer.status, newcomer.seat, newcomer.code_hash = "active", dropout.seat, hash_code(code)
        newcomer.group = dropout.group  # the seat's working group too
        dropout.status, dropout.replaced_by = "replaced", newcomer
        pairs.append((dropout, newcomer, code))
    rows = composition(assembly, active, active + [newcomer for _, newcomer, _ in pairs])
    auditlog.append(
        db,
        at=now,
        actor=actor,
        action="member.replace",
        target=f"assembly:{assembly.id}",
        before={"withdrawn": [dropout.person_id for dropout, _, _ in pairs]},
        after={
            "replaced_by": {dropout.person_id: newcomer.person_id for dropout, newcomer, _ in pairs},
            "seats": {newcomer.person_id: newcomer.seat for _, newcomer, _ in pairs},
            "groups": {newcomer.person_id: newcomer.group.name for _, newcomer, _ in pairs if newcomer.group},
            "seed": seed,
            "seed_source": seed_source,
            "algorithm": outcome.draw.algorithm,
            "missed": [str(miss) for miss in outcome.missed],
        },
    )
    db.flush()
    return Replaced(seed, tuple(pairs), rows, outcome.missed)


def _pair(dropouts: Sequence[Member], added: Sequence[Member]) -> list[tuple[Member, Member]]:
    """Give each dropout (in seat order) the newcomer sharing most of their feature values (ties: by id)."""
    left = sorted(added, key=lambda member: member.person_id)
    pairs = []
    for dropout in dropouts:
        best = max(left, key=lambda member: (sum(member.features[f] == v for f, v in dropout.features.items()), -left.index(member)))
        left.remove(best)
        pairs.append((dropout, best))
    return pairs


def _pool(assembly: Assembly, members: Sequence[Member]) -> Pool:
    features = tuple(assembly.feature_names)
    columns = (assembly.id_column, *features, *assembly.contact_columns)
    people = tuple(
        Person(
            id=member.person_id,
            profile=tuple(member.features[feature] for feature in features),
            fields=(member.person_id, *(member.features[f] for f in features), *(member.contact.get(c, "") for c in assembly.contact_columns)),
            row=member.row,
        )
        for member in members
    )
    return Pool(people, features, columns, assembly.id_column, source=f"assembly {assembly.id}")


def _quotas(assembly: Assembly) -> QuotaSet:
    return QuotaSet(tuple(Quota(feature, value, low, high) for feature, value, low, high in assembly.quotas))
