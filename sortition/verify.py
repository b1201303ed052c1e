"""Independent verification of an audit bundle against the input files.

Nothing the bundle concludes is trusted: the hashes are recomputed from the inputs, every panel
of the distribution is checked against the quotas, the marginals are recomputed from the panels,
the draw is replayed from the seed, and the fair distribution can be solved again.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from sortition.audit import SeedSource, derive_seed, pool_section, quotas_sha256, sha256_of
from sortition.fair import Distribution, Progress, draw_panel, fair_distribution
from sortition.feasibility import find_relaxations
from sortition.instance import Instance, build_instance
from sortition.legacy import select_legacy
from sortition.replacement import candidates_for, missed_quotas, reduced_quotas
from sortition.selection import uniform_index
from stratification import Pool, QuotaSet

__all__ = ["Verification", "verify_bundle", "MARGINAL_TOLERANCE", "RESOLVE_TOLERANCE"]

# Recorded marginals must equal those recomputed from the recorded panels this closely.
MARGINAL_TOLERANCE = 1e-9
# LEXIMIN's marginals are unique: a fresh solve must reproduce them this closely.
RESOLVE_TOLERANCE = 1e-6
# Longest list of ids quoted in one message.
_QUOTED = 10


@dataclass(frozen=True)
class Verification:
    """The discrepancies found (none: the bundle is verified) and notes on what was checked."""

    problems: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_bundle(
    bundle: dict[str, Any],
    pool: Pool,
    quotas: QuotaSet,
    *,
    resolve: bool = True,
    progress: Progress | None = None,
    commitment: dict[str, Any] | None = None,
    previous: tuple[dict[str, Any], str] | None = None,
) -> Verification:
    """Check a bundle against the pool and quotas loaded from the files it claims to describe.

    `commitment` is a published `sortition commit` record the inputs must match. For a
    replacement bundle, `previous` is the bundle it replaces and the SHA-256 of that file.
    """
    columns = tuple(bundle["household_columns"])
    instance = build_instance(pool, quotas, int(bundle["panel_size"]), columns)
    problems: list[str] = []
    notes: list[str] = []
    problems += _pool_problems(bundle["pool"], pool_section(pool, instance, columns))
    problems += _quota_problems(bundle["quotas"], quotas)
    if commitment is not None:
        problems += _commitment_problems(commitment, bundle, notes)
    problems += _seed_problems(bundle, notes)
    if bundle["kind"] == "replacement":
        problems += _link_problems(bundle, previous, notes)
    if any(problem.startswith("pool:") for problem in problems):
        notes.append("the distribution and the draw were not checked: the bundle's people are not the people file's")
        return Verification(tuple(problems), tuple(notes))
    drawn_ids: list[str] = bundle["selected"]
    if bundle["kind"] == "replacement":
        found, instance, drawn_ids = _replacement_problems(bundle, pool, quotas, columns)
        problems += found
        if instance is None:
            return Verification(tuple(problems), tuple(notes))
    distribution = bundle["distribution"]
    if distribution is not None:
        problems += _hash_problems(distribution)
        if distribution["unit"] == "types" and distribution["types"] != [[instance.ids[p] for p in members] for members in instance.type_members]:
            problems.append("distribution: its types are not the groups of interchangeable people in the inputs")
            return Verification(tuple(problems), tuple(notes))
        problems += _distribution_problems(distribution, bundle, instance)
    problems += _replay_problems(bundle, instance, drawn_ids)
    if sorted(bundle["reserve"]) != sorted({person.id for person in pool.people} - set(bundle["selected"])):
        problems.append("reserve: it is not the people of the pool who are not selected")
    if resolve and distribution is not None and not problems:
        problems += _resolve(bundle, instance, notes, progress)
    return Verification(tuple(problems), tuple(notes))


def _listed(items: Iterable[str]) -> str:
    items = list(items)
    shown = ", ".join(items[:_QUOTED])
    return shown + (f" and {len(items) - _QUOTED} more" if len(items) > _QUOTED else "")


def _profiles(section: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {person: dict(zip(section["features"], t["profile"])) for t in section["types"] for person in t["members"]}


def _pool_problems(recorded: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    if recorded["sha256"] == actual["sha256"]:
        return []
    problems = [f"pool: the people file hashes to {actual['sha256']}, the bundle committed to {recorded['sha256']}"]
    before, after = _profiles(recorded), _profiles(actual)
    gone = sorted(set(before) - set(after))
    new = sorted(set(after) - set(before))
    if gone:
        problems.append(f"pool: in the bundle but not in the people file: {_listed(gone)}")
    if new:
        problems.append(f"pool: in the people file but not in the bundle: {_listed(new)}")
    for person in sorted(set(before) & set(after)):
        for feature in sorted(set(before[person]) | set(after[person])):
            was, now = before[person].get(feature), after[person].get(feature)
            if was != now:
                problems.append(f"pool: person {person}: {feature} is {now!r} in the people file, {was!r} in the bundle")
    if len(problems) == 1:
        problems.append("pool: every id and feature value agrees, so the households (the household columns) differ")
    return problems


def _quota_problems(recorded: dict[str, Any], quotas: QuotaSet) -> list[str]:
    actual = quotas_sha256(quotas)
    if recorded["sha256"] == actual:
        return []
    problems = [f"quotas: the features file hashes to {actual}, the bundle committed to {recorded['sha256']}"]
    before = {(r["feature"], r["value"]): (r["min"], r["max"]) for r in recorded["rows"]}
    after = {(q.feature, q.value): (q.min, q.max) for q in quotas.quotas}
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            was, now = (f"min {b[0]}, max {b[1]}" if b else "absent" for b in (before.get(key), after.get(key)))
            problems.append(f"quotas: {key[0]}={key[1]} is {now} in the features file, {was} in the bundle")
    return problems


def _seed_problems(bundle: dict[str, Any], notes: list[str]) -> list[str]:
    seed = bundle["seed"]
    if seed["source"] not in ("dice", "beacon"):
        notes.append(f"seed {seed['value']} was {seed['source']}: nothing binds it to the inputs")
        return []
    source = SeedSource(seed["source"], seed["input"])
    dropouts = bundle["replacement"]["dropouts"] if bundle["kind"] == "replacement" else None
    derived = derive_seed(source, bundle["pool"]["sha256"], bundle["quotas"]["sha256"], int(bundle["panel_size"]), dropouts)
    if derived != seed["value"]:
        return [f"seed: {source.kind} {source.input!r} with the committed hashes gives seed {derived}, the bundle says {seed['value']}"]
    notes.append(f"seed {derived} derives from {source.kind} {source.input!r} and the committed input hashes")
    return []


def _commitment_problems(commitment: dict[str, Any], bundle: dict[str, Any], notes: list[str]) -> list[str]:
    recorded = {
        "pool_sha256": bundle["pool"]["sha256"],
        "quotas_sha256": bundle["quotas"]["sha256"],
        "panel_size": bundle["panel_size"],
        "household_columns": bundle["household_columns"],
    }
    problems = [
        f"commitment: {key} is {commitment.get(key)!r} in the commitment, {value!r} in the bundle"
        for key, value in recorded.items() if commitment.get(key) != value
    ]
    if not problems:
        notes.append("the bundle's inputs are the committed ones")
    return problems


def _link_problems(bundle: dict[str, Any], previous: tuple[dict[str, Any], str] | None, notes: list[str]) -> list[str]:
    """A replacement bundle must name the previous bundle by hash, and start from its panel and inputs."""
    if previous is None:
        notes.append(f"the previous bundle ({bundle['replaces']['bundle']}) was not checked: it was not given")
        return []
    earlier, digest = previous
    problems = []
    if digest != bundle["replaces"]["sha256"]:
        problems.append(f"replaces: the previous bundle's file hashes to {digest}, this bundle names {bundle['replaces']['sha256']}")
    for section in ("pool", "quotas"):
        if earlier[section]["sha256"] != bundle[section]["sha256"]:
            problems.append(f"replaces: the previous bundle was drawn from other {section} ({earlier[section]['sha256']})")
    if sorted(earlier["selected"]) != sorted(bundle["replacement"]["previous_panel"]):
        problems.append("replaces: the panel before the replacement is not the previous bundle's selected panel")
    if not problems:
        notes.append("the previous bundle is the one named, and its panel is the one replaced")
    return problems


def _replacement_problems(bundle: dict[str, Any], pool: Pool, quotas: QuotaSet, columns: tuple[str, ...]) -> tuple[list[str], Instance | None, list[str]]:
    """Derive the replacement's candidates and quotas again; check the new panel is the old one
    minus the dropouts plus the added people, and the missed quotas.

    Returns the problems, the instance the replacements were drawn from (None when it cannot be
    derived) and the ids the draw must have selected.
    """
    record = bundle["replacement"]
    before, dropouts, added = list(record["previous_panel"]), list(record["dropouts"]), list(record["added"])
    problems = []
    if len(before) != int(bundle["panel_size"]) or not set(dropouts) <= set(before) or not set(before) <= {person.id for person in pool.people}:
        return [f"replacement: the dropouts {_listed(dropouts)} are not all on a panel of {bundle['panel_size']} from the pool"], None, added
    kept = tuple(sorted(set(before) - set(dropouts)))
    expected = sorted([*kept, *added])
    if expected != sorted(bundle["selected"]):
        problems.append("selected: the new panel is not the previous panel without the dropouts and with the added people")
    reduced = reduced_quotas(pool, quotas, kept)
    recorded = {(row["feature"], row["value"]): (row["min"], row["max"]) for row in record["quotas"]}
    if set(recorded) != {(q.feature, q.value) for q in reduced.quotas}:
        return [*problems, "replacement: its quotas are not those of the features file"], None, added
    drawn_with = QuotaSet(tuple(replace(q, min=recorded[q.feature, q.value][0], max=recorded[q.feature, q.value][1]) for q in reduced.quotas))
    candidates = candidates_for(pool, set(before), kept, columns)
    problems += _relaxation_problems(reduced, drawn_with, build_instance(candidates, reduced, len(dropouts), columns))
    missed = [asdict(m) for m in missed_quotas(pool, quotas, tuple(expected))]
    if missed != record["missed"]:
        problems.append(f"replacement: the new panel misses {missed or 'no quota'}, the bundle says {record['missed'] or 'none'}")
    return problems, build_instance(candidates, drawn_with, len(dropouts), columns), added


def _relaxation_problems(reduced: QuotaSet, drawn_with: QuotaSet, instance: Instance) -> list[str]:
    """The replacements' quotas are the reduced ones, or a smallest relaxation of them when those cannot be met."""
    loosened = sum(max(0, a.min - b.min) + max(0, b.max - a.max) for a, b in zip(reduced.quotas, drawn_with.quotas))
    tightened = any(b.min > a.min or b.max < a.max for a, b in zip(reduced.quotas, drawn_with.quotas))
    needed = sum(abs(r.needed - r.current) for r in find_relaxations(instance))
    if tightened or loosened != needed:
        return [f"replacement: its quotas loosen the quotas left by the kept members by {loosened} seats, the smallest relaxation needs {needed}"]
    return []


