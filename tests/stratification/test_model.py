"""The vocabulary objects: quota sets, people, pools, and the problems reported about inputs."""

from __future__ import annotations

import dataclasses

import pytest

from stratification import Feature, InputError, Person, Pool, Problem, Quota, QuotaSet

QUOTAS = QuotaSet(
    (
        Quota("gender", "woman", 1, 3),
        Quota("age", "young", 0, 2, min_flex=0, max_flex=4),
        Quota("gender", "man", 1, 3),
        Quota("age", "old", 0, 2),
    )
)


def test_features_come_in_file_order_with_their_values() -> None:
    assert QUOTAS.features == (Feature("gender", ("woman", "man")), Feature("age", ("young", "old")))
    assert QUOTAS.feature_names() == ("gender", "age")


def test_a_quota_is_found_by_feature_and_value() -> None:
    assert QUOTAS.quota("age", "young") == Quota("age", "young", 0, 2, 0, 4)
    with pytest.raises(KeyError):
        QUOTAS.quota("age", "ancient")


def test_quota_sets_compare_by_their_quotas() -> None:
    assert QUOTAS == QuotaSet(tuple(QUOTAS.quotas))
    assert QUOTAS != QuotaSet(QUOTAS.quotas[:3])


def test_domain_objects_are_frozen() -> None:
    person = Person("a", ("woman",), ("a", "woman"), 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        person.id = "b"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        QUOTAS.quotas[0].min = 0  # type: ignore[misc]


def test_a_pool_finds_people_values_and_fields() -> None:
    ann = Person("a", ("woman", "old"), ("Ann", "old", "a", "woman"), 2)
    bob = Person("b", ("man", "young"), ("Bob", "young", "b", "man"), 3)
    pool = Pool((ann, bob), features=("gender", "age"), columns=("name", "age", "id", "gender"), source="people.csv")

    assert len(pool) == 2
    assert pool.person("b") is bob
    assert pool.value(ann, "age") == "old"
    assert pool.field(bob, "name") == "Bob"
    assert pool.id_column == "id"
    with pytest.raises(KeyError):
        pool.person("c")


def test_problem_names_file_row_column_and_value() -> None:
    problem = Problem("people.csv", "not a known value", row=7, column="gender", value="wman")

    assert str(problem) == "people.csv, row 7, column 'gender': not a known value (value 'wman')"


def test_problem_leaves_out_what_does_not_apply() -> None:
    assert str(Problem("people.csv", "is empty")) == "people.csv: is empty"
    assert str(Problem("f.csv", "bad", column="min", value="")) == "f.csv, column 'min': bad (value '')"


def test_problem_shortens_a_long_value() -> None:
    text = str(Problem("f.csv", "too long", row=2, value="x" * 200))

    assert "x" * 79 + "…" in text
    assert "x" * 80 not in text


def test_input_error_lists_every_problem_and_counts_them() -> None:
    problems = [Problem("f.csv", "first", row=2), Problem("p.csv", "second", row=3, column="id", value="a")]

    error = InputError(problems)

    assert error.problems == tuple(problems)
    assert str(error) == (
        "2 problems in the input:\n"
        "  - f.csv, row 2: first\n"
        "  - p.csv, row 3, column 'id': second (value 'a')"
    )
    assert str(InputError([Problem("f.csv", "only")])).startswith("1 problem in the input:")
