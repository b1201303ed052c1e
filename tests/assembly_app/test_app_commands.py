"""The flask commands: init-db, create-user, demo, verify-log."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update

from assembly_app.models import AuditEntry
from app_testing import make_test_app


def test_init_db_is_repeatable_and_create_user_refuses_bad_accounts(tmp_path):
    runner = make_test_app(tmp_path).test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    assert runner.invoke(args=["init-db"]).exit_code == 0
    short = runner.invoke(args=["create-user", "ana", "--role", "auditor"], input="short\nshort\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    assert runner.invoke(args=["create-user", "ana", "--role", "auditor"], input="long enough pass\nlong enough pass\n").exit_code == 0
    assert "is taken" in runner.invoke(args=["create-user", "ana", "--role", "auditor"], input="long enough pass\nlong enough pass\n").output


def test_the_demo_draws_with_the_engine_and_prints_the_logins(tmp_path):
    result = make_test_app(tmp_path).test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Imported 12 members from a draw with seed 1" in result.output
    assert "organiser    organiser-demo" in result.output and "auditor      auditor-demo" in result.output
    assert "Working groups (seed 1): Housing 3, Transport 3, Food 2, Consumption 2, Production and work 2" in result.output
    assert "9 of 12 members checked in at session 1" in result.output


def test_verify_log_names_the_first_broken_entry_and_checks_published_heads(demo):
    runner = demo.test_cli_runner()
    with demo.extensions["engine"].begin() as connection:
        count = connection.scalar(select(func.count()).select_from(AuditEntry))
        head = connection.scalar(select(AuditEntry.hash).where(AuditEntry.seq == count))
    result = runner.invoke(args=["verify-log", "--published", f"{count}:{head}"])
    assert result.exit_code == 0 and f"holds: {count} entries, head hash {head}. Published heads hold: {count}." in result.output
    assert "is not N:HASH" in runner.invoke(args=["verify-log", "--published", "12:abc"]).output
    with demo.extensions["engine"].begin() as connection:  # the tail cut off: a shorter chain that still verifies
        connection.execute(delete(AuditEntry).where(AuditEntry.seq == count))
    assert runner.invoke(args=["verify-log"]).exit_code == 0
    result = runner.invoke(args=["verify-log", "--published", f"{count}:{head}"])
    assert result.exit_code == 1 and f"entry {count} no longer has the published hash {head} (the log now ends at entry {count - 1})" in result.output
    with demo.extensions["engine"].begin() as connection:
        connection.execute(update(AuditEntry).where(AuditEntry.seq == 4).values(actor="mallory"))
    result = runner.invoke(args=["verify-log"])
    assert result.exit_code == 1 and "broken at entry 4: its content does not match its hash" in result.output
