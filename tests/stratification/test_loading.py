"""Reading the CSV shapes: real peer files, older headers, encodings, and the loader round trip."""

from __future__ import annotations

import csv
import io
import string
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stratification import InputError, Quota, QuotaSet, load_inputs, load_pool, load_quotas
from stratification.loading import read_table

# --- the real files in ../shared/peer_data -------------------------------------------------------


def test_example_small_20_loads_200_people_with_two_features(peer_data: Path) -> None:
    folder = peer_data / "example_small_20"
    quotas = load_quotas(folder / "features.csv")
    pool = load_pool(folder / "people.csv", quotas)

    assert len(pool) == 200
    assert pool.id_column == "id"
    assert pool.features == ("gender", "leaning")
    assert [(f.name, f.values) for f in quotas.features] == [
        ("gender", ("female", "male")),
        ("leaning", ("liberal", "conservative")),
    ]
    assert quotas.quota("gender", "female") == Quota("gender", "female", 9, 20)
    assert [person.id for person in pool.people[:3]] == ["p0", "p1", "p2"]
    first = pool.person("p0")
    assert first.profile == ("female", "conservative")
    assert first.row == 2
    assert pool.person("p199").row == 201
    assert sum(pool.value(person, "gender") == "female" for person in pool.people) == 100
    assert sum(pool.value(person, "leaning") == "liberal" for person in pool.people) == 99


def test_example_large_200_loads_2000_people(peer_data: Path) -> None:
    folder = peer_data / "example_large_200"
    pool, quotas = load_inputs(folder / "people.csv", folder / "features.csv", 200)

    assert len(pool) == 2000
    assert len({person.id for person in pool.people}) == 2000
    assert quotas.feature_names() == ("gender", "leaning")
    assert quotas.quota("leaning", "conservative") == Quota("leaning", "conservative", 99, 200)
    assert sum(pool.value(person, "gender") == "male" for person in pool.people) == 1000
    assert pool.person("p1999").row == 2001


def test_sf_fixture_loads_with_its_id_column_flex_and_contact_columns(peer_data: Path) -> None:
    folder = peer_data / "sf_fixture"
    pool, quotas = load_inputs(
        folder / "people.csv",
        folder / "features.csv",
        22,
        id_column="nationbuilder_id",
        household_columns=("primary_address1", "primary_zip"),
    )

    assert len(pool) == 150
    assert pool.id_column == "nationbuilder_id"
    assert pool.features == ("Gender", "age_bracket", "edu_level", "geo_bucket")
    assert len(quotas.quotas) == 20
    assert quotas.quota("Gender", "Female") == Quota("Gender", "Female", 11, 12, min_flex=0, max_flex=12)
    assert quotas.quota("geo_bucket", "Highlands and Islands") == Quota(
        "geo_bucket", "Highlands and Islands", 2, 5, min_flex=0, max_flex=5
    )
    assert quotas.quota("age_bracket", "0-15").max == 0
    # Profiles follow the quota file's feature order, not the people file's column order.
    person = pool.person("p0")
    assert person.profile == ("Male", "30-44", "Level 4 and above", "South Scotland")
    # Contact and address columns come through untouched.
    assert pool.columns[:9] == (
        "nationbuilder_id", "first_name", "last_name", "email", "mobile_number",
        "primary_address1", "primary_address2", "primary_city", "primary_zip",
    )
    assert person.fields == (
        "p0", "first_name0", "last_name0", "email0", "mobile_number0", "primary_address10",
        "primary_address20", "primary_city0", "primary_zip0", "Male", "30-44", "South Scotland",
        "Level 4 and above",
    )
    other = pool.person("p100")
    assert pool.field(other, "email") == "email100"
    assert pool.field(other, "primary_zip") == "primary_zip100"
    assert pool.value(other, "geo_bucket") == "Glasgow"


def test_sf_fixture_without_its_id_column_names_the_missing_column(peer_data: Path) -> None:
    folder = peer_data / "sf_fixture"
    quotas = load_quotas(folder / "features.csv")
    with pytest.raises(InputError) as caught:
        load_pool(folder / "people.csv", quotas)
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (1, "id")
    assert "nationbuilder_id" in problem.message


