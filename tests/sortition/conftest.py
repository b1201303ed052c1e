"""Fixtures for the engine's tests: small CSV inputs and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

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
