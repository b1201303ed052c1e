"""Independent verification of an audit bundle against the input files.

Nothing the bundle concludes is trusted: the hashes are recomputed from the inputs, every panel
of the distribution is checked against the quotas, the marginals are recomputed from the panels,
the draw is replayed from the seed, and the fair distribution can be solved again.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from sortition.audit import SeedSource, derive_seed, pool_section, quotas_sha256, sha256_of
from sortition.fair import Distribution, Progress, draw_panel, fair_distribution
from sortition.instance import Instance, build_instance
from sortition.legacy import select_legacy
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


def verify_bundle(bundle: dict[str, Any], pool: Pool, quotas: QuotaSet, *, resolve: bool = True, progress: Progress | None = None) -> Verification:
    """Check a bundle against the pool and quotas loaded from the files it claims to describe."""
    columns = tuple(bundle["household_columns"])
    panel_size = int(bundle["panel_size"])
    instance = build_instance(pool, quotas, panel_size, columns)
    problems: list[str] = []
    notes: list[str] = []
    problems += _pool_problems(bundle["pool"], pool_section(pool, instance, columns))
    problems += _quota_problems(bundle["quotas"], quotas)
    problems += _seed_problems(bundle, notes)
    distribution = bundle["distribution"]
    if problems and problems[0].startswith("pool:"):
        notes.append("the distribution and the draw were not checked: the bundle's people are not the people file's")
        return Verification(tuple(problems), tuple(notes))
    if distribution is not None:
        problems += _distribution_problems(distribution, bundle["marginals"], instance)
    problems += _replay_problems(bundle, instance)
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
    derived = derive_seed(source, bundle["pool"]["sha256"], bundle["quotas"]["sha256"], int(bundle["panel_size"]))
    if derived != seed["value"]:
        return [f"seed: {source.kind} {source.input!r} with the committed hashes gives seed {derived}, the bundle says {seed['value']}"]
    notes.append(f"seed {derived} derives from {source.kind} {source.input!r} and the committed input hashes")
    return []


def _dense_panels(distribution: dict[str, Any], types: int) -> np.ndarray:
    panels = np.zeros((len(distribution["panels"]), types), dtype=np.int64)
    for j, panel in enumerate(distribution["panels"]):
        for t, seats in panel:
            panels[j, t] = seats
    return panels


def _distribution_problems(distribution: dict[str, Any], marginals: dict[str, float], instance: Instance) -> list[str]:
    content = {key: value for key, value in distribution.items() if key != "sha256"}
    problems = []
    if sha256_of(content) != distribution["sha256"]:
        problems.append(f"distribution: its panels and probabilities hash to {sha256_of(content)}, the bundle says {distribution['sha256']}")
    sizes = np.array([len(m) for m in instance.type_members], dtype=np.int64)
    if any(not 0 <= t < len(sizes) for panel in distribution["panels"] for t, _ in panel):
        return [*problems, "distribution: a panel refers to a type the pool does not have"]
    panels = _dense_panels(distribution, len(sizes))
    type_has = instance.has_value[[m[0] for m in instance.type_members]].astype(np.int64)
    faults = [f"distribution: panel {j}: {fault}" for j, panel in enumerate(panels) for fault in _panel_faults(panel, sizes, type_has, instance)]
    problems += faults[:_QUOTED] + ([f"distribution: and {len(faults) - _QUOTED} more faults in the panels"] if len(faults) > _QUOTED else [])
    probabilities = np.array(distribution["probabilities"], dtype=float)
    if len(probabilities) != len(panels):
        return [*problems, f"distribution: {len(panels)} panels but {len(probabilities)} probabilities"]
    if np.any(probabilities < 0) or np.any(probabilities > 1):
        problems.append("distribution: a probability lies outside [0, 1]")
    if abs(probabilities.sum() - 1) > MARGINAL_TOLERANCE:
        problems.append(f"distribution: the probabilities sum to {probabilities.sum()!r}, not 1")
    type_marginals = probabilities @ panels / sizes
    wrong = [
        instance.ids[p] for p, t in enumerate(instance.type_of.tolist())
        if abs(marginals.get(instance.ids[p], -1.0) - type_marginals[t]) > MARGINAL_TOLERANCE
    ]
    if wrong:
        problems.append(f"marginals: recorded probabilities disagree with the panels for {_listed(wrong)}")
    return problems


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


def _replay_problems(bundle: dict[str, Any], instance: Instance) -> list[str]:
    """Draw again from the seed with the recorded distribution (or the legacy algorithm)."""
    rng = random.Random(bundle["seed"]["value"])
    if bundle["distribution"] is None:
        people = select_legacy(instance, rng)
        value = index = None
    else:
        recorded = bundle["distribution"]
        panels = _dense_panels(recorded, len(instance.type_members))
        distribution = Distribution(tuple(map(tuple, panels.tolist())), tuple(recorded["probabilities"]), ())
        value, index, people = draw_panel(distribution, instance, rng)
    problems = []
    draw = bundle["draw"]
    if value != draw["random_value"]:
        problems.append(f"draw: the seed gives random value {value!r}, the bundle says {draw['random_value']!r}")
    if index != draw["panel_index"]:
        problems.append(f"draw: the seed picks panel {index}, the bundle says panel {draw['panel_index']}")
    replayed = {instance.ids[p] for p in people}
    recorded_ids = set(bundle["selected"])
    if replayed != recorded_ids:
        problems.append(f"selected: the bundle lists {_listed(sorted(recorded_ids - replayed))} but the replay selects {_listed(sorted(replayed - recorded_ids))} instead")
    return problems


def _resolve(bundle: dict[str, Any], instance: Instance, notes: list[str], progress: Progress | None) -> list[str]:
    """Solve again and measure how far the fresh marginals are from the recorded ones."""
    algorithm = bundle["algorithm"]
    fresh = fair_distribution(instance, algorithm, progress).type_marginals
    recorded = bundle["marginals"]
    distance = max(abs(fresh[t] - recorded[instance.ids[p]]) for p, t in enumerate(instance.type_of.tolist()))
    notes.append(f"re-solved {algorithm}: the marginals differ from the recorded ones by at most {distance:.3g}")
    if algorithm == "leximin" and distance > RESOLVE_TOLERANCE:
        return [f"marginals: a fresh LEXIMIN solve differs from the recorded marginals by {distance:.3g} (more than {RESOLVE_TOLERANCE:g})"]
    return []
