"""The database life cycle: engine from DATABASE_URL, one session per request, migrations to head."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from flask import Flask, current_app, g, request
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session

__all__ = ["make_engine", "read_only", "upgrade", "get_db", "init_app", "alembic_config"]

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str, **options: Any) -> Engine:
    """An engine; on SQLite every connection gets WAL journaling and enforced foreign keys, and
    transactions that SQLAlchemy begins itself (see `_sqlite_begin`). A failed statement's message leaves out
    its parameters (names, emails...), since the server logs it with the traceback."""
    engine = create_engine(url, hide_parameters=True, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def read_only(engine: Engine) -> Engine:
    """The engine for a request that writes nothing: on SQLite its transactions do not take the write lock."""
    return engine.execution_options(sqlite_begin="DEFERRED")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction handling is off: it begins a transaction only at the first write
    # and lets a savepoint's RELEASE commit, so a check-in and its audit entry were not one transaction.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Writers queue for the write lock. The driver's 5 s wait was too short when 150 members voted at once
    # (each ballot twice) on a busy machine: some duplicates got a 500 instead of "already voted".
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """BEGIN IMMEDIATE: a writing transaction holds SQLite's write lock from its start (waiting its
    turn), so two appends to the audit log cannot read the same head of the chain."""
    connection.exec_driver_sql(f"BEGIN {connection.get_execution_options().get('sqlite_begin', 'IMMEDIATE')}")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to `revision` (the schema is created by the initial migration)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def get_db() -> Session:
    """The request's session. Views commit once, at the end of an action; anything else rolls back.
    GET requests write nothing, so on SQLite they do not wait for the write lock."""
    if "db" not in g:
        engine = current_app.extensions["engine"]
        g.db = Session(read_only(engine) if request.method in ("GET", "HEAD") else engine)
    return g.db


def _close_db(_error: BaseException | None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.rollback()
        db.close()


def init_app(app: Flask) -> None:
    app.extensions["engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_db)