# --- header names and matching ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "header", ["category,name,min,max", "category,feature,min,max", "feature,value,min,max"]
)
def test_older_header_names_read_as_feature_and_value(write_file, header: str) -> None:
    path = write_file("features.csv", f"{header}\ngender,woman,1,2\ngender,man,0,2\n")

    quotas = load_quotas(path)

    assert quotas == QuotaSet((Quota("gender", "woman", 1, 2), Quota("gender", "man", 0, 2)))


def test_header_names_match_case_insensitively(write_file) -> None:
    features = write_file("features.csv", "Feature,Value,MIN,Max,Min_Flex,MAX_FLEX\ngender,woman,1,2,0,3\n")
    people = write_file("people.csv", "ID,Gender\na,woman\n")

    quotas = load_quotas(features)
    pool = load_pool(people, quotas)

    assert quotas.quotas == (Quota("gender", "woman", 1, 2, 0, 3),)
    assert pool.id_column == "ID"
    assert pool.person("a").profile == ("woman",)


def test_values_match_after_trimming_whitespace(write_file) -> None:
    features = write_file("features.csv", "feature,value,min,max\n gender , woman ,1,2\ngender,man, 0 , 2 \n")
    people = write_file("people.csv", "id, gender \n a , woman \nb,man\t\n")

    quotas = load_quotas(features)
    pool = load_pool(people, quotas)

    assert quotas.quotas == (Quota("gender", "woman", 1, 2), Quota("gender", "man", 0, 2))
    assert pool.person("a").profile == ("woman",)
    assert pool.person("a").fields == ("a", "woman")
    assert pool.person("b").profile == ("man",)


def test_spreadsheet_whole_numbers_like_3_0_are_accepted(write_file) -> None:
    path = write_file("features.csv", "feature,value,min,max\ngender,woman,1.0,3.00\n")

    assert load_quotas(path).quotas == (Quota("gender", "woman", 1, 3),)


def test_empty_flex_cells_mean_no_flex(write_file) -> None:
    path = write_file("features.csv", "feature,value,min,max,min_flex,max_flex\ngender,woman,1,3,,\n")

    assert load_quotas(path).quotas == (Quota("gender", "woman", 1, 3, None, None),)


def test_blank_lines_are_skipped_and_rows_keep_their_spreadsheet_numbers(write_file, features_file) -> None:
    people = write_file("people.csv", "id,gender,age\n\na,woman,young\n,,\nb,man,old\n")

    pool = load_pool(people, load_quotas(features_file))

    assert [(person.id, person.row) for person in pool.people] == [("a", 3), ("b", 5)]


def test_rows_after_a_rejected_long_row_keep_their_numbers(write_file, features_file) -> None:
    # pandas renumbers the rows it keeps after skipping a bad one; the rows we report must not shift.
    people = write_file("people.csv", "id,gender,age\na,woman,young,extra\nb,man,old\nc,woman,nobody\n")

    with pytest.raises(InputError) as caught:
        load_pool(people, load_quotas(features_file))

    assert [(p.row, p.column, p.value) for p in caught.value.problems] == [(2, None, None), (4, "age", "nobody")]


def test_quoted_fields_keep_commas_quotes_and_newlines(write_file, features_file) -> None:
    people = write_file(
        "people.csv",
        'id,gender,age,note\na,woman,young,"Rue de la Paix, 12"\nb,man,old,"says ""hi"""\nc,man,old,"two\nlines"\n',
    )

    pool = load_pool(people, load_quotas(features_file))

    assert [pool.field(person, "note") for person in pool.people] == ["Rue de la Paix, 12", 'says "hi"', "two\nlines"]


def test_people_columns_may_come_in_any_order(write_file, features_file) -> None:
    people = write_file("people.csv", "age,email,gender,id\nold,x@example.org,woman,a\n")

    pool = load_pool(people, load_quotas(features_file))

    person = pool.person("a")
    assert person.profile == ("woman", "old")
    assert person.fields == ("old", "x@example.org", "woman", "a")


