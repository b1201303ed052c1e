"""Uniform lotteries: M valid panels of equal chance whose marginals stay close to the fair ones."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from random_instances import RandomInstance, feasible_instances, quota_violations, shares_a_household

from sortition import build_instance
from sortition.fair import fair_distribution
from sortition.instance import Instance
from sortition.uniform import UniformLottery, uniform_lottery, uniform_lottery_bound
from stratification import load_inputs

ROOT = Path(__file__).resolve().parents[2]
counts = st.sampled_from([1, 2, 3, 7, 10, 100, 1000])


def instance_of(random_instance: RandomInstance) -> Instance:
    return build_instance(random_instance.pool, random_instance.quotas, random_instance.panel_size, random_instance.households)


def assert_valid(random_instance: RandomInstance, instance: Instance, lottery: UniformLottery, count: int) -> None:
    """Every panel is one the organisers would accept, and the marginals are what the panels say."""
    k = random_instance.panel_size
    assert len(lottery.panels) == count
    assert list(lottery.panels) == sorted(lottery.panels), "panels in canonical order"
    for panel in lottery.panels:
        assert list(panel) == sorted(set(panel)) and len(panel) == k, panel
        ids = [instance.ids[p] for p in panel]
        assert quota_violations(random_instance.pool, random_instance.quotas, ids) == 0, panel
        assert not shares_a_household(random_instance, ids), panel
    appearances = np.bincount([p for panel in lottery.panels for p in panel], minlength=instance.size)
    assert lottery.marginals == tuple((appearances / count).tolist())
    assert abs(sum(lottery.marginals) - k) <= 1e-9
    change = np.abs(np.array(lottery.marginals) - np.array(lottery.fair_marginals))
    assert lottery.largest_change == change.max()


@given(random_instance=feasible_instances(), count=counts)
def test_uniform_lottery_has_count_valid_panels_and_a_bounded_change(random_instance, count):
    instance = instance_of(random_instance)
    distribution = fair_distribution(instance, "leximin")

    lottery = uniform_lottery(distribution, instance, count)

    assert_valid(random_instance, instance, lottery, count)
    assert lottery.fair_marginals == tuple(np.array(distribution.type_marginals)[instance.type_of].tolist())
    assert lottery.largest_change <= uniform_lottery_bound(distribution, instance, count) + 1e-9
    # Members of one type sit equally often, give or take one panel.
    for members in instance.type_members:
        seats = [round(lottery.marginals[p] * count) for p in members]
        assert max(seats) - min(seats) <= 1, seats


def rounding_change(distribution, instance: Instance, count: int, uses: np.ndarray) -> float:
    """Largest marginal change if panel j is used uses[j] times and each type's seats go round its members."""
    panels = np.array(distribution.panels, dtype=np.float64)
    sizes = np.array([len(members) for members in instance.type_members], dtype=np.float64)
    target = count * np.array(distribution.type_marginals)
    each = (uses @ panels) / sizes
    change = np.maximum(np.abs(np.floor(each + 1e-9) - target), np.abs(np.ceil(each - 1e-9) - target))
    return float(change.max()) / count


@given(random_instance=feasible_instances(max_people=20), count=st.integers(1, 30))
def test_no_swap_of_a_rounded_up_and_a_rounded_down_panel_lowers_the_largest_change(random_instance, count):
    instance = instance_of(random_instance)
    distribution = fair_distribution(instance, "leximin")
    scaled = count * np.array(distribution.probabilities)
    whole = np.abs(scaled - np.rint(scaled)) < 1e-9
    base = np.where(whole, np.rint(scaled), np.floor(scaled))
    remainders = np.where(whole, -1.0, scaled - base)
    largest_remainder = base.copy()
    largest_remainder[np.argsort(-remainders, kind="stable")[: count - int(base.sum())]] += 1

    lottery = uniform_lottery(distribution, instance, count)

    # How often each panel of types was used, read back from the panels of people.
    kinds = len(instance.type_members)
    type_panels = [tuple(np.bincount(instance.type_of[list(panel)], minlength=kinds).tolist()) for panel in lottery.panels]
    uses = np.array([type_panels.count(panel) for panel in distribution.panels], dtype=np.float64)
    assert uses.sum() == count and np.all((uses == base) | (uses == base + 1))
    assert lottery.largest_change == pytest.approx(rounding_change(distribution, instance, count, uses), abs=1e-12)
    assert lottery.largest_change <= rounding_change(distribution, instance, count, largest_remainder) + 1e-12
    for up, down in itertools.product(np.flatnonzero(uses > base), np.flatnonzero((uses == base) & ~whole)):
        swapped = uses.copy()
        swapped[up] -= 1
        swapped[down] += 1
        assert rounding_change(distribution, instance, count, swapped) >= lottery.largest_change - 1e-12


@given(random_instance=feasible_instances(max_people=20), count=counts)
def test_uniform_lottery_is_deterministic(random_instance, count):
    instance = instance_of(random_instance)
    distribution = fair_distribution(instance, "leximin")

    assert uniform_lottery(distribution, instance, count) == uniform_lottery(distribution, instance, count)


@pytest.mark.parametrize("count", [0, -3, 2.5, True, "10", None])
def test_uniform_lottery_refuses_a_count_that_is_not_a_positive_integer(count):
    pool, quotas = load_inputs(ROOT / "sample_data/small/people.csv", ROOT / "sample_data/small/features.csv", 12)
    instance = build_instance(pool, quotas, 12)
    distribution = fair_distribution(instance, "leximin")

    with pytest.raises(ValueError, match="positive integer"):
        uniform_lottery(distribution, instance, count)
    with pytest.raises(ValueError, match="positive integer"):
        uniform_lottery_bound(distribution, instance, count)


def test_uniform_lottery_on_the_small_sample_changes_marginals_by_less_than_a_panel_in_a_thousand():
    households = ("address", "postcode")
    pool, quotas = load_inputs(
        ROOT / "sample_data/small/people.csv", ROOT / "sample_data/small/features.csv", 12, household_columns=households
    )
    instance = build_instance(pool, quotas, 12, households)
    distribution = fair_distribution(instance, "leximin")

    lottery = uniform_lottery(distribution, instance, 1000)

    assert len(lottery.panels) == 1000
    assert all(len(set(panel)) == 12 for panel in lottery.panels)
    assert abs(sum(lottery.marginals) - 12) <= 1e-9
    # Measured 0.0009; a single panel more or less moves a marginal by 0.001.
    assert lottery.largest_change < 0.001
    assert lottery.largest_change <= uniform_lottery_bound(distribution, instance, 1000)
