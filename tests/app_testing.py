"""Helpers for the app's tests, in a module of their own: a test file that imported them from `conftest`
got whichever conftest came first on sys.path when several test folders ran together."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from assembly_app import create_app

FIXED_NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def make_test_app(tmp_path: Path, **config):
    """The app on a SQLite file in `tmp_path`, its clock fixed at FIXED_NOW."""
    return create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite3'}", "SECRET_KEY": "test", "CLOCK": lambda: FIXED_NOW, **config})


def login(client, username: str, password: str | None = None):
    """Log a test client in as a demo staff account (its password is "<name>-demo" unless given)."""
    return client.post("/login", data={"username": username, "password": password or f"{username}-demo"})
