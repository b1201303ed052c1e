"""The legacy draw through `select_panel(..., algorithm="legacy")`: valid, seeded, order-blind panels."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from random_instances import feasible_instances, quota_violations, shares_a_household

from sortition import Selection, select_panel
from stratification import load_inputs
from stratification.model import Person, Pool, Quota, QuotaSet

seeds = st.integers(min_value=0, max_value=2**63 - 1)


def draw(instance, seed: int) -> Selection:
    return select_panel(
        instance.pool, instance.quotas, instance.panel_size, algorithm="legacy", seed=seed, households=instance.households
    )


@given(feasible_instances(), seeds)
def test_panel_has_k_people_meets_every_quota_and_never_two_of_a_household(instance, seed):
    selection = draw(instance, seed)

    assert len(selection.panel) == instance.panel_size
    assert len(set(selection.panel)) == instance.panel_size
    assert quota_violations(instance.pool, instance.quotas, selection.panel) == 0
    assert not shares_a_household(instance, selection.panel)


@given(feasible_instances(), seeds)
def test_same_seed_gives_the_same_panel(instance, seed):
    assert draw(instance, seed).panel == draw(instance, seed).panel


@given(feasible_instances(), seeds, st.randoms(use_true_random=False))
def test_order_of_the_people_does_not_change_the_panel(instance, seed, shuffler):
    people = list(instance.pool.people)
    shuffler.shuffle(people)
    shuffled = replace(instance, pool=replace(instance.pool, people=tuple(people)))

    assert draw(shuffled, seed).panel == draw(instance, seed).panel


def test_selection_records_how_it_was_drawn():
    instance = _max_zero_instance()

    selection = select_panel(instance[0], instance[1], 2, algorithm="legacy", seed=11, households=["address"])

    assert selection.algorithm == "legacy"
    assert selection.seed == 11
    assert selection.panel_size == 2
    assert selection.household_columns == ("address",)
    assert list(selection.panel) == sorted(selection.panel)


def _max_zero_instance() -> tuple[Pool, QuotaSet]:
    """Two women, two men; half are "old", a value with max 0. Gender is picked first."""
    rows = [("p0", "woman", "old"), ("p1", "woman", "young"), ("p2", "man", "old"), ("p3", "man", "young")]
    people = tuple(Person(pid, (gender, age), (pid, gender, age, pid), line) for line, (pid, gender, age) in enumerate(rows, 2))
    pool = Pool(people, ("gender", "age"), ("id", "gender", "age", "address"))
    quotas = QuotaSet(
        (
            Quota("gender", "woman", 1, 1),
            Quota("gender", "man", 1, 1),
            Quota("age", "old", 0, 0),
            Quota("age", "young", 0, 2),
        )
    )
    return pool, quotas


def test_nobody_with_a_value_whose_max_is_zero_is_selected():
    # Regression: the greedy draw only closed a value once its seats reached the max, so before
    # the first pick a max-0 value was still open and its holders could be drawn (half the seeds).
    pool, quotas = _max_zero_instance()

    panels = {select_panel(pool, quotas, 2, algorithm="legacy", seed=seed).panel for seed in range(20)}

    assert panels == {("p1", "p3")}


PEER_INSTANCES = [
    pytest.param("example_small_20", 20, "id", (), id="example_small_20"),
    pytest.param("example_large_200", 200, "id", (), id="example_large_200"),
    pytest.param("sf_fixture", 22, "nationbuilder_id", ("primary_address1", "primary_zip"), id="sf_fixture"),
]


@pytest.mark.parametrize(("folder", "panel_size", "id_column", "households"), PEER_INSTANCES)
def test_legacy_meets_every_quota_on_the_peer_instances(peer_data, folder, panel_size, id_column, households):
    pool, quotas = load_inputs(
        peer_data / folder / "people.csv",
        peer_data / folder / "features.csv",
        panel_size,
        id_column=id_column,
        household_columns=households,
    )

    selection = select_panel(pool, quotas, panel_size, algorithm="legacy", seed=2021, households=households)

    assert len(set(selection.panel)) == panel_size
    assert quota_violations(pool, quotas, selection.panel) == 0
    addresses = [tuple(pool.field(pool.person(pid), column).casefold() for column in households) for pid in selection.panel]
    assert not households or len(set(addresses)) == panel_size


def test_different_seeds_draw_different_panels(peer_data):
    pool, quotas = load_inputs(peer_data / "example_small_20" / "people.csv", peer_data / "example_small_20" / "features.csv", 20)

    panels = {select_panel(pool, quotas, 20, algorithm="legacy", seed=seed).panel for seed in range(5)}

    assert len(panels) > 1
