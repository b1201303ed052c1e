"""Selecting a panel: the public entry point that ties the algorithms together."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass

from sortition.fair import FAIR_ALGORITHMS, Distribution, Progress, draw_panel, fair_distribution
from sortition.feasibility import require_feasible
from sortition.instance import Instance, build_instance
from sortition.legacy import select_legacy
from sortition.uniform import UniformLottery, uniform_lottery
from stratification import Pool, QuotaSet

__all__ = ["ALGORITHMS", "Selection", "select_panel", "new_seed", "uniform_index"]

ALGORITHMS = (*FAIR_ALGORITHMS, "legacy")


@dataclass(frozen=True)
class Selection:
    """The outcome of a draw: the panel's ids (sorted), how it was drawn, and its seed.

    For the fair algorithms, `marginals` gives every pool member's selection probability (in
    the order of `ids`, sorted), `distribution` the panels it was drawn from, `random_value` the
    number in [0, 1) that picked panel number `panel_index`. The legacy algorithm has no
    distribution, so those are None.
    """

    panel: tuple[str, ...]
    algorithm: str
    seed: int
    panel_size: int
    household_columns: tuple[str, ...]
    ids: tuple[str, ...]
    marginals: tuple[float, ...] | None = None
    distribution: Distribution | None = None
    random_value: float | None = None
    panel_index: int | None = None
    uniform: UniformLottery | None = None


def new_seed() -> int:
    """A fresh seed from the operating system, for draws where none was given (it is recorded)."""
    return secrets.randbits(63)


def select_panel(
    pool: Pool,
    quotas: QuotaSet,
    panel_size: int,
    *,
    algorithm: str = "leximin",
    seed: int,
    households: tuple[str, ...] | None = None,
    solver: str | None = None,
    progress: Progress | None = None,
    uniform_panels: int | None = None,
) -> Selection:
    """Draw a panel meeting every quota; raise Infeasible (with relaxations) if none exists.

    `households` names the address columns: people who agree on all of them are never both
    selected. `uniform_panels` = M rounds the fair distribution to M equally likely panels (a
    transparent lottery) and draws one of them. All randomness comes from `random.Random(seed)`.
    """
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm!r}; choose one of {', '.join(ALGORITHMS)}")
    if algorithm == "legacy" and uniform_panels is not None:
        raise ValueError("the legacy algorithm has no distribution to round to uniform panels")
    columns = tuple(households or ())
    instance = build_instance(pool, quotas, panel_size, columns)
    require_feasible(instance, solver)
    rng = random.Random(seed)
    if algorithm == "legacy":
        people = select_legacy(instance, rng)
        return Selection(_ids(instance, people), algorithm, seed, panel_size, columns, instance.ids)
    distribution = fair_distribution(instance, algorithm, progress)
    if uniform_panels is None:
        value, index, people = draw_panel(distribution, instance, rng)
        marginals = tuple(distribution.type_marginals[t] for t in instance.type_of.tolist())
        return Selection(_ids(instance, people), algorithm, seed, panel_size, columns, instance.ids, marginals, distribution, value, index)
    lottery = uniform_lottery(distribution, instance, uniform_panels)
    value = rng.random()
    index = uniform_index(value, uniform_panels)
    people = lottery.panels[index]
    return Selection(
        _ids(instance, people), algorithm, seed, panel_size, columns, instance.ids, lottery.marginals, distribution, value, index, lottery
    )


def uniform_index(value: float, count: int) -> int:
    """The uniform panel (numbered from 0) that a random value in [0, 1) picks out of `count`."""
    return min(int(value * count), count - 1)


def _ids(instance: Instance, people: tuple[int, ...]) -> tuple[str, ...]:
    return tuple(sorted(instance.ids[p] for p in people))
