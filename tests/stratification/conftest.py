"""Fixtures for the vocabulary and input tests: small CSV files written on the fly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

WriteFile = Callable[..., Path]

FEATURES = """feature,value,min,max
gender,woman,1,3
gender,man,1,3
age,young,1,3
age,old,1,3
"""

PEOPLE = """id,name,gender,age
a,Ann,woman,young
b,Bob,man,old
c,Cleo,woman,old
d,Dan,man,young
"""


@pytest.fixture
def write_file(tmp_path: Path) -> WriteFile:
    """Write text (or raw bytes) to a file in tmp_path and return its path."""

    def write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return write


@pytest.fixture
def features_file(write_file: WriteFile) -> Path:
    """Two features, gender (woman, man) and age (young, old), each value 1..3 seats."""
    return write_file("features.csv", FEATURES)


@pytest.fixture
def people_file(write_file: WriteFile) -> Path:
    """Four valid people for `features_file`, with an extra `name` column."""
    return write_file("people.csv", PEOPLE)
