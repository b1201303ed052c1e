"""The instances of the comparison: where each one's inputs come from, for our engine and for the peer."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from instances import biased_instance

from stratification import Pool, QuotaSet, format_quotas_csv, load_inputs

__all__ = ["CASES", "PUBLISHED", "Case", "load_case", "write_case_csv"]

_REPO = Path(__file__).resolve().parents[1]
# Shared with other projects: read in place, never copied into the repository.
_PEER_DATA = _REPO.parent / "shared" / "peer_data"


@dataclass(frozen=True)
class Case:
    """One selection problem: CSV inputs (`folder`) or a generator, a panel size, households."""

    name: str
    panel_size: int
    folder: Path | None = None
    id_column: str = "id"
    households: tuple[str, ...] = ()
    generate: Callable[[], tuple[Pool, QuotaSet]] | None = None


CASES = {
    case.name: case
    for case in (
        Case("example_small_20", 20, _PEER_DATA / "example_small_20"),
        Case("example_large_200", 200, _PEER_DATA / "example_large_200"),
        Case("sf_fixture", 22, _PEER_DATA / "sf_fixture", "nationbuilder_id", ("primary_address1", "primary_zip")),
        Case("france", 150, _REPO / "sample_data" / "france", households=("address", "postcode")),
        Case(
            "sf_e_like",
            110,
            generate=lambda: biased_instance("sfe", 1727, 110, (2, 5, 6, 4, 3, 6, 2), bias=0.6, slack=0.01, seed=1),
        ),
        Case(
            "open_20000",
            200,
            generate=lambda: biased_instance("open", 20000, 200, (2, 5, 6, 4, 13), bias=0.6, slack=0.01, seed=2),
        ),
    )
}

# Flanigan et al., Nature 2021 (LEXIMIN with Gurobi), as listed in peer_data/README.md.
PUBLISHED = {
    "example_small_20": "LEXIMIN minimum probability 10.0% (= k/n), 2.7 s with Gurobi",
    "example_large_200": "LEXIMIN minimum probability 10.0% (= k/n), 1161.8 s (median of 3) with Gurobi",
}


def load_case(case: Case) -> tuple[Pool, QuotaSet]:
    """The case's pool and quotas as our engine reads them (validated, households checked)."""
    if case.generate is not None:
        return case.generate()
    assert case.folder is not None
    return load_inputs(
        case.folder / "people.csv",
        case.folder / "features.csv",
        case.panel_size,
        id_column=case.id_column,
        household_columns=case.households,
    )


def write_case_csv(case: Case, folder: Path) -> tuple[Path, Path]:
    """Paths of the case's people and features CSV files, writing them into `folder` if generated."""
    if case.generate is None:
        assert case.folder is not None
        return case.folder / "people.csv", case.folder / "features.csv"
    pool, quotas = case.generate()
    people, features = folder / "people.csv", folder / "features.csv"
    with people.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(pool.columns)
        writer.writerows(person.fields for person in pool.people)
    features.write_text(format_quotas_csv(quotas), encoding="utf-8")
    return people, features
