"""Fair lotteries by column generation over types: LEXIMIN, MAXIMIN and NASH.

A *distribution* is a list of panels with probabilities; a person's *marginal* is their chance
of being on the drawn panel. Panels are vectors of counts per type (see `Instance`): people of
one type are interchangeable, so the optimum gives them equal marginals and the individuals are
drawn uniformly inside their type once a panel is drawn (Flanigan, Gölz, Gupta, Hennig and
Procaccia, "Fair algorithms for selecting citizens' assemblies", Nature 2021).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sortition.highs_models import DualMaster, PanelOracle, panel_rows, solve_fixed_primal
from sortition.instance import Instance
from sortition.relaxed import decompose, relaxed_leximin

__all__ = ["Distribution", "Progress", "fair_distribution", "draw_panel", "FAIR_ALGORITHMS"]

FAIR_ALGORITHMS = ("leximin", "maximin", "nash")

Progress = Callable[[str, int, float], None]
"""Called as progress(phase, iteration, current minimum probability)."""

# A new panel must beat the current dual bound by this much to be worth adding.
_PRICING_TOLERANCE = 1e-9
# Dual values below this count as zero when deciding which types are tight.
_TIGHT = 1e-9
# A stage ends when its upper and lower bounds are this close.
_GAP = 1e-9
# Weight of the best-bound duals when smoothing (Wentges): 0 is plain column generation.
_SMOOTHING = 0.7
# NASH stops when no panel improves the objective's gradient by more than this fraction: the
# sum of log-marginals is then within this fraction of the number of people of its optimum.
_NASH_GAP = 1e-6
# The panels found from the relaxation must give every type its leximin probability this closely.
_REALISED = 1e-9
# Probabilities below this are rounding noise and are dropped from the final distribution.
_NEGLIGIBLE = 1e-12


@dataclass(frozen=True)
class Distribution:
    """Panels (counts per type, in canonical order) with their probabilities, and each type's marginal."""

    panels: tuple[tuple[int, ...], ...]
    probabilities: tuple[float, ...]
    type_marginals: tuple[float, ...]


def fair_distribution(instance: Instance, algorithm: str, progress: Progress | None = None) -> Distribution:
    """The LEXIMIN, MAXIMIN or NASH distribution over feasible panels of the instance."""
    report = progress or (lambda phase, iteration, minimum: None)
    sizes = np.array([len(members) for members in instance.type_members], dtype=np.int64)
    if algorithm in ("leximin", "maximin"):
        found = _through_relaxation(instance, sizes, algorithm, report)
        if found is not None:
            return found
    oracle = PanelOracle(sizes, instance.type_values, instance.lower, instance.upper, instance.panel_size, instance.type_households)
    panels, reachable = _covering_panels(oracle, sizes, report)
    if algorithm == "nash":
        probabilities = _nash(oracle, panels, sizes, reachable, report)
    elif algorithm in ("leximin", "maximin"):
        floor = _leximin_floor(oracle, panels, sizes, reachable, report, stages=None if algorithm == "leximin" else 1)
        stacked = np.array(panels)
        probabilities = solve_fixed_primal(stacked, sizes, floor)
    else:
        raise ValueError(f"unknown fair algorithm {algorithm!r}")
    return _canonical(np.array(panels), probabilities, sizes)


def _through_relaxation(instance: Instance, sizes: np.ndarray, algorithm: str, report: Progress) -> Distribution | None:
    """LEXIMIN (or MAXIMIN) from the leximin point of the fractional panels, when real panels
    realise it (see sortition.relaxed); None when they do not, for column generation to decide."""
    rows = panel_rows(instance.type_values, instance.lower, instance.upper, instance.panel_size, instance.type_households)
    relaxed = relaxed_leximin(sizes, rows)
    if relaxed is None:
        return None
    minimum = float(relaxed.probabilities.min())
    report("leximin of the relaxation", relaxed.stages, minimum)
    panels = decompose(relaxed.point, sizes, rows, lambda step: report("finding panels", step, minimum))
    if panels is None:
        return None
    floor = relaxed.probabilities
    if algorithm == "maximin":  # everyone who can be on a panel gets the smallest probability, no more is asked
        chance = floor > _REALISED
        floor = np.where(chance, floor[chance].min(initial=1.0), 0.0)
    stacked = np.array(panels)
    probabilities = solve_fixed_primal(stacked, sizes, floor)
    distribution = _canonical(stacked, probabilities, sizes)
    if np.any(np.array(distribution.type_marginals) < floor - _REALISED):
        return None
    return distribution


