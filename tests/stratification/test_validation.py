"""Every input problem is reported with its file, row, column and value, and all of them at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from stratification import InputError, Problem, load_inputs, load_pool, load_quotas
from stratification.validation import household_problems, panel_size_problems


def _problems(load: Callable[[], object]) -> tuple[tuple[Problem, ...], str]:
    with pytest.raises(InputError) as caught:
        load()
    return caught.value.problems, str(caught.value)


def _the_problem(load: Callable[[], object]) -> tuple[Problem, str]:
    problems, text = _problems(load)
    assert len(problems) == 1, problems
    return problems[0], text


def _assert_names(problem: Problem, text: str, file: Path | str, row: int | None, column: str | None, value: str | None) -> None:
    """The Problem carries the facts, and the rendered error shows them in order."""
    assert (problem.file, problem.row, problem.column, problem.value) == (str(file), row, column, value)
    rendered = str(file)
    if row is not None:
        rendered += f", row {row}"
    if column is not None:
        rendered += f", column {column!r}"
    rendered += f": {problem.message}"
    if value is not None:
        rendered += f" (value {value!r})"
    assert str(problem) == rendered
    assert f"  - {rendered}" in text.splitlines()


# --- the people file -------------------------------------------------------------------------------


def test_unknown_value_names_row_column_and_value(write_file, features_file) -> None:
    people = write_file("people.csv", "id,gender,age\na,woman,young\nb,wman,old\n")

    problem, text = _the_problem(lambda: load_pool(people, load_quotas(features_file)))

    _assert_names(problem, text, people, 3, "gender", "wman")
    assert "not a value of feature 'gender'" in problem.message
    assert "woman, man" in problem.message


def test_unknown_value_is_named_as_written_in_the_header(write_file, features_file) -> None:
    people = write_file("people.csv", "ID,Gender,Age\na,woman,middle\n")

    problem, text = _the_problem(lambda: load_pool(people, load_quotas(features_file)))

    _assert_names(problem, text, people, 2, "Age", "middle")


def test_value_matching_is_case_sensitive(write_file, features_file) -> None:
    people = write_file("people.csv", "id,gender,age\na,Woman,young\n")

    problem, text = _the_problem(lambda: load_pool(people, load_quotas(features_file)))

    _assert_names(problem, text, people, 2, "gender", "Woman")


def test_missing_feature_column_is_named(write_file, features_file) -> None:
    people = write_file("people.csv", "id,gender\na,woman\n")

    problem, text = _the_problem(lambda: load_pool(people, load_quotas(features_file)))

    _assert_names(problem, text, people, 1, "age", None)
    assert "feature is missing" in problem.message


def test_missing_id_column_names_the_column_and_the_header(write_file, features_file) -> None:
    people = write_file("people.csv", "person,gender,age\na,woman,young\n")

    problem, text = _the_problem(lambda: load_pool(people, load_quotas(features_file)))

    _assert_names(problem, text, people, 1, "id", None)
    assert "person, gender, age" in problem.message


def test_configured_id_column_is_looked_for(write_file, features_file) -> None:
    people = write_file("people.csv", "id,gender,age\na,woman,young\n")

    problem, text = _the_problem(lambda: load_pool(people, load_quotas(features_file), id_column="nationbuilder_id"))

    _assert_names(problem, text, people, 1, "nationbuilder_id", None)


def test_duplicate_id_names_both_rows(write_file, features_file) -> None:
    people = write_file("people.csv", "id,gender,age\na,woman,young\nb,man,old\na,man,young\n")

    problem, text = _the_problem(lambda: load_pool(people, load_quotas(features_file)))

    _assert_names(problem, text, people, 4, "id", "a")
    assert "first in row 2" in problem.message


def test_duplicate_id_is_found_after_trimming(write_file, features_file) -> None:
    people = write_file("people.csv", "id,gender,age\na,woman,young\n a ,man,old\n")

    problem, text = _the_problem(lambda: load_pool(people, load_quotas(features_file)))

    _assert_names(problem, text, people, 3, "id", "a")


def test_empty_id_names_the_row(write_file, features_file) -> None:
    people = write_file("people.csv", "id,gender,age\na,woman,young\n  ,man,old\n")

    problem, text = _the_problem(lambda: load_pool(people, load_quotas(features_file)))

    _assert_names(problem, text, people, 3, "id", "")
    assert "id is empty" in problem.message


def test_people_file_with_header_only_says_there_are_no_people(write_file, features_file) -> None:
    people = write_file("people.csv", "id,gender,age\n")

    problem, text = _the_problem(lambda: load_pool(people, load_quotas(features_file)))

    _assert_names(problem, text, people, None, None, None)
    assert "no people" in problem.message


# --- the features file -----------------------------------------------------------------------------


def test_min_larger_than_max_names_the_row(write_file) -> None:
    features = write_file("features.csv", "feature,value,min,max\ngender,woman,1,3\ngender,man,4,3\n")

    problem, text = _the_problem(lambda: load_quotas(features))

    _assert_names(problem, text, features, 3, "min", "4")
    assert "min 4 is larger than max 3" in problem.message


@pytest.mark.parametrize("written", ["two", "2.5", "-1", "", "1e2"])
def test_min_that_is_not_a_whole_number_is_named(write_file, written: str) -> None:
    features = write_file("features.csv", f"feature,value,min,max\ngender,woman,{written},3\n")

    problem, text = _the_problem(lambda: load_quotas(features))

    _assert_names(problem, text, features, 2, "min", written)
    assert "whole number" in problem.message


def test_max_that_is_not_a_whole_number_is_named_as_in_the_header(write_file) -> None:
    features = write_file("features.csv", "category,name,Min,Max\ngender,woman,1,lots\n")

    problem, text = _the_problem(lambda: load_quotas(features))

    _assert_names(problem, text, features, 2, "Max", "lots")


def test_min_flex_larger_than_min_is_named(write_file) -> None:
    features = write_file("features.csv", "feature,value,min,max,min_flex,max_flex\ngender,woman,1,3,2,4\n")

    problem, text = _the_problem(lambda: load_quotas(features))

    _assert_names(problem, text, features, 2, "min_flex", "2")
    assert "min_flex 2 is larger than min 1" in problem.message


def test_max_flex_smaller_than_max_is_named(write_file) -> None:
    features = write_file("features.csv", "feature,value,min,max,min_flex,max_flex\ngender,woman,1,3,0,2\n")

    problem, text = _the_problem(lambda: load_quotas(features))

    _assert_names(problem, text, features, 2, "max_flex", "2")


def test_flex_problems_name_the_column_as_written_in_the_header(write_file) -> None:
    features = write_file("features.csv", "feature,value,min,max,Min_Flex,Max_Flex\ngender,woman,1,3,2,2\n")

    problems, text = _problems(lambda: load_quotas(features))

    assert [(p.row, p.column, p.value) for p in problems] == [(2, "Min_Flex", "2"), (2, "Max_Flex", "2")]


def test_duplicate_quota_row_names_both_rows(write_file) -> None:
    features = write_file("features.csv", "feature,value,min,max\ngender,woman,1,3\ngender,man,1,3\ngender,woman,0,2\n")

    problem, text = _the_problem(lambda: load_quotas(features))

    _assert_names(problem, text, features, 4, "value", "woman")
    assert "given twice (first in row 2)" in problem.message


def test_empty_feature_and_value_names_are_reported(write_file) -> None:
    features = write_file("features.csv", "feature,value,min,max\n,woman,1,3\ngender,,1,3\n")

    problems, text = _problems(lambda: load_quotas(features))

    assert [(p.row, p.column, p.value) for p in problems] == [(2, "feature", ""), (3, "value", "")]


def test_features_header_without_feature_and_value_lists_the_accepted_names(write_file) -> None:
    features = write_file("features.csv", "trait,option,min,max\ngender,woman,1,3\n")

    problem, text = _the_problem(lambda: load_quotas(features))

    _assert_names(problem, text, features, 1, None, "trait,option,min,max")
    assert "category,name,min,max" in problem.message


def test_features_header_without_max_is_named(write_file) -> None:
    features = write_file("features.csv", "feature,value,min\ngender,woman,1\n")

    problem, text = _the_problem(lambda: load_quotas(features))

    _assert_names(problem, text, features, 1, "max", None)


def test_features_file_with_header_only_says_there_are_no_quotas(write_file) -> None:
    features = write_file("features.csv", "feature,value,min,max\n")

    problem, text = _the_problem(lambda: load_quotas(features))

    _assert_names(problem, text, features, None, None, None)
    assert "no quota rows" in problem.message


# --- any CSV file ----------------------------------------------------------------------------------


@pytest.mark.parametrize("content", ["", "\n\n", "   \n", "\ufeff"])
def test_empty_file_is_rejected(write_file, content: str) -> None:
    features = write_file("features.csv", content)

    problem, text = _the_problem(lambda: load_quotas(features))

    _assert_names(problem, text, features, None, None, None)
    assert problem.message == "is empty"


def test_missing_file_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.csv"

    problem, text = _the_problem(lambda: load_quotas(missing))

    assert problem.file == str(missing)
    assert "cannot be read" in problem.message


def test_non_utf8_file_names_the_row_and_the_byte(write_file, features_file) -> None:
    people = write_file("people.csv", "id,gender,age\na,woman,young\nb,man,old,Hélène\n", encoding="latin-1")

    problem, text = _the_problem(lambda: load_pool(people, load_quotas(features_file)))

    _assert_names(problem, text, people, 3, None, None)
    assert "is not UTF-8 text (byte 0xe9" in problem.message
    assert "CSV UTF-8" in problem.message


def test_utf8_with_bom_header_is_not_mistaken_for_a_missing_column(write_file) -> None:
    features = write_file("features.csv", "\ufefffeature,value,min,max\ngender,woman,1,3\n")

    assert load_quotas(features).quota("gender", "woman").max == 3


def test_duplicate_header_column_is_named(write_file, features_file) -> None:
    people = write_file("people.csv", "id,gender,age,email,email\na,woman,young,x,y\n")

    problem, text = _the_problem(lambda: load_pool(people, load_quotas(features_file)))

    _assert_names(problem, text, people, 1, "email", None)
    assert "twice" in problem.message


def test_header_column_without_a_name_is_reported(write_file, features_file) -> None:
    people = write_file("people.csv", "id,gender,,age\na,woman,x,young\n")

    problem, text = _the_problem(lambda: load_pool(people, load_quotas(features_file)))

    _assert_names(problem, text, people, 1, None, None)
    assert "column 3 has no name" in problem.message


def test_row_with_too_many_fields_is_named_and_not_used(write_file, features_file) -> None:
    people = write_file("people.csv", "id,gender,age\na,woman,young\nb,man,old,surplus\nc,woman,old\n")

    problem, text = _the_problem(lambda: load_pool(people, load_quotas(features_file)))

    _assert_names(problem, text, people, 3, None, None)
    assert "has 4 fields" in problem.message


def test_row_with_too_few_fields_reads_the_missing_cells_as_empty(write_file, features_file) -> None:
    people = write_file("people.csv", "id,gender,age,email\na,woman,young\n")

    assert load_pool(people, load_quotas(features_file)).person("a").fields == ("a", "woman", "young", "")


# --- across files: load_inputs ---------------------------------------------------------------------


def test_sum_of_minimums_above_panel_size_names_the_feature(write_file, people_file) -> None:
    features = write_file("features.csv", "feature,value,min,max\ngender,woman,2,3\ngender,man,2,3\nage,young,0,3\nage,old,0,3\n")

    problem, text = _the_problem(lambda: load_inputs(people_file, features, 3))

    _assert_names(problem, text, features, None, "min", "4")
    assert "minimums of feature 'gender' add up to 4, more than the panel size 3" in problem.message


def test_sum_of_maximums_below_panel_size_names_the_feature(write_file, people_file) -> None:
    features = write_file("features.csv", "feature,value,min,max\ngender,woman,0,3\ngender,man,0,3\nage,young,0,1\nage,old,0,1\n")

    problem, text = _the_problem(lambda: load_inputs(people_file, features, 3))

    _assert_names(problem, text, features, None, "max", "2")
    assert "maximums of feature 'age' add up to 2, fewer than the panel size 3" in problem.message


def test_panel_larger_than_the_pool_is_reported(people_file, features_file) -> None:
    problems, text = _problems(lambda: load_inputs(people_file, features_file, 5))

    [problem] = [p for p in problems if p.file == str(people_file)]
    assert "the panel size 5 is larger than the pool (4 people)" in problem.message
    assert f"{people_file}: the panel size 5 is larger than the pool (4 people)" in text


@pytest.mark.parametrize("size", [0, -3])
def test_panel_size_below_one_is_reported(people_file, features_file, size: int) -> None:
    problem, text = _the_problem(lambda: load_inputs(people_file, features_file, size))

    _assert_names(problem, text, "--panel-size", None, None, str(size))


def test_panel_size_that_fits_loads_everything(people_file, features_file) -> None:
    pool, quotas = load_inputs(people_file, features_file, 4, household_columns=("name",))

    assert len(pool) == 4
    assert quotas.feature_names() == ("gender", "age")


def test_missing_household_column_is_named(people_file, features_file) -> None:
    problems, text = _problems(lambda: load_inputs(people_file, features_file, 2, household_columns=("name", "address")))

    [problem] = problems
    _assert_names(problem, text, people_file, 1, "address", None)
    assert "household column not found" in problem.message


# --- all problems at once --------------------------------------------------------------------------


def test_three_problems_in_one_file_are_all_reported(write_file, features_file) -> None:
    people = write_file("people.csv", "id,gender,age\na,woman,young\n,man,old\na,woman,ancient\n")

    problems, text = _problems(lambda: load_pool(people, load_quotas(features_file)))

    assert [(p.row, p.column, p.value) for p in problems] == [(3, "id", ""), (4, "id", "a"), (4, "age", "ancient")]
    assert text.startswith("3 problems in the input:")
    assert len(text.splitlines()) == 4


def test_problems_in_features_and_people_files_are_reported_together(write_file) -> None:
    features = write_file("features.csv", "feature,value,min,max\ngender,woman,1,x\ngender,man,3,2\nage,young,1,3\nage,old,1,3\n")
    people = write_file("people.csv", "id,gender,age\na,woman,young\nb,man,middle\nb,woman,old\n")

    problems, text = _problems(lambda: load_inputs(people, features, 2))

    assert [(Path(p.file).name, p.row, p.column, p.value) for p in problems] == [
        ("features.csv", 2, "max", "x"),
        ("features.csv", 3, "min", "3"),
        ("people.csv", 3, "age", "middle"),
        ("people.csv", 4, "id", "b"),
    ]
    assert text.startswith("4 problems in the input:")


def test_people_are_not_blamed_for_a_quota_row_already_reported(write_file, people_file) -> None:
    # "woman" is in the features file, on a row rejected for its min: the two women in the
    # people file must not also be told their value is missing from the features file.
    features = write_file("features.csv", "feature,value,min,max\ngender,woman,one,3\ngender,man,1,3\nage,young,1,3\nage,old,1,3\n")

    problems, _ = _problems(lambda: load_inputs(people_file, features, 2))

    assert [(Path(p.file).name, p.row, p.column) for p in problems] == [("features.csv", 2, "min")]


def test_unknown_values_are_still_reported_beside_a_rejected_quota_row(write_file) -> None:
    features = write_file("features.csv", "feature,value,min,max\ngender,woman,one,3\ngender,man,1,3\n")
    people = write_file("people.csv", "id,gender\na,woman\nb,wman\n")

    problems, _ = _problems(lambda: load_inputs(people, features, 1))

    assert [(Path(p.file).name, p.row, p.column, p.value) for p in problems] == [
        ("features.csv", 2, "min", "one"),
        ("people.csv", 3, "gender", "wman"),
    ]


def test_unreadable_features_file_stops_before_the_people_file(write_file, people_file) -> None:
    features = write_file("features.csv", "")

    problems, _ = _problems(lambda: load_inputs(people_file, features, 2))

    assert [Path(p.file).name for p in problems] == ["features.csv"]


# --- the checks themselves -------------------------------------------------------------------------


def test_panel_size_problems_lists_every_infeasible_feature(people_file, write_file) -> None:
    features = write_file("features.csv", "feature,value,min,max\ngender,woman,3,3\ngender,man,3,3\nage,young,0,1\nage,old,0,1\n")
    quotas = load_quotas(features)
    pool = load_pool(people_file, quotas)

    problems = panel_size_problems(pool, quotas, 5, features_file=str(features))

    assert [(p.file, p.column, p.value) for p in problems] == [
        (str(people_file), None, None),
        (str(features), "min", "6"),
        (str(features), "max", "2"),
    ]
    assert panel_size_problems(pool, quotas, 2, features_file="f") == [
        Problem("f", "the minimums of feature 'gender' add up to 6, more than the panel size 2", column="min", value="6")
    ]


def test_household_problems_name_each_column_not_in_the_header(people_file, features_file) -> None:
    pool = load_pool(people_file, load_quotas(features_file))

    assert household_problems(pool, ("name",)) == []
    assert household_problems(pool, ()) == []
    assert [(p.row, p.column) for p in household_problems(pool, ("zip", "name", "street"))] == [(1, "zip"), (1, "street")]
