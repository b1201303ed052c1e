"""The one place a MILP solver is chosen: HiGHS (through highspy) by default, CBC as fallback."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pulp

__all__ = ["SOLVERS", "make_solver"]

SOLVERS = ("highs", "cbc")


def make_solver(name: str | None = None) -> pulp.LpSolver:
    """A quiet PuLP solver; `name` is "highs" or "cbc", None takes the best available."""
    if name is None:
        name = "highs" if pulp.HiGHS(msg=False).available() else "cbc"
    if name == "highs":
        return pulp.HiGHS(msg=False)
    if name == "cbc":
        # PuLP 3.3 deprecates its bundled CBC; the `cbc` of the cbcbox package (pulp[cbc]) is
        # installed beside this Python, which need not be on PATH.
        path = shutil.which("cbc", path=str(Path(sys.executable).parent)) or shutil.which("cbc")
        if path is None:
            raise ValueError("the CBC solver is not installed; install it with `pip install 'pulp[cbc]'`")
        return pulp.COIN_CMD(msg=False, path=path)
    raise ValueError(f"unknown solver {name!r}; choose one of {', '.join(SOLVERS)}")
