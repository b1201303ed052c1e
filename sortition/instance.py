"""A selection problem in solver-ready form: people sorted by id, quotas and types as arrays."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from stratification import Pool, Quota, QuotaSet, find_households

__all__ = ["Instance", "build_instance"]


@dataclass(frozen=True, eq=False)
class Instance:
    """Everything an algorithm needs, independent of the order of rows in the input files.

    People are indexed in id order. `value_of[p, f]` is the index into `quotas` of person p's
    value for feature f. A *type* is a set of interchangeable people (same profile, no
    household tie); people in a household are each a type of their own. Types are ordered by
    profile, then by their first member's id.
    """

    ids: tuple[str, ...]
    quotas: tuple[Quota, ...]
    value_of: np.ndarray
    panel_size: int
    households: tuple[tuple[int, ...], ...]
    type_of: np.ndarray

    @property
    def size(self) -> int:
        return len(self.ids)

    @cached_property
    def lower(self) -> np.ndarray:
        return np.array([quota.min for quota in self.quotas], dtype=np.int64)

    @cached_property
    def upper(self) -> np.ndarray:
        return np.array([quota.max for quota in self.quotas], dtype=np.int64)

    @cached_property
    def has_value(self) -> np.ndarray:
        """Boolean matrix [person, quota]: does the person have that quota's value?"""
        matrix = np.zeros((self.size, len(self.quotas)), dtype=bool)
        for column in self.value_of.T:
            matrix[np.arange(self.size), column] = True
        return matrix

    @cached_property
    def type_members(self) -> tuple[tuple[int, ...], ...]:
        members: list[list[int]] = [[] for _ in range(int(self.type_of.max()) + 1)] if self.size else []
        for person, kind in enumerate(self.type_of.tolist()):
            members[kind].append(person)
        return tuple(tuple(group) for group in members)

    @cached_property
    def type_values(self) -> np.ndarray:
        """Quota indices of each type's profile: array [type, feature]."""
        return self.value_of[[group[0] for group in self.type_members]]

    @cached_property
    def type_households(self) -> tuple[tuple[int, ...], ...]:
        return tuple(tuple(int(self.type_of[p]) for p in household) for household in self.households)

    def quota_label(self, q: int) -> str:
        return f"{self.quotas[q].feature}={self.quotas[q].value}"


def build_instance(
    pool: Pool, quotas: QuotaSet, panel_size: int, household_columns: tuple[str, ...] = ()
) -> Instance:
    """Index a validated pool and quota set for the algorithms."""
    ordered = tuple(quota for feature in quotas.features for quota in (quotas.quota(feature.name, v) for v in feature.values))
    index = {(quota.feature, quota.value): q for q, quota in enumerate(ordered)}
    people = sorted(pool.people, key=lambda person: person.id)
    ids = tuple(person.id for person in people)
    position = {person_id: p for p, person_id in enumerate(ids)}
    value_of = np.array(
        [[index[(feature, value)] for feature, value in zip(pool.features, person.profile)] for person in people],
        dtype=np.int64,
    ).reshape(len(people), len(pool.features))
    households = tuple(tuple(position[i] for i in group) for group in find_households(pool, household_columns))
    in_household = {p for group in households for p in group}
    keys = [
        (tuple(value_of[p].tolist()), ids[p] if p in in_household else "")
        for p in range(len(ids))
    ]
    order = {key: t for t, key in enumerate(sorted(set(keys)))}
    type_of = np.array([order[key] for key in keys], dtype=np.int64)
    return Instance(ids, ordered, value_of, panel_size, households, type_of)
