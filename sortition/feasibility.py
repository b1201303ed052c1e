"""Is there a panel meeting every quota? If not, the smallest quota relaxations that make one exist."""

from __future__ import annotations

from dataclasses import dataclass

import pulp

from sortition.instance import Instance
from sortition.solver import make_solver

__all__ = ["Relaxation", "Infeasible", "find_relaxations", "require_feasible"]


@dataclass(frozen=True)
class Relaxation:
    """Change one quota bound from `current` to `needed` (min lowered or max raised)."""

    feature: str
    value: str
    bound: str  # "min" or "max"
    current: int
    needed: int
    flex: int | None  # the organiser's min_flex / max_flex for this bound, if given

    @property
    def within_flex(self) -> bool | None:
        if self.flex is None:
            return None
        return self.needed >= self.flex if self.bound == "min" else self.needed <= self.flex


class Infeasible(Exception):
    """No panel meets the quotas; `relaxations` is the smallest change that makes one exist,
    empty when no change of quotas helps (households leave too few people)."""

    def __init__(self, relaxations: tuple[Relaxation, ...], reason: str):
        self.relaxations = relaxations
        self.reason = reason
        super().__init__(reason)


def find_relaxations(instance: Instance, solver: str | None = None) -> tuple[Relaxation, ...]:
    """The relaxations of least total size that make a panel possible; () when it already is.

    An ILP over types: y[t] people of type t, and for each quota a slack below its min and one
    above its max, minimising the total slack. Households (at most one member) are not relaxed.
    """
    problem = pulp.LpProblem("quota_relaxation", pulp.LpMinimize)
    sizes = [len(group) for group in instance.type_members]
    chosen = [problem.add_variable(f"type_{t}", 0, size, cat="Integer") for t, size in enumerate(sizes)]
    below = [problem.add_variable(f"relax_min_{q}", 0) for q in range(len(instance.quotas))]
    above = [problem.add_variable(f"relax_max_{q}", 0) for q in range(len(instance.quotas))]
    problem += pulp.lpSum(below) + pulp.lpSum(above)
    problem += (pulp.lpSum(chosen) == instance.panel_size, "panel_size")
    holders = _types_by_quota(instance)
    for q, quota in enumerate(instance.quotas):
        seats = pulp.lpSum(chosen[t] for t in holders[q])
        label = instance.quota_label(q)
        problem += (seats + below[q] >= quota.min, f"quota_min[{label}]")
        problem += (seats - above[q] <= quota.max, f"quota_max[{label}]")
    for h, household in enumerate(instance.type_households):
        problem += (pulp.lpSum(chosen[t] for t in household) <= 1, f"household[{h}]")
    problem.solve(make_solver(solver))
    if pulp.LpStatus[problem.status] != "Optimal":
        reachable = instance.size - sum(len(h) - 1 for h in instance.households)
        why = f"households leave at most {reachable} people who may sit together" if instance.households else f"the pool has only {instance.size} people"
        raise Infeasible((), f"no panel of {instance.panel_size} exists whatever the quotas: {why}")
    relaxations = []
    for q, quota in enumerate(instance.quotas):
        low, high = round(below[q].value() or 0), round(above[q].value() or 0)
        if low:
            relaxations.append(Relaxation(quota.feature, quota.value, "min", quota.min, quota.min - low, quota.min_flex))
        if high:
            relaxations.append(Relaxation(quota.feature, quota.value, "max", quota.max, quota.max + high, quota.max_flex))
    return tuple(relaxations)


def require_feasible(instance: Instance, solver: str | None = None) -> None:
    """Raise Infeasible, carrying the relaxations, unless some panel meets every quota."""
    relaxations = find_relaxations(instance, solver)
    if relaxations:
        raise Infeasible(relaxations, "no panel meets every quota")


def _types_by_quota(instance: Instance) -> list[list[int]]:
    holders: list[list[int]] = [[] for _ in instance.quotas]
    for t, values in enumerate(instance.type_values.tolist()):
        for q in values:
            holders[q].append(t)
    return holders