def _dense_panels(distribution: dict[str, Any], types: int) -> np.ndarray:
    panels = np.zeros((len(distribution["panels"]), types), dtype=np.int64)
    for j, panel in enumerate(distribution["panels"]):
        for t, seats in panel:
            panels[j, t] = seats
    return panels


def _hash_problems(distribution: dict[str, Any]) -> list[str]:
    actual = sha256_of({key: value for key, value in distribution.items() if key != "sha256"})
    return [] if actual == distribution["sha256"] else [f"distribution: its content hashes to {actual}, the bundle says {distribution['sha256']}"]


def _distribution_problems(distribution: dict[str, Any], bundle: dict[str, Any], instance: Instance) -> list[str]:
    """The lottery's panels against the inputs, its probabilities, and the marginals they give."""
    if distribution["unit"] == "people":
        return _uniform_problems(distribution, bundle, instance)
    sizes = _type_sizes(instance)
    if any(not 0 <= t < len(sizes) for panel in distribution["panels"] for t, _ in panel):
        return ["distribution: a panel refers to a type the pool does not have"]
    panels = _dense_panels(distribution, len(sizes))
    problems = _feasibility_problems(panels, instance)
    probabilities = np.array(distribution["probabilities"], dtype=float)
    if len(probabilities) != len(panels):
        return [*problems, f"distribution: {len(panels)} panels but {len(probabilities)} probabilities"]
    if np.any(probabilities < 0) or np.any(probabilities > 1):
        problems.append("distribution: a probability lies outside [0, 1]")
    if abs(probabilities.sum() - 1) > MARGINAL_TOLERANCE:
        problems.append(f"distribution: the probabilities sum to {probabilities.sum()!r}, not 1")
    type_marginals = probabilities @ panels / sizes
    return problems + _marginal_problems(bundle["marginals"], type_marginals[instance.type_of], instance)


