"""Quotas from population shares by the largest-remainder method, and the shares file."""

from __future__ import annotations

import math
import tempfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stratification import InputError, Quota, QuotaSet, Share, format_quotas_csv, load_quotas, load_shares, quotas_from_shares


def _shares(feature: str, weights: dict[str, float]) -> tuple[Share, ...]:
    return tuple(Share(feature, value, weight) for value, weight in weights.items())


def _seats(quotas: QuotaSet) -> dict[str, int]:
    assert all(quota.min == quota.max for quota in quotas.quotas)
    return {quota.value: quota.min for quota in quotas.quotas}


# --- the method, by hand ---------------------------------------------------------------------------


def test_worked_example_gives_the_leftover_seat_to_the_largest_remainder() -> None:
    # k=7: ideal 3.5 / 2.1 / 1.4 -> floors 3 / 2 / 1 (6 seats) -> the 7th to the remainder 0.5.
    quotas = quotas_from_shares(_shares("age", {"young": 0.5, "middle": 0.3, "old": 0.2}), 7)

    assert quotas == QuotaSet((Quota("age", "young", 4, 4), Quota("age", "middle", 2, 2), Quota("age", "old", 1, 1)))


def test_two_leftover_seats_go_to_the_two_largest_remainders() -> None:
    # k=10: ideal 4.6 / 3.3 / 1.7 / 0.4 -> floors 4 / 3 / 1 / 0 (8) -> remainders .7 and .6 win.
    quotas = quotas_from_shares(_shares("region", {"a": 46, "b": 33, "c": 17, "d": 4}), 10)

    assert _seats(quotas) == {"a": 5, "b": 3, "c": 2, "d": 0}


@pytest.mark.parametrize(
    "weights",
    [
        {"young": 0.5, "middle": 0.3, "old": 0.2},
        {"young": 50, "middle": 30, "old": 20},
        {"young": 50.0, "middle": 30.0, "old": 20.0},
        {"young": 5000, "middle": 3000, "old": 2000},
        {"young": 0.25, "middle": 0.15, "old": 0.1},
    ],
    ids=["fractions", "percentages", "float-percentages", "head-counts", "unnormalised"],
)
def test_fractions_percentages_and_head_counts_give_the_same_quotas(weights: dict[str, float]) -> None:
    assert _seats(quotas_from_shares(_shares("age", weights), 7)) == {"young": 4, "middle": 2, "old": 1}


@pytest.mark.parametrize(
    ("fractions", "percentages", "panel_size"),
    [((0.2, 0.7, 0.1), (20, 70, 10), 2), ((0.1, 0.2, 0.7), (10, 20, 70), 5), ((0.08, 0.71, 0.21), (8, 71, 21), 2)],
)
def test_float_rounding_does_not_move_a_seat(fractions, percentages, panel_size: int) -> None:
    # 0.2 + 0.7 + 0.1 is not 1.0 in floating point; seats must not depend on that.
    as_fractions = quotas_from_shares(_shares("g", dict(zip("abc", fractions))), panel_size)
    as_percentages = quotas_from_shares(_shares("g", dict(zip("abc", percentages))), panel_size)

    assert as_fractions == as_percentages


def test_ties_go_to_the_value_listed_first() -> None:
    assert _seats(quotas_from_shares(_shares("g", {"x": 1, "y": 1, "z": 1}), 2)) == {"x": 1, "y": 1, "z": 0}
    assert _seats(quotas_from_shares(_shares("g", {"z": 1, "y": 1, "x": 1}), 2)) == {"z": 1, "y": 1, "x": 0}
    # a: 0.5, b: 1.0, c: 0.5 -> floors 0/1/0, one seat left, a and c tie on 0.5 -> a.
    assert _seats(quotas_from_shares(_shares("g", {"a": 1, "b": 2, "c": 1}), 2)) == {"a": 1, "b": 1, "c": 0}


def test_tolerance_widens_min_and_max_and_min_stops_at_zero() -> None:
    quotas = quotas_from_shares(_shares("age", {"young": 0.5, "middle": 0.3, "old": 0.2}), 7, tolerance=2)

    assert quotas.quotas == (Quota("age", "young", 2, 6), Quota("age", "middle", 0, 4), Quota("age", "old", 0, 3))


