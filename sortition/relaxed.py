"""LEXIMIN through the LP relaxation: solve it over fractional panels, then find real panels that realise it.

A *fractional panel* x (seats per type, not necessarily whole) meets the panel rows: sum x = k,
every quota, at most one seat per household, 0 <= x[t] <= size[t]. They form a polytope Q that
contains the convex hull H of the real panels, so the leximin point of Q, computed by a few
small LPs (one per stage), is at least as good as any lottery's. When that point lies in H, it
*is* the leximin of the lotteries, and `decompose` finds panels whose mixture gives it: it walks
down the faces of Q, each time taking a real panel V in the smallest face containing the current
point y and stepping from V through y as far as Q allows (Carathéodory's construction). Each
step makes at least one more constraint tight, so it ends within (number of constraints) steps,
or finds a face with no real panel: then the point is not in H and column generation
(`sortition.fair`) takes over.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np

from sortition.highs_models import PanelRows, add_columns, add_panel_rows, add_sparse_rows, new_highs

__all__ = ["RelaxedLeximin", "relaxed_leximin", "decompose"]

_INF = highspy.kHighsInf
# A type's dual value above this means no optimum can give it more (complementary slackness).
_TIGHT = 1e-9
# A seat count or row activity this close to a bound is at the bound.
_AT_BOUND = 1e-9
# The walk stops once the panels found account for all but this much probability.
_NEGLIGIBLE_MASS = 1e-9
# A solver's value this close to a whole number is that number (HiGHS's integrality tolerance is 1e-6).
_WHOLE = 1e-6
# Solver outcomes with a solution: optimal, or stopped by the improving-solution limit.
_FOUND = (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kSolutionLimit)


@dataclass(frozen=True)
class RelaxedLeximin:
    """The leximin point of the fractional panels: each type's probability, the seats per type
    it expects (`point`), and the number of stages it took."""

    probabilities: np.ndarray
    point: np.ndarray
    stages: int


def relaxed_leximin(sizes: np.ndarray, rows: PanelRows) -> RelaxedLeximin | None:
    """LEXIMIN over fractional panels: maximise the smallest probability x[t]/size[t] of the unfixed
    types, fix the types whose dual value is positive at it, repeat. None if no fractional panel exists."""
    count = len(sizes)
    highs = new_highs()
    costs = np.zeros(count + 1)
    costs[count] = 1.0
    add_columns(highs, costs, np.zeros(count + 1), np.append(sizes.astype(np.float64), 1.0))
    add_panel_rows(highs, rows)
    first = len(rows[2])
    add_sparse_rows(highs, [0.0] * count, [_INF] * count, [([t, count], [1.0, -float(sizes[t])]) for t in range(count)])
    highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    probabilities = np.zeros(count)
    fixed = np.zeros(count, dtype=bool)
    stages = 0
    while not fixed.all():
        stages += 1
        highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        value = min(max(highs.getInfo().objective_function_value, 0.0), 1.0)
        duals = np.abs(np.asarray(highs.getSolution().row_dual)[first:first + count])
        # At probability 1 the bound on z, not a type's row, holds: every unfixed type is at 1.
        tight = np.flatnonzero(~fixed & ((duals > _TIGHT) | (value >= 1 - _TIGHT)))
        if not len(tight):
            return None
        probabilities[tight] = value
        fixed[tight] = True
        for t in tight.tolist():
            highs.changeCoeff(first + t, count, 0.0)
            highs.changeRowBounds(first + t, value * sizes[t], value * sizes[t])
    highs.run()
    point = np.clip(np.asarray(highs.getSolution().col_value)[:count], 0.0, sizes)
    return RelaxedLeximin(probabilities, point, stages)


def decompose(
    point: np.ndarray, sizes: np.ndarray, rows: PanelRows, on_step: Callable[[int], None] | None = None
) -> list[np.ndarray] | None:
    """Real panels whose mixture gives `point` (seats per type); None if the walk finds a face without one.

    Each panel is sought first among the roundings of the current point (every x[t] at the
    floor or ceiling of y[t]), where the step can be long, then anywhere in the face.
    `on_step(number)` is called before each step (the walk can take a minute on large pools).
    """
    search = _FaceSearch(sizes, rows)
    y, mass, panels = point.astype(np.float64), 1.0, []
    for step_number in range(len(sizes) + len(rows[2]) + 1):
        if on_step:
            on_step(step_number)
        panel = search.panel_in_face(y)
        if panel is None:
            return None
        panels.append(panel)
        step = search.longest_step(y, panel)
        if step < 1e-12:
            return None
        mass *= 1 - step
        if step >= 1 - 1e-12 or mass < _NEGLIGIBLE_MASS:
            return panels
        y = np.clip((y - step * panel) / (1 - step), 0.0, sizes)
    return None


class _FaceSearch:
    """An LP and an ILP over the panel rows whose bounds are narrowed to the face of a point."""

    def __init__(self, sizes: np.ndarray, rows: PanelRows):
        self._sizes = sizes.astype(np.float64)
        self._lower, self._upper, self._members = rows
        count = len(sizes)
        self._columns = np.arange(count, dtype=np.int32)
        self._row_index = np.arange(len(self._members), dtype=np.int32)
        self._lp = new_highs()
        add_columns(self._lp, np.zeros(count), np.zeros(count), self._sizes)
        add_panel_rows(self._lp, rows)
        self._lp.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self._ilp = new_highs()
        # Any good panel will do: stopping at the second improving one was the fastest on the
        # French sample (60 s; 97 s at the optimum within 50%, 63 s at the first, with 6 times the steps).
        self._ilp.setOptionValue("mip_rel_gap", 0.5)
        self._ilp.setOptionValue("mip_max_improving_sols", 2)
        self._ilp.passModel(self._lp.getLp())
        self._ilp.changeColsIntegrality(count, self._columns, np.array([highspy.HighsVarType.kInteger] * count))

    def activity(self, x: np.ndarray) -> np.ndarray:
        return np.array([x[index].sum() for index in self._members])

    def panel_in_face(self, y: np.ndarray) -> np.ndarray | None:
        """A real panel meeting with equality every constraint that y meets with equality."""
        low = np.where(y >= self._sizes - _AT_BOUND, self._sizes, 0.0)
        high = np.where(y <= _AT_BOUND, 0.0, self._sizes)
        activity = self.activity(y)
        row_low = np.where(activity >= self._upper - _AT_BOUND, self._upper, self._lower)
        row_high = np.where(activity <= self._lower + _AT_BOUND, self._lower, self._upper)
        weights = y - np.floor(y + _AT_BOUND)
        boxed = (np.maximum(low, np.floor(y + _AT_BOUND)), np.minimum(high, np.ceil(y - _AT_BOUND)))
        for bounds in (boxed, (low, high)):
            for highs in (self._lp, self._ilp):
                highs.changeColsBounds(len(y), self._columns, *bounds)
                highs.changeRowsBounds(len(activity), self._row_index, row_low, row_high)
                highs.changeColsCost(len(y), self._columns, weights)
                highs.run()
                if highs.getModelStatus() not in _FOUND:
                    break
                found = np.asarray(highs.getSolution().col_value)
                if np.abs(found - np.rint(found)).max(initial=0.0) < _WHOLE:
                    return np.rint(found).astype(np.int64)
        return None

    def longest_step(self, y: np.ndarray, panel: np.ndarray) -> float:
        """The largest s <= 1 with (y - s * panel) / (1 - s) still a fractional panel."""
        ratios = [1.0]
        for value, target, low, high in ((y, panel.astype(np.float64), 0.0, self._sizes), (self.activity(y), self.activity(panel), self._lower, self._upper)):
            above = np.isfinite(low) & (target - low > _AT_BOUND)
            below = np.isfinite(high) & (high - target > _AT_BOUND)
            low_at, high_at = np.broadcast_to(low, value.shape), np.broadcast_to(high, value.shape)
            ratios.append(float(((value - low_at)[above] / (target - low_at)[above]).min(initial=1.0)))
            ratios.append(float(((high_at - value)[below] / (high_at - target)[below]).min(initial=1.0)))
        return max(min(ratios), 0.0)
