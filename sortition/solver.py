"""The one place a MILP solver is chosen: HiGHS (through highspy) by default, CBC as fallback."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pulp

__all__ = ["SOLVERS", "make_solver", "describe_solver"]

SOLVERS = ("highs", "cbc")


def make_solver(name: str | None = None, *, time_limit: float | None = None) -> pulp.LpSolver:
    """A quiet PuLP solver; `name` is "highs" or "cbc", None takes the best available."""
    if name is None:
        name = "highs" if pulp.HiGHS(msg=False).available() else "cbc"
    if name == "highs":
        return pulp.HiGHS(msg=False, timeLimit=time_limit)
    if name == "cbc":
        # PuLP 3.3 deprecates its bundled CBC; the `cbc` of the cbcbox package (pulp[cbc]) is
        # installed beside this Python, which need not be on PATH.
        path = shutil.which("cbc", path=str(Path(sys.executable).parent)) or shutil.which("cbc")
        if path is None:
            raise ValueError("the CBC solver is not installed; install it with `pip install 'pulp[cbc]'`")
        return pulp.COIN_CMD(msg=False, timeLimit=time_limit, path=path)
    raise ValueError(f"unknown solver {name!r}; choose one of {', '.join(SOLVERS)}")


def describe_solver(solver: pulp.LpSolver) -> str:
    """Name and version, for reports and audit bundles."""
    if isinstance(solver, pulp.HiGHS):
        import highspy

        return f"HiGHS {highspy.Highs().version()} (via PuLP {pulp.__version__})"
    return f"CBC (cbcbox, via PuLP {pulp.__version__})"
