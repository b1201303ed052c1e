"""selected.csv and remaining.csv: every cell of the people file carried through unchanged, formula-like ones too.

DESIGN.md's input contract says the other columns are "carried through to the outputs", and these files are data,
read back by `sortition replace`, the app's import and the organiser's own tools: a phone number "+33 6 …" or a
value "-" must stay what it is. Prefixing a quote, as the app's attendance sheet does for a spreadsheet, would
change them (and break a feature value or an id that starts with one of those characters)."""

from __future__ import annotations

import csv
from pathlib import Path

from sortition.outputs import write_panel
from stratification import load_inputs

SMALL = Path(__file__).resolve().parents[2] / "sample_data" / "small"
FORMULAS = ("=HYPERLINK(\"http://example.org\",\"x\")", "+33 6 12 34 56 78", "-", "@SUM(A1:A9)")


def test_cells_that_look_like_formulas_are_carried_through_unchanged(tmp_path):
    with open(SMALL / "people.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    for row, cell in zip(rows[1:], FORMULAS):
        row[1], row[3] = cell, cell  # first_name and email
    people = tmp_path / "people.csv"
    with open(people, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    pool, _ = load_inputs(people, SMALL / "features.csv", 12)
    write_panel(tmp_path / "out", pool, tuple(row[0] for row in rows[1:3]))
    written = []
    for name in ("selected.csv", "remaining.csv"):
        with open(tmp_path / "out" / name, encoding="utf-8", newline="") as handle:
            written += list(csv.reader(handle))[1:]
    assert sorted(written) == sorted(rows[1:])
    assert {row[1] for row in written} >= set(FORMULAS)
