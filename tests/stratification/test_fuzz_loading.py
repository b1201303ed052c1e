"""Hostile input for the loaders: every file is either loaded or rejected with an InputError
whose problems name the file and the row or column (or say why the whole file is unusable).

The quick profile runs with the suite: 500 inputs for each of the four properties, files up to
500 columns wide, about 10 s. The long one is the same properties with FUZZ_EXAMPLES inputs each
and files up to 10,000 columns wide:

    FUZZ_EXAMPLES=25000 .venv/bin/pytest tests/stratification/test_fuzz_loading.py   # 100,000 inputs

That takes about 25 minutes on one core (20,000 inputs took 4 min 52 s).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sortition.cli import cli
from stratification import InputError, load_inputs, load_shares

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "500"))
MAX_COLUMNS = 10_000 if "FUZZ_EXAMPLES" in os.environ else 500
HUGE_FIELD = 100_000

fuzz = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

# Problems about a whole file legitimately have no row or column; they must say what is wrong.
WHOLE_FILE = ("is empty", "contains NUL bytes", "has a header but no", "the panel size")

FEATURES = "feature,value,min,max\ngender,woman,0,3\ngender,man,0,3\nage,young,0,3\nage,old,0,3\n"
PEOPLE = "id,name,gender,age\na,Ann,woman,young\nb,Bob,man,old\nc,Zoé,woman,old\n"
FORMULAS = ("=cmd|' /C calc'!A0", "=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1:A9)", "=1/0")
BLANKS = ("", " ", "\t", "\u00a0", "\u3000", "\u200b", "\ufeff")

Rows = list[list[str]]

# --- files that look right, then mutations that make them hostile ---------------------------------

cells = st.text("abcdefgh é", max_size=8) | st.text(st.characters(exclude_categories=("Cs",)), max_size=8)
names = st.sampled_from(("woman", "man", "young", "old", "gender", "age", "x", "Zoé", ""))
counts = st.one_of(st.integers(0, 5).map(str), st.sampled_from(("", "-1", "3.0", "1e3", "½", "9" * 5000, "NaN")))


@st.composite
def people_rows(draw: st.DrawFn) -> Rows:
    header = ["id", "name", "gender", "age"]
    ids = draw(st.lists(st.uuids().map(str) | cells, max_size=6))
    if draw(st.booleans()):  # values from FEATURES, so that some files load
        return [header] + [[person, draw(cells), draw(st.sampled_from(("woman", "man"))), draw(st.sampled_from(("young", "old")))] for person in ids]
    return [header] + [[person, draw(cells), draw(names), draw(names)] for person in ids]


@st.composite
def features_rows(draw: st.DrawFn) -> Rows:
    header = list(draw(st.sampled_from((("feature", "value"), ("category", "name"), ("Feature", "Value"))))) + ["min", "max"]
    if draw(st.booleans()):
        header += ["min_flex", "max_flex"]
    if draw(st.booleans()):  # the quotas of PEOPLE's columns, so that some files load
        pairs = [line.split(",")[:2] for line in FEATURES.splitlines()[1:]]
        numbers = st.tuples(*map(st.sampled_from, (("0", "1"), ("2", "3"), ("", "0"), ("", "3")))).map(list)
        return [header] + [pair + draw(numbers)[: len(header) - 2] for pair in pairs]
    row = st.tuples(names, names, *[counts] * (len(header) - 2)).map(list)
    return [header] + draw(st.lists(row, max_size=6))


@st.composite
def shares_rows(draw: st.DrawFn) -> Rows:
    shares = st.one_of(st.floats(allow_nan=True).map(str), counts, st.sampled_from(("25%", "1e309", "-0", "inf")))
    return [["feature", "value", "share"]] + draw(st.lists(st.tuples(names, names, shares).map(list), max_size=6))


def _cell_at(draw: st.DrawFn, rows: Rows) -> tuple[int, int]:
    row = draw(st.integers(0, len(rows) - 1))
    return row, draw(st.integers(0, max(len(rows[row]) - 1, 0)))


def _set_cell(draw: st.DrawFn, rows: Rows, value: str) -> None:
    row, column = _cell_at(draw, rows)
    rows[row][column:column + 1] = [value]


MUTATIONS: dict[str, Callable[[st.DrawFn, Rows], None]] = {
    "formula": lambda draw, rows: _set_cell(draw, rows, draw(st.sampled_from(FORMULAS))),
    "blank id": lambda draw, rows: rows[-1].__setitem__(slice(0, 1), [draw(st.sampled_from(BLANKS))]),
    "huge field": lambda draw, rows: _set_cell(draw, rows, "x" * HUGE_FIELD),
    "open quote": lambda draw, rows: _set_cell(draw, rows, '"' + draw(cells)),
    "stray quote": lambda draw, rows: _set_cell(draw, rows, 'a"b""' + draw(cells)),
    "duplicate header": lambda draw, rows: rows[0].append(draw(st.sampled_from(rows[0] or [""]))),
    "many columns": lambda draw, rows: _widen(rows, draw(st.integers(1, MAX_COLUMNS))),
    "header only": lambda draw, rows: rows.__delitem__(slice(1, None)),
    "ragged row": lambda draw, rows: rows[-1].extend(draw(st.lists(cells, min_size=1, max_size=3))),
    "short row": lambda draw, rows: rows[-1].__delitem__(slice(1, None)),
    "blank line": lambda draw, rows: rows.insert(draw(st.integers(0, len(rows))), []),
}


def _widen(rows: Rows, extra: int) -> None:
    for number, row in enumerate(rows):
        row.extend(f"c{i}" if number == 0 else "" for i in range(extra))


@st.composite
def hostile_file(draw: st.DrawFn, rows: st.SearchStrategy[Rows]) -> bytes:
    """A CSV file that looks right, damaged in a few of the ways real uploads are."""
    table = draw(rows)
    if draw(st.integers(0, 4)) == 0:
        return "".join(",".join(row) + "\n" for row in table).encode()
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=200))
    for mutation in draw(st.lists(st.sampled_from(sorted(MUTATIONS)), max_size=4)):
        MUTATIONS[mutation](draw, table)
    endings = st.sampled_from(("\n", "\r\n", "\r"))
    mixed = draw(st.booleans())
    ending = draw(endings)
    text = "".join(",".join(row) + (draw(endings) if mixed else ending) for row in table)
    if draw(st.booleans()):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(("\x00", "\ufeff", "\u2028", "\x1a", '"', "\r"))) + text[at:]
    encoding = draw(st.sampled_from(("utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1252")))
    data = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 9)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    return data


# --- the properties -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def write(path: Path, content: str | bytes) -> Path:
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def assert_answered_clearly(load: Callable[[], object], *files: Path) -> None:
    """Loading succeeds or raises InputError; every problem names its file and where, or why."""
    try:
        load()
        event("loaded")
    except InputError as error:
        event("rejected")
        assert error.problems
        for problem in error.problems:
            assert problem.file in {str(file) for file in files}, problem
            located = problem.row is not None or problem.column is not None
            assert located or problem.message.startswith(WHOLE_FILE), problem


@fuzz
@given(people=hostile_file(people_rows()))
def test_a_hostile_people_file_is_loaded_or_answered_clearly(folder: Path, people: bytes) -> None:
    files = write(folder / "people.csv", people), write(folder / "features.csv", FEATURES)
    assert_answered_clearly(lambda: load_inputs(*files, 2, household_columns=("name",)), *files)


@fuzz
@given(features=hostile_file(features_rows()))
def test_a_hostile_features_file_is_loaded_or_answered_clearly(folder: Path, features: bytes) -> None:
    files = write(folder / "people.csv", PEOPLE), write(folder / "features.csv", features)
    assert_answered_clearly(lambda: load_inputs(*files, 2), *files)


@fuzz
@given(people=hostile_file(people_rows()), features=hostile_file(features_rows()))
def test_two_hostile_files_are_loaded_or_answered_clearly(folder: Path, people: bytes, features: bytes) -> None:
    files = write(folder / "people.csv", people), write(folder / "features.csv", features)
    assert_answered_clearly(lambda: load_inputs(*files, 2), *files)


@fuzz
@given(shares=hostile_file(shares_rows()))
def test_a_hostile_shares_file_is_loaded_or_answered_clearly(folder: Path, shares: bytes) -> None:
    path = write(folder / "shares.csv", shares)
    assert_answered_clearly(lambda: load_shares(path), path)


def test_the_files_before_damage_load(folder: Path) -> None:
    pool, quotas = load_inputs(write(folder / "people.csv", PEOPLE), write(folder / "features.csv", FEATURES), 2)

    assert len(pool) == 3 and len(quotas.quotas) == 4


# --- what the fuzzing found ------------------------------------------------------------------------


def test_a_count_of_thousands_of_digits_is_a_problem_in_its_row_not_a_crash(folder: Path) -> None:
    features = write(folder / "features.csv", FEATURES.replace("woman,0,3", "woman,0," + "9" * 5000))

    with pytest.raises(InputError) as caught:
        load_inputs(write(folder / "people.csv", PEOPLE), features, 2)

    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (2, "max")
    assert "whole number of seats" in problem.message


def test_an_unclosed_quote_names_the_row_it_opens_in(folder: Path) -> None:
    people = write(folder / "people.csv", PEOPLE.replace("b,Bob", 'b,"Bob'))

    with pytest.raises(InputError) as caught:
        load_inputs(people, write(folder / "features.csv", FEATURES), 2)

    assert [(p.file, p.row, p.message) for p in caught.value.problems] == [
        (str(people), 3, "a quote opened in this row is never closed")
    ]


@pytest.mark.parametrize("blank", ["\n", "\r\n", "\r", "\ufeff\ufeff\n"])
def test_a_blank_first_row_is_named_as_row_1(folder: Path, blank: str) -> None:
    people = write(folder / "people.csv", blank + PEOPLE)  # a BOM is not a character of row 1

    with pytest.raises(InputError) as caught:
        load_inputs(people, write(folder / "features.csv", FEATURES), 2)

    assert [(p.row, p.message) for p in caught.value.problems] == [(1, "the first row is blank; the header must be the first row")]


def test_a_doubled_bom_is_not_part_of_the_first_column_name(folder: Path) -> None:
    pool, _ = load_inputs(write(folder / "people.csv", "\ufeff\ufeff" + PEOPLE), write(folder / "features.csv", FEATURES), 2)

    assert pool.columns[0] == "id"


# --- the command line -----------------------------------------------------------------------------

NASTY = {
    "empty": b"",
    "random bytes": bytes(range(256)),
    "UTF-16": PEOPLE.encode("utf-16"),
    "Latin-1": PEOPLE.encode("latin-1"),
    "NUL": PEOPLE.replace("Bob", "B\x00b").encode(),
    "open quote": PEOPLE.replace("Bob", '"Bob').encode(),
    "header only": b"id,name,gender,age\r\n",
    "formula ids": PEOPLE.replace("a,Ann", "=cmd|' /C calc'!A0,Ann").replace("b,Bob", " ,Bob").encode(),
    "10,000 columns": (PEOPLE.replace("\n", "," * 10_000 + "\n", 1)).encode(),
}


@pytest.mark.parametrize("content", NASTY.values(), ids=NASTY.keys())
def test_check_on_a_nasty_people_file_exits_2_without_a_traceback(tmp_path: Path, content: bytes) -> None:
    people, features = write(tmp_path / "people.csv", content), write(tmp_path / "features.csv", FEATURES)
    result = CliRunner().invoke(cli, ["check", "--people", str(people), "--features", str(features), "--panel-size", "2"])

    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert str(people) in result.output
