"""Selecting a panel: the public entry point that ties the algorithms together."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass

from sortition.feasibility import require_feasible
from sortition.instance import Instance, build_instance
from sortition.legacy import select_legacy
from stratification import Pool, QuotaSet

__all__ = ["ALGORITHMS", "Selection", "select_panel", "new_seed"]

ALGORITHMS = ("legacy",)


@dataclass(frozen=True)
class Selection:
    """The outcome of a draw: the panel's ids (sorted), how it was drawn, and its seed."""

    panel: tuple[str, ...]
    algorithm: str
    seed: int
    panel_size: int
    household_columns: tuple[str, ...]


def new_seed() -> int:
    """A fresh seed from the operating system, for draws where none was given (it is recorded)."""
    return secrets.randbits(63)


def select_panel(
    pool: Pool,
    quotas: QuotaSet,
    panel_size: int,
    *,
    algorithm: str = "legacy",
    seed: int,
    households: tuple[str, ...] | None = None,
    solver: str | None = None,
) -> Selection:
    """Draw a panel meeting every quota; raise Infeasible (with relaxations) if none exists.

    `households` names the address columns: people who agree on all of them are never both
    selected. All randomness comes from `random.Random(seed)`.
    """
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm!r}; choose one of {', '.join(ALGORITHMS)}")
    columns = tuple(households or ())
    instance = build_instance(pool, quotas, panel_size, columns)
    require_feasible(instance, solver)
    rng = random.Random(seed)
    people = select_legacy(instance, rng)
    return Selection(_ids(instance, people), algorithm, seed, panel_size, columns)


def _ids(instance: Instance, people: tuple[int, ...]) -> tuple[str, ...]:
    return tuple(sorted(instance.ids[p] for p in people))