def test_each_feature_is_apportioned_on_its_own_in_input_order() -> None:
    shares = (Share("gender", "woman", 51), Share("age", "young", 1), Share("gender", "man", 49), Share("age", "old", 3))

    quotas = quotas_from_shares(shares, 4)

    assert quotas.feature_names() == ("gender", "age")
    assert quotas.quotas == (
        Quota("gender", "woman", 2, 2), Quota("gender", "man", 2, 2), Quota("age", "young", 1, 1), Quota("age", "old", 3, 3),
    )


def test_a_value_with_no_share_gets_no_seat() -> None:
    assert _seats(quotas_from_shares(_shares("g", {"a": 3, "b": 0, "c": 1}), 4)) == {"a": 3, "b": 0, "c": 1}


@pytest.mark.parametrize(("panel_size", "tolerance"), [(0, 0), (-1, 0), (5, -1)])
def test_panel_size_below_one_or_negative_tolerance_is_refused(panel_size: int, tolerance: int) -> None:
    with pytest.raises(ValueError):
        quotas_from_shares(_shares("g", {"a": 1}), panel_size, tolerance)


# --- the method, as properties ---------------------------------------------------------------------

# Shares as people write them: head counts, or decimals such as 12.5 or 0.125.
_share = st.one_of(
    st.integers(min_value=1, max_value=10**7).map(Decimal),
    st.decimals(min_value=Decimal("0.001"), max_value=Decimal("1000"), places=3, allow_nan=False, allow_infinity=False).filter(bool),
)


@settings(max_examples=300)
@given(st.lists(st.lists(_share, min_size=1, max_size=8), min_size=1, max_size=3), st.integers(min_value=1, max_value=500))
def test_seats_add_up_to_the_panel_size_and_round_the_ideal(features: list[list[Decimal]], panel_size: int) -> None:
    shares = tuple(Share(f"f{i}", f"v{j}", float(weight)) for i, weights in enumerate(features) for j, weight in enumerate(weights))

    quotas = quotas_from_shares(shares, panel_size)

    for i, weights in enumerate(features):
        seats = [quotas.quota(f"f{i}", f"v{j}").min for j in range(len(weights))]
        total = sum(Fraction(weight) for weight in weights)
        ideal = [panel_size * Fraction(weight) / total for weight in weights]
        assert sum(seats) == panel_size
        assert all(seat in (math.floor(x), math.ceil(x)) for seat, x in zip(seats, ideal))
        # Largest remainder: nobody rounded down has a larger remainder than someone rounded up.
        up = [x - math.floor(x) for seat, x in zip(seats, ideal) if seat > x]
        down = [x - math.floor(x) for seat, x in zip(seats, ideal) if seat < x]
        assert not up or not down or min(up) >= max(down)


@given(st.lists(_share, min_size=1, max_size=6), st.integers(min_value=1, max_value=200), st.integers(min_value=0, max_value=5))
def test_tolerance_widens_every_quota_around_the_same_seats(weights: list[Decimal], panel_size: int, tolerance: int) -> None:
    shares = tuple(Share("g", f"v{j}", float(weight)) for j, weight in enumerate(weights))

    exact = quotas_from_shares(shares, panel_size)
    widened = quotas_from_shares(shares, panel_size, tolerance)

    for seat, quota in zip(exact.quotas, widened.quotas):
        assert (quota.min, quota.max) == (max(0, seat.min - tolerance), seat.max + tolerance)


# --- writing the quotas ----------------------------------------------------------------------------


def test_format_quotas_csv_writes_a_features_file() -> None:
    quotas = quotas_from_shares(_shares("age", {"young": 0.5, "middle": 0.3, "old": 0.2}), 7, tolerance=1)

    assert format_quotas_csv(quotas) == "feature,value,min,max\nage,young,3,5\nage,middle,1,3\nage,old,0,2\n"


