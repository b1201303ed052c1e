"""Balanced random working groups (no database): sizes, the ILP optimum, the same seed in any process."""

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

ROOT = Path(__file__).resolve().parents[2]
FEATURES = ("gender", "age", "territory")


def _profiles(count: int) -> list[Profile]:
    with open(ROOT / "sample_data" / "small" / "people.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:count]
    return [Profile(row["id"], tuple((feature, row[feature]) for feature in FEATURES)) for row in rows]


@pytest.mark.parametrize(("count", "groups", "seed"), [(12, 5, 1), (31, 5, 2), (40, 4, 3), (23, 3, 4)])
def test_groups_differ_by_at_most_one_and_reach_the_ilp_optimum(count, groups, seed):
    profiles = _profiles(count)
    balanced = balance_groups(profiles, groups, seed=seed)
    sizes = Counter(balanced.groups.values())
    assert sorted(balanced.groups) == sorted(p.key for p in profiles) and max(sizes.values()) - min(sizes.values()) <= 1
    exact = balance_groups(profiles, groups, seed=seed, exact=True)
    assert sum(balanced.deviations.values()) == sum(exact.deviations.values())
    totals = Counter(pair for profile in profiles for pair in profile.values)
    for pair, deviation in balanced.deviations.items():
        assert deviation >= best_deviation(totals[pair], groups)
        held = Counter(balanced.groups[p.key] for p in profiles if pair in p.values)
        assert all(abs(groups * held[g] - totals[pair]) <= deviation for g in range(groups)), pair


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
