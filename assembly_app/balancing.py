"""Balanced random working groups: every feature value spread as evenly as possible across the groups.

Glossary: a value's *even share* is its count on the panel divided by the number of groups; a
group's *deviation* for the value is how far its count is from that share (counted here in units
of 1/groups, so deviations are integers). Group sizes differ by at most one. The target is the
least total, over the values, of each value's largest deviation. Integer counts give each value a
*floor* (`best_deviation`), reached exactly when every group holds the value's share rounded down
or up; the sum of the floors is the *lower bound*.

Two steps. A seeded min-conflicts search looks for groups that hold every value's rounded share;
when it finds them, the bound is reached and the groups are optimal. Otherwise (small panels with
many features often have no such groups) an ILP over member *types* (members with the same values
are interchangeable, so it counts how many of each type go to each group) minimises the total, and
stops within GAP of the bound it proves: the result states that bound. The seed alone (through
`random.Random(seed)`: the search, the order of the types given to the solver, which members of a
type go where) picks among the assignments; no time limit, set or dict order takes part, so the
same seed gives the same groups in any process.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

import pulp

from sortition.solver import make_solver

__all__ = ["Balanced", "BalancingError", "Profile", "balance_groups", "best_deviation"]

SEARCH_STEPS = 40  # per member: the search's budget in moves, not in time
TABU = 7  # moves during which a member just swapped stays put
GAP = 0.05  # the ILP stops once its total is within 5% of the bound it has proved


class BalancingError(Exception):
    """No assignment is possible; `reason` says why."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class Profile:
    """A member to place: a key (their id) and their (feature, value) pairs."""

    key: str
    values: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Balanced:
    """The group index of each key, each (feature, value)'s largest deviation times the group count,
    and a proved lower bound on their total: when the total equals it, the groups are optimal."""

    seed: int
    groups: dict[str, int]
    deviations: dict[tuple[str, str], int]
    bound: int

    @property
    def total(self) -> int:
        return sum(self.deviations.values())


def best_deviation(count: int, group_count: int) -> int:
    """The least possible largest deviation of a value held by `count` members, times the group
    count: 0 if the count divides evenly, else the larger of the remainder and its complement."""
    rest = count % group_count
    return 0 if rest == 0 else max(rest, group_count - rest)


@dataclass(frozen=True)
class _Problem:
    """The members (sorted keys) as tuples of value indices, and each value's count and share bounds."""

    keys: list[str]
    members: list[tuple[int, ...]]
    values: list[tuple[str, str]]
    counts: list[int]
    group_count: int

    def share(self, v: int) -> tuple[int, int]:
        low, rest = divmod(self.counts[v], self.group_count)
        return low, low + (rest > 0)


def balance_groups(profiles: Sequence[Profile], group_count: int, *, seed: int, solver: str | None = None, exact: bool = False) -> Balanced:
    """Assign every profile to one of `group_count` groups; `exact` skips the search (for tests)."""
    if group_count < 1:
        raise BalancingError("define at least one working group first")
    if len(profiles) < group_count:
        raise BalancingError(f"{len(profiles)} members cannot fill {group_count} groups")
    problem = _problem(profiles, group_count)
    rng = random.Random(seed)
    groups, bound = None if exact else _search(problem, rng), sum(best_deviation(count, group_count) for count in problem.counts)
    if groups is None:
        groups, bound = _solve(problem, rng, solver)
    return Balanced(seed, dict(zip(problem.keys, groups)), _deviations(problem, groups), bound)


def _problem(profiles: Sequence[Profile], group_count: int) -> _Problem:
    by_key = {profile.key: sorted(set(profile.values)) for profile in profiles}
    keys = sorted(by_key)
    values = sorted({pair for pairs in by_key.values() for pair in pairs})
    index = {pair: v for v, pair in enumerate(values)}
    members = [tuple(index[pair] for pair in by_key[key]) for key in keys]
    counts = [0] * len(values)
    for member in members:
        for v in member:
            counts[v] += 1
    return _Problem(keys, members, values, counts, group_count)


def _deviations(problem: _Problem, groups: Sequence[int]) -> dict[tuple[str, str], int]:
    held = [[0] * problem.group_count for _ in problem.values]
    for member, g in zip(problem.members, groups):
        for v in member:
            held[v][g] += 1
    return {pair: max(abs(problem.group_count * n - problem.counts[v]) for n in held[v]) for v, pair in enumerate(problem.values)}


