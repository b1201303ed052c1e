"""Fixtures for the assembly app: a draw folder, apps on SQLite, engines on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from assembly_app.commands import write_sample_draw
from app_testing import FIXED_NOW, make_test_app
from assembly_app.db import make_engine, upgrade

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def draw_folder(tmp_path_factory) -> Path:
    """The folder `sortition select` writes for sample_data/small (k=12, seed 1), plus features.csv."""
    folder = tmp_path_factory.mktemp("draw")
    write_sample_draw(folder, seed=1, date=FIXED_NOW.date().isoformat())
    return folder


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    """A migrated, empty database: a fresh SQLite file, or a fresh schema in the PostgreSQL `test` database."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'storage.sqlite3'}")
        upgrade(engine)
        yield engine
        engine.dispose()
        return
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(POSTGRES_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as error:
        admin.dispose()
        reason = f"PostgreSQL is not reachable at {POSTGRES_URL} ({type(error.orig).__name__})"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; under CI the PostgreSQL storage tests must run")
        pytest.skip(f"{reason}; start it (pg_isready -h 127.0.0.1) to run the storage tests on PostgreSQL too")
    engine = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def launcher():
    """Starts gunicorn masters for the tests that serve the app over HTTP; it imports the app once for all."""
    from served_app import Launcher

    launcher = Launcher()
    yield launcher
    launcher.close()


@pytest.fixture
def demo(tmp_path, draw_folder):
    """An app (CSRF checks off) loaded with the demo: staff accounts, an assembly, member codes."""
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False)
    result = app.test_cli_runner().invoke(args=["demo", "--draw", str(draw_folder)])
    assert result.exit_code == 0, result.output
    app.member_codes = dict(re.findall(r"^  (P\d+)  ([A-Z0-9]{10})$", result.output, re.MULTILINE))
    return app
