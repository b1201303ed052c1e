"""Balanced random working groups (no database): sizes, deviations against the proved bound, a France-sized
panel at its optimum, the same seed in any process."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from assembly_app.balancing import BalancingError, Profile, balance_groups, best_deviation
from sortition import select_panel
from stratification import load_inputs

ROOT = Path(__file__).resolve().parents[2]
FEATURES = ("gender", "age", "territory")
FRANCE = ("gender", "age", "education", "occupation", "territory", "region")


def _profiles(count: int, sample: str = "small", features: tuple[str, ...] = FEATURES, start: int = 0) -> list[Profile]:
    with open(ROOT / "sample_data" / sample / "people.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[start : start + count]
    return [Profile(row["id"], tuple((feature, row[feature]) for feature in features)) for row in rows]


def _check(profiles: list[Profile], groups: int, balanced) -> None:
    """Every key placed, sizes within one, each deviation what the groups show and at least its floor,
    the bound at least the sum of the floors and at most the total."""
    sizes = Counter(balanced.groups.values())
    assert sorted(balanced.groups) == sorted(p.key for p in profiles) and max(sizes.values()) - min(sizes.values()) <= 1
    totals = Counter(pair for profile in profiles for pair in profile.values)
    for pair, deviation in balanced.deviations.items():
        assert deviation >= best_deviation(totals[pair], groups)
        held = Counter(balanced.groups[p.key] for p in profiles if pair in p.values)
        assert max(abs(groups * held[g] - totals[pair]) for g in range(groups)) == deviation, pair
    assert sum(best_deviation(count, groups) for count in totals.values()) <= balanced.bound <= balanced.total


@pytest.mark.parametrize(("count", "groups", "seed"), [(12, 5, 1), (31, 5, 2), (40, 4, 3), (23, 3, 4)])
def test_groups_differ_by_at_most_one_and_reach_the_bound(count, groups, seed):
    profiles = _profiles(count)
    balanced, exact = balance_groups(profiles, groups, seed=seed), balance_groups(profiles, groups, seed=seed, exact=True)
    for result in (balanced, exact):
        _check(profiles, groups, result)
    assert balanced.total == balanced.bound and exact.total <= exact.bound * 1.05


@pytest.mark.parametrize(("start", "seed"), [(0, 1), (0, 2), (150, 1), (300, 7)])
def test_a_france_sized_panel_is_spread_optimally(start, seed):
    """150 members with the French sample's 6 features (45 values, 13 regions) in 5 groups: the search
    reaches the bound, which proves the groups optimal (about 0.1 s each; the ILP alone took 20-90 s)."""
    profiles = _profiles(150, "france", FRANCE, start)
    balanced = balance_groups(profiles, 5, seed=seed)
    _check(profiles, 5, balanced)
    assert balanced.total == balanced.bound


def test_a_panel_drawn_by_the_legacy_algorithm_is_spread_optimally():
    """The panel of the helper's report (legacy draw of 150 from sample_data/france, seed 1), where the
    former search fell back to an ILP that took minutes."""
    folder = ROOT / "sample_data" / "france"
    pool, quotas = load_inputs(folder / "people.csv", folder / "features.csv", 150)
    panel = select_panel(pool, quotas, 150, algorithm="legacy", seed=1)
    people = {person.id: person for person in pool.people}
    profiles = [Profile(key, tuple((feature, pool.value(people[key], feature)) for feature in FRANCE)) for key in panel.panel]
    balanced = balance_groups(profiles, 5, seed=1)
    _check(profiles, 5, balanced)
    assert balanced.total == balanced.bound


def test_without_groups_at_the_bound_the_ilp_states_how_close_it_came():
    """20 members with 6 features cannot hold every value's rounded share: the ILP's total is within 5%
    of the bound it proved."""
    profiles = _profiles(20, "france", FRANCE)
    balanced = balance_groups(profiles, 5, seed=2)
    _check(profiles, 5, balanced)
    assert balanced.bound < balanced.total <= balanced.bound / 0.95


def test_seeds_pick_different_groups_and_too_few_members_are_refused():
    profiles = _profiles(30)
    assert balance_groups(profiles, 5, seed=1).groups != balance_groups(profiles, 5, seed=2).groups
    with pytest.raises(BalancingError, match="4 members cannot fill 5 groups"):
        balance_groups(profiles[:4], 5, seed=1)
    with pytest.raises(BalancingError, match="at least one working group"):
        balance_groups(profiles, 0, seed=1)


SCRIPT = """
import csv, json, sys
from assembly_app.balancing import Profile, balance_groups
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))[:40]
profiles = [Profile(r["id"], tuple((f, r[f]) for f in ("gender", "age", "territory"))) for r in rows]
print(json.dumps({mode: balance_groups(profiles, 5, seed=7, exact=mode == "ilp").groups for mode in ("search", "ilp")}, sort_keys=True))
"""


def test_the_same_seed_gives_the_same_groups_under_another_hash_seed():
    runs = []
    for hash_seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT / "sample_data" / "small" / "people.csv")], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
        runs.append(json.loads(result.stdout))
    assert runs[0] == runs[1]
