"""The fair lotteries on the public instances (published LEXIMIN values) and through `sortition select`."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from random_instances import panel_people, quota_violations, type_problems

from sortition import Selection, build_instance, select_panel
from sortition.cli import cli
from stratification import find_households, load_inputs

SF_SEATS = 22
SF_ID = "nationbuilder_id"
SF_HOUSEHOLDS = ("primary_address1", "primary_zip")
# The `peer_data` fixture is function-scoped; the module-scoped fixtures below find the folder themselves.
PEER_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "peer_data"


def load(peer_data: Path, folder: str, panel_size: int, id_column: str = "id", households: tuple[str, ...] = ()):
    return load_inputs(
        peer_data / folder / "people.csv", peer_data / folder / "features.csv", panel_size, id_column=id_column, household_columns=households
    )


@pytest.mark.parametrize(("folder", "panel_size"), [("example_small_20", 20), ("example_large_200", 200)])
def test_leximin_gives_everyone_the_published_ten_percent(peer_data, folder, panel_size):
    # Flanigan et al. (Nature 2021), replication data: LEXIMIN's minimum is exactly k/n = 10.0%
    # on both instances, so every probability is 10.0% (they add up to k).
    pool, quotas = load(peer_data, folder, panel_size)

    selection = select_panel(pool, quotas, panel_size, algorithm="leximin", seed=2021)

    assert selection.marginals is not None
    assert len(selection.marginals) == len(pool) == 10 * panel_size
    assert min(selection.marginals) == pytest.approx(0.1, abs=1e-9)
    assert all(abs(probability - 0.1) <= 1e-9 for probability in selection.marginals)


@pytest.mark.parametrize(("folder", "panel_size"), [("example_small_20", 20), ("example_large_200", 200)])
def test_maximin_reaches_the_published_ten_percent_minimum(peer_data, folder, panel_size):
    pool, quotas = load(peer_data, folder, panel_size)

    selection = select_panel(pool, quotas, panel_size, algorithm="maximin", seed=2021)

    assert selection.marginals is not None
    assert min(selection.marginals) == pytest.approx(0.1, abs=1e-9)
    assert sum(selection.marginals) == pytest.approx(panel_size, abs=1e-9)




def with_shared_addresses(source: Path, target: Path, pairs: int = 30) -> Path:
    """A copy of the sf_fixture people where rows 2i and 2i+1 (i < pairs) share an address.

    The published fixture has 150 distinct addresses, so it never puts households to the test;
    the copy's second address of each pair differs in case only, which still counts as shared.
    """
    with source.open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    street, zip_code = header.index(SF_HOUSEHOLDS[0]), header.index(SF_HOUSEHOLDS[1])
    for i in range(1, 2 * pairs, 2):
        rows[i][street], rows[i][zip_code] = rows[i - 1][street].upper(), rows[i - 1][zip_code]
    with target.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *rows])
    return target


@pytest.fixture(scope="module", params=["as_published", "shared_addresses"])
def sf_leximin(request, tmp_path_factory) -> tuple:
    """The sf_fixture inputs, their instance and a LEXIMIN selection (computed once: it takes seconds)."""
    if not PEER_DATA.is_dir():
        pytest.skip(f"peer data not found at {PEER_DATA}")
    folder = PEER_DATA / "sf_fixture"
    people = folder / "people.csv"
    if request.param == "shared_addresses":
        people = with_shared_addresses(people, tmp_path_factory.mktemp("sf") / "people.csv")
    pool, quotas = load_inputs(people, folder / "features.csv", SF_SEATS, id_column=SF_ID, household_columns=SF_HOUSEHOLDS)
    instance = build_instance(pool, quotas, SF_SEATS, SF_HOUSEHOLDS)
    selection = select_panel(pool, quotas, SF_SEATS, algorithm="leximin", seed=7, households=SF_HOUSEHOLDS)
    return pool, quotas, instance, selection


def test_every_leximin_panel_on_sf_fixture_meets_every_quota_and_keeps_households_apart(sf_leximin):
    pool, quotas, instance, selection = sf_leximin
    households = find_households(pool, SF_HOUSEHOLDS)
    assert not type_problems(pool, instance.ids, instance.type_members, households)
    holders = np.zeros((len(instance.type_members), len(instance.quotas)), dtype=np.int64)
    for t, values in enumerate(instance.type_values.tolist()):
        holders[t, values] = 1
    distribution = selection.distribution
    assert distribution is not None and distribution.panels

    for panel in distribution.panels:
        counts = np.array(panel)
        assert counts.sum() == SF_SEATS
        assert all(0 <= count <= len(members) for count, members in zip(panel, instance.type_members, strict=True))
        seats = counts @ holders
        assert np.all((instance.lower <= seats) & (seats <= instance.upper)), [
            (instance.quota_label(q), int(seats[q])) for q in range(len(seats)) if not instance.lower[q] <= seats[q] <= instance.upper[q]
        ]
        ids = {instance.ids[p] for p in panel_people(instance.type_members, panel)}
        assert len(ids) == SF_SEATS
        assert quota_violations(pool, quotas, sorted(ids)) == 0
        assert all(len(ids & set(household)) <= 1 for household in households), panel
    # Where there are households, some panels seat one of their members, so the check above is not vacuous.
    members = {person_id for household in households for person_id in household}
    assert not households or any(members & {instance.ids[p] for p in panel_people(instance.type_members, panel)} for panel in distribution.panels)

    assert sum(distribution.probabilities) == pytest.approx(1, abs=1e-9)
    assert sum(selection.marginals) == pytest.approx(SF_SEATS, abs=1e-9)
    assert len(selection.panel) == SF_SEATS


def test_leximin_and_maximin_agree_on_the_minimum_for_sf_fixture(sf_leximin):
    pool, quotas, _, leximin = sf_leximin

    maximin = select_panel(pool, quotas, SF_SEATS, algorithm="maximin", seed=7, households=SF_HOUSEHOLDS)

    assert min(leximin.marginals) == pytest.approx(min(maximin.marginals), abs=1e-6)
    assert min(leximin.marginals) > 0


def test_the_drawn_sf_panel_is_the_one_its_index_names(sf_leximin):
    pool, _, instance, selection = sf_leximin
    assert isinstance(selection, Selection)
    position = {person_id: p for p, person_id in enumerate(instance.ids)}

    counts = np.bincount(instance.type_of[[position[person_id] for person_id in selection.panel]], minlength=len(instance.type_members))

    assert tuple(counts.tolist()) == selection.distribution.panels[selection.panel_index]
    assert selection.ids == tuple(sorted(person.id for person in pool.people))
    assert 0 <= selection.random_value < 1


# --- sortition select -------------------------------------------------------------------


@pytest.fixture
def coded_people(write_csv) -> Path:
    """The eight people of `gender_people`, identified by a `code` column placed after the name."""
    rows = [
        ("Ada", "K7", "woman", "young", "1 Rue Haute"),
        ("Bea", "B2", "woman", "old", "1 Rue Haute"),
        ("Cleo", "Z1", "woman", "old", "3 Rue Basse"),
        ("Dora", "A9", "woman", "young", "4 Rue Basse"),
        ("Eli", "M4", "man", "young", "5 Place Verte"),
        ("Finn", "C3", "man", "old", "5 Place Verte"),
        ("Gus", "Q8", "man", "old", "7 Place Verte"),
        ("Hal", "D5", "man", "young", "8 Place Verte"),
    ]
    return write_csv("people.csv", "name,code,gender,age,address", *(",".join(row) for row in rows))


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def run_select(runner, people: Path, features: Path, out: Path, *extra: str):
    result = runner.invoke(
        cli,
        ["select", "--people", str(people), "--features", str(features), "--panel-size", "4", "--households", "address",
         "--id-column", "code", "--seed", "5", "--out", str(out), *extra],
    )
    assert result.exit_code == 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


@pytest.mark.parametrize("algorithm", [None, "leximin", "maximin", "nash"])
def test_select_writes_every_persons_probability_under_the_id_column(runner, coded_people, gender_features, tmp_path, algorithm):
    out = tmp_path / "out"

    run_select(runner, coded_people, gender_features, out, *(("--algorithm", algorithm) if algorithm else ()))

    header, *rows = read_csv(out / "probabilities.csv")
    assert header == ["code", "probability"]
    assert [row[0] for row in rows] == sorted(["K7", "B2", "Z1", "A9", "M4", "C3", "Q8", "D5"])
    probabilities = {code: float(text) for code, text in rows}
    assert all(0 <= p <= 1 for p in probabilities.values())
    assert sum(probabilities.values()) == pytest.approx(4, abs=1e-9 if algorithm != "nash" else 1e-6)
    _, *selected = read_csv(out / "selected.csv")
    assert all(probabilities[row[1]] > 0 for row in selected)


def test_select_without_an_algorithm_uses_leximin(runner, coded_people, gender_features, tmp_path):
    default, leximin = tmp_path / "default", tmp_path / "leximin"

    result = run_select(runner, coded_people, gender_features, default)
    run_select(runner, coded_people, gender_features, leximin, "--algorithm", "leximin")

    assert "leximin" in result.output
    for name in ("selected.csv", "probabilities.csv"):
        assert (default / name).read_bytes() == (leximin / name).read_bytes()


def test_legacy_select_writes_no_probabilities(runner, coded_people, gender_features, tmp_path):
    # The legacy algorithm draws people one at a time and has no distribution to report.
    out = tmp_path / "out"

    run_select(runner, coded_people, gender_features, out, "--algorithm", "legacy")

    assert (out / "selected.csv").exists()
    assert not (out / "probabilities.csv").exists()


def test_leximin_select_writes_the_same_bytes_in_fresh_processes_whatever_the_hash_seed(coded_people, gender_features, tmp_path):
    # Set and dict order change with PYTHONHASHSEED; neither the distribution nor the draw may.
    runs = {}
    for hash_seed in ("1", "2"):
        out = tmp_path / f"hash_{hash_seed}"
        command = [
            sys.executable, "-m", "sortition.cli", "select", "--people", str(coded_people), "--features", str(gender_features),
            "--panel-size", "4", "--households", "address", "--id-column", "code", "--seed", "5", "--out", str(out),
        ]
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        runs[hash_seed] = (out, subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))

    outputs = []
    for out, process in runs.values():
        log, _ = process.communicate(timeout=120)
        assert process.returncode == 0, log
        outputs.append(tuple((out / name).read_bytes() for name in ("selected.csv", "probabilities.csv")))

    assert outputs[0] == outputs[1]


def test_legacy_select_removes_probabilities_left_by_an_earlier_fair_draw(runner, coded_people, gender_features, tmp_path):
    out = tmp_path / "out"
    run_select(runner, coded_people, gender_features, out)
    assert (out / "probabilities.csv").exists()

    run_select(runner, coded_people, gender_features, out, "--algorithm", "legacy")

    assert not (out / "probabilities.csv").exists()