def _uniform_problems(distribution: dict[str, Any], bundle: dict[str, Any], instance: Instance) -> list[str]:
    """A transparent lottery: M panels of known, distinct people, each feasible; marginals are shares of the M panels."""
    panels, count = distribution["panels"], bundle["settings"]["uniform_panels"]
    if len(panels) != count:
        return [f"distribution: {len(panels)} panels, but the settings say {count} uniform panels"]
    index = {person_id: p for p, person_id in enumerate(instance.ids)}
    unknown = sorted({i for panel in panels for i in panel if i not in index})
    if unknown:
        return [f"distribution: panels list people who are not in the pool: {_listed(unknown)}"]
    repeated = [j for j, panel in enumerate(panels) if len(set(panel)) != len(panel)]
    if repeated:
        return [f"distribution: panels {_listed(map(str, repeated))} list someone twice"]
    people = [[index[i] for i in panel] for panel in panels]
    counts = np.array([np.bincount(instance.type_of[panel], minlength=len(instance.type_members)) for panel in people], dtype=np.int64)
    problems = _feasibility_problems(counts.reshape(len(panels), len(instance.type_members)), instance)
    shares = np.bincount(np.concatenate([np.array(panel, dtype=np.int64) for panel in people] or [np.zeros(0, np.int64)]), minlength=instance.size) / count
    problems += _marginal_problems(bundle["marginals"], shares, instance)
    fair = distribution["fair_marginals"]
    if sorted(fair) != sorted(instance.ids):
        return [*problems, "distribution: fair_marginals does not list every person of the pool once"]
    change = max(abs(shares[p] - fair[person_id]) for p, person_id in enumerate(instance.ids))
    if abs(change - distribution["largest_change"]) > MARGINAL_TOLERANCE:
        problems.append(f"distribution: the largest change from the fair marginals is {change!r}, the bundle says {distribution['largest_change']!r}")
    return problems


