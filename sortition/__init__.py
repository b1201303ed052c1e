"""The selection engine: feasibility and relaxations, the lottery algorithms, their outputs."""

from sortition.comparison import FairnessComparison, compare_with_legacy
from sortition.feasibility import Infeasible, Relaxation, find_relaxations
from sortition.instance import Instance, build_instance
from sortition.legacy import SelectionFailed
from sortition.selection import ALGORITHMS, Selection, new_seed, select_panel

__all__ = [
    "ALGORITHMS",
    "FairnessComparison",
    "Infeasible",
    "Instance",
    "Relaxation",
    "Selection",
    "SelectionFailed",
    "build_instance",
    "compare_with_legacy",
    "find_relaxations",
    "new_seed",
    "select_panel",
]
