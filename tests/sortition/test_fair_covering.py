"""Covering panels: a type is declared unreachable (probability 0) only on the exact ILP's word."""

from __future__ import annotations

import numpy as np

from sortition.fair import fair_distribution
from sortition.highs_models import PanelOracle
from sortition.instance import build_instance
from stratification import Person, Pool, Quota, QuotaSet


def _pool() -> tuple[Pool, QuotaSet]:
    people = [("a1", "x", "old"), ("a2", "x", "old"), ("b1", "y", "young"), ("b2", "y", "old"), ("c1", "x", "young")]
    pool = Pool(
        tuple(Person(i, (g, age), (i, g, age), row) for row, (i, g, age) in enumerate(people, start=2)),
        ("group", "age"),
        ("id", "group", "age"),
    )
    quotas = QuotaSet((Quota("group", "x", 1, 2), Quota("group", "y", 0, 1), Quota("age", "old", 1, 2), Quota("age", "young", 0, 1)))
    return pool, quotas


def test_a_suboptimal_quick_panel_does_not_make_reachable_people_unreachable(monkeypatch):
    pool, quotas = _pool()
    instance = build_instance(pool, quotas, 2)
    first: list[np.ndarray] = []

    def stale_quick_panels(self, weights):
        # Always the first panel found, whatever the weights: a valid panel, rarely the best one.
        panels = PanelOracle.best_panels(self, weights)
        if not first:
            first.append(panels[0])
        return [first[0]], float(np.inf)

    monkeypatch.setattr(PanelOracle, "quick_panels", stale_quick_panels)
    for algorithm in ("leximin", "maximin", "nash"):
        marginals = fair_distribution(instance, algorithm).type_marginals
        # Every person is on some panel of two meeting these quotas, so nobody may get 0.
        assert min(marginals) > 0, (algorithm, marginals)