def _type_sizes(instance: Instance) -> np.ndarray:
    return np.array([len(m) for m in instance.type_members], dtype=np.int64)


def _feasibility_problems(panels: np.ndarray, instance: Instance) -> list[str]:
    """Every panel (seats per type) against the size, the quotas and the households; the first few faults."""
    sizes = _type_sizes(instance)
    type_has = instance.has_value[[m[0] for m in instance.type_members]].astype(np.int64)
    faults = [f"distribution: panel {j}: {fault}" for j, panel in enumerate(panels) for fault in _panel_faults(panel, sizes, type_has, instance)]
    return faults[:_QUOTED] + ([f"distribution: and {len(faults) - _QUOTED} more faults in the panels"] if len(faults) > _QUOTED else [])


def _marginal_problems(recorded: dict[str, float], marginals: np.ndarray, instance: Instance) -> list[str]:
    wrong = [person_id for p, person_id in enumerate(instance.ids) if abs(recorded.get(person_id, -1.0) - marginals[p]) > MARGINAL_TOLERANCE]
    return [f"marginals: recorded probabilities disagree with the panels for {_listed(wrong)}"] if wrong else []


def _panel_faults(panel: np.ndarray, sizes: np.ndarray, type_has: np.ndarray, instance: Instance) -> list[str]:
    faults = []
    if panel.sum() != instance.panel_size:
        faults.append(f"has {panel.sum()} seats, not {instance.panel_size}")
    if np.any(panel < 0) or np.any(panel > sizes):
        faults.append("takes more people of a type than the type has")
    counts = panel @ type_has
    for q in np.flatnonzero((counts < instance.lower) | (counts > instance.upper)).tolist():
        faults.append(f"has {counts[q]} seats for {instance.quota_label(q)}, outside its quota {instance.lower[q]}-{instance.upper[q]}")
    for household in instance.type_households:
        if panel[list(household)].sum() > 1:
            faults.append("seats two members of one household: " + ", ".join(instance.ids[instance.type_members[t][0]] for t in household))
    return faults