def draw_panel(distribution: Distribution, instance: Instance, rng: random.Random) -> tuple[float, int, tuple[int, ...]]:
    """Draw a panel with the distribution's probabilities, then its people uniformly within each type.

    Returns the random value used, the index of the panel drawn and the selected person indices.
    """
    value = rng.random()
    cumulative = np.cumsum(distribution.probabilities)
    index = min(int(np.searchsorted(cumulative, value * cumulative[-1], side="right")), len(cumulative) - 1)
    people: list[int] = []
    for kind, count in enumerate(distribution.panels[index]):
        if count:
            people += rng.sample(instance.type_members[kind], count)
    return value, index, tuple(sorted(people))


def _covering_panels(oracle: PanelOracle, sizes: np.ndarray, report: Progress) -> tuple[list[np.ndarray], np.ndarray]:
    """Panels that between them include every type that can be on any panel.

    Each round maximises the share of not-yet-covered types; when that optimum is zero, the
    remaining types are on no feasible panel (their marginal is 0 whatever the algorithm).
    """
    covered = np.zeros(len(sizes), dtype=bool)
    panels: list[np.ndarray] = []
    while not covered.all():
        weights = np.where(covered, 0.0, 1.0 / sizes)
        found, _ = oracle.quick_panels(weights)
        fresh = [panel for panel in found if np.any((panel > 0) & ~covered)]
        if not fresh:
            # The quick panel need not be optimal: only the exact ILP may declare types unreachable.
            found = oracle.best_panels(weights)
            if not found:
                raise RuntimeError("no feasible panel exists; run `sortition check` for the relaxations")
            fresh = [panel for panel in found if np.any((panel > 0) & ~covered)]
        if not fresh and panels:
            break
        panels += fresh or found[:1]
        for panel in fresh or found[:1]:
            covered |= panel > 0
        report("covering", len(panels), 0.0)
    return panels, covered


def _leximin_floor(
    oracle: PanelOracle, panels: list[np.ndarray], sizes: np.ndarray, reachable: np.ndarray, report: Progress, stages: int | None
) -> np.ndarray:
    """The leximin probability of each type (or, with stages=1, the maximin value for all).

    Each stage solves the dual of "maximise the smallest probability of the unfixed types,
    keeping fixed types at their values" by column generation, then fixes the types whose
    dual value is positive: complementary slackness says no optimum can give them more.
    """
    master = DualMaster(sizes)
    master.add_panels(panels)
    floor = np.zeros(len(sizes))
    fixed = ~reachable
    master.fix(np.flatnonzero(fixed), 0.0)
    stage = iteration = 0
    while not fixed.all():
        stage += 1
        value, y, iteration = _solve_stage(oracle, master, panels, sizes, fixed, floor, report, stage, iteration)
        value = min(max(value, 0.0), 1.0)
        tight = np.flatnonzero(~fixed & (y > _TIGHT))
        if stages is not None and stage >= stages:
            tight = np.flatnonzero(~fixed)
        floor[tight] = value
        fixed[tight] = True
        master.fix(tight, value)
    return floor


def _solve_stage(
    oracle: PanelOracle, master: DualMaster, panels: list[np.ndarray], sizes: np.ndarray, fixed: np.ndarray,
    floor: np.ndarray, report: Progress, stage: int, iteration: int,
) -> tuple[float, np.ndarray, int]:
    """Column generation for one leximin stage, with Wentges dual smoothing.

    The restricted master's value is a lower bound on the stage optimum; pricing at any dual y
    gives an upper bound (the best panel's weight, less the fixed types' part). New panels are
    priced at a point between the best-bound duals (the centre) and the master's duals, which
    damps the oscillation of plain column generation. The stage ends when the bounds meet, or
    when exact pricing at the master's duals finds no better panel.
    """
    centre: np.ndarray | None = None
    upper = np.inf
    while True:
        iteration += 1
        lower, yhat, y = master.solve()
        report(f"leximin stage {stage}", iteration, lower)
        if upper - lower <= _GAP:
            return lower, y, iteration
        trial = y if centre is None else _SMOOTHING * centre + (1 - _SMOOTHING) * y
        candidates, bound = oracle.quick_panels(trial / sizes)
        trial_upper = bound - float(floor[fixed] @ trial[fixed])
        if trial_upper < upper:
            upper, centre = trial_upper, trial
        better = [panel for panel in candidates if float((y / sizes) @ panel) > yhat + _PRICING_TOLERANCE]
        if not better and trial is y:
            # Quick pricing at the master's own duals found nothing: settle it exactly.
            better = [panel for panel in oracle.best_panels(y / sizes) if float((y / sizes) @ panel) > yhat + _PRICING_TOLERANCE]
            if not better:
                return lower, y, iteration
        if not better and trial_upper >= upper:
            centre = None  # smoothing stalled: price at the master's duals next round
        if better:
            master.add_panels(better)
            panels += better


