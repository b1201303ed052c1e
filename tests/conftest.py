"""Fixtures shared by every test package."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]

# tests/stratification and tests/sortition have the names of the packages they test. pytest puts
# tests/ on sys.path (it has no __init__.py), where those folders would be imported as empty
# namespace packages ahead of the editable install's finder. A regular package found anywhere on
# sys.path wins over a namespace folder, so putting the repository root there makes the imports real.
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

# "dev" is quick and explores new examples each run; "ci" runs more examples, reproducibly.
# Choose with HYPOTHESIS_PROFILE=ci|dev (CI=... picks "ci"). The solver is called inside the
# properties, so no per-example deadline.
settings.register_profile("dev", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "ci", max_examples=60, deadline=None, derandomize=True, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

# Real inputs from other projects live beside the repository, never inside it (see their README).
PEER_DATA = (ROOT / ".." / "shared" / "peer_data").resolve()


@pytest.fixture(scope="session")
def peer_data() -> Path:
    """The folder of public selection instances (example_small_20, example_large_200, sf_fixture)."""
    if not PEER_DATA.is_dir():
        pytest.skip(f"peer data folder not found at {PEER_DATA}; these tests need ../shared/peer_data beside the repository")
    return PEER_DATA
