"""The fair lotteries are optimal: checked against LPs over every feasible panel of tiny pools.

On a pool of at most ten people every feasible panel can be listed, so the LEXIMIN, MAXIMIN and
NASH optima can be checked without column generation or types: a reference LP over all those
panels (solved here with HiGHS directly) gives the maximin value and, iterated, the leximin
marginals, which are unique; NASH is checked by its optimality condition.
"""

from __future__ import annotations

import highspy
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from random_instances import RandomInstance, feasible_instances, feasible_panels

from sortition import build_instance
from sortition.fair import fair_distribution

# Below this, a person "could be lifted" only by solver noise.
LIFT_TOLERANCE = 1e-6
# Constraints on marginals already reached are loosened this much so rounding cannot make them infeasible.
SLACK = 1e-9


def membership(instance: RandomInstance) -> tuple[list[str], np.ndarray]:
    """Ids in sorted order and the 0/1 matrix [person, panel] over every feasible panel."""
    ids = sorted(person.id for person in instance.pool.people)
    position = {person_id: i for i, person_id in enumerate(ids)}
    panels = feasible_panels(instance)
    matrix = np.zeros((len(ids), len(panels)))
    for j, panel in enumerate(panels):
        matrix[[position[person_id] for person_id in panel], j] = 1.0
    return ids, matrix


def maximise(cost: np.ndarray, rows: np.ndarray, row_lower: np.ndarray, row_upper: np.ndarray, free: int = 0) -> float:
    """max cost·v subject to row_lower <= rows·v <= row_upper, v >= 0 except the last `free` variables."""
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    count = len(cost)
    lower = np.zeros(count)
    lower[count - free :] = -highspy.kHighsInf
    highs.addCols(count, cost, lower, np.full(count, highspy.kHighsInf), 0, np.array([], dtype=np.int32), np.array([], dtype=np.int32), np.array([]))
    starts, index, value = [], [], []
    for row in rows:
        starts.append(len(index))
        used = np.flatnonzero(row)
        index += used.tolist()
        value += row[used].tolist()
    highs.addRows(len(rows), row_lower, row_upper, len(index), np.array(starts, dtype=np.int32), np.array(index, dtype=np.int32), np.array(value))
    highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    highs.run()
    assert highs.getModelStatus() == highspy.HighsModelStatus.kOptimal, highs.modelStatusToString(highs.getModelStatus())
    return float(highs.getInfo().objective_function_value)


def best_floor(matrix: np.ndarray, fixed: dict[int, float]) -> float:
    """The largest z such that some distribution gives every unfixed person >= z and fixed people their value.

    Variables: a probability per panel, then z (free). Rows: the probabilities sum to 1;
    marginal - z >= 0 for unfixed people; marginal >= value for fixed ones.
    """
    people, panels = matrix.shape
    cost = np.zeros(panels + 1)
    cost[-1] = 1.0
    rows = [np.append(np.ones(panels), 0.0)]
    lower, upper = [1.0], [1.0]
    for i in range(people):
        rows.append(np.append(matrix[i], 0.0 if i in fixed else -1.0))
        lower.append(fixed[i] - SLACK if i in fixed else 0.0)
        upper.append(highspy.kHighsInf)
    return maximise(cost, np.array(rows), np.array(lower), np.array(upper), free=1)


def best_for(matrix: np.ndarray, person: int, fixed: dict[int, float], floor: float) -> float:
    """The largest marginal `person` can get while every unfixed person keeps >= floor and fixed ones their value."""
    people, panels = matrix.shape
    rows = [np.ones(panels)]
    lower, upper = [1.0], [1.0]
    for i in range(people):
        rows.append(matrix[i])
        lower.append(fixed.get(i, floor) - SLACK)
        upper.append(highspy.kHighsInf)
    return maximise(matrix[person], np.array(rows), np.array(lower), np.array(upper))


def leximin_reference(matrix: np.ndarray) -> np.ndarray:
    """The leximin marginals, by the textbook iteration over all panels.

    Maximise the smallest marginal of the unfixed people; fix at that value everyone who cannot
    get more without someone else dropping below it (there is always one: otherwise mixing the
    distributions that lift each of them would lift them all); repeat until everyone is fixed.
    """
    people = matrix.shape[0]
    fixed: dict[int, float] = {}
    while len(fixed) < people:
        floor = best_floor(matrix, fixed)
        stuck = [i for i in range(people) if i not in fixed and best_for(matrix, i, fixed, floor) <= floor + LIFT_TOLERANCE]
        assert stuck, "the reference iteration must fix someone at every stage"
        fixed.update((i, floor) for i in stuck)
    return np.array([fixed[i] for i in range(people)])


def marginals_by_id(instance: RandomInstance, algorithm: str) -> np.ndarray:
    built = build_instance(instance.pool, instance.quotas, instance.panel_size, instance.households)
    distribution = fair_distribution(built, algorithm)
    assert list(built.ids) == sorted(built.ids)
    return np.array(distribution.type_marginals)[built.type_of]


tiny_instances = feasible_instances(min_people=4, max_people=10)


@pytest.mark.parametrize("households", [False, True], ids=["no_households", "households"])
@given(data=st.data())
def test_leximin_and_maximin_minimum_is_the_best_any_distribution_over_all_panels_can_guarantee(households, data):
    instance = data.draw(feasible_instances(min_people=4, max_people=10, households=households))
    _, matrix = membership(instance)

    optimum = best_floor(matrix, {})

    assert min(marginals_by_id(instance, "leximin")) == pytest.approx(optimum, abs=1e-6)
    assert min(marginals_by_id(instance, "maximin")) == pytest.approx(optimum, abs=1e-6)


@given(tiny_instances)
def test_leximin_marginals_are_those_of_the_iterated_lp(instance):
    # The leximin marginal vector of a convex set is unique, so it is compared person by person.
    ids, matrix = membership(instance)

    expected = leximin_reference(matrix)
    found = marginals_by_id(instance, "leximin")

    assert np.abs(found - expected).max() <= 1e-6, {i: (f, e) for i, f, e in zip(ids, found, expected) if abs(f - e) > 1e-6}


@given(tiny_instances)
def test_nash_meets_the_optimality_condition_over_every_panel(instance):
    # NASH maximises the sum of log(marginal) over people who are on some feasible panel. At the
    # optimum m no panel P has sum over i in P of 1/m[i] above the number n of such people
    # (the gradient condition of a concave maximum over the convex hull of the panels), and that
    # excess bounds how far the objective is from the optimum.
    ids, matrix = membership(instance)
    reachable = matrix.any(axis=1)

    found = marginals_by_id(instance, "nash")

    assert np.all(found[~reachable] == 0), "people on no feasible panel can never be selected"
    assert np.all(found[reachable] > 0), {i: f for i, f, r in zip(ids, found, reachable) if r and f <= 0}
    weights = np.where(reachable, 1.0 / np.where(reachable, found, 1.0), 0.0)
    excess = float((weights @ matrix).max()) - reachable.sum()
    assert excess <= 1e-4 * reachable.sum(), excess


@given(tiny_instances)
def test_people_on_no_feasible_panel_get_zero_and_everyone_else_a_chance(instance):
    _, matrix = membership(instance)
    reachable = matrix.any(axis=1)

    for algorithm in ("leximin", "maximin"):
        found = marginals_by_id(instance, algorithm)
        assert np.all(found[~reachable] == 0), algorithm
        assert np.all(found[reachable] > 1e-9), algorithm
