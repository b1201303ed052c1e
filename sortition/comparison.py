"""LEGACY beside a fair algorithm: how many volunteers the fair lottery helps (the Nature paper's comparison)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np

from sortition.fair import Progress, fair_distribution
from sortition.feasibility import require_feasible
from sortition.instance import Instance, build_instance
from sortition.legacy import select_legacy
from stratification import Pool, QuotaSet

__all__ = ["FairnessComparison", "compare_with_legacy", "estimate_legacy"]

# Half-width of a 99% normal interval, in standard errors.
_Z99 = 2.5758


@dataclass(frozen=True)
class FairnessComparison:
    """Each person's selection probability under LEGACY (estimated from `draws` seeded draws)
    and under the fair algorithm (exact), in id order."""

    ids: tuple[str, ...]
    legacy: tuple[float, ...]
    fair: tuple[float, ...]
    algorithm: str
    draws: int
    seed: int
    panel_size: int

    def legacy_upper(self, person: int) -> float:
        """Upper end of the 99% interval of a person's LEGACY probability."""
        p = self.legacy[person]
        return p + _Z99 * math.sqrt(max(p * (1 - p), 1 / self.draws) / self.draws)

    def helped(self) -> int:
        """People whose fair probability is above the 99% interval of their LEGACY estimate."""
        return sum(self.fair[i] > self.legacy_upper(i) for i in range(len(self.ids)))

    def below(self, probabilities: tuple[float, ...], level: float) -> int:
        return sum(p < level - 1e-9 for p in probabilities)


def compare_with_legacy(
    pool: Pool, quotas: QuotaSet, panel_size: int, *, seed: int, draws: int = 1000,
    households: tuple[str, ...] = (), algorithm: str = "leximin", solver: str | None = None,
    progress: Progress | None = None,
) -> FairnessComparison:
    """Estimate LEGACY's marginals by `draws` draws from one seeded generator; solve the fair one exactly."""
    instance = build_instance(pool, quotas, panel_size, households)
    require_feasible(instance, solver)
    legacy = estimate_legacy(instance, seed=seed, draws=draws, progress=progress)
    distribution = fair_distribution(instance, algorithm, progress)
    fair = tuple(distribution.type_marginals[t] for t in instance.type_of.tolist())
    return FairnessComparison(instance.ids, legacy, fair, algorithm, draws, seed, panel_size)


def estimate_legacy(instance: Instance, *, seed: int, draws: int, progress: Progress | None = None) -> tuple[float, ...]:
    """Each person's LEGACY selection probability (in id order), estimated from `draws` draws of one seeded generator."""
    rng = random.Random(seed)
    counts = np.zeros(instance.size)
    for draw in range(draws):
        counts[list(select_legacy(instance, rng))] += 1
        if progress and draw % 50 == 0:
            progress("legacy draws", draw, 0.0)
    return tuple((counts / draws).tolist())
