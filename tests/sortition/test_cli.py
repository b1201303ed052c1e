"""The `sortition` command line: check, select and quotas keep DESIGN.md's CLI contract."""

from __future__ import annotations

import csv
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sortition.cli import cli

SF_SEATS = 22
SF_OPTIONS = ["--id-column", "nationbuilder_id", "--households", "primary_address1,primary_zip"]


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    return [cell.strip() for cell in header], [[cell.strip() for cell in row] for row in rows]


def assert_clean_exit(result, code: int) -> None:
    """The command ended through its own exit code, not an uncaught exception."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


@pytest.fixture
def too_few_women(write_csv) -> tuple[Path, Path]:
    """Three women and nine men for ten seats, but at least five seats for women."""
    features = write_csv(
        "features.csv",
        "feature,value,min,max,min_flex,max_flex",
        "gender,woman,5,5,2,",
        "gender,man,5,8,,",
        "age,young,0,10,,",
        "age,old,0,10,,",
    )
    people = ["id,name,gender,age"] + [
        f"{i},Person {i},{'woman' if i < 3 else 'man'},{'young' if i % 2 else 'old'}" for i in range(12)
    ]
    return write_csv("people.csv", *people), features


def test_check_says_feasible_and_exits_0(runner, gender_people, gender_features):
    result = runner.invoke(
        cli, ["check", "--people", str(gender_people), "--features", str(gender_features), "--panel-size", "4", "--households", "address"]
    )

    assert_clean_exit(result, 0)
    assert "Feasible" in result.output


def test_check_prints_the_relaxation_table_and_exits_1_when_infeasible(runner, too_few_women):
    people, features = too_few_women

    result = runner.invoke(cli, ["check", "--people", str(people), "--features", str(features), "--panel-size", "10"])

    assert_clean_exit(result, 1)
    assert "Infeasible" in result.output
    assert re.search(r"feature\s+value\s+bound\s+now\s+change to", result.output)
    assert re.search(r"gender\s+woman\s+min\s+5\s+3\s+within min_flex 2", result.output)
    assert not re.search(r"^\s*gender\s+man\s", result.output, re.MULTILINE), "only the women's minimum needs relaxing"


def test_check_exits_1_with_a_reason_when_households_leave_too_few_people(runner, write_csv, gender_features):
    people = write_csv(
        "people.csv",
        "id,gender,age,address",
        "1,woman,young,1 Rue Haute",
        "2,woman,old,1 rue haute",
        "3,man,young,1 Rue Haute",
        "4,man,old,1 RUE HAUTE ",
        "5,woman,old,2 Rue Haute",
        "6,man,old,2 Rue Haute",
    )

    result = runner.invoke(
        cli, ["check", "--people", str(people), "--features", str(gender_features), "--panel-size", "4", "--households", "address"]
    )

    assert_clean_exit(result, 1)
    assert "households leave at most 2 people" in result.output
    assert "change to" not in result.output


@pytest.mark.parametrize("command", ["check", "select"])
def test_an_unknown_value_exits_2_naming_file_row_column_and_value(runner, write_csv, gender_features, tmp_path, command):
    people = write_csv(
        "people.csv",
        "id,gender,age",
        "1,woman,young",
        "2,womn,old",
        "3,man,young",
        "4,man,ancient",
        "5,woman,old",
    )
    extra = ["--out", str(tmp_path / "out")] if command == "select" else []

    result = runner.invoke(cli, [command, "--people", str(people), "--features", str(gender_features), "--panel-size", "4", *extra])

    assert_clean_exit(result, 2)
    lines = result.output.splitlines()
    assert any(str(people) in line and "row 3" in line and "'gender'" in line and "'womn'" in line for line in lines), result.output
    assert any(str(people) in line and "row 5" in line and "'age'" in line and "'ancient'" in line for line in lines), result.output
    assert not (tmp_path / "out").exists()


def test_select_writes_the_panel_and_the_rest_with_every_column(runner, peer_data, tmp_path):
    people = peer_data / "sf_fixture" / "people.csv"
    out = tmp_path / "out"

    result = runner.invoke(
        cli,
        ["select", "--people", str(people), "--features", str(peer_data / "sf_fixture" / "features.csv"),
         "--panel-size", str(SF_SEATS), "--out", str(out), "--algorithm", "legacy", "--seed", "7", *SF_OPTIONS],
    )

    assert_clean_exit(result, 0)
    header, pool_rows = read_rows(people)
    selected_header, selected = read_rows(out / "selected.csv")
    remaining_header, remaining = read_rows(out / "remaining.csv")
    assert selected_header == remaining_header == header
    assert {"first_name", "email", "mobile_number", "primary_address1"} <= set(header)
    assert len(selected) == SF_SEATS
    assert len(remaining) == len(pool_rows) - SF_SEATS
    assert sorted(selected + remaining) == sorted(pool_rows)
    assert not {row[0] for row in selected} & {row[0] for row in remaining}


def test_select_keeps_households_apart(runner, gender_people, gender_features, tmp_path):
    for seed in range(5):
        out = tmp_path / f"out{seed}"
        result = runner.invoke(
            cli,
            ["select", "--people", str(gender_people), "--features", str(gender_features), "--panel-size", "4",
             "--households", "address", "--algorithm", "legacy", "--seed", str(seed), "--out", str(out)],
        )
        assert_clean_exit(result, 0)
        header, selected = read_rows(out / "selected.csv")
        addresses = [row[header.index("address")] for row in selected]
        assert len(addresses) == len(set(addresses)) == 4


def test_select_exits_1_with_the_relaxation_table_and_writes_nothing_when_infeasible(runner, too_few_women, tmp_path):
    people, features = too_few_women
    out = tmp_path / "out"

    result = runner.invoke(
        cli, ["select", "--people", str(people), "--features", str(features), "--panel-size", "10", "--seed", "1", "--out", str(out)]
    )

    assert_clean_exit(result, 1)
    assert re.search(r"gender\s+woman\s+min\s+5\s+3", result.output)
    assert not (out / "selected.csv").exists()


def test_select_draws_the_same_panel_whatever_the_row_order(runner, peer_data, tmp_path):
    features = peer_data / "sf_fixture" / "features.csv"
    text = (peer_data / "sf_fixture" / "people.csv").read_text(encoding="utf-8-sig")
    header, *rows = text.splitlines()
    random.Random(0).shuffle(rows)
    shuffled = tmp_path / "shuffled.csv"
    shuffled.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")

    panels = []
    for people, out in ((peer_data / "sf_fixture" / "people.csv", tmp_path / "a"), (shuffled, tmp_path / "b")):
        result = runner.invoke(
            cli,
            ["select", "--people", str(people), "--features", str(features), "--panel-size", str(SF_SEATS),
             "--algorithm", "legacy", "--seed", "7", "--out", str(out), *SF_OPTIONS],
        )
        assert_clean_exit(result, 0)
        panels.append(sorted(row[0] for row in read_rows(out / "selected.csv")[1]))

    assert panels[0] == panels[1]


def test_select_draws_the_same_bytes_in_fresh_processes_whatever_the_hash_seed(peer_data, tmp_path):
    # Set and dict order change with PYTHONHASHSEED; a seeded draw must not.
    folder = peer_data / "sf_fixture"
    runs = {}
    for hash_seed in ("1", "2", "random"):
        out = tmp_path / f"hash_{hash_seed}"
        command = [
            sys.executable, "-m", "sortition.cli", "select",
            "--people", str(folder / "people.csv"), "--features", str(folder / "features.csv"),
            "--panel-size", str(SF_SEATS), "--algorithm", "legacy", "--seed", "7", "--out", str(out), *SF_OPTIONS,
        ]
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        runs[hash_seed] = (out, subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))

    outputs = {}
    for hash_seed, (out, process) in runs.items():
        log, _ = process.communicate(timeout=120)
        assert process.returncode == 0, log
        outputs[hash_seed] = ((out / "selected.csv").read_bytes(), (out / "remaining.csv").read_bytes())

    assert outputs["1"] == outputs["2"] == outputs["random"]
    assert outputs["1"][0].count(b"\n") == SF_SEATS + 1


def test_quotas_prints_a_features_file_from_population_shares(runner, write_csv):
    shares = write_csv("shares.csv", "feature,value,share", "gender,woman,51", "gender,man,49", "age,young,0.3", "age,old,0.7")

    result = runner.invoke(cli, ["quotas", "--shares", str(shares), "--panel-size", "10"])

    assert_clean_exit(result, 0)
    assert result.stdout.splitlines() == [
        "feature,value,min,max",
        "gender,woman,5,5",
        "gender,man,5,5",
        "age,young,3,3",
        "age,old,7,7",
    ]


def test_select_into_an_unwritable_folder_exits_2_naming_it(runner, gender_people, gender_features, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    out = blocker / "out"
    result = runner.invoke(
        cli,
        ["select", "--people", str(gender_people), "--features", str(gender_features),
         "--panel-size", "4", "--algorithm", "legacy", "--seed", "1", "--out", str(out)],
    )
    assert_clean_exit(result, 2)
    assert f"{out}: cannot be written" in result.output
