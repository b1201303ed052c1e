"""The selection engine: feasibility and relaxations, the lottery algorithms, their outputs."""

from sortition.comparison import FairnessComparison, compare_with_legacy
from sortition.feasibility import Infeasible, Relaxation, find_relaxations
from sortition.instance import Instance, build_instance
from sortition.legacy import SelectionFailed
from sortition.replacement import MissedQuota, Replacement, replace_members
from sortition.selection import ALGORITHMS, Selection, new_seed, select_panel
from sortition.uniform import UniformLottery, uniform_lottery
from sortition.verify import Verification, verify_bundle

__all__ = [
    "ALGORITHMS",
    "FairnessComparison",
    "Infeasible",
    "Instance",
    "MissedQuota",
    "Relaxation",
    "Replacement",
    "Selection",
    "SelectionFailed",
    "UniformLottery",
    "Verification",
    "build_instance",
    "compare_with_legacy",
    "find_relaxations",
    "new_seed",
    "replace_members",
    "select_panel",
    "uniform_lottery",
    "verify_bundle",
]
