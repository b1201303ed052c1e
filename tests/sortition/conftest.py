"""Fixtures for the engine's tests: Hypothesis profiles, the peer data, small CSV inputs, a CLI runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

# "dev" is quick and explores new examples each run; "ci" runs more examples, reproducibly.
# Choose with HYPOTHESIS_PROFILE=ci|dev (CI=... picks "ci"). The solver is called inside the
# properties, so no per-example deadline.
settings.register_profile(
    "dev", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci", max_examples=60, deadline=None, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

PEER_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "peer_data"


@pytest.fixture
def peer_data() -> Path:
    """The public instances in ../shared/peer_data (never copied into the repository)."""
    if not PEER_DATA.is_dir():
        pytest.skip(f"peer data not found at {PEER_DATA} (see DESIGN.md: it lives beside the project)")
    return PEER_DATA


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def write_csv(tmp_path: Path):
    """Write a CSV file from lines of text into tmp_path and return its path."""

    def write(name: str, *lines: str) -> Path:
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write


@pytest.fixture
def gender_features(write_csv) -> Path:
    """Quotas on gender and age for a panel of 4."""
    return write_csv(
        "features.csv",
        "feature,value,min,max",
        "gender,woman,2,2",
        "gender,man,2,2",
        "age,young,1,3",
        "age,old,1,3",
    )


@pytest.fixture
def gender_people(write_csv) -> Path:
    """Eight people with contact columns; 1 and 2 share an address, as do 5 and 6."""
    return write_csv(
        "people.csv",
        "id,name,email,gender,age,address",
        "1,Ada,ada@example.org,woman,young,1 Rue Haute",
        "2,Bea,bea@example.org,woman,old,1 Rue Haute",
        "3,Cleo,cleo@example.org,woman,old,3 Rue Basse",
        "4,Dora,dora@example.org,woman,young,4 Rue Basse",
        "5,Eli,eli@example.org,man,young,5 Place Verte",
        "6,Finn,finn@example.org,man,old,5 Place Verte",
        "7,Gus,gus@example.org,man,old,7 Place Verte",
        "8,Hal,hal@example.org,man,young,8 Place Verte",
    )