def _search(problem: _Problem, rng: random.Random) -> list[int] | None:
    """Min-conflicts search for groups that hold every value's share rounded down or up, or None.

    Deal the members, in a seeded order, round the groups (sizes are then right and swaps keep them);
    then, while some group holds too many or too few of a value, pick such a (value, group) at random
    and make the swap with a member of another group that lowers the total excess most (ties: the
    first in a seeded order), even if it raises it, unless the member moved in the last TABU moves."""
    group_count, members = problem.group_count, problem.members
    order = list(range(len(members)))
    rng.shuffle(order)
    groups = [0] * len(members)
    for n, m in enumerate(order):
        groups[m] = n % group_count
    shares = [problem.share(v) for v in range(len(problem.values))]
    held = [[0] * len(problem.values) for _ in range(group_count)]
    for m, g in enumerate(groups):
        for v in members[m]:
            held[g][v] += 1

    def excess(v: int, count: int) -> int:
        low, high = shares[v]
        return low - count if count < low else count - high if count > high else 0

    def change(a: int, b: int) -> int:
        """How much the total excess changes if members a and b swap groups."""
        ga, gb, delta = groups[a], groups[b], 0
        for v in members[a]:
            if v not in members[b]:
                delta += excess(v, held[ga][v] - 1) - excess(v, held[ga][v]) + excess(v, held[gb][v] + 1) - excess(v, held[gb][v])
        for v in members[b]:
            if v not in members[a]:
                delta += excess(v, held[gb][v] - 1) - excess(v, held[gb][v]) + excess(v, held[ga][v] + 1) - excess(v, held[ga][v])
        return delta

    moved_at = [-TABU] * len(members)
    for step in range(SEARCH_STEPS * len(members)):
        conflicts = [(g, v) for g in range(group_count) for v in range(len(problem.values)) if excess(v, held[g][v])]
        if not conflicts:
            return groups
        g, v = rng.choice(conflicts)
        too_many = held[g][v] > shares[v][1]
        givers = [m for m in order if groups[m] == g and (v in members[m]) == too_many and step - moved_at[m] >= TABU]
        takers = [m for m in order if groups[m] != g and (v in members[m]) != too_many and step - moved_at[m] >= TABU]
        swaps = [(change(a, b), a, b) for a in givers for b in takers]
        if not swaps:
            continue
        _, a, b = min(swaps, key=lambda swap: swap[0])
        for m, source, target in ((a, groups[a], groups[b]), (b, groups[b], groups[a])):
            for w in members[m]:
                held[source][w] -= 1
                held[target][w] += 1
            groups[m], moved_at[m] = target, step
    return None


def _solve(problem: _Problem, rng: random.Random, solver: str | None) -> tuple[list[int], int]:
    """The ILP over types: how many members of each type go to each group, for the least total of the
    values' largest deviations, solved to within GAP of the optimum; returns the groups and the lower
    bound proved. The types reach the solver in a seeded order, and the members of a type are then
    dealt to their groups in a seeded order too."""
    group_count = problem.group_count
    by_type: dict[tuple[int, ...], list[int]] = {}
    for m, member in enumerate(problem.members):
        by_type.setdefault(member, []).append(m)
    types = sorted(by_type)
    rng.shuffle(types)
    model = pulp.LpProblem("balanced_groups", pulp.LpMinimize)
    # PuLP hands variables to the solver sorted by name: the seeded position leads the name.
    y = {(t, g): model.add_variable(f"y_{t:05d}_{g}", 0, len(by_type[kind]), cat="Integer") for t, kind in enumerate(types) for g in range(group_count)}
    floors = [best_deviation(count, group_count) for count in problem.counts]
    spread = {v: model.add_variable(f"spread_{v:05d}", floor) for v, floor in enumerate(floors)}
    model += pulp.lpSum(spread.values())
    for t, kind in enumerate(types):
        model += (pulp.lpSum(y[(t, g)] for g in range(group_count)) == len(by_type[kind]), f"one_group[type {t}]")
    low, rest = divmod(len(problem.members), group_count)
    for g in range(group_count):
        size = pulp.lpSum(y[(t, g)] for t in range(len(types)))
        model += (size >= low, f"size_min[{g}]")
        model += (size <= low + (rest > 0), f"size_max[{g}]")
    for v, (feature, value) in enumerate(problem.values):
        count = problem.counts[v]
        for g in range(group_count):
            held = group_count * pulp.lpSum(y[(t, g)] for t, kind in enumerate(types) if v in kind)
            model += (held - count <= spread[v], f"above_share[{v}:{feature}={value},{g}]")
            model += (count - held <= spread[v], f"below_share[{v}:{feature}={value},{g}]")
    model.solve(_solver(solver))
    if pulp.LpStatus[model.status] != "Optimal":
        raise BalancingError(f"the solver found no assignment ({pulp.LpStatus[model.status]})")
    groups = [0] * len(problem.members)
    for t, kind in enumerate(types):
        people = list(by_type[kind])
        rng.shuffle(people)
        for g in range(group_count):
            for _ in range(round(y[(t, g)].value() or 0)):
                groups[people.pop()] = g
    return groups, max(sum(floors), _dual_bound(model))


def _dual_bound(model: pulp.LpProblem) -> int:
    """The solver's proved lower bound on the total, rounded up (deviations are integers); 0 if unknown."""
    info = getattr(getattr(model, "solverModel", None), "getInfo", None)
    return 0 if info is None else math.ceil(info().mip_dual_bound - 1e-6)


def _solver(name: str | None) -> pulp.LpSolver:
    """The project's solver, stopping within GAP of the optimum (a bound on work that does not depend on
    the clock); HiGHS without presolve, which finds these assignments faster."""
    solver = make_solver(name)
    if isinstance(solver, pulp.HiGHS):
        solver.gapRel = GAP
        solver.optionsDict["presolve"] = "off"
    else:
        solver.optionsDict["gapRel"] = GAP
    return solver
