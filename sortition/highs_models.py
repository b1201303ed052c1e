"""Persistent HiGHS models for column generation: the pricing ILP and the master LPs.

Column generation solves these models hundreds of times, so they are built once through
`highspy` and only their objective (or a few rows) change between rounds; HiGHS then
warm-starts from the previous basis, which a model rebuilt every round cannot.
"""

from __future__ import annotations

import highspy
import numpy as np

__all__ = ["PanelOracle", "DualMaster", "solve_fixed_primal", "PanelRows", "panel_rows", "add_panel_rows", "new_highs", "add_columns", "add_sparse_rows"]

_INF = highspy.kHighsInf


def new_highs() -> highspy.Highs:
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("random_seed", 0)
    highs.setOptionValue("threads", 1)
    return highs


def add_columns(highs: highspy.Highs, costs: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
    """Columns with no matrix entries yet (the rows added afterwards fill them)."""
    count = len(costs)
    highs.addCols(count, costs, lower, upper, 0, np.zeros(count, dtype=np.int32), np.array([], dtype=np.int32), np.array([]))


def add_sparse_rows(highs: highspy.Highs, lower: list[float], upper: list[float], rows: list[tuple[list[int], list[float]]]) -> None:
    starts = np.cumsum([0] + [len(index) for index, _ in rows[:-1]]).astype(np.int32)
    index = np.array([i for idx, _ in rows for i in idx], dtype=np.int32)
    value = np.array([v for _, val in rows for v in val], dtype=np.float64)
    highs.addRows(len(rows), np.array(lower, dtype=np.float64), np.array(upper, dtype=np.float64), len(index), starts, index, value)


PanelRows = tuple[np.ndarray, np.ndarray, list[np.ndarray]]
"""(lower bounds, upper bounds, the types in each row): the rows every panel must satisfy."""


def add_panel_rows(highs: highspy.Highs, rows: PanelRows) -> None:
    """Add the panel rows (coefficient 1 for each type in a row) to a model over seats per type."""
    lower, upper, members = rows
    add_sparse_rows(highs, list(lower), list(upper), [(index.tolist(), [1.0] * len(index)) for index in members])


def panel_rows(
    type_values: np.ndarray, lower: np.ndarray, upper: np.ndarray, panel_size: int, households: tuple[tuple[int, ...], ...]
) -> PanelRows:
    """The rows every panel (seats x[t] per type) must satisfy, as (lower, upper, types in the row):
    sum x = k; each quota's min and max; at most one seat per household."""
    holders: list[list[int]] = [[] for _ in lower]
    for t, values in enumerate(type_values.tolist()):
        for q in values:
            holders[q].append(t)
    rows = [np.arange(len(type_values)), *(np.array(types, dtype=np.int64) for types in holders), *(np.array(h, dtype=np.int64) for h in households)]
    row_lower = np.array([panel_size, *lower.tolist(), *([-_INF] * len(households))], dtype=np.float64)
    row_upper = np.array([panel_size, *upper.tolist(), *([1.0] * len(households))], dtype=np.float64)
    return row_lower, row_upper, rows


class PanelOracle:
    """The pricing ILP: over counts x[t] of each type, find a feasible panel maximising w·x.

    Constraints: sum x = k; lower[q] <= sum of x[t] over types with value q <= upper[q];
    at most one person per household; 0 <= x[t] <= size[t], integer.
    """

    def __init__(self, sizes: np.ndarray, type_values: np.ndarray, lower: np.ndarray, upper: np.ndarray, panel_size: int, households: tuple[tuple[int, ...], ...]):
        self.size = len(sizes)
        highs = new_highs()
        highs.setOptionValue("mip_rel_gap", 1e-9)
        highs.setOptionValue("mip_abs_gap", 1e-10)
        zeros = np.zeros(self.size)
        add_columns(highs, zeros, zeros, sizes.astype(np.float64))
        highs.changeColsIntegrality(self.size, np.arange(self.size, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * self.size))
        add_panel_rows(highs, panel_rows(type_values, lower, upper, panel_size, households))
        highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self._highs = highs
        self._columns = np.arange(self.size, dtype=np.int32)
        self._sizes = sizes.astype(np.float64)
        relaxation = new_highs()
        model = highs.getLp()
        model.integrality_ = []
        relaxation.passModel(model)
        self._relaxation = relaxation

    def best_panels(self, weights: np.ndarray) -> list[np.ndarray]:
        """Feasible panels (count vectors) found while maximising weights·x exactly, best first;
        [] if no panel exists."""
        found = self._solve_mip(weights)
        if found is None:
            return []
        found += [np.rint(np.asarray(saved.col_value)).astype(np.int64) for saved in self._highs.getSavedMipSolutions()]
        return _best_first(found, weights)

    def quick_panels(self, weights: np.ndarray) -> tuple[list[np.ndarray], float]:
        """A good panel for these weights, fast, and an upper bound on the best possible value.

        Solves the LP relaxation (warm-started), then the ILP with every variable the LP left
        integral fixed at its value: a small problem, usually with the LP's optimum. The LP
        optimum bounds every panel's value. Falls back to the full ILP when the small one fails.
        """
        relaxation = self._relaxation
        relaxation.changeColsCost(self.size, self._columns, weights.astype(np.float64))
        relaxation.run()
        if relaxation.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return [], -_INF
        bound = relaxation.getInfo().objective_function_value
        point = np.asarray(relaxation.getSolution().col_value)
        settled = np.flatnonzero(np.abs(point - np.rint(point)) < 1e-9).astype(np.int32)
        values = np.rint(point[settled])
        self._highs.changeColsBounds(len(settled), settled, values, values)
        found = self._solve_mip(weights, save=False)
        self._highs.changeColsBounds(self.size, self._columns, np.zeros(self.size), self._sizes)
        if found is None:
            return self.best_panels(weights), bound
        return _best_first(found, weights), bound

    def _solve_mip(self, weights: np.ndarray, save: bool = True) -> list[np.ndarray] | None:
        highs = self._highs
        highs.setOptionValue("mip_improving_solution_save", save)
        highs.changeColsCost(self.size, self._columns, weights.astype(np.float64))
        highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return [np.rint(highs.getSolution().col_value).astype(np.int64)]


def _best_first(panels: list[np.ndarray], weights: np.ndarray) -> list[np.ndarray]:
    unique = {tuple(panel.tolist()): panel for panel in panels}
    return sorted(unique.values(), key=lambda panel: (-float(weights @ panel), tuple(panel.tolist())))


class DualMaster:
    """The dual of the restricted leximin LP over a growing set of panels.

    Variables: yhat (free) and y[t] >= 0 for each type. One row per panel P:
    sum_t y[t] * x[t](P) / size[t] <= yhat. A normalisation row: sum of y over unfixed types = 1.
    Objective: minimise yhat - sum over fixed types of fixed[t] * y[t]. Its optimum is the
    largest probability that every unfixed type can get while fixed types keep theirs.
    """

    def __init__(self, sizes: np.ndarray):
        self.size = len(sizes)
        self._sizes = sizes.astype(np.float64)
        highs = new_highs()
        costs = np.zeros(self.size + 1)
        costs[0] = 1.0
        lower = np.zeros(self.size + 1)
        lower[0] = -_INF
        upper = np.full(self.size + 1, _INF)
        add_columns(highs, costs, lower, upper)
        add_sparse_rows(highs, [1.0], [1.0], [(list(range(1, self.size + 1)), [1.0] * self.size)])
        highs.changeObjectiveSense(highspy.ObjSense.kMinimize)
        self._highs = highs

    def add_panels(self, panels: list[np.ndarray]) -> None:
        rows = []
        for panel in panels:
            used = np.flatnonzero(panel)
            rows.append(([0, *(used + 1).tolist()], [-1.0, *(panel[used] / self._sizes[used]).tolist()]))
        add_sparse_rows(self._highs, [-_INF] * len(rows), [0.0] * len(rows), rows)

    def fix(self, types: np.ndarray, probability: float) -> None:
        """Hold these types at `probability` from now on: out of the normalisation row, into the objective."""
        for t in types.tolist():
            self._highs.changeCoeff(0, t + 1, 0.0)
            self._highs.changeColCost(t + 1, -probability)

    def solve(self) -> tuple[float, float, np.ndarray]:
        """(objective, yhat, y) of the current restricted dual."""
        highs = self._highs
        highs.run()
        status = highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"the master LP ended with status {highs.modelStatusToString(status)}")
        values = np.asarray(highs.getSolution().col_value)
        return highs.getInfo().objective_function_value, float(values[0]), np.maximum(values[1:], 0.0)


