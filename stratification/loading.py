"""Reading the Sortition Foundation's CSV shapes into quota sets and pools (pandas lives here)."""

from __future__ import annotations

import io
import itertools
import math
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from stratification.errors import InputError, Problem
from stratification.model import Person, Pool, Quota, QuotaSet
from stratification.shares import Share
from stratification.validation import household_problems, panel_size_problems

__all__ = ["load_quotas", "load_pool", "load_inputs", "load_shares", "read_table", "Table"]

# Older Sortition Foundation files call the feature "category" and the value "name" or "feature".
_FEATURE_HEADERS = (("feature", "value"), ("category", "name"), ("category", "feature"))


@dataclass(frozen=True)
class Table:
    """A CSV file read as text: trimmed header and data rows, each with its row number."""

    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]

    def find_column(self, wanted: str) -> int | None:
        """Index of a column by exact name, else by a unique case-insensitive match."""
        if wanted in self.header:
            return self.header.index(wanted)
        folded = [i for i, name in enumerate(self.header) if name.casefold() == wanted.casefold()]
        return folded[0] if len(folded) == 1 else None


def read_table(path: str | Path) -> tuple[Table | None, list[Problem]]:
    """Read a UTF-8 CSV (BOM allowed) into a Table, or say why it cannot be read."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        return None, [Problem(name, f"cannot be read: {error.strerror or error}")]
    try:
        # A file saved twice by a spreadsheet can start with two BOMs.
        text = raw.decode("utf-8-sig").lstrip("\ufeff")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [
            Problem(
                name,
                f"is not UTF-8 text (byte 0x{raw[error.start]:02x} at offset {error.start}); "
                "save it as 'CSV UTF-8' and try again",
                row=line,
            )
        ]
    if not text.strip():
        return None, [Problem(name, "is empty")]
    if "\x00" in text:
        return None, [Problem(name, "contains NUL bytes; it is not a CSV text file")]
    if text.startswith(("\n", "\r")):
        return None, [Problem(name, "the first row is blank; the header must be the first row", row=1)]

    problems: list[Problem] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            frame = pd.read_csv(
                io.StringIO(text),
                header=None,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,
                on_bad_lines="warn",
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
            open_quote = re.search(r"EOF inside string starting at row (\d+)", str(error))
            if open_quote:
                # pandas counts records from 0, the header included.
                return None, [Problem(name, "a quote opened in this row is never closed", row=int(open_quote.group(1)) + 1)]
            return None, [Problem(name, f"is not a readable CSV file: {error}")]
    skipped: set[int] = set()
    for warning in caught:
        for line, seen in re.findall(r"Skipping line (\d+): expected \d+ fields, saw (\d+)", str(warning.message)):
            problems.append(Problem(name, f"has {seen} fields where the header has fewer; the row is not used", row=int(line)))
            skipped.add(int(line))
    frame = frame.fillna("")
    cells = [tuple(str(cell).strip() for cell in record) for record in frame.itertuples(index=False)]
    lines = _row_numbers(len(cells), skipped)
    header = cells[0]
    for position, column in enumerate(header):
        if not column:
            problems.append(Problem(name, f"column {position + 1} has no name in the header", row=1))
        elif header.index(column) != position:
            problems.append(Problem(name, "the header names this column twice", row=1, column=column))
    rows = tuple((line, row) for line, row in zip(lines[1:], cells[1:]) if any(row))
    return Table(name, header, rows), problems


def load_quotas(path: str | Path) -> QuotaSet:
    """Read a features/quotas file; raise InputError listing every problem."""
    quotas, problems, _ = _read_quotas(path)
    if problems or quotas is None:
        raise InputError(problems)
    return quotas


def load_pool(path: str | Path, quotas: QuotaSet, id_column: str = "id") -> Pool:
    """Read a people file against a quota set; raise InputError listing every problem."""
    pool, problems = _read_pool(path, quotas, id_column)
    if problems or pool is None:
        raise InputError(problems)
    return pool


def load_inputs(
    people: str | Path,
    features: str | Path,
    panel_size: int,
    *,
    id_column: str = "id",
    household_columns: tuple[str, ...] = (),
) -> tuple[Pool, QuotaSet]:
    """Load and validate everything a selection needs, reporting all problems together."""
    quotas, problems, rejected = _read_quotas(features)
    if quotas is None:
        raise InputError(problems)
    pool, pool_problems = _read_pool(people, quotas, id_column, rejected)
    problems += pool_problems
    if pool is not None:
        problems += household_problems(pool, household_columns)
        if not problems:
            problems += panel_size_problems(pool, quotas, panel_size, features_file=str(features))
    if problems or pool is None:
        raise InputError(problems)
    return pool, quotas


def _read_quotas(path: str | Path) -> tuple[QuotaSet | None, list[Problem], frozenset[tuple[str, str]]]:
    """The valid quotas, every problem, and the (feature, value) of rows rejected for a problem."""
    table, problems = read_table(path)
    if table is None:
        return None, problems, frozenset()
    name = table.name
    columns = _feature_columns(table)
    if columns is None:
        expected = " or ".join(",".join(pair) + ",min,max" for pair in _FEATURE_HEADERS)
        problems.append(Problem(name, f"the header must have the columns {expected}", row=1, value=",".join(table.header)))
        return None, problems, frozenset()
    missing = [wanted for wanted in ("min", "max") if table.find_column(wanted) is None]
    for wanted in missing:
        problems.append(Problem(name, "required column is missing from the header", row=1, column=wanted))
    if missing:
        return None, problems, frozenset()
    feature_at, value_at = columns
    numbers = {key: table.find_column(key) for key in ("min", "max", "min_flex", "max_flex")}

    quotas: list[Quota] = []
    rejected: set[tuple[str, str]] = set()
    seen: dict[tuple[str, str], int] = {}
    if not table.rows:
        problems.append(Problem(name, "has a header but no quota rows"))
    for line, row in table.rows:
        feature, value = _cell(row, feature_at), _cell(row, value_at)
        row_problems: list[Problem] = []
        if not feature:
            row_problems.append(Problem(name, "the feature name is empty", line, table.header[feature_at], feature))
        if not value:
            row_problems.append(Problem(name, "the value name is empty", line, table.header[value_at], value))
        if (feature, value) in seen and feature and value:
            row_problems.append(
                Problem(name, f"quota for {feature}={value} is given twice (first in row {seen[(feature, value)]})", line, table.header[value_at], value)
            )
        seen.setdefault((feature, value), line)
        parsed: dict[str, int | None] = {}
        for key, index in numbers.items():
            parsed[key] = None
            if index is None:
                continue
            text = _cell(row, index)
            if text == "" and key.endswith("_flex"):
                continue
            number = _parse_count(text)
            if number is None:
                row_problems.append(Problem(name, "must be a whole number of seats, from 0 to 999999999", line, table.header[index], text))
            parsed[key] = number
        low, high, low_flex, high_flex = (parsed[key] for key in ("min", "max", "min_flex", "max_flex"))
        if low is not None and high is not None and low > high:
            row_problems.append(Problem(name, f"min {low} is larger than max {high}", line, table.header[numbers["min"]], str(low)))
        if low_flex is not None and low is not None and low_flex > low:
            row_problems.append(Problem(name, f"min_flex {low_flex} is larger than min {low}", line, table.header[numbers["min_flex"]], str(low_flex)))
        if high_flex is not None and high is not None and high_flex < high:
            row_problems.append(Problem(name, f"max_flex {high_flex} is smaller than max {high}", line, table.header[numbers["max_flex"]], str(high_flex)))
        problems += row_problems
        if row_problems:
            rejected.add((feature, value))
        else:
            assert low is not None and high is not None
            quotas.append(Quota(feature, value, low, high, low_flex, high_flex))
    return QuotaSet(tuple(quotas)), problems, frozenset(rejected)


def _read_pool(
    path: str | Path, quotas: QuotaSet, id_column: str, rejected: frozenset[tuple[str, str]] = frozenset()
) -> tuple[Pool | None, list[Problem]]:
    """`rejected` names quota rows already reported as wrong: people with those values are not
    reported again as having a value missing from the features file."""
    table, problems = read_table(path)
    if table is None:
        return None, problems
    name = table.name
    id_at = table.find_column(id_column)
    if id_at is None:
        problems.append(
            Problem(name, f"the id column is missing (choose another with --id-column); the header has: {', '.join(table.header)}", 1, id_column)
        )
    feature_at: list[int] = []
    for feature in quotas.features:
        index = table.find_column(feature.name)
        if index is None:
            problems.append(Problem(name, "a column for this feature is missing from the header", 1, feature.name))
        feature_at.append(-1 if index is None else index)
    if not table.rows:
        problems.append(Problem(name, "has a header but no people"))
    if id_at is None or -1 in feature_at:
        return None, problems

    allowed = [frozenset(feature.values) for feature in quotas.features]
    first_row: dict[str, int] = {}
    people: list[Person] = []
    for line, row in table.rows:
        person_id = _cell(row, id_at)
        if not person_id:
            problems.append(Problem(name, "the id is empty", line, table.header[id_at], person_id))
        elif person_id in first_row:
            problems.append(Problem(name, f"duplicate id (first in row {first_row[person_id]})", line, table.header[id_at], person_id))
        else:
            first_row[person_id] = line
        profile = tuple(_cell(row, index) for index in feature_at)
        for feature, index, value, values in zip(quotas.features, feature_at, profile, allowed):
            if value not in values and (feature.name, value) not in rejected:
                problems.append(
                    Problem(name, f"not a value of feature {feature.name!r} in the features file (expected one of: {', '.join(feature.values)})", line, table.header[index], value)
                )
        fields = tuple(_cell(row, index) for index in range(len(table.header)))
        people.append(Person(person_id, profile, fields, line))
    pool = Pool(tuple(people), quotas.feature_names(), table.header, table.header[id_at], name)
    return pool, problems


def _row_numbers(count: int, skipped: set[int]) -> list[int]:
    """Row numbers of the records pandas kept: it renumbers its index past the rows it skipped."""
    return list(itertools.islice((line for line in itertools.count(1) if line not in skipped), count))


def _feature_columns(table: Table) -> tuple[int, int] | None:
    for feature_name, value_name in _FEATURE_HEADERS:
        feature_at, value_at = table.find_column(feature_name), table.find_column(value_name)
        if feature_at is not None and value_at is not None:
            return feature_at, value_at
    return None


def _cell(row: tuple[str, ...], index: int) -> str:
    return row[index] if index < len(row) else ""


def _parse_count(text: str) -> int | None:
    """A non-negative whole number; spreadsheets sometimes write 3 as 3.0.

    At most nine digits: no panel has a billion seats, and int() refuses a string of thousands."""
    match = re.fullmatch(r"0*([0-9]{1,9})(\.0*)?", text)
    return int(match.group(1)) if match else None


def load_shares(path: str | Path) -> tuple[Share, ...]:
    """Read a population shares file (`feature,value,share`); raise InputError listing every problem."""
    table, problems = read_table(path)
    if table is None:
        raise InputError(problems)
    at = {key: table.find_column(key) for key in ("feature", "value", "share")}
    for key, index in at.items():
        if index is None:
            problems.append(Problem(table.name, "required column is missing from the header", 1, key))
    if problems:
        raise InputError(problems)
    shares: list[Share] = []
    totals: dict[str, float] = {}
    for line, row in table.rows:
        feature, value, text = (_cell(row, at[key]) for key in ("feature", "value", "share"))  # type: ignore[arg-type]
        if not feature or not value:
            problems.append(Problem(table.name, "the feature and value must not be empty", line, "feature" if not feature else "value", ""))
            continue
        try:
            share = float(text.rstrip("%"))
        except ValueError:
            share = -1.0
        if not math.isfinite(share) or share < 0:
            problems.append(Problem(table.name, "must be a number, 0 or more", line, "share", text))
            continue
        shares.append(Share(feature, value, share))
        totals[feature] = totals.get(feature, 0.0) + share
    for feature, total in totals.items():
        if total <= 0:
            problems.append(Problem(table.name, f"the shares of feature {feature!r} add up to 0", column="share", value=feature))
    if not table.rows:
        problems.append(Problem(table.name, "has a header but no shares"))
    if problems:
        raise InputError(problems)
    return tuple(shares)
