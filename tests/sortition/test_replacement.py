"""Replacing dropouts: a full panel again, kept members stay, quotas met or the misses named."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from random_instances import RandomInstance, feasible_instances, quota_violations, shares_a_household

from sortition import Infeasible, select_panel
from sortition.replacement import MissedQuota, replace_members
from stratification import InputError, load_inputs
from stratification.model import Person, Pool, Quota, QuotaSet

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "small"
seeds = st.integers(min_value=0, max_value=2**63 - 1)


def replace_in(instance: RandomInstance, panel, dropouts, seed: int):
    return replace_members(
        instance.pool, instance.quotas, instance.panel_size, panel, dropouts, seed=seed, households=instance.households
    )


@given(feasible_instances(max_people=20), seeds, st.data())
def test_replacement_refills_the_panel_around_the_kept_members(instance, seed, data):
    panel = select_panel(instance.pool, instance.quotas, instance.panel_size, seed=seed, households=instance.households).panel
    dropouts = data.draw(st.lists(st.sampled_from(panel), min_size=1, unique=True))
    try:
        result = replace_in(instance, panel, dropouts, seed)
    except Infeasible as error:
        # Only a shortage of people who may sit together stops a replacement; quotas never do.
        assert error.relaxations == ()
        return
    assert len(result.panel) == len(set(result.panel)) == instance.panel_size
    assert set(result.kept) == set(panel) - set(dropouts) and set(result.kept) <= set(result.panel)
    assert not set(dropouts) & set(result.panel)
    assert not set(result.added) & set(panel) and len(result.added) == len(dropouts)
    assert not shares_a_household(instance, result.panel)
    misses = sum(abs(m.count - m.quota) for m in result.missed)
    assert quota_violations(instance.pool, instance.quotas, result.panel) == misses
    if not result.missed:
        assert quota_violations(instance.pool, instance.quotas, result.panel) == 0
    again = replace_in(instance, list(reversed(panel)), list(reversed(dropouts)), seed)
    assert (again.added, again.draw.random_value, again.missed) == (result.added, result.draw.random_value, result.missed)


def pool_of(*people: tuple[str, str, str]) -> Pool:
    """A pool of (id, gender, address) rows; households by the address column."""
    return Pool(
        tuple(Person(pid, (gender,), (pid, gender, address), row) for row, (pid, gender, address) in enumerate(people, start=2)),
        ("gender",),
        ("id", "gender", "address"),
    )


GENDER = QuotaSet((Quota("gender", "woman", 2, 2), Quota("gender", "man", 2, 2)))
POOL = pool_of(("w1", "woman", "a"), ("w2", "woman", ""), ("w3", "woman", "a"), ("m1", "man", ""), ("m2", "man", ""), ("m3", "man", ""), ("m4", "man", ""))
PANEL = ("w1", "w2", "m1", "m2")


def test_a_dropout_is_replaced_by_someone_with_the_same_value():
    result = replace_members(POOL, GENDER, 4, PANEL, ["w2"], seed=1)
    assert result.added == ("w3",) and result.missed == ()
    assert result.kept == ("m1", "m2", "w1") and result.panel == ("m1", "m2", "w1", "w3")
    assert [(q.min, q.max) for q in result.quotas.quotas] == [(1, 1), (0, 0)]


def test_when_no_one_with_the_value_is_left_the_closest_panel_names_the_missed_quotas():
    # w3 lives with the kept w1, so only men can replace w2: one woman short, one man over.
    result = replace_members(POOL, GENDER, 4, PANEL, ["w2"], seed=1, households=("address",))
    assert [p.id for p in result.candidates.people] == ["m3", "m4"]
    assert result.added in {("m3",), ("m4",)}
    assert result.missed == (MissedQuota("gender", "woman", "min", 2, 1), MissedQuota("gender", "man", "max", 2, 3))
    assert str(result.missed[0]) == "gender=woman: min 2, the panel has 1"


def test_a_max_the_kept_members_already_exceed_is_reported():
    quotas = QuotaSet((Quota("gender", "woman", 1, 3), Quota("gender", "man", 1, 1)))
    result = replace_members(POOL, quotas, 4, PANEL, ["w2"], seed=1)
    assert result.added == ("w3",)
    assert result.missed == (MissedQuota("gender", "man", "max", 1, 2),)


def test_too_few_candidates_is_infeasible_with_a_reason():
    small = pool_of(("w1", "woman", ""), ("w2", "woman", ""), ("m1", "man", ""), ("m2", "man", ""), ("m3", "man", ""))
    with pytest.raises(Infeasible, match="only 1 people may replace 2 dropouts") as caught:
        replace_members(small, GENDER, 4, PANEL, ["w1", "w2"], seed=1)
    assert caught.value.relaxations == ()


@pytest.mark.parametrize(
    ("panel", "dropouts", "file", "value", "message"),
    [
        (PANEL, ["w3"], "dropouts", "w3", "not on the panel"),
        (PANEL, ["x9"], "dropouts", "x9", "not in the pool"),
        (PANEL, ["w1", "w1"], "dropouts", "w1", "listed more than once"),
        (PANEL, [], "dropouts", None, "no dropouts given"),
        (("w1", "w2", "m1", "z7"), ["w1"], "panel", "z7", "not in the pool"),
        (("w1", "w2", "m1"), ["w1"], "panel", None, "the panel has 3 members, not the panel size 4"),
    ],
)
def test_bad_panels_and_dropouts_are_input_errors_naming_the_id(panel, dropouts, file, value, message):
    with pytest.raises(InputError) as caught:
        replace_members(POOL, GENDER, 4, panel, dropouts, seed=1)
    assert [(p.file, p.value, p.message) for p in caught.value.problems] == [(file, value, message)]
    if value is not None:
        assert repr(value) in str(caught.value)


def test_three_dropouts_on_the_small_sample_are_replaced_within_the_quotas():
    columns = ("address", "postcode")
    pool, quotas = load_inputs(SAMPLE / "people.csv", SAMPLE / "features.csv", 12, household_columns=columns)
    panel = select_panel(pool, quotas, 12, seed=1, households=columns).panel
    dropouts = [panel[0], panel[5], panel[9]]
    result = replace_members(pool, quotas, 12, panel, dropouts, seed=2, households=columns)
    assert result.missed == () and len(result.added) == 3
    assert quota_violations(pool, quotas, result.panel) == 0
    assert set(result.panel) == set(panel) - set(dropouts) | set(result.added)
    addresses = [tuple(pool.field(pool.person(i), c).casefold() for c in columns) for i in result.panel]
    assert len(set(addresses)) == 12
    assert abs(sum(result.draw.marginals) - 3) < 1e-9
