"""The audit bundle (`audit.json`): what an auditor needs to re-run a draw and get the same panel.

The bundle holds ids and feature values only, never names, contact data or addresses. Every
hash is the SHA-256 of a *canonical JSON* text: UTF-8, keys sorted, no spaces, floats written
as Python writes them (the shortest text that reads back as the same number). docs/audit.md
documents each field for auditors.
"""

from __future__ import annotations

import hashlib
import json
import platform
import re
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from sortition.instance import Instance, build_instance
from sortition.replacement import Replacement
from sortition.selection import Selection
from stratification import InputError, Pool, Problem, QuotaSet, find_households

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "SeedSource",
    "canonical_json",
    "sha256_of",
    "pool_sha256",
    "quotas_sha256",
    "derive_seed",
    "parse_seed_source",
    "build_bundle",
    "build_replacement_bundle",
    "file_sha256",
    "write_bundle",
    "read_json_object",
    "read_bundle",
]

FORMAT = "assembly-toolkit audit bundle"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class SeedSource:
    """Where a seed came from: "given" (a number), "random" (the operating system), "dice" or
    "beacon" (public randomness, entered after the pool and quotas were committed)."""

    kind: str
    input: str | None = None


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False).encode("utf-8")


def sha256_of(value: Any) -> str:
    return hashlib.sha256(canonical_json(value)).hexdigest()


def pool_sha256(pool: Pool, household_columns: tuple[str, ...]) -> str:
    """Hash of the canonical pool: features (sorted), every person's id and feature values (sorted
    by id), and the households as lists of ids, so that a changed address that matters is seen."""
    features = sorted(pool.features)
    people = sorted([person.id, *(pool.value(person, feature) for feature in features)] for person in pool.people)
    households = [list(group) for group in find_households(pool, household_columns)]
    return sha256_of({"features": features, "people": people, "households": households})


def quotas_sha256(quotas: QuotaSet) -> str:
    """Hash of the quotas as sorted [feature, value, min, max] rows (flex columns do not change a draw)."""
    return sha256_of(sorted([q.feature, q.value, q.min, q.max] for q in quotas.quotas))


def parse_seed_source(kind: str, text: str) -> SeedSource:
    """Normalise dice rolls ("3, 6, 1") or a beacon value (hex); a bad value is an InputError."""
    if kind == "dice":
        rolls = [part.strip() for part in text.split(",")]
        if not all(re.fullmatch(r"\d{1,3}", roll) for roll in rolls):
            raise InputError([Problem("--dice", "expected the rolls as whole numbers separated by commas, e.g. 3,6,1,4", value=text)])
        return SeedSource("dice", ",".join(str(int(roll)) for roll in rolls))
    if kind == "beacon":
        value = text.strip().lower().removeprefix("0x")
        if not re.fullmatch(r"[0-9a-f]{16,}", value):
            raise InputError([Problem("--beacon", "expected at least 16 hexadecimal digits", value=text)])
        return SeedSource("beacon", value)
    raise ValueError(f"unknown seed source {kind!r}")


def derive_seed(source: SeedSource, pool_hash: str, quotas_hash: str, panel_size: int, dropouts: list[str] | None = None) -> int:
    """The seed for public randomness: the source hashed with the committed inputs (63 bits).

    The organiser cannot choose the seed: the dice or beacon value comes after the pool and
    quotas are frozen, and the seed depends on all of them (and, for a replacement, on the
    sorted ids of the dropouts).
    """
    material: dict[str, Any] = {"source": source.kind, "input": source.input, "pool_sha256": pool_hash, "quotas_sha256": quotas_hash, "panel_size": panel_size}
    if dropouts is not None:
        material["dropouts"] = sorted(dropouts)
    return int.from_bytes(hashlib.sha256(canonical_json(material)).digest()[:8], "big") >> 1


def toolkit_version() -> str:
    return metadata.version("assembly-toolkit")


def solver_description(algorithm: str, solver: str | None) -> dict[str, str]:
    """The solver that decided the draw: HiGHS for the fair algorithms; for legacy, the one that checked feasibility."""
    if algorithm != "legacy" or solver in (None, "highs"):
        return {"name": "HiGHS (highspy)", "version": metadata.version("highspy")}
    return {"name": "CBC (PuLP)", "version": metadata.version("pulp")}


def pool_section(pool: Pool, instance: Instance, household_columns: tuple[str, ...]) -> dict[str, Any]:
    """The canonical pool as types: each distinct profile with its members' ids (sorted)."""
    features = sorted(pool.features)
    types = []
    for members in instance.type_members:
        person = pool.person(instance.ids[members[0]])
        types.append({"profile": [pool.value(person, f) for f in features], "members": [instance.ids[p] for p in members]})
    return {
        "sha256": pool_sha256(pool, household_columns),
        "size": len(pool),
        "id_column": pool.id_column,
        "features": features,
        "types": types,
    }


def distribution_section(selection: Selection, instance: Instance) -> dict[str, Any] | None:
    """The lottery the panel was drawn from, with the hash of its content.

    Unit "types": the types (lists of ids), panels as sparse [type, seats] lists, probabilities.
    Unit "people" (a transparent lottery): the M panels as lists of ids, each person's fair
    marginal before rounding and the largest change.
    """
    if selection.distribution is None:
        return None
    if selection.uniform is None:
        content: dict[str, Any] = {
            "unit": "types",
            "types": [[instance.ids[p] for p in members] for members in instance.type_members],
            "panels": [[[t, c] for t, c in enumerate(panel) if c] for panel in selection.distribution.panels],
            "probabilities": list(selection.distribution.probabilities),
        }
    else:
        lottery = selection.uniform
        content = {
            "unit": "people",
            "panels": [sorted(instance.ids[p] for p in panel) for panel in lottery.panels],
            "fair_marginals": dict(zip(instance.ids, lottery.fair_marginals)),
            "largest_change": lottery.largest_change,
        }
    return {**content, "sha256": sha256_of(content)}


