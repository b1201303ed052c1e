"""The vocabulary of selection: features, values, quotas, people and pools.

Glossary
--------
feature
    A characteristic the panel must reflect, e.g. ``gender`` or ``region``.
value
    One of the categories of a feature, e.g. ``woman`` for ``gender``.
quota
    The least and most seats a value may take on the panel (``min``, ``max``). The optional
    ``min_flex`` / ``max_flex`` say how far an organiser would accept relaxing them.
quota set
    All quotas of a selection; it defines the features and their values.
person
    One volunteer: an id, a value for every feature (their *profile*) and the other columns of
    their row (name, email, address...), carried through to the outputs untouched.
pool
    Everyone who volunteered and may be selected.
panel, panel size k
    The people selected; k is how many.
household
    People who must not sit on the panel together (same address): at most one of them is selected.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

__all__ = ["Feature", "Quota", "QuotaSet", "Person", "Pool"]


@dataclass(frozen=True)
class Quota:
    """Seats a value may take: at least `min`, at most `max`."""

    feature: str
    value: str
    min: int
    max: int
    min_flex: int | None = None
    max_flex: int | None = None


@dataclass(frozen=True)
class Feature:
    """A feature and its values, in the order the quota file lists them."""

    name: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class QuotaSet:
    """Every quota of a selection, in file order; it defines the features and their values."""

    quotas: tuple[Quota, ...]

    @cached_property
    def features(self) -> tuple[Feature, ...]:
        order: dict[str, list[str]] = {}
        for quota in self.quotas:
            order.setdefault(quota.feature, []).append(quota.value)
        return tuple(Feature(name, tuple(values)) for name, values in order.items())

    @cached_property
    def _by_key(self) -> dict[tuple[str, str], Quota]:
        return {(quota.feature, quota.value): quota for quota in self.quotas}

    def quota(self, feature: str, value: str) -> Quota:
        return self._by_key[(feature, value)]

    def feature_names(self) -> tuple[str, ...]:
        return tuple(feature.name for feature in self.features)


@dataclass(frozen=True)
class Person:
    """A volunteer. `profile` holds one value per feature, in the pool's feature order;
    `fields` holds every column of their input row, as read."""

    id: str
    profile: tuple[str, ...]
    fields: tuple[str, ...]
    row: int


@dataclass(frozen=True)
class Pool:
    """Everyone who may be selected, with the columns of the file they came from."""

    people: tuple[Person, ...]
    features: tuple[str, ...]
    columns: tuple[str, ...]
    id_column: str = "id"
    source: str = "<memory>"

    def __len__(self) -> int:
        return len(self.people)

    @cached_property
    def _column_index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.columns)}

    @cached_property
    def _by_id(self) -> dict[str, Person]:
        return {person.id: person for person in self.people}

    def person(self, person_id: str) -> Person:
        return self._by_id[person_id]

    def value(self, person: Person, feature: str) -> str:
        return person.profile[self.features.index(feature)]

    def field(self, person: Person, column: str) -> str:
        return person.fields[self._column_index[column]]
