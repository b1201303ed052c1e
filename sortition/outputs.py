"""Writing results: selected.csv, remaining.csv (every original column), probabilities.csv, comparisons."""

from __future__ import annotations

import csv
from pathlib import Path

from sortition.comparison import FairnessComparison
from sortition.selection import Selection
from stratification import Pool

__all__ = ["write_selection", "write_panel", "write_comparison"]


def write_selection(out: Path, pool: Pool, selection: Selection) -> list[Path]:
    """Write the selected and remaining people (in input order) and, for fair algorithms, every
    person's selection probability (in id order); return the files written."""
    written = write_panel(out, pool, selection.panel)
    path = out / "probabilities.csv"
    path.unlink(missing_ok=True)  # a legacy draw must not leave an earlier fair draw's file behind
    if selection.marginals is not None:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow([pool.id_column, "probability"])
            writer.writerows((person_id, repr(p)) for person_id, p in zip(selection.ids, selection.marginals))
        written.append(path)
    return written


def write_panel(out: Path, pool: Pool, panel: tuple[str, ...]) -> list[Path]:
    """Write selected.csv and remaining.csv: the panel and everyone else, every column, in input order."""
    out.mkdir(parents=True, exist_ok=True)
    chosen = set(panel)
    written = []
    for name, keep in (("selected.csv", True), ("remaining.csv", False)):
        path = out / name
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(pool.columns)
            writer.writerows(person.fields for person in pool.people if (person.id in chosen) == keep)
        written.append(path)
    return written


def write_comparison(path: Path, id_column: str, comparison: FairnessComparison) -> None:
    """Write id, LEGACY's estimated and the fair algorithm's probability for everyone, in id order."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([id_column, "legacy_estimate", comparison.algorithm])
        writer.writerows((i, repr(l), repr(f)) for i, l, f in zip(comparison.ids, comparison.legacy, comparison.fair))
