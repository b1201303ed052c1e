"""Checks across files: the panel size against the pool and the quotas, household columns."""

from __future__ import annotations

from stratification.errors import Problem
from stratification.model import Pool, QuotaSet

__all__ = ["panel_size_problems", "household_problems"]


def panel_size_problems(pool: Pool, quotas: QuotaSet, panel_size: int, *, features_file: str) -> list[Problem]:
    """Problems that make any panel of this size impossible before a solver is asked."""
    if panel_size < 1:
        return [Problem("--panel-size", "the panel size must be at least 1", value=str(panel_size))]
    problems: list[Problem] = []
    if panel_size > len(pool):
        problems.append(Problem(pool.source, f"the panel size {panel_size} is larger than the pool ({len(pool)} people)"))
    for feature in quotas.features:
        quota_list = [quotas.quota(feature.name, value) for value in feature.values]
        lowest = sum(quota.min for quota in quota_list)
        highest = sum(quota.max for quota in quota_list)
        if lowest > panel_size:
            problems.append(
                Problem(features_file, f"the minimums of feature {feature.name!r} add up to {lowest}, more than the panel size {panel_size}", column="min", value=str(lowest))
            )
        if highest < panel_size:
            problems.append(
                Problem(features_file, f"the maximums of feature {feature.name!r} add up to {highest}, fewer than the panel size {panel_size}", column="max", value=str(highest))
            )
    return problems


def household_problems(pool: Pool, household_columns: tuple[str, ...]) -> list[Problem]:
    """Each household column must be in the people file."""
    return [
        Problem(pool.source, f"household column not found; the header has: {', '.join(pool.columns)}", row=1, column=column)
        for column in household_columns
        if column not in pool.columns
    ]