def test_cells_like_NA_and_null_stay_text(write_file) -> None:
    quotas = load_quotas(write_file("features.csv", "feature,value,min,max\nanswer,NA,0,1\nanswer,null,0,1\n"))
    pool = load_pool(write_file("people.csv", "id,answer,comment\nNA,null,NaN\n"), quotas)

    assert pool.person("NA").fields == ("NA", "null", "NaN")


# --- encodings -------------------------------------------------------------------------------------


def test_utf8_with_bom_is_accepted(write_file, features_file) -> None:
    people = write_file("people.csv", "\ufeffid,gender,age,name\na,woman,young,Zoé\n")

    pool = load_pool(people, load_quotas(features_file))

    assert pool.columns[0] == "id"
    assert pool.field(pool.person("a"), "name") == "Zoé"


def test_latin1_file_is_rejected_naming_the_file_and_row(write_file, features_file) -> None:
    people = write_file("people.csv", "id,gender,age,name\na,woman,young,Zoé\n", encoding="latin-1")

    with pytest.raises(InputError) as caught:
        load_pool(people, load_quotas(features_file))

    [problem] = caught.value.problems
    assert problem.file == str(people)
    assert problem.row == 2
    assert "not UTF-8" in problem.message
    assert "0xe9" in problem.message
    assert f"{people}, row 2: is not UTF-8 text" in str(caught.value)


# --- the loader round trip -------------------------------------------------------------------------

_FEATURES = {"gender": ("woman", "man", "non-binary"), "region": ("North", "South, coast", 'Île "de" France')}
_QUOTAS = QuotaSet(tuple(Quota(name, value, 0, 5) for name, values in _FEATURES.items() for value in values))

# Any unicode text without line breaks, NULs or surrogates: commas, quotes and accents included.
_text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x85"
    ),
    max_size=20,
)
# Ids are trimmed like every cell, so draw them already trimmed (and so distinct after trimming).
_ids = _text.map(str.strip).filter(bool)


@st.composite
def _pools(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    extra = draw(
        st.lists(
            st.text(alphabet=string.ascii_lowercase + "_ ", min_size=1, max_size=10).map(str.strip).filter(bool),
            max_size=3,
            unique_by=str.casefold,
        ).filter(lambda names: not {n.casefold() for n in names} & {"id", *_FEATURES})
    )
    header = ["id", *_FEATURES, *extra]
    draw(st.randoms(use_true_random=False)).shuffle(header)
    ids = draw(st.lists(_ids, min_size=1, max_size=15, unique=True))
    rows = []
    for person_id in ids:
        cells = {"id": person_id}
        cells.update({name: draw(st.sampled_from(values)) for name, values in _FEATURES.items()})
        cells.update({name: draw(_text) for name in extra})
        rows.append([cells[column] for column in header])
    return header, rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_pools())
def test_writing_a_pool_as_csv_and_loading_it_gives_it_back(pool_rows: tuple[list[str], list[list[str]]]) -> None:
    header, rows = pool_rows
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "people.csv"
        path.write_text(out.getvalue(), encoding="utf-8")
        pool = load_pool(path, _QUOTAS)

    at = {name: i for i, name in enumerate(header)}
    assert pool.columns == tuple(header)
    assert [person.id for person in pool.people] == [row[at["id"]] for row in rows]
    assert [person.profile for person in pool.people] == [tuple(row[at[f]] for f in _FEATURES) for row in rows]
    # Cells are trimmed on reading (values match after trimming); nothing else changes.
    assert [person.fields for person in pool.people] == [tuple(cell.strip() for cell in row) for row in rows]


def test_read_table_gives_header_and_numbered_rows(write_file) -> None:
    path = write_file("t.csv", "a,b\n1,2\n\n3,4\n")

    table, problems = read_table(path)

    assert problems == []
    assert table is not None
    assert table.header == ("a", "b")
    assert table.rows == ((2, ("1", "2")), (4, ("3", "4")))
    assert table.find_column("A") == 0
    assert table.find_column("c") is None
