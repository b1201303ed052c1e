"""Replacing panel members who drop out: a fair draw among the people not selected.

The members who stay (*kept*) already take some seats of every value, so the replacements
are drawn for the seats left: each quota loses the kept members' count (a min never below
0), the panel size becomes the number of dropouts, and the *candidates* are the pool people
who were not on the panel and share no household with a kept member. The draw on that
reduced problem uses the same fair algorithms as a selection. When no set of candidates
can meet the reduced quotas, the smallest relaxations are applied and the quotas the new
panel then misses are reported as `MissedQuota`s of the whole panel.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sortition.fair import Progress
from sortition.feasibility import Infeasible, Relaxation
from sortition.selection import Selection, select_panel
from stratification import InputError, Pool, Problem, Quota, QuotaSet, find_households

__all__ = ["MissedQuota", "Replacement", "replace_members", "candidates_for", "reduced_quotas", "missed_quotas"]


@dataclass(frozen=True)
class MissedQuota:
    """A quota the new panel misses: `count` members have the value, against a `bound`
    ("min" or "max") of `quota` in the original quota set."""

    feature: str
    value: str
    bound: str
    quota: int
    count: int

    def __str__(self) -> str:
        return f"{self.feature}={self.value}: {self.bound} {self.quota}, the panel has {self.count}"


@dataclass(frozen=True)
class Replacement:
    """The outcome of a replacement; every id tuple is sorted.

    `candidates` and `quotas` are the reduced problem the replacements were drawn from (the
    quotas after any relaxation), `draw` the fair draw on it, and `missed` the original quotas
    the new `panel` does not meet (empty when it meets them all).
    """

    kept: tuple[str, ...]
    dropouts: tuple[str, ...]
    added: tuple[str, ...]
    panel: tuple[str, ...]
    candidates: Pool
    quotas: QuotaSet
    draw: Selection
    missed: tuple[MissedQuota, ...]


def replace_members(
    pool: Pool,
    quotas: QuotaSet,
    panel_size: int,
    panel: Sequence[str],
    dropouts: Sequence[str],
    *,
    algorithm: str = "leximin",
    seed: int,
    households: tuple[str, ...] = (),
    solver: str | None = None,
    progress: Progress | None = None,
) -> Replacement:
    """Draw one replacement per dropout so that the new panel meets the quotas, or comes closest.

    Raise InputError for dropouts or a panel that do not fit the pool, and Infeasible (with no
    relaxations) when too few candidates are left for any panel, whatever the quotas.
    """
    _check(pool, panel_size, panel, dropouts)
    leaving = set(dropouts)
    kept = tuple(sorted(person_id for person_id in panel if person_id not in leaving))
    candidates = candidates_for(pool, set(panel), kept, households)
    reduced = reduced_quotas(pool, quotas, kept)
    if len(candidates) < len(leaving):
        raise Infeasible((), f"only {len(candidates)} people may replace {len(leaving)} dropouts")

    def draw_on(reduced: QuotaSet) -> Selection:
        return select_panel(
            candidates, reduced, len(leaving), algorithm=algorithm, seed=seed, households=households, solver=solver, progress=progress
        )

    try:
        draw = draw_on(reduced)
    except Infeasible as error:
        if not error.relaxations:
            raise Infeasible((), f"no replacements for {len(leaving)} dropouts: {error.reason}") from error
        reduced = _relax(reduced, error.relaxations)
        draw = draw_on(reduced)
    new_panel = tuple(sorted(kept + draw.panel))
    missed = missed_quotas(pool, quotas, new_panel)
    return Replacement(kept, tuple(sorted(leaving)), draw.panel, new_panel, candidates, reduced, draw, missed)


def _check(pool: Pool, panel_size: int, panel: Sequence[str], dropouts: Sequence[str]) -> None:
    in_pool = {person.id for person in pool.people}
    problems = [Problem("panel", "not in the pool", value=i) for i in panel if i not in in_pool]
    problems += [Problem("panel", "listed more than once", value=i) for i in _repeated(panel)]
    if len(panel) != panel_size:
        problems.append(Problem("panel", f"the panel has {len(panel)} members, not the panel size {panel_size}"))
    if not dropouts:
        problems.append(Problem("dropouts", "no dropouts given"))
    on_panel = set(panel)
    for person_id in dict.fromkeys(dropouts):
        if person_id not in in_pool:
            problems.append(Problem("dropouts", "not in the pool", value=person_id))
        elif person_id not in on_panel:
            problems.append(Problem("dropouts", "not on the panel", value=person_id))
    problems += [Problem("dropouts", "listed more than once", value=i) for i in _repeated(dropouts)]
    if problems:
        raise InputError(problems)


def _repeated(ids: Sequence[str]) -> list[str]:
    return sorted(person_id for person_id, count in Counter(ids).items() if count > 1)


def candidates_for(pool: Pool, panel: set[str], kept: tuple[str, ...], columns: tuple[str, ...]) -> Pool:
    """The pool people not on the panel, without the housemates of a kept member."""
    staying = set(kept)
    housemates = {i for group in find_households(pool, columns) if staying.intersection(group) for i in group}
    people = tuple(person for person in pool.people if person.id not in panel and person.id not in housemates)
    return replace(pool, people=people)


def reduced_quotas(pool: Pool, quotas: QuotaSet, kept: tuple[str, ...]) -> QuotaSet:
    """The quotas left for the replacements once the kept members take their seats.

    A max the kept members already exceed becomes 0; the panel will then miss it.
    """
    counts = _seats(pool, kept)

    def less(bound: int | None, taken: int) -> int | None:
        return None if bound is None else max(0, bound - taken)

    return QuotaSet(
        tuple(
            replace(
                quota,
                min=less(quota.min, taken),
                max=less(quota.max, taken),
                min_flex=less(quota.min_flex, taken),
                max_flex=less(quota.max_flex, taken),
            )
            for quota in quotas.quotas
            for taken in (counts[(quota.feature, quota.value)],)
        )
    )


def _relax(quotas: QuotaSet, relaxations: tuple[Relaxation, ...]) -> QuotaSet:
    needed = {(r.feature, r.value, r.bound): r.needed for r in relaxations}

    def relaxed(quota: Quota) -> Quota:
        low = needed.get((quota.feature, quota.value, "min"), quota.min)
        high = needed.get((quota.feature, quota.value, "max"), quota.max)
        return replace(quota, min=low, max=high)

    return QuotaSet(tuple(relaxed(quota) for quota in quotas.quotas))


def missed_quotas(pool: Pool, quotas: QuotaSet, panel: tuple[str, ...]) -> tuple[MissedQuota, ...]:
    """The original quotas a panel misses, in quota file order.

    A panel drawn within the smallest relaxations misses each relaxed quota by exactly its
    relaxation (a smaller miss would make a smaller relaxation), so these are the relaxations,
    restated for the whole panel, plus any max the kept members alone exceed.
    """
    counts = _seats(pool, panel)
    missed = []
    for quota in quotas.quotas:
        count = counts[(quota.feature, quota.value)]
        if count < quota.min:
            missed.append(MissedQuota(quota.feature, quota.value, "min", quota.min, count))
        if count > quota.max:
            missed.append(MissedQuota(quota.feature, quota.value, "max", quota.max, count))
    return tuple(missed)


def _seats(pool: Pool, ids: Sequence[str]) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for person_id in ids:
        counts.update(zip(pool.features, pool.person(person_id).profile))
    return counts