def build_bundle(pool: Pool, quotas: QuotaSet, selection: Selection, source: SeedSource, solver: str | None = None) -> dict[str, Any]:
    """The audit bundle of a selection, as a JSON-ready dict."""
    return _bundle("selection", pool, quotas, selection.panel_size, selection, source, solver)


def build_replacement_bundle(
    pool: Pool, quotas: QuotaSet, panel_size: int, replacement: Replacement, source: SeedSource, previous: tuple[str, str], solver: str | None = None
) -> dict[str, Any]:
    """The audit bundle of a replacement; `previous` is the earlier bundle's path (relative to
    the new bundle's folder) and the SHA-256 of its bytes."""
    bundle = _bundle("replacement", pool, quotas, panel_size, replacement.draw, source, solver, replacement.candidates, replacement.quotas)
    bundle["replaces"] = {"bundle": previous[0], "sha256": previous[1]}
    bundle["replacement"] = {
        "previous_panel": sorted(replacement.kept + replacement.dropouts),
        "dropouts": list(replacement.dropouts),
        "added": list(replacement.added),
        "quotas": _quota_rows(replacement.quotas),
        "missed": [asdict(missed) for missed in replacement.missed],
    }
    bundle["selected"] = list(replacement.panel)
    bundle["reserve"] = _reserve(pool, replacement.panel)
    return bundle


def _bundle(
    kind: str, pool: Pool, quotas: QuotaSet, panel_size: int, selection: Selection, source: SeedSource, solver: str | None,
    drawn_from: Pool | None = None, drawn_with: QuotaSet | None = None,
) -> dict[str, Any]:
    """The fields every bundle has; the draw's instance is `drawn_from` under `drawn_with` (default: the pool and quotas)."""
    columns = selection.household_columns
    instance = build_instance(pool, quotas, panel_size, columns)
    draw_instance = build_instance(drawn_from or pool, drawn_with or quotas, selection.panel_size, columns)
    marginals = None if selection.marginals is None else dict(zip(selection.ids, selection.marginals))
    draw = None if selection.random_value is None else {"random_value": selection.random_value, "panel_index": selection.panel_index}
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "kind": kind,
        "toolkit_version": toolkit_version(),
        "python_version": platform.python_version(),
        "algorithm": selection.algorithm,
        "settings": {"uniform_panels": None if selection.uniform is None else len(selection.uniform.panels)},
        "solver": solver_description(selection.algorithm, solver),
        "pool": pool_section(pool, instance, columns),
        "quotas": {"sha256": quotas_sha256(quotas), "rows": _quota_rows(quotas)},
        "panel_size": panel_size,
        "household_columns": list(columns),
        "seed": {"value": selection.seed, "source": source.kind, "input": source.input},
        "distribution": distribution_section(selection, draw_instance),
        "marginals": marginals,
        "draw": draw,
        "selected": list(selection.panel),
        "reserve": _reserve(pool, selection.panel),
    }


def _reserve(pool: Pool, panel: tuple[str, ...]) -> list[str]:
    """The pool people not on the panel, sorted: those a later replacement may draw from."""
    chosen = set(panel)
    return sorted(person.id for person in pool.people if person.id not in chosen)


def _quota_rows(quotas: QuotaSet) -> list[dict[str, Any]]:
    return [{"feature": q.feature, "value": q.value, "min": q.min, "max": q.max} for q in quotas.quotas]


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes (how a replacement bundle names the bundle it follows)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_bundle(path: Path, bundle: dict[str, Any]) -> None:
    """Write the bundle as readable JSON: objects indented, each panel or type on one line.
    (The hashes are over canonical JSON, not this text.)"""
    path.write_text(_readable(bundle) + "\n", encoding="utf-8")


def _readable(value: Any, indent: str = "") -> str:
    def compact(item: Any) -> str:
        return json.dumps(item, ensure_ascii=False, sort_keys=True, separators=(", ", ": "), allow_nan=False)

    inner = indent + " "
    if isinstance(value, dict) and value:
        return "{\n" + ",\n".join(f"{inner}{compact(k)}: {_readable(v, inner)}" for k, v in sorted(value.items())) + f"\n{indent}}}"
    if isinstance(value, list) and any(isinstance(item, (list, dict)) for item in value):
        return "[\n" + ",\n".join(inner + compact(item) for item in value) + f"\n{indent}]"
    return compact(value)


def read_json_object(path: Path) -> dict[str, Any]:
    """Read a JSON file holding one object (a bundle, a commitment); anything else is an InputError."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError([Problem(str(path), f"cannot be read: {error.strerror or error}")]) from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError([Problem(str(path), f"is not a JSON file: {error}")]) from error
    if not isinstance(value, dict):
        raise InputError([Problem(str(path), "is not a JSON object")])
    return value


def read_bundle(path: Path) -> dict[str, Any]:
    """Read an audit.json; anything that is not a bundle of a known format is an InputError."""
    bundle = read_json_object(path)
    if bundle.get("format") != FORMAT:
        raise InputError([Problem(str(path), "is not an audit bundle (no \"format\": \"assembly-toolkit audit bundle\")")])
    if bundle.get("format_version") != FORMAT_VERSION:
        raise InputError([Problem(str(path), f"has format version {bundle.get('format_version')!r}; this toolkit reads version {FORMAT_VERSION}")])
    return bundle
