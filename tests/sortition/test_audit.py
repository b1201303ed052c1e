"""The audit bundle: reproducible across processes, verified on fresh draws, tampering caught precisely."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pdf_reading import pdf_text

from sortition.audit import SeedSource, derive_seed, sha256_of
from sortition.cli import cli
from sortition.selection import ALGORITHMS

REPO = Path(__file__).resolve().parents[2]
SMALL = REPO / "sample_data" / "small"
PEOPLE, FEATURES = SMALL / "people.csv", SMALL / "features.csv"
HOUSEHOLDS = "address,postcode"


def assert_exit(result, code: int) -> None:
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


def select(runner, out: Path, *options: str, people: Path = PEOPLE, features: Path = FEATURES, env_date: str | None = None) -> dict:
    result = runner.invoke(
        cli,
        ["select", "--people", str(people), "--features", str(features), "--panel-size", "12",
         "--households", HOUSEHOLDS, "--out", str(out), "--quiet", *options],
        env={"SOURCE_DATE_EPOCH": env_date} if env_date else None,
    )
    assert_exit(result, 0)
    return json.loads((out / "audit.json").read_text(encoding="utf-8"))


def verify(runner, bundle: Path, people: Path = PEOPLE, features: Path = FEATURES, *options: str):
    return runner.invoke(cli, ["verify", str(bundle), "--people", str(people), "--features", str(features), "--quiet", *options])


@pytest.fixture(scope="module")
def bundles(tmp_path_factory) -> dict[str, Path]:
    """One fresh draw per algorithm on the small sample pool, seeded by dice."""
    from click.testing import CliRunner

    folder = tmp_path_factory.mktemp("draws")
    for algorithm in ALGORITHMS:
        select(CliRunner(), folder / algorithm, "--algorithm", algorithm, "--dice", "3,6,1,4,2,5")
    return {algorithm: folder / algorithm / "audit.json" for algorithm in ALGORITHMS}


def edited_copy(bundle: Path, tmp_path: Path, edit) -> Path:
    data = json.loads(bundle.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "audit.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def edited_csv(source: Path, tmp_path: Path, edit) -> Path:
    with source.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    rows = edit(header, rows)
    path = tmp_path / source.name
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *rows])
    return path


_DRAW_SCRIPT = """
import sys
from sortition.audit import SeedSource, build_bundle, build_replacement_bundle, sha256_of
from sortition.replacement import replace_members
from sortition.selection import ALGORITHMS, select_panel
from stratification import load_inputs
columns = ("address", "postcode")
pool, quotas = load_inputs(sys.argv[1], sys.argv[2], 12, household_columns=columns)
for algorithm in ALGORITHMS:
    selection = select_panel(pool, quotas, 12, algorithm=algorithm, seed=20261124, households=columns)
    bundle = build_bundle(pool, quotas, selection, SeedSource("given"))
    print(algorithm, sha256_of(bundle), bundle["distribution"] and bundle["distribution"]["sha256"], ",".join(bundle["selected"]))
