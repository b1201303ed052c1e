"""The fair lotteries (LEXIMIN, MAXIMIN, NASH): valid panels, true probabilities, seeded and faithful draws."""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from random_instances import (
    RandomInstance,
    feasible_instances,
    panel_people,
    quota_violations,
    shares_a_household,
    type_problems,
)

from sortition import Selection, build_instance, select_panel
from sortition.fair import Distribution, draw_panel, fair_distribution
from sortition.highs_models import panel_rows
from sortition.instance import Instance
from sortition.relaxed import decompose, relaxed_leximin
from stratification.model import Person, Pool, Quota, QuotaSet

# Column generation for NASH ends on a relative optimality gap, so its sums are looser.
SUM_TOLERANCE = {"leximin": 1e-9, "maximin": 1e-9, "nash": 1e-6}
# NASH is the slowest of the three: fewer and smaller examples keep the file quick.
NASH_EXAMPLES = max(5, settings.default.max_examples // 3)
NASH_PEOPLE = 16

seeds = st.integers(min_value=0, max_value=2**63 - 1)


def instance_of(instance: RandomInstance) -> Instance:
    return build_instance(instance.pool, instance.quotas, instance.panel_size, instance.households)


def households_of(instance: RandomInstance) -> list[tuple[str, ...]]:
    groups: dict[str, list[str]] = {}
    for person_id, address in instance.household_of().items():
        groups.setdefault(address, []).append(person_id)
    return [tuple(group) for group in groups.values()]


def person_marginals(instance: Instance, distribution: Distribution) -> np.ndarray:
    """Each person's marginal, in id order: their type's marginal."""
    return np.array(distribution.type_marginals)[instance.type_of]


def is_leximin_at_least(found: np.ndarray, other: np.ndarray, tolerance: float = 1e-6) -> bool:
    """Is `found`, sorted, lexicographically at least `other`, sorted (ignoring differences below tolerance)?"""
    for mine, theirs in zip(np.sort(found), np.sort(other)):
        if abs(mine - theirs) > tolerance:
            return bool(mine > theirs)
    return True


def assert_sound(random_instance: RandomInstance, instance: Instance, distribution: Distribution, algorithm: str) -> None:
    """Every panel is one the organisers would accept, and the numbers are probabilities that add up."""
    k = random_instance.panel_size
    assert not type_problems(random_instance.pool, instance.ids, instance.type_members, households_of(random_instance))
    sizes = np.array([len(members) for members in instance.type_members])

    assert distribution.panels, "a feasible instance must get at least one panel"
    assert len(distribution.panels) == len(distribution.probabilities)
    assert list(distribution.panels) == sorted(set(distribution.panels)), "panels are distinct and in canonical order"
    for panel in distribution.panels:
        assert len(panel) == len(sizes)
        assert all(0 <= count <= size for count, size in zip(panel, sizes)), panel
        ids = [instance.ids[p] for p in panel_people(instance.type_members, panel)]
        assert len(ids) == len(set(ids)) == k, panel
        assert quota_violations(random_instance.pool, random_instance.quotas, ids) == 0, panel
        assert not shares_a_household(random_instance, ids), panel

    probabilities = np.array(distribution.probabilities)
    assert np.all((probabilities >= 0) & (probabilities <= 1)), probabilities
    assert abs(probabilities.sum() - 1) <= 1e-9, probabilities.sum()

    marginals = person_marginals(instance, distribution)
    assert np.all((marginals >= 0) & (marginals <= 1)), marginals
    assert abs(marginals.sum() - k) <= SUM_TOLERANCE[algorithm], marginals.sum()
    # The type marginals are what the panels and their probabilities say, not a separate estimate.
    implied = probabilities @ np.array(distribution.panels, dtype=np.float64) / sizes
    assert np.allclose(distribution.type_marginals, implied, rtol=0, atol=1e-9)


@pytest.mark.parametrize("households", [False, True], ids=["no_households", "households"])
@given(data=st.data())
def test_leximin_and_maximin_give_feasible_panels_true_probabilities_and_the_same_minimum(households, data):
    random_instance = data.draw(feasible_instances(households=households))
    instance = instance_of(random_instance)

    leximin = fair_distribution(instance, "leximin")
    maximin = fair_distribution(instance, "maximin")

    assert_sound(random_instance, instance, leximin, "leximin")
    assert_sound(random_instance, instance, maximin, "maximin")
    # Both maximise the smallest marginal first; LEXIMIN then lifts the next smallest, and so on,
    # so its sorted marginals are lexicographically at least MAXIMIN's.
    assert abs(min(leximin.type_marginals) - min(maximin.type_marginals)) <= 1e-6
    assert is_leximin_at_least(person_marginals(instance, leximin), person_marginals(instance, maximin))


@pytest.mark.parametrize("households", [False, True], ids=["no_households", "households"])
@settings(max_examples=NASH_EXAMPLES)
@given(data=st.data())
def test_nash_gives_feasible_panels_and_true_probabilities(households, data):
    random_instance = data.draw(feasible_instances(max_people=NASH_PEOPLE, households=households))
    instance = instance_of(random_instance)

    nash = fair_distribution(instance, "nash")

    assert_sound(random_instance, instance, nash, "nash")


def fair_draw(instance: RandomInstance, algorithm: str, seed: int) -> Selection:
    return select_panel(
        instance.pool, instance.quotas, instance.panel_size, algorithm=algorithm, seed=seed, households=instance.households
    )


@pytest.mark.parametrize("algorithm", ["leximin", "maximin", "nash"])
@settings(max_examples=NASH_EXAMPLES)
@given(feasible_instances(max_people=NASH_PEOPLE), seeds, st.randoms(use_true_random=False))
def test_same_seed_gives_the_same_panel_whatever_the_row_order(algorithm, instance, seed, shuffler):
    first = fair_draw(instance, algorithm, seed)
    people = list(instance.pool.people)
    shuffler.shuffle(people)
    shuffled = replace(instance, pool=replace(instance.pool, people=tuple(people)))

    again = fair_draw(instance, algorithm, seed)
    reordered = fair_draw(shuffled, algorithm, seed)

    assert again == first, "a seeded draw repeats exactly, distribution included"
    assert (reordered.panel, reordered.random_value, reordered.panel_index) == (first.panel, first.random_value, first.panel_index)
    assert reordered.distribution == first.distribution


def assert_selection_is_consistent(pool: Pool, selection: Selection, k: int) -> None:
    """The fields of a fair Selection agree with each other and with the distribution they came from."""
    ids = tuple(sorted(person.id for person in pool.people))
    assert selection.ids == ids
    assert selection.marginals is not None and selection.distribution is not None
    assert len(selection.marginals) == len(ids)
    assert list(selection.panel) == sorted(set(selection.panel))
    assert len(selection.panel) == k
    assert set(selection.panel) <= set(ids)
    assert selection.random_value is not None and 0 <= selection.random_value < 1
    assert selection.panel_index is not None and 0 <= selection.panel_index < len(selection.distribution.panels)
    assert selection.distribution.probabilities[selection.panel_index] > 0
    assert all(selection.marginals[ids.index(person_id)] > 0 for person_id in selection.panel)


@given(feasible_instances(), seeds)
def test_selection_fields_agree_with_the_distribution(instance, seed):
    selection = fair_draw(instance, "leximin", seed)
    built = instance_of(instance)

    assert (selection.algorithm, selection.seed, selection.panel_size) == ("leximin", seed, instance.panel_size)
    assert selection.household_columns == instance.households
    assert_selection_is_consistent(instance.pool, selection, instance.panel_size)
    # The drawn people fill exactly the seats per type of the panel that the random value picked.
    position = {person_id: p for p, person_id in enumerate(built.ids)}
    drawn = Counter(int(built.type_of[position[person_id]]) for person_id in selection.panel)
    panel = selection.distribution.panels[selection.panel_index]
    assert {t: count for t, count in enumerate(panel) if count} == dict(drawn)
    assert selection.marginals == tuple(selection.distribution.type_marginals[t] for t in built.type_of.tolist())


# Twelve people, listed out of id order. a03 and a11 (young women) share an address, as do
# a02 (the only young man) and a12; a08's address is shared with nobody.
MILL_LANE = [
    ("a03", "woman", "young", "1 Mill Lane"),
    ("a11", "woman", "young", "1 Mill Lane"),
    ("a07", "woman", "young", ""),
    ("a01", "woman", "old", ""),
    ("a09", "woman", "old", ""),
    ("a05", "woman", "old", ""),
    ("a02", "man", "young", "9 Quay"),
    ("a12", "man", "old", "9 Quay"),
    ("a04", "man", "old", ""),
    ("a10", "man", "old", ""),
    ("a06", "man", "old", ""),
    ("a08", "man", "old", "2 Mill Lane"),
]
MILL_LANE_SEATS = 5


@pytest.fixture(scope="module")
def mill_lane() -> tuple[Pool, QuotaSet]:
    people = tuple(
        Person(pid, (gender, age), (pid, gender, age, address), row) for row, (pid, gender, age, address) in enumerate(MILL_LANE, 2)
    )
    pool = Pool(people, ("gender", "age"), ("id", "gender", "age", "address"))
    quotas = QuotaSet(
        (Quota("gender", "woman", 2, 3), Quota("gender", "man", 2, 3), Quota("age", "young", 2, 3), Quota("age", "old", 2, 3))
    )
    return pool, quotas


@pytest.mark.parametrize("algorithm", ["leximin", "maximin", "nash"])
def test_marginals_are_listed_in_id_order(mill_lane, algorithm):
    pool, quotas = mill_lane

    selection = select_panel(pool, quotas, MILL_LANE_SEATS, algorithm=algorithm, seed=3, households=("address",))

    assert selection.ids == tuple(f"a{i:02d}" for i in range(1, 13))
    assert_selection_is_consistent(pool, selection, MILL_LANE_SEATS)
    marginal = dict(zip(selection.ids, selection.marginals))
    # Interchangeable people get the same chance; the household pair a02/a12 and the lone
    # a08 are not interchangeable with the other old men, whatever their profile.
    assert marginal["a01"] == marginal["a05"] == marginal["a09"]
    assert marginal["a04"] == marginal["a06"] == marginal["a08"] == marginal["a10"]
    assert sum(selection.marginals) == pytest.approx(MILL_LANE_SEATS, abs=SUM_TOLERANCE[algorithm])


def test_leximin_on_mill_lane_gives_the_known_marginals(mill_lane):
    # The eight old people share at most 3 seats, so nobody can be above 3/8 for all of them;
    # at exactly 3 old seats the 2 young seats go to a02, a07 and the a03/a11 household,
    # which LEXIMIN shares out evenly: 1/2 for each young person.
    pool, quotas = mill_lane

    selection = select_panel(pool, quotas, MILL_LANE_SEATS, algorithm="leximin", seed=3, households=("address",))

    marginal = dict(zip(selection.ids, selection.marginals))
    young = {"a02", "a03", "a07", "a11"}
    for person_id, probability in marginal.items():
        assert probability == pytest.approx(0.5 if person_id in young else 0.375, abs=1e-9), person_id


DRAWS = 20_000
# A 4-sigma band per person (and per panel): with a few dozen comparisons, a correct sampler
# fails it with probability about 1e-3, and the seeds are fixed, so the test is deterministic.
SIGMAS = 4.0


def binomial_band(p: float, draws: int) -> float:
    return SIGMAS * math.sqrt(p * (1 - p) / draws) + 1e-12


@pytest.mark.parametrize("algorithm", ["leximin", "maximin", "nash"])
def test_draws_select_each_person_as_often_as_their_marginal(mill_lane, algorithm):
    pool, quotas = mill_lane
    instance = build_instance(pool, quotas, MILL_LANE_SEATS, ("address",))
    distribution = fair_distribution(instance, algorithm)
    sizes = [len(members) for members in instance.type_members]

    chosen = np.zeros(instance.size)
    panels = np.zeros(len(distribution.panels))
    for seed in range(DRAWS):
        value, index, people = draw_panel(distribution, instance, random.Random(seed))
        assert 0 <= value < 1
        assert len(set(people)) == MILL_LANE_SEATS
        counts = np.bincount(instance.type_of[list(people)], minlength=len(sizes))
        assert tuple(counts.tolist()) == distribution.panels[index]
        chosen[list(people)] += 1
        panels[index] += 1

    for p, person_id in enumerate(instance.ids):
        marginal = distribution.type_marginals[instance.type_of[p]]
        frequency = chosen[p] / DRAWS
        assert abs(frequency - marginal) <= binomial_band(marginal, DRAWS), (person_id, frequency, marginal)
    for index, probability in enumerate(distribution.probabilities):
        assert abs(panels[index] / DRAWS - probability) <= binomial_band(probability, DRAWS), (index, probability)


def test_when_the_lp_relaxation_overpromises_column_generation_gives_the_true_leximin():
    # One seat each for the rare values v01, v11, v21, three for the common ones. Fractionally,
    # half of a, c and d covers the rare values, so the relaxation promises c and d a chance;
    # but the only real panels are {a, b, two common people}: c and d are on none.
    profiles = {"a": ("v00", "v11", "v21"), "b": ("v01", "v10", "v20"), "c": ("v01", "v10", "v21"), "d": ("v01", "v11", "v20")}
    profiles |= {f"common{i}": ("v00", "v10", "v20") for i in range(8)}
    people = tuple(Person(pid, profile, (pid, *profile), row) for row, (pid, profile) in enumerate(sorted(profiles.items()), start=2))
    pool = Pool(people, ("f0", "f1", "f2"), ("id", "f0", "f1", "f2"))
    quotas = QuotaSet(tuple(Quota(f"f{f}", f"v{f}{rare}", 1 if rare else 3, 1 if rare else 3) for f in range(3) for rare in (0, 1)))
    instance = build_instance(pool, quotas, 4)
    sizes = np.array([len(members) for members in instance.type_members])
    rows = panel_rows(instance.type_values, instance.lower, instance.upper, 4, instance.type_households)
    promised = dict(zip(instance.ids, relaxed_leximin(sizes, rows).probabilities[instance.type_of]))
    assert promised["c"] > 0 and promised["d"] > 0
    assert decompose(relaxed_leximin(sizes, rows).point, sizes, rows) is None

    for algorithm in ("leximin", "maximin"):
        found = dict(zip(instance.ids, person_marginals(instance, fair_distribution(instance, algorithm))))

        assert found["a"] == pytest.approx(1) and found["b"] == pytest.approx(1)
        assert found["c"] == 0 and found["d"] == 0
        assert found["common3"] == pytest.approx(0.25)
