"""Feasibility and the smallest quota relaxations (`find_relaxations`, `Infeasible`)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from random_instances import (
    RandomInstance,
    allowed_panels,
    apply_relaxations,
    feasible_instances,
    infeasible_instances,
    quota_violations,
    shares_a_household,
)

from sortition import Infeasible, Relaxation, build_instance, find_relaxations, select_panel
from stratification.model import Person, Pool, Quota, QuotaSet


def relaxations_for(instance, quotas=None):
    return find_relaxations(build_instance(instance.pool, quotas or instance.quotas, instance.panel_size, instance.households))


def total_size(relaxations) -> int:
    return sum(abs(r.needed - r.current) for r in relaxations)


@given(feasible_instances())
def test_a_feasible_instance_needs_no_relaxation(instance):
    assert relaxations_for(instance) == ()


@given(infeasible_instances())
def test_applying_the_relaxations_makes_an_infeasible_instance_feasible(instance):
    relaxations = relaxations_for(instance)
    assert relaxations, "tightened quotas must be reported infeasible"

    relaxed = apply_relaxations(instance.quotas, relaxations)

    assert relaxations_for(instance, relaxed) == ()
    selection = select_panel(instance.pool, relaxed, instance.panel_size, algorithm="legacy", seed=0, households=instance.households)
    assert quota_violations(instance.pool, relaxed, selection.panel) == 0


@given(infeasible_instances())
def test_relaxations_only_loosen_quotas_each_bound_once(instance):
    relaxations = relaxations_for(instance)

    bounds = [(r.feature, r.value, r.bound) for r in relaxations]
    assert len(bounds) == len(set(bounds))
    for r in relaxations:
        quota = instance.quotas.quota(r.feature, r.value)
        assert r.current == (quota.min if r.bound == "min" else quota.max)
        assert (0 <= r.needed < r.current) if r.bound == "min" else (r.needed > r.current)


@given(infeasible_instances())
def test_relaxations_are_no_larger_than_what_the_witness_panel_needs(instance):
    # The witness met the original quotas; the seats it misses the tightened ones by is one way
    # to relax them, so the smallest relaxation can be no larger.
    assert total_size(relaxations_for(instance)) <= quota_violations(instance.pool, instance.quotas, instance.witness)


@given(infeasible_instances(min_people=5, max_people=10))
def test_relaxations_are_the_smallest_possible_on_tiny_pools(instance):
    best = min(quota_violations(instance.pool, instance.quotas, panel) for panel in allowed_panels(instance))

    assert total_size(relaxations_for(instance)) == best


@given(infeasible_instances())
def test_select_panel_raises_infeasible_carrying_the_relaxations(instance):
    with pytest.raises(Infeasible) as raised:
        select_panel(instance.pool, instance.quotas, instance.panel_size, algorithm="legacy", seed=1, households=instance.households)

    assert raised.value.relaxations == relaxations_for(instance)


@given(feasible_instances(households=True), st.integers(0, 2**32))
def test_more_seats_than_households_is_infeasible_whatever_the_quotas(instance, seed):
    together = len(instance.pool) - sum(len(ids) - 1 for ids in _households(instance).values())
    assume(together < len(instance.pool))
    too_many = together + 1

    with pytest.raises(Infeasible) as raised:
        find_relaxations(build_instance(instance.pool, instance.quotas, too_many, instance.households))

    assert raised.value.relaxations == ()
    assert "households" in raised.value.reason
    assert f"at most {together} people" in raised.value.reason
    with pytest.raises(Infeasible):
        select_panel(instance.pool, instance.quotas, too_many, algorithm="legacy", seed=seed, households=instance.households)


def _households(instance) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for pid, address in instance.household_of().items():
        groups.setdefault(address, []).append(pid)
    return groups


def _gender_pool(women: int, men: int, address=None) -> Pool:
    rows = [("woman", "young" if i % 2 else "old") for i in range(women)] + [("man", "young" if i % 2 else "old") for i in range(men)]
    people = tuple(
        Person(f"p{i:02d}", profile, (f"p{i:02d}", *profile, address(i) if address else f"{i} Main Street"), i + 2)
        for i, profile in enumerate(rows)
    )
    return Pool(people, ("gender", "age"), ("id", "gender", "age", "address"))


def _gender_quotas(woman: tuple[int, int], man: tuple[int, int], min_flex: int | None = None) -> QuotaSet:
    return QuotaSet(
        (
            Quota("gender", "woman", *woman, min_flex=min_flex),
            Quota("gender", "man", *man),
            Quota("age", "young", 0, 10),
            Quota("age", "old", 0, 10),
        )
    )


def test_too_few_women_lowers_the_women_minimum_to_the_women_available():
    pool = _gender_pool(women=3, men=9)
    quotas = _gender_quotas(woman=(5, 5), man=(5, 8), min_flex=2)

    relaxations = find_relaxations(build_instance(pool, quotas, 10))

    assert relaxations == (Relaxation("gender", "woman", "min", 5, 3, 2),)
    assert relaxations[0].within_flex is True


def test_too_few_women_also_raises_the_men_maximum_when_it_binds():
    pool = _gender_pool(women=3, men=9)
    quotas = _gender_quotas(woman=(5, 5), man=(5, 5))

    relaxations = find_relaxations(build_instance(pool, quotas, 10))

    assert relaxations == (
        Relaxation("gender", "woman", "min", 5, 3, None),
        Relaxation("gender", "man", "max", 5, 7, None),
    )
    assert relaxations[0].within_flex is None


def test_a_relaxation_beyond_the_flex_says_so():
    pool = _gender_pool(women=3, men=9)
    quotas = _gender_quotas(woman=(5, 5), man=(5, 8), min_flex=4)

    (relaxation,) = find_relaxations(build_instance(pool, quotas, 10))

    assert relaxation.needed == 3
    assert relaxation.within_flex is False


def test_households_that_leave_too_few_people_are_infeasible_with_no_relaxation():
    # Six people at two addresses: at most two of them may sit together.
    pool = _gender_pool(women=3, men=3, address=lambda i: "1 Main Street" if i % 2 else "2 Main Street")
    quotas = _gender_quotas(woman=(0, 3), man=(0, 3))

    with pytest.raises(Infeasible) as raised:
        select_panel(pool, quotas, 3, algorithm="legacy", seed=0, households=("address",))

    assert raised.value.relaxations == ()
    assert "households leave at most 2 people" in raised.value.reason


def test_households_are_not_an_obstacle_when_the_panel_fits():
    pool = _gender_pool(women=3, men=3, address=lambda i: "1 Main Street" if i % 2 else "2 Main Street")
    quotas = _gender_quotas(woman=(0, 2), man=(0, 2))

    selection = select_panel(pool, quotas, 2, algorithm="legacy", seed=0, households=("address",))

    addresses = {pool.field(pool.person(pid), "address") for pid in selection.panel}
    assert len(addresses) == 2


def test_the_household_check_of_the_properties_can_fail():
    # Guards the property tests: a check that never fires would prove nothing.
    pool = _gender_pool(women=1, men=2, address=lambda i: "same" if i < 2 else "other")
    instance = RandomInstance(pool, _gender_quotas((0, 1), (0, 2)), 2, ("address",), ())

    assert shares_a_household(instance, ("p00", "p01"))
    assert not shares_a_household(instance, ("p00", "p02"))
