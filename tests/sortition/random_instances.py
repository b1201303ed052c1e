"""Hypothesis strategies for small selection instances that are feasible by construction.

An instance is built around a *witness*: k people, no two from one household, whose value
counts sit inside every quota. So at least one panel meets the quotas, and tightening a
quota past what any panel can reach makes the instance infeasible on purpose.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, replace

from hypothesis import strategies as st

from stratification.model import Person, Pool, Quota, QuotaSet

ADDRESS = "address"


@dataclass(frozen=True)
class RandomInstance:
    pool: Pool
    quotas: QuotaSet
    panel_size: int
    households: tuple[str, ...]
    witness: tuple[str, ...]

    def household_of(self) -> dict[str, str]:
        """Person id -> address, for people who share their address with someone."""
        if not self.households:
            return {}
        by_address: dict[str, list[str]] = {}
        for person in self.pool.people:
            address = self.pool.field(person, ADDRESS)
            if address:
                by_address.setdefault(address, []).append(person.id)
        return {pid: address for address, ids in by_address.items() if len(ids) > 1 for pid in ids}

    def with_quotas(self, quotas: QuotaSet) -> RandomInstance:
        return replace(self, quotas=quotas)


def seats(pool: Pool, panel: tuple[str, ...] | list[str]) -> Counter[tuple[str, str]]:
    """How many seats each (feature, value) takes on a panel."""
    counts: Counter[tuple[str, str]] = Counter()
    for person_id in panel:
        person = pool.person(person_id)
        counts.update(zip(pool.features, person.profile))
    return counts


def quota_violations(pool: Pool, quotas: QuotaSet, panel: tuple[str, ...] | list[str]) -> int:
    """Total seats by which a panel misses its quotas (0 when it meets every one)."""
    counts = seats(pool, panel)
    total = 0
    for quota in quotas.quotas:
        have = counts[(quota.feature, quota.value)]
        total += max(0, quota.min - have) + max(0, have - quota.max)
    return total


def shares_a_household(instance: RandomInstance, panel: tuple[str, ...] | list[str]) -> bool:
    addresses = instance.household_of()
    shared = [addresses[pid] for pid in panel if pid in addresses]
    return len(shared) != len(set(shared))


def allowed_panels(instance: RandomInstance):
    """Every panel of size k with no two people of one household (for brute force on tiny pools)."""
    ids = [person.id for person in instance.pool.people]
    for panel in itertools.combinations(ids, instance.panel_size):
        if not shares_a_household(instance, panel):
            yield panel


def apply_relaxations(quotas: QuotaSet, relaxations) -> QuotaSet:
    changed = {(r.feature, r.value, r.bound): r.needed for r in relaxations}
    return QuotaSet(
        tuple(
            replace(
                quota,
                min=changed.get((quota.feature, quota.value, "min"), quota.min),
                max=changed.get((quota.feature, quota.value, "max"), quota.max),
            )
            for quota in quotas.quotas
        )
    )


@st.composite
def feasible_instances(draw, min_people: int = 8, max_people: int = 40, households: bool | None = None) -> RandomInstance:
    """A pool with 2-3 features of 2-3 values, optional households, and quotas some panel meets."""
    feature_count = draw(st.integers(2, 3))
    features = [(f"f{f}", tuple(f"v{f}{v}" for v in range(draw(st.integers(2, 3))))) for f in range(feature_count)]
    size = draw(st.integers(min_people, max_people))
    profiles = draw(
        st.lists(st.tuples(*(st.sampled_from(values) for _, values in features)), min_size=size, max_size=size)
    )
    use_households = draw(st.booleans()) if households is None else households
    # Few distinct addresses make households common; "" is no address (no household).
    addresses = (
        draw(st.lists(st.sampled_from(["", *(f"{n} High Street" for n in range(max(2, size // 2)))]), min_size=size, max_size=size))
        if use_households
        else [""] * size
    )
    ids = [f"p{i:02d}" for i in range(size)]
    columns = ("id", *(name for name, _ in features), *((ADDRESS,) if use_households else ()))
    people = tuple(
        Person(pid, profile, (pid, *profile, *((address,) if use_households else ())), row)
        for row, (pid, profile, address) in enumerate(zip(ids, profiles, addresses), start=2)
    )
    pool = Pool(people, tuple(name for name, _ in features), columns, "id", "<random>")

    # One representative per household, everyone without an address: people who may sit together.
    order = draw(st.permutations(range(size)))
    seen: set[str] = set()
    eligible = []
    for i in order:
        if addresses[i] == "" or addresses[i] not in seen:
            eligible.append(ids[i])
            seen.add(addresses[i])
    panel_size = draw(st.integers(1, len(eligible)))
    witness = tuple(eligible[:panel_size])

    counts = seats(pool, witness)
    quotas = []
    for name, values in features:
        for value in values:
            have = counts[(name, value)]
            below, above = draw(st.integers(0, 2)), draw(st.integers(0, 2))
            quotas.append(Quota(name, value, max(0, have - below), have + above))
    return RandomInstance(pool, QuotaSet(tuple(quotas)), panel_size, (ADDRESS,) if use_households else (), witness)


@st.composite
def infeasible_instances(draw, **kwargs) -> RandomInstance:
    """A feasible instance with some quotas tightened past anything a panel can reach."""
    instance = draw(feasible_instances(**kwargs))
    pool, k = instance.pool, instance.panel_size
    quotas = {(q.feature, q.value): q for q in instance.quotas.quotas}
    in_pool = seats(pool, [person.id for person in pool.people])
    in_witness = seats(pool, instance.witness)
    features = instance.quotas.features
    how = draw(st.lists(st.sampled_from(["min", "max"]), min_size=1, max_size=2))
    for bound in how:
        feature = draw(st.sampled_from(features))
        if bound == "min":
            # More seats than the value has people (or than the panel has seats).
            value = draw(st.sampled_from(feature.values))
            quota = quotas[(feature.name, value)]
            low = min(k, in_pool[(feature.name, value)]) + draw(st.integers(1, 2))
            quotas[(feature.name, value)] = replace(quota, min=low, max=max(quota.max, low))
        else:
            # The maxima of one feature add up to less than the panel size.
            caps = {value: min(quotas[(feature.name, value)].max, in_witness[(feature.name, value)]) for value in feature.values}
            # Witness counts sum to k, so taking one seat off a value that has some leaves k - 1
            # (unless an earlier cut on this feature already did).
            if sum(caps.values()) == k:
                cut = draw(st.sampled_from([value for value in feature.values if caps[value] > 0]))
                caps[cut] -= 1
            for value, cap in caps.items():
                quota = quotas[(feature.name, value)]
                quotas[(feature.name, value)] = replace(quota, min=min(quota.min, cap), max=cap)
    tightened = QuotaSet(tuple(quotas[(q.feature, q.value)] for q in instance.quotas.quotas))
    return instance.with_quotas(tightened)


def feasible_panels(instance: RandomInstance) -> list[tuple[str, ...]]:
    """Every panel of ids that meets the quotas and households, by brute force (tiny pools only)."""
    return [panel for panel in allowed_panels(instance) if quota_violations(instance.pool, instance.quotas, panel) == 0]


def panel_people(types: tuple[tuple[int, ...], ...], panel: tuple[int, ...]) -> tuple[int, ...]:
    """The people a panel of counts per type stands for: the first `count` members of each type.

    Members of a type are interchangeable (see `type_problems`), so any choice of them meets
    the same quotas; a count above the type's size is kept visible as a repeated person.
    """
    people: list[int] = []
    for members, count in zip(types, panel, strict=True):
        people += [members[min(i, len(members) - 1)] for i in range(count)]
    return tuple(people)


def type_problems(pool: Pool, ids: tuple[str, ...], types: tuple[tuple[int, ...], ...], households) -> list[str]:
    """What is wrong with a grouping of people (indices into `ids`) into interchangeable types.

    A type must be non-empty, its members must share a profile, the types must partition the
    pool, and a person in a household must be a type of their own. `households` holds groups
    of ids. An empty list means the grouping is sound.
    """
    problems = []
    seen = sorted(p for members in types for p in members)
    if seen != list(range(len(ids))):
        problems.append(f"types do not partition the {len(ids)} people: {types}")
    in_household = {person_id for group in households for person_id in group}
    for t, members in enumerate(types):
        if not members:
            problems.append(f"type {t} is empty")
            continue
        profiles = {pool.person(ids[p]).profile for p in members}
        if len(profiles) > 1:
            problems.append(f"type {t} mixes profiles {sorted(profiles)}")
        if len(members) > 1 and any(ids[p] in in_household for p in members):
            problems.append(f"type {t} has {len(members)} members, one of them in a household")
    return problems