def solve_fixed_primal(panels: np.ndarray, sizes: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """Probabilities over panels (rows of `panels`) giving every type at least `floor`, or as
    close as possible: minimise d subject to marginal[t] + d >= floor[t], probabilities summing to 1."""
    count, types = panels.shape
    highs = new_highs()
    # HiGHS's default tolerance (1e-7) would let a type fall that far below its floor.
    highs.setOptionValue("primal_feasibility_tolerance", 1e-10)
    highs.setOptionValue("dual_feasibility_tolerance", 1e-10)
    costs = np.zeros(count + 1)
    costs[count] = 1.0
    upper = np.full(count + 1, _INF)
    add_columns(highs, costs, np.zeros(count + 1), upper)
    share = panels / sizes.astype(np.float64)
    rows = [(list(range(count)), [1.0] * count)]
    for t in range(types):
        used = np.flatnonzero(share[:, t])
        rows.append(([*used.tolist(), count], [*share[used, t].tolist(), 1.0]))
    add_sparse_rows(highs, [1.0, *floor.tolist()], [1.0] + [_INF] * types, rows)
    highs.changeObjectiveSense(highspy.ObjSense.kMinimize)
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError("the final distribution LP could not be solved")
    return np.asarray(highs.getSolution().col_value)[:count]
