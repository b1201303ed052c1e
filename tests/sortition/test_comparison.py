"""LEGACY beside LEXIMIN: estimated legacy probabilities, exact fair ones, and the `compare` command."""

from __future__ import annotations

import csv

import pytest

from sortition.cli import cli
from sortition.comparison import compare_with_legacy
from stratification import load_inputs


@pytest.fixture
def small_20(peer_data):
    folder = peer_data / "example_small_20"
    return folder, load_inputs(folder / "people.csv", folder / "features.csv", 20)


def test_legacy_estimates_sum_to_the_panel_size_and_fair_is_exact(small_20):
    _, (pool, quotas) = small_20
    result = compare_with_legacy(pool, quotas, 20, seed=3, draws=200)
    assert sum(result.legacy) == pytest.approx(20, abs=1e-9)
    assert min(result.fair) == pytest.approx(0.1, abs=1e-9)
    assert result.ids == tuple(sorted(person.id for person in pool.people))


def test_same_seed_gives_the_same_legacy_estimate(small_20):
    _, (pool, quotas) = small_20
    first = compare_with_legacy(pool, quotas, 20, seed=5, draws=100)
    assert compare_with_legacy(pool, quotas, 20, seed=5, draws=100) == first


def test_leximin_helps_the_volunteers_legacy_neglects(small_20):
    # The published comparison: LEGACY leaves some volunteers near 1%, LEXIMIN gives everyone 10%.
    _, (pool, quotas) = small_20
    result = compare_with_legacy(pool, quotas, 20, seed=1, draws=400)
    assert min(result.legacy) < 0.05
    assert result.helped() > 0
    assert result.below(result.fair, 0.1) == 0


def test_compare_command_prints_the_table_and_writes_the_csv(small_20, runner, tmp_path):
    folder, (pool, _) = small_20
    out = tmp_path / "comparison.csv"
    result = runner.invoke(
        cli,
        ["compare", "--people", str(folder / "people.csv"), "--features", str(folder / "features.csv"),
         "--panel-size", "20", "--draws", "100", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "smallest probability" in result.output and "10.00%" in result.output
    assert "LEXIMIN gives" in result.output
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(pool) and set(rows[0]) == {"id", "legacy_estimate", "leximin"}
    assert sum(float(row["legacy_estimate"]) for row in rows) == pytest.approx(20)


def test_compare_creates_the_folder_of_out_and_accepts_a_solver(small_20, runner, tmp_path):
    folder, _ = small_20
    out = tmp_path / "new" / "folder" / "comparison.csv"
    result = runner.invoke(
        cli,
        ["compare", "--people", str(folder / "people.csv"), "--features", str(folder / "features.csv"),
         "--panel-size", "20", "--draws", "20", "--solver", "cbc", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert out.exists()
