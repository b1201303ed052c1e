"""Households: people with the same normalised address in every given column."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from stratification import Person, Pool, find_households, load_pool, load_quotas

COLUMNS = ("id", "address", "zip")


def _pool(*rows: tuple[str, str, str]) -> Pool:
    people = tuple(Person(row[0], (), row, line) for line, row in enumerate(rows, start=2))
    return Pool(people, features=(), columns=COLUMNS)


def test_people_with_equal_address_and_zip_share_a_household() -> None:
    pool = _pool(("a", "1 High St", "AB1"), ("b", "2 High St", "AB1"), ("c", "1 High St", "AB1"))

    assert find_households(pool, ("address", "zip")) == (("a", "c"),)


def test_every_column_must_agree() -> None:
    pool = _pool(("a", "1 High St", "AB1"), ("b", "1 High St", "AB2"))

    assert find_households(pool, ("address", "zip")) == ()
    assert find_households(pool, ("address",)) == (("a", "b"),)


def test_case_spacing_and_punctuation_are_ignored() -> None:
    pool = _pool(
        ("a", "12 Rue  de la Paix,", "75002"),
        ("b", "12 rue de la paix", "75002"),
        ("c", "  12 RUE-DE-LA-PAIX.  ", " 75002 "),
        ("d", "12 rue de la paix bis", "75002"),
    )

    assert find_households(pool, ("address", "zip")) == (("a", "b", "c"),)


def test_people_with_all_address_columns_empty_are_in_no_household() -> None:
    pool = _pool(("a", "", ""), ("b", "", ""), ("c", " , ", "-"), ("d", "", "AB1"), ("e", "", "ab1"))

    assert find_households(pool, ("address", "zip")) == (("d", "e"),)


def test_no_columns_means_no_households() -> None:
    pool = _pool(("a", "1 High St", "AB1"), ("b", "1 High St", "AB1"))

    assert find_households(pool, ()) == ()


def test_several_households_come_sorted() -> None:
    pool = _pool(
        ("z", "9 Low Rd", "X"), ("m", "1 High St", "Y"), ("b", "9 Low Rd", "X"),
        ("q", "1 High St", "Y"), ("a", "5 Mid Ln", "Y"), ("k", "9 low rd", "x"),
    )

    assert find_households(pool, ("address", "zip")) == (("b", "k", "z"), ("m", "q"))


@settings(max_examples=50)
@given(st.lists(st.sampled_from(["1 High St", "1 high st.", "2 High St", "", "3 Low Rd"]), min_size=1, max_size=12), st.randoms(use_true_random=False))
def test_shuffling_the_rows_gives_the_same_households(addresses: list[str], random) -> None:
    rows = [(f"p{i}", address, "AB1" if address else "") for i, address in enumerate(addresses)]
    shuffled = list(rows)
    random.shuffle(shuffled)

    assert find_households(_pool(*shuffled), ("address", "zip")) == find_households(_pool(*rows), ("address", "zip"))


def test_households_found_in_a_loaded_people_file(write_file, features_file: Path) -> None:
    people = write_file(
        "people.csv",
        "id,gender,age,address,postcode\n"
        "a,woman,young,\"4, Church Lane\",SW1 1AA\n"
        "b,man,old,4 church lane,sw1 1aa\n"
        "c,woman,old,4 Church Lane,SW1 1AB\n"
        "d,man,young,,\n",
    )

    pool = load_pool(people, load_quotas(features_file))

    assert find_households(pool, ("address", "postcode")) == (("a", "b"),)


def test_sf_fixture_has_no_shared_addresses(peer_data: Path) -> None:
    folder = peer_data / "sf_fixture"
    pool = load_pool(folder / "people.csv", load_quotas(folder / "features.csv"), "nationbuilder_id")

    assert find_households(pool, ("primary_address1", "primary_zip")) == ()