uniform = select_panel(pool, quotas, 12, seed=20261124, households=columns, uniform_panels=50)
print("uniform", sha256_of(build_bundle(pool, quotas, uniform, SeedSource("given"))))
replacement = replace_members(pool, quotas, 12, uniform.panel, uniform.panel[:2], seed=5, households=columns)
print("replacement", sha256_of(build_replacement_bundle(pool, quotas, 12, replacement, SeedSource("given"), ("../a/audit.json", "0" * 64))))
"""


def test_the_same_seeded_draw_gives_the_same_bundle_under_20_hash_seeds():
    def run(hash_seed: int) -> str:
        env = {**os.environ, "PYTHONHASHSEED": str(hash_seed), "PYTHONPATH": str(REPO)}
        done = subprocess.run([sys.executable, "-c", _DRAW_SCRIPT, str(PEOPLE), str(FEATURES)], env=env, capture_output=True, text=True, check=True)
        return done.stdout

    with ThreadPoolExecutor(max_workers=2) as pool:
        outputs = list(pool.map(run, range(20)))

    assert len(outputs[0].splitlines()) == len(ALGORITHMS) + 2
    assert all(output == outputs[0] for output in outputs), "bundles differ between PYTHONHASHSEED values"


def test_verify_passes_on_a_fresh_bundle_of_each_algorithm(runner, bundles):
    for algorithm, bundle in bundles.items():
        result = verify(runner, bundle)

        assert_exit(result, 0)
        assert "Verified" in result.output
        assert "derives from dice '3,6,1,4,2,5'" in result.output
        if algorithm != "legacy":
            assert f"re-solved {algorithm}" in result.output


def test_the_bundle_holds_what_an_auditor_needs(bundles):
    bundle = json.loads(bundles["leximin"].read_text(encoding="utf-8"))

    assert bundle["seed"]["value"] == derive_seed(SeedSource("dice", "3,6,1,4,2,5"), bundle["pool"]["sha256"], bundle["quotas"]["sha256"], 12)
    distribution = bundle["distribution"]
    content = {key: value for key, value in distribution.items() if key != "sha256"}
    assert distribution["sha256"] == sha256_of(content)
    assert abs(sum(distribution["probabilities"]) - 1) < 1e-9
    assert abs(sum(bundle["marginals"].values()) - 12) < 1e-9
    assert len(bundle["selected"]) == 12 and bundle["selected"] == sorted(bundle["selected"])
    assert bundle["reserve"] == sorted(set(bundle["marginals"]) - set(bundle["selected"])) and len(bundle["reserve"]) == 88
    assert sorted(m for t in bundle["pool"]["types"] for m in t["members"]) == sorted(bundle["marginals"])
    assert {"toolkit_version", "python_version", "solver", "algorithm", "panel_size", "household_columns", "draw"} <= set(bundle)


def test_verify_names_a_changed_feature_value(runner, bundles, tmp_path):
    def edit(header, rows):
        rows[4][header.index("gender")] = "woman" if rows[4][header.index("gender")] == "man" else "man"
        return rows

    people = edited_csv(PEOPLE, tmp_path, edit)
    result = verify(runner, bundles["leximin"], people)

    assert_exit(result, 1)
    assert "NOT verified" in result.output
    assert "person P005: gender is" in result.output


def test_verify_names_a_removed_person(runner, bundles, tmp_path):
    people = edited_csv(PEOPLE, tmp_path, lambda header, rows: [row for row in rows if row[0] != "P042"])
    result = verify(runner, bundles["maximin"], people)

    assert_exit(result, 1)
    assert "in the bundle but not in the people file: P042" in result.output


def test_verify_names_a_changed_quota(runner, bundles, tmp_path):
    def edit(header, rows):
        for row in rows:
            if row[:2] == ["territory", "rural"]:
                row[3] = str(int(row[3]) - 1)
        return rows

    features = edited_csv(FEATURES, tmp_path, edit)
    result = verify(runner, bundles["leximin"], PEOPLE, features)

    assert_exit(result, 1)
    assert "quotas: territory=rural is min" in result.output


def test_verify_catches_an_edited_seed(runner, bundles, tmp_path):
    def edit(data):
        data["seed"]["value"] += 1

    result = verify(runner, edited_copy(bundles["nash"], tmp_path, edit))

    assert_exit(result, 1)
    assert "seed: dice '3,6,1,4,2,5' with the committed hashes gives seed" in result.output


def test_verify_catches_an_edited_given_seed_by_replaying_the_draw(runner, tmp_path):
    bundle = tmp_path / "draw" / "audit.json"
    select(runner, bundle.parent, "--seed", "7")
    result = verify(runner, edited_copy(bundle, tmp_path, lambda data: data["seed"].update(value=8)), PEOPLE, FEATURES, "--no-resolve")

    assert_exit(result, 1)
    assert "draw: the seed gives random value" in result.output


def test_verify_catches_an_edited_probability(runner, bundles, tmp_path):
    def edit(data):
        probabilities = data["distribution"]["probabilities"]
        probabilities[0], probabilities[-1] = probabilities[0] + 0.01, probabilities[-1] - 0.01

    result = verify(runner, edited_copy(bundles["leximin"], tmp_path, edit))

    assert_exit(result, 1)
    assert "distribution: its content hashes to" in result.output
    assert "marginals: recorded probabilities disagree with the panels for" in result.output


def test_verify_names_a_swapped_selected_id(runner, bundles, tmp_path):
    data = json.loads(bundles["leximin"].read_text(encoding="utf-8"))
    removed = data["selected"][0]
    added = next(person for person in data["marginals"] if person not in data["selected"])

    def edit(data):
        data["selected"] = sorted([added, *data["selected"][1:]])

    result = verify(runner, edited_copy(bundles["leximin"], tmp_path, edit), PEOPLE, FEATURES, "--no-resolve")

    assert_exit(result, 1)
    assert f"selected: the bundle lists {added} but the replay selects {removed} instead" in result.output


def test_verify_catches_a_reserve_that_is_not_the_rest_of_the_pool(runner, bundles, tmp_path):
    result = verify(runner, edited_copy(bundles["maximin"], tmp_path, lambda d: d["reserve"].pop()), PEOPLE, FEATURES, "--no-resolve")

    assert_exit(result, 1)
    assert "reserve: it is not the people of the pool who are not selected" in result.output


def test_verify_of_a_legacy_draw_replays_the_greedy_algorithm(runner, bundles, tmp_path):
    data = json.loads(bundles["legacy"].read_text(encoding="utf-8"))
    outsider = next(t["members"][0] for t in data["pool"]["types"] if t["members"][0] not in data["selected"])
    swapped = edited_copy(bundles["legacy"], tmp_path, lambda d: d.update(selected=sorted([outsider, *d["selected"][1:]])))

    result = verify(runner, swapped)

    assert_exit(result, 1)
    assert f"selected: the bundle lists {outsider}" in result.output


def test_the_bundle_holds_no_personal_data_beyond_ids(runner, tmp_path, write_csv):
    people = write_csv(
        "people.csv",
        "id,name,email,phone,address,gender,age",
        *(f"p{i},CANARY-NAME-{i},canary{i}@canary.example,+33 6 99 99 99 {i:02d},{i} CANARY-STREET,"
          f"{'woman' if i % 2 else 'man'},{'young' if i % 3 else 'old'}" for i in range(20)),
    )
    features = write_csv("features.csv", "feature,value,min,max", "gender,woman,2,2", "gender,man,2,2", "age,young,1,3", "age,old,1,3")
    for algorithm in ALGORITHMS:
        out = tmp_path / algorithm
        result = runner.invoke(cli, ["select", "--people", str(people), "--features", str(features), "--panel-size", "4",
                                     "--households", "address", "--algorithm", algorithm, "--seed", "1", "--out", str(out), "--quiet"])
        assert_exit(result, 0)
        text = (out / "audit.json").read_text(encoding="utf-8")

        assert "CANARY" not in text and "canary" not in text and "+33" not in text


def test_commit_prints_the_hashes_the_bundle_commits_to(runner, bundles):
    result = runner.invoke(cli, ["commit", "--people", str(PEOPLE), "--features", str(FEATURES), "--panel-size", "12", "--households", HOUSEHOLDS])
    bundle = json.loads(bundles["leximin"].read_text(encoding="utf-8"))

    assert_exit(result, 0)
    assert f"pool_sha256:        {bundle['pool']['sha256']}" in result.output
    assert f"quotas_sha256:      {bundle['quotas']['sha256']}" in result.output


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--seed", "1", "--dice", "1,2"], "give at most one of --seed, --dice and --beacon"),
        (["--dice", "3,six,1"], "--dice: expected the rolls as whole numbers"),
        (["--beacon", "xyz"], "--beacon: expected at least 16 hexadecimal digits"),
    ],
)
def test_bad_seed_sources_exit_2_with_a_message(runner, tmp_path, options, message):
    result = runner.invoke(cli, ["select", "--people", str(PEOPLE), "--features", str(FEATURES), "--panel-size", "12", "--out", str(tmp_path), *options])

    assert_exit(result, 2)
    assert message in result.output


def test_a_beacon_seed_is_derived_from_the_inputs(runner, tmp_path):
    bundle = select(runner, tmp_path / "draw", "--beacon", "0xDEADBEEF00112233445566778899AABB", "--algorithm", "maximin")

    assert bundle["seed"]["source"] == "beacon" and bundle["seed"]["input"] == "deadbeef00112233445566778899aabb"
    assert_exit(verify(runner, tmp_path / "draw" / "audit.json"), 0)


@pytest.mark.parametrize(
    ("content", "message"),
    [("not json", "is not a JSON file"), ('{"format": "other"}', "is not an audit bundle"), ('{"format": "assembly-toolkit audit bundle", "format_version": 1}', "is not a complete audit bundle")],
)
def test_verify_of_a_broken_bundle_exits_2(runner, tmp_path, content, message):
    path = tmp_path / "audit.json"
    path.write_text(content, encoding="utf-8")

    result = verify(runner, path)

    assert_exit(result, 2)
    assert message in result.output


def quota_counts(people: Path, ids: list[str]) -> dict[tuple[str, str], int]:
    with people.open(encoding="utf-8", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    counts: dict[tuple[str, str], int] = {}
    for person in ids:
        for feature in ("gender", "age", "territory"):
            key = (feature, rows[person][feature])
            counts[key] = counts.get(key, 0) + 1
    return counts


def meets_quotas(people: Path, features: Path, ids: list[str]) -> bool:
    counts = quota_counts(people, ids)
    with features.open(encoding="utf-8", newline="") as handle:
        return all(int(q["min"]) <= counts.get((q["feature"], q["value"]), 0) <= int(q["max"]) for q in csv.DictReader(handle))


def test_a_uniform_lottery_lists_m_panels_and_verifies(runner, tmp_path):
    bundle = select(runner, tmp_path / "uniform", "--uniform-panels", "100", "--dice", "1,2,3")
    distribution = bundle["distribution"]

    assert bundle["settings"] == {"uniform_panels": 100} and distribution["unit"] == "people"
    assert len(distribution["panels"]) == 100 and all(meets_quotas(PEOPLE, FEATURES, panel) for panel in distribution["panels"])
    index = bundle["draw"]["panel_index"]
    assert index == int(bundle["draw"]["random_value"] * 100)
    assert bundle["selected"] == distribution["panels"][index]
    for person, marginal in bundle["marginals"].items():
        assert marginal == sum(person in panel for panel in distribution["panels"]) / 100
    change = max(abs(bundle["marginals"][p] - distribution["fair_marginals"][p]) for p in bundle["marginals"])
    assert change == pytest.approx(distribution["largest_change"], abs=1e-12) and change < 0.05
    result = verify(runner, tmp_path / "uniform" / "audit.json")
    assert_exit(result, 0)
    assert "re-solved leximin: the fair marginals differ from the recorded ones by at most" in result.output


def test_the_report_of_a_uniform_lottery_says_which_of_the_m_panels_was_drawn(runner, tmp_path):
    bundle = select(runner, tmp_path / "uniform", "--uniform-panels", "1000", "--seed", "4")
    text = pdf_text(tmp_path / "uniform" / "report.pdf")
    flat = " ".join(text.split())

    assert "transparent: 1000 equally likely panels (numbered 0 to 999" in flat
    assert f"{bundle['draw']['panel_index']} was drawn" in flat
    assert f"{bundle['distribution']['largest_change']:.4%}" in flat


def test_verify_catches_a_uniform_panel_edited_with_its_hash(runner, tmp_path):
    select(runner, tmp_path / "uniform", "--uniform-panels", "20", "--seed", "3")
    data = json.loads((tmp_path / "uniform" / "audit.json").read_text(encoding="utf-8"))
    target = 5 if data["draw"]["panel_index"] != 5 else 6
    outsider = next(p for p in data["marginals"] if p not in data["distribution"]["panels"][target])

    def edit(data):
        panel = data["distribution"]["panels"][target]
        data["distribution"]["panels"][target] = sorted([outsider, *[p for p in panel if p != outsider][1:]])
        content = {k: v for k, v in data["distribution"].items() if k != "sha256"}
        data["distribution"]["sha256"] = sha256_of(content)

    result = verify(runner, edited_copy(tmp_path / "uniform" / "audit.json", tmp_path, edit), PEOPLE, FEATURES, "--no-resolve")

    assert_exit(result, 1)
    assert "marginals: recorded probabilities disagree with the panels for" in result.output


def test_uniform_panels_with_the_legacy_algorithm_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(cli, ["select", "--people", str(PEOPLE), "--features", str(FEATURES), "--panel-size", "12",
                                 "--algorithm", "legacy", "--uniform-panels", "10", "--out", str(tmp_path)])

    assert_exit(result, 2)
    assert "--uniform-panels needs a fair lottery" in result.output


def replace(runner, bundle: Path, out: Path, dropouts: str, *options: str, people: Path = PEOPLE, features: Path = FEATURES):
    return runner.invoke(cli, ["replace", str(bundle), "--people", str(people), "--features", str(features),
                               "--dropouts", dropouts, "--out", str(out), "--quiet", *options])


def test_replace_draws_replacements_meeting_the_quotas_and_verify_follows_the_link(runner, tmp_path):
    first = select(runner, tmp_path / "first", "--dice", "6,6,1")
    dropouts = first["selected"][:2]

    result = replace(runner, tmp_path / "first" / "audit.json", tmp_path / "second", ",".join(dropouts), "--dice", "2,5")

    assert_exit(result, 0)
    assert f"Replaced {dropouts[0]}, {dropouts[1]} with" in result.output and "meets every quota" in result.output
    second = json.loads((tmp_path / "second" / "audit.json").read_text(encoding="utf-8"))
    record = second["replacement"]
    assert second["kind"] == "replacement" and record["dropouts"] == dropouts and record["previous_panel"] == first["selected"]
    assert sorted(set(first["selected"]) - set(dropouts) | set(record["added"])) == second["selected"]
    assert not set(record["added"]) & set(first["selected"]) and meets_quotas(PEOPLE, FEATURES, second["selected"])
    assert second["replaces"] == {"bundle": "../first/audit.json", "sha256": hashlib.sha256((tmp_path / "first" / "audit.json").read_bytes()).hexdigest()}
    assert second["seed"]["value"] == derive_seed(SeedSource("dice", "2,5"), first["pool"]["sha256"], first["quotas"]["sha256"], 12, dropouts)
    with (tmp_path / "second" / "selected.csv").open(encoding="utf-8") as handle:
        assert sorted(row["id"] for row in csv.DictReader(handle)) == second["selected"]
    checked = verify(runner, tmp_path / "second" / "audit.json")
    assert_exit(checked, 0)
    assert "the previous bundle is the one named" in checked.output and "adds the same 2 people" in checked.output


def test_verify_of_a_replacement_catches_an_edited_previous_bundle_and_swapped_replacements(runner, tmp_path):
    first = select(runner, tmp_path / "first", "--seed", "4")
    assert_exit(replace(runner, tmp_path / "first" / "audit.json", tmp_path / "second", first["selected"][0], "--seed", "9"), 0)
    second = json.loads((tmp_path / "second" / "audit.json").read_text(encoding="utf-8"))
    outsider = next(p for p in second["marginals"] if p not in second["replacement"]["added"])

    def swap(data):
        added = data["replacement"]["added"][0]
        data["replacement"]["added"] = [outsider]
        data["selected"] = sorted([outsider, *[p for p in data["selected"] if p != added]])

    swapped = edited_copy(tmp_path / "second" / "audit.json", tmp_path, swap)
    result = verify(runner, swapped, PEOPLE, FEATURES, "--no-resolve", "--previous", str(tmp_path / "first" / "audit.json"))
    assert_exit(result, 1)
    assert f"added: the bundle lists {outsider} but the replay selects" in result.output

    (tmp_path / "first" / "audit.json").write_text((tmp_path / "first" / "audit.json").read_text(encoding="utf-8") + " ", encoding="utf-8")
    result = verify(runner, tmp_path / "second" / "audit.json", PEOPLE, FEATURES, "--no-resolve")
    assert_exit(result, 1)
    assert "replaces: the previous bundle's file hashes to" in result.output


def test_replace_names_the_quota_it_cannot_meet(runner, tmp_path, write_csv):
    people = write_csv("people.csv", "id,gender", "w1,woman", "w2,woman", *(f"m{i},man" for i in range(8)))
    features = write_csv("features.csv", "feature,value,min,max", "gender,woman,2,2", "gender,man,2,2")
    result = runner.invoke(cli, ["select", "--people", str(people), "--features", str(features), "--panel-size", "4", "--seed", "1",
                                 "--out", str(tmp_path / "first"), "--quiet"])
    assert_exit(result, 0)

    result = replace(runner, tmp_path / "first" / "audit.json", tmp_path / "second", "w1", "--seed", "2", people=people, features=features)

    assert_exit(result, 0)
    assert "the new panel misses:" in result.output
    assert "gender=woman: min 2, the panel has 1" in result.output and "gender=man: max 2, the panel has 3" in result.output
    bundle = json.loads((tmp_path / "second" / "audit.json").read_text(encoding="utf-8"))
    assert [m["value"] for m in bundle["replacement"]["missed"]] == ["woman", "man"]
    assert_exit(verify(runner, tmp_path / "second" / "audit.json", people, features), 0)


@pytest.mark.parametrize(("dropouts", "message"), [("P999", "dropouts: not in the pool"), ("", "dropouts: no dropouts given")])
def test_replace_rejects_bad_dropouts_with_exit_2(runner, bundles, tmp_path, dropouts, message):
    result = replace(runner, bundles["leximin"], tmp_path / "second", dropouts)

    assert_exit(result, 2)
    assert message in result.output
    assert not (tmp_path / "second").exists()


def test_replace_refuses_inputs_other_than_the_drawn_ones(runner, bundles, tmp_path):
    people = edited_csv(PEOPLE, tmp_path, lambda header, rows: rows[:-1])
    data = json.loads(bundles["leximin"].read_text(encoding="utf-8"))

    result = replace(runner, bundles["leximin"], tmp_path / "second", data["selected"][0], people=people)

    assert_exit(result, 2)
    assert "is not the file" in result.output


def test_verify_checks_the_published_commitment(runner, bundles, tmp_path):
    commitment = tmp_path / "commitment.json"
    made = runner.invoke(cli, ["commit", "--people", str(PEOPLE), "--features", str(FEATURES), "--panel-size", "12",
                               "--households", HOUSEHOLDS, "--out", str(commitment)])
    assert_exit(made, 0)
    result = verify(runner, bundles["leximin"], PEOPLE, FEATURES, "--no-resolve", "--commitment", str(commitment))
    assert_exit(result, 0)
    assert "the bundle's inputs are the committed ones" in result.output

    other = json.loads(commitment.read_text(encoding="utf-8"))
    other["panel_size"] = 13
    commitment.write_text(json.dumps(other), encoding="utf-8")
    result = verify(runner, bundles["leximin"], PEOPLE, FEATURES, "--no-resolve", "--commitment", str(commitment))
    assert_exit(result, 1)
    assert "commitment: panel_size is 13 in the commitment, 12 in the bundle" in result.output


def test_select_writes_a_selection_report_with_the_draw_in_it(runner, tmp_path):
    bundle = select(runner, tmp_path / "draw", "--dice", "5,5,5", env_date="1764374400")
    pdf = tmp_path / "draw" / "report.pdf"
    text = pdf_text(pdf)

    assert str(bundle["seed"]["value"]) in text and bundle["pool"]["sha256"][:16] in text
    assert "2025-11-29" in text
    assert f"sortition verify {tmp_path / 'draw' / 'audit.json'}" in " ".join(text.split())


def test_select_with_legacy_draws_puts_the_legacy_estimate_in_the_report(runner, tmp_path):
    select(runner, tmp_path / "draw", "--seed", "2", "--legacy-draws", "200")
    text = pdf_text(tmp_path / "draw" / "report.pdf")
    flat = " ".join(text.split())

    assert "Lowest probability, legacy (estimated)" in flat
    assert "estimated from 200 seeded draws" in flat

    result = runner.invoke(cli, ["select", "--people", str(PEOPLE), "--features", str(FEATURES), "--panel-size", "12",
                                 "--algorithm", "legacy", "--legacy-draws", "50", "--out", str(tmp_path / "x")])
    assert_exit(result, 2)
    assert "--legacy-draws needs a fair lottery" in result.output
