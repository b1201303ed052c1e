"""Balanced random working groups: every feature value spread as evenly as possible across the groups.

Glossary: a value's *even share* is its count on the panel divided by the number of groups; a
group's *deviation* for the value is how far its count is from that share (counted here in units
of 1/groups, so deviations are integers). Group sizes differ by at most one. The target is the
least total, over the values, of each value's largest deviation: an ILP. Integer counts give each
value a floor (`best_deviation`); a seeded local search usually reaches the sum of the floors, which
proves it optimal, and the ILP is solved only when it does not. The seed orders the members for
the local search through `random.Random(seed)` alone, and nothing iterates over a set, so the same
seed gives the same groups in any process.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import pulp

from sortition.solver import make_solver

__all__ = ["Balanced", "BalancingError", "Profile", "balance_groups", "best_deviation"]


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
    and the lower bound on their total (the sum of the values' floors)."""

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


def balance_groups(profiles: Sequence[Profile], group_count: int, *, seed: int, solver: str | None = None, exact: bool = False) -> Balanced:
    """Assign every profile to one of `group_count` groups; `exact` skips the local search (for tests)."""
    if group_count < 1:
        raise BalancingError("define at least one working group first")
    if len(profiles) < group_count:
        raise BalancingError(f"{len(profiles)} members cannot fill {group_count} groups")
    keys = sorted(profile.key for profile in profiles)
    by_key = {profile.key: dict(profile.values) for profile in profiles}
    counts: dict[tuple[str, str], int] = {}
    for key in keys:
        for pair in sorted(by_key[key].items()):
            counts[pair] = counts.get(pair, 0) + 1
    bound = sum(best_deviation(count, group_count) for count in counts.values())
    if not exact:
        groups = _local_search(keys, by_key, counts, group_count, random.Random(seed))
        deviations = _deviations(groups, by_key, counts, group_count)
        if all(deviations[pair] == best_deviation(count, group_count) for pair, count in counts.items()):
            return Balanced(seed, groups, deviations, bound)
    groups = _solve(keys, by_key, counts, group_count, random.Random(seed), solver)
    return Balanced(seed, groups, _deviations(groups, by_key, counts, group_count), bound)


def _solve(keys: list[str], by_key: dict[str, dict[str, str]], counts: dict[tuple[str, str], int], group_count: int, rng: random.Random, solver: str | None) -> dict[str, int]:
    """The ILP: least total of the values' largest deviations; random weights far too small to change
    that optimum pick one of the optimal assignments."""
    weights = {(key, g): rng.random() for key in keys for g in range(group_count)}
    problem = pulp.LpProblem("balanced_groups", pulp.LpMinimize)
    x = {(key, g): problem.add_variable(f"in_{i}_{g}", 0, 1, cat="Binary") for i, key in enumerate(keys) for g in range(group_count)}
    spread = {pair: problem.add_variable(f"spread_{v}", best_deviation(count, group_count)) for v, (pair, count) in enumerate(counts.items())}
    problem += pulp.lpSum(spread.values()) + pulp.lpSum(weights[k] * x[k] for k in x) / (2 * len(x) + 2)
    for i, key in enumerate(keys):
        problem += (pulp.lpSum(x[(key, g)] for g in range(group_count)) == 1, f"one_group[{i}]")
    low, high = divmod(len(keys), group_count)
    for g in range(group_count):
        size = pulp.lpSum(x[(key, g)] for key in keys)
        problem += (size >= low, f"size_min[{g}]")
        problem += (size <= low + (high > 0), f"size_max[{g}]")
    for v, (pair, count) in enumerate(counts.items()):
        label = f"{v}:{pair[0]}={pair[1]}"
        for g in range(group_count):
            held = group_count * pulp.lpSum(x[(key, g)] for key in keys if by_key[key].get(pair[0]) == pair[1])
            problem += (held - count <= spread[pair], f"above_share[{label},{g}]")
            problem += (count - held <= spread[pair], f"below_share[{label},{g}]")
    problem.solve(_solver(solver))
    if pulp.LpStatus[problem.status] != "Optimal":
        raise BalancingError(f"the solver found no assignment ({pulp.LpStatus[problem.status]})")
    return {key: next(g for g in range(group_count) if (x[(key, g)].value() or 0) > 0.5) for key in keys}


def _deviations(groups: dict[str, int], by_key: dict[str, dict[str, str]], counts: dict[tuple[str, str], int], group_count: int) -> dict[tuple[str, str], int]:
    held = {pair: [0] * group_count for pair in counts}
    for key, g in groups.items():
        for pair in by_key[key].items():
            held[pair][g] += 1
    return {pair: max(abs(group_count * n - counts[pair]) for n in held[pair]) for pair in counts}


def _local_search(
    keys: list[str], by_key: dict[str, dict[str, str]], counts: dict[tuple[str, str], int], group_count: int, rng: random.Random, rounds: int = 40
) -> dict[str, int]:
    """Deal the members, in a seeded order, round the groups; swap two members of different groups
    while a swap lowers the deviations (sizes never change); when stuck above the floors, swap a few
    members at random (seeded) and search again, keeping the best assignment seen."""
    order = list(keys)
    rng.shuffle(order)
    groups = {key: n % group_count for n, key in enumerate(order)}
    held = {pair: [0] * group_count for pair in counts}
    for key, g in groups.items():
        for pair in by_key[key].items():
            held[pair][g] += 1
    floor = sum(best_deviation(count, group_count) for count in counts.values())

    def cost(pair: tuple[str, str]) -> tuple[int, int]:
        # The largest deviation first, then the squares of all of them, which lead the search on.
        deviations = [abs(group_count * n - counts[pair]) for n in held[pair]]
        return max(deviations), sum(d * d for d in deviations)

    def total(pairs: Sequence[tuple[str, str]]) -> tuple[int, int]:
        costs = [cost(pair) for pair in pairs]
        return sum(c[0] for c in costs), sum(c[1] for c in costs)

    def swap(a: str, b: str) -> None:
        ga, gb = groups[a], groups[b]
        for key, source, target in ((a, ga, gb), (b, gb, ga)):
            for pair in by_key[key].items():
                held[pair][source] -= 1
                held[pair][target] += 1
            groups[key] = target

    def descend() -> None:
        improved = True
        while improved:
            improved = False
            for a in order:
                for b in order:
                    if groups[a] == groups[b]:
                        continue
                    touched = sorted(set(by_key[a].items()) ^ set(by_key[b].items()))
                    before = total(touched)
                    swap(a, b)
                    if total(touched) < before:
                        improved = True
                    else:
                        swap(a, b)

    descend()
    best, best_total = dict(groups), total(list(counts))
    for _ in range(rounds):
        if best_total[0] == floor:
            break
        for _ in range(3):
            a, b = rng.sample(order, 2)
            swap(a, b)
        descend()
        if total(list(counts)) < best_total:
            best, best_total = dict(groups), total(list(counts))
    return best


def _solver(name: str | None) -> pulp.LpSolver:
    """The project's solver, told to stop at the first assignment with the least total deviation:
    deviations are integers and the tie-breaking weights add less than 1/2, so a gap of 1/2
    proves that optimum without proving the weights' (which the symmetry of groups makes slow)."""
    solver = make_solver(name)
    if isinstance(solver, pulp.HiGHS):
        solver.gapAbs = 0.5
    else:
        solver.optionsDict["gapAbs"] = 0.5
    return solver