def _nash(oracle: PanelOracle, panels: list[np.ndarray], sizes: np.ndarray, reachable: np.ndarray, report: Progress) -> np.ndarray:
    """Maximise the sum over people of log(marginal) by column generation.

    The restricted problem over the current panels is solved by the multiplicative (EM) update
    p[P] <- p[P] * g[P] / n, where g[P] = sum over types of x[t](P) / marginal[t] is the gradient;
    it keeps the probabilities on the simplex and never decreases the objective. A new panel is
    priced with the same gradient; the gap max(g) - n bounds how far the objective is from optimal.
    """
    people = float(sizes[reachable].sum())
    probabilities = np.full(len(panels), 1.0 / len(panels))
    rounds = 0
    while True:
        stacked = np.array(panels, dtype=np.float64)
        probabilities = _nash_restricted(stacked, sizes, reachable, probabilities, people)
        marginals = (probabilities @ stacked) / sizes
        weights = np.where(reachable, 1.0 / np.maximum(marginals, 1e-300), 0.0)
        candidates, bound = oracle.quick_panels(weights)
        rounds += 1
        report("nash", rounds, float(marginals[reachable].min()))
        if bound <= people * (1 + _NASH_GAP):
            return probabilities
        better = [panel for panel in candidates if float(weights @ panel) > people * (1 + _NASH_GAP)]
        if not better:
            better = [panel for panel in oracle.best_panels(weights) if float(weights @ panel) > people * (1 + _NASH_GAP)]
            if not better:
                return probabilities
        panels += better
        probabilities = np.concatenate([probabilities * 0.99, np.full(len(better), 0.01 / len(better))])


def _nash_restricted(stacked: np.ndarray, sizes: np.ndarray, reachable: np.ndarray, probabilities: np.ndarray, people: float) -> np.ndarray:
    """Optimal probabilities over the given panels, by the EM update accelerated with SQUAREM
    (Varadhan and Roland 2008): two EM steps give a direction, a step along it is taken when it
    keeps the probabilities positive and the objective no lower, else the plain EM result."""

    def objective(p: np.ndarray) -> float:
        marginals = (p @ stacked) / sizes
        return float(sizes[reachable] @ np.log(marginals[reachable]))

    def update(p: np.ndarray) -> tuple[np.ndarray, float]:
        marginals = (p @ stacked) / sizes
        gradient = stacked[:, reachable] @ (1.0 / marginals[reachable])
        return p * gradient / people, float(gradient.max()) - people

    for _ in range(2000):
        once, gap = update(probabilities)
        if gap <= _NASH_GAP * people / 10:
            break
        twice, _ = update(once)
        step, curve = once - probabilities, twice - 2 * once + probabilities
        alpha = -np.sqrt((step @ step) / max(curve @ curve, 1e-300))
        jump = probabilities - 2 * alpha * step + alpha**2 * curve
        if jump.min() > 0 and objective(jump / jump.sum()) >= objective(twice):
            probabilities = jump / jump.sum()
        else:
            probabilities = twice
    return probabilities


def _canonical(panels: np.ndarray, probabilities: np.ndarray, sizes: np.ndarray) -> Distribution:
    """Clip and renormalise the probabilities, drop negligible panels, merge duplicates, sort panels."""
    clipped = np.clip(probabilities, 0.0, None)
    merged: dict[tuple[int, ...], float] = {}
    for panel, probability in zip(panels.tolist(), clipped.tolist()):
        merged[tuple(panel)] = merged.get(tuple(panel), 0.0) + probability
    total = sum(merged.values())
    kept = sorted((panel, p / total) for panel, p in merged.items() if p / total > _NEGLIGIBLE)
    kept_total = sum(p for _, p in kept)
    ordered = tuple(panel for panel, _ in kept)
    weights = tuple(p / kept_total for _, p in kept)
    marginals = (np.array(weights) @ np.array(ordered, dtype=np.float64)) / sizes
    return Distribution(ordered, weights, tuple(np.clip(marginals, 0.0, 1.0).tolist()))