def _replay_problems(bundle: dict[str, Any], instance: Instance, drawn_ids: list[str]) -> list[str]:
    """Draw again from the seed with the recorded distribution (or the legacy algorithm)."""
    rng = random.Random(bundle["seed"]["value"])
    recorded = bundle["distribution"]
    if recorded is None:
        people = select_legacy(instance, rng)
        value = index = None
    elif recorded["unit"] == "people":
        value = rng.random()
        index = uniform_index(value, len(recorded["panels"]))
        position = {person_id: p for p, person_id in enumerate(instance.ids)}
        people = [position[i] for i in recorded["panels"][index]]
    else:
        panels = _dense_panels(recorded, len(instance.type_members))
        distribution = Distribution(tuple(map(tuple, panels.tolist())), tuple(recorded["probabilities"]), ())
        value, index, people = draw_panel(distribution, instance, rng)
    problems = []
    draw = bundle["draw"] or {"random_value": None, "panel_index": None}
    if value != draw["random_value"]:
        problems.append(f"draw: the seed gives random value {value!r}, the bundle says {draw['random_value']!r}")
    if index != draw["panel_index"]:
        problems.append(f"draw: the seed picks panel {index}, the bundle says panel {draw['panel_index']}")
    replayed = {instance.ids[p] for p in people}
    recorded_ids = set(drawn_ids)
    if replayed != recorded_ids:
        field = "added" if bundle["kind"] == "replacement" else "selected"
        problems.append(f"{field}: the bundle lists {_listed(sorted(recorded_ids - replayed))} but the replay selects {_listed(sorted(replayed - recorded_ids))} instead")
    return problems


def _resolve(bundle: dict[str, Any], instance: Instance, notes: list[str], progress: Progress | None) -> list[str]:
    """Solve again and measure how far the fresh marginals are from the recorded fair ones."""
    algorithm = bundle["algorithm"]
    fresh = fair_distribution(instance, algorithm, progress).type_marginals
    distribution = bundle["distribution"]
    recorded = distribution["fair_marginals"] if distribution["unit"] == "people" else bundle["marginals"]
    distance = max(abs(fresh[t] - recorded[instance.ids[p]]) for p, t in enumerate(instance.type_of.tolist()))
    notes.append(f"re-solved {algorithm}: the fair marginals differ from the recorded ones by at most {distance:.3g}")
    if algorithm == "leximin" and distance > RESOLVE_TOLERANCE:
        return [f"marginals: a fresh LEXIMIN solve differs from the recorded marginals by {distance:.3g} (more than {RESOLVE_TOLERANCE:g})"]
    return []