def test_format_quotas_csv_reads_back_to_the_same_quota_set(write_file) -> None:
    shares = (
        Share("region", "Île-de-France", 18.2), Share("region", 'Provence, "PACA"', 7.8), Share("region", "Bretagne", 5.0),
        Share("gender", "woman", 52), Share("gender", "man", 48),
    )
    quotas = quotas_from_shares(shares, 150, tolerance=2)

    path = write_file("features.csv", format_quotas_csv(quotas))

    assert load_quotas(path) == quotas


_name = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp", "Zs")), min_size=1, max_size=12)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(_name, _name), min_size=1, max_size=8, unique=True),
    st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=8, max_size=8),
)
def test_any_quota_set_survives_a_round_trip_through_csv(keys: list[tuple[str, str]], bounds: list[tuple[int, int]]) -> None:
    quotas = QuotaSet(tuple(Quota(f, v, min(b), max(b)) for (f, v), b in zip(keys, bounds)))

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "features.csv"
        path.write_text(format_quotas_csv(quotas), encoding="utf-8")
        assert load_quotas(path) == quotas


# --- the shares file -------------------------------------------------------------------------------


def test_load_shares_reads_fractions_percentages_and_counts(write_file) -> None:
    path = write_file("shares.csv", "feature,value,share\ngender,woman,51.6%\ngender,man,48.4%\nage,young,0.3\nage,old, 0.7 \n\nregion,north,1200\n")

    assert load_shares(path) == (
        Share("gender", "woman", 51.6), Share("gender", "man", 48.4),
        Share("age", "young", 0.3), Share("age", "old", 0.7), Share("region", "north", 1200.0),
    )


def test_shares_file_feeds_the_quotas(write_file) -> None:
    path = write_file("shares.csv", "Feature,Value,Share\nage,young,50%\nage,middle,30%\nage,old,20%\n")

    assert _seats(quotas_from_shares(load_shares(path), 7)) == {"young": 4, "middle": 2, "old": 1}


@pytest.mark.parametrize("written", ["many", "-0.1", "-3%", "nan", "inf", ""])
def test_share_that_is_not_a_number_of_zero_or_more_is_named(write_file, written: str) -> None:
    path = write_file("shares.csv", f"feature,value,share\ngender,woman,1\ngender,man,{written}\n")

    with pytest.raises(InputError) as caught:
        load_shares(path)

    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (str(path), 3, "share", written)
    assert problem.message == "must be a number, 0 or more"
    assert f"{path}, row 3, column 'share': must be a number, 0 or more (value {written!r})" in str(caught.value)


@pytest.mark.parametrize("missing", ["feature", "value", "share"])
def test_shares_file_missing_a_column_names_it(write_file, missing: str) -> None:
    header = ",".join(name for name in ("feature", "value", "share") if name != missing)
    path = write_file("shares.csv", f"{header}\ngender,woman\n")

    with pytest.raises(InputError) as caught:
        load_shares(path)

    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (str(path), 1, missing, None)
    assert f"{path}, row 1, column {missing!r}: required column is missing from the header" in str(caught.value)


def test_shares_file_reports_every_problem(write_file) -> None:
    path = write_file("shares.csv", "feature,value,share\ngender,,1\ngender,man,x\n,old,2\nage,young,0\n")

    with pytest.raises(InputError) as caught:
        load_shares(path)

    *rows, total = caught.value.problems
    assert [(p.row, p.column, p.value) for p in rows] == [(2, "value", ""), (3, "share", "x"), (4, "feature", "")]
    assert total.row is None
    assert "the shares of feature 'age' add up to 0" in str(caught.value)


def test_shares_file_with_header_only_is_refused(write_file) -> None:
    path = write_file("shares.csv", "feature,value,share\n")

    with pytest.raises(InputError, match="no shares"):
        load_shares(path)


def test_shares_file_that_is_not_utf8_is_refused(write_file) -> None:
    path = write_file("shares.csv", "feature,value,share\nregion,Bretagne,5\nregion,Pays de la Loire,é\n", encoding="latin-1")

    with pytest.raises(InputError) as caught:
        load_shares(path)

    assert caught.value.problems[0].row == 3
