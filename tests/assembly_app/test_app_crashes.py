"""Crash trials: members vote on the app served by gunicorn, the whole server is SIGKILLed at a random (seeded)
moment, restarted, and nothing acknowledged is lost.

Each trial opens a new vote, lets the members send their ballots over 1.2 seconds, kills the master and
its workers at once, starts them again and checks: every ballot answered "counted" (the redirect) is stored; the
database is sound (SQLite's integrity check; on both databases, the voters marked as having voted are exactly
the ballots and the ballots' audit entries); the audit chain verifies; resending an acknowledged ballot is
answered "already voted"; a ballot whose answer never came can be sent again, and ends stored exactly once.
A restart takes a fraction of a second (see served_app.Server), a trial a few seconds: the suite runs 3 trials
on SQLite and 1 on PostgreSQL; `CRASH_TRIALS=20 .venv/bin/pytest -s tests/assembly_app/test_app_crashes.py` runs
the long profile, 20 on each (`CRASH_SEED` picks other kill moments).
"""

from __future__ import annotations

import http.client
import os
import random
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from assembly_app import auditlog
from assembly_app.db import make_engine
from assembly_app.models import AuditEntry, Ballot, Member, Voter
from served_app import Browser, Server, database, import_assembly, open_vote

TRIALS = {kind: int(os.environ.get("CRASH_TRIALS", default)) for kind, default in (("sqlite", "3"), ("postgresql", "1"))}
SEED = int(os.environ.get("CRASH_SEED", "8"))
MEMBERS = 30
ALREADY = "already voted"


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    """An empty, migrated database, SQLite or PostgreSQL."""
    try:
        with database(request.param, tmp_path) as url:
            yield url
    except OperationalError as error:
        reason = f"PostgreSQL is not reachable ({type(error.orig).__name__})"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; under CI the crash trials must run on it")
        pytest.skip(reason)


def test_a_killed_server_loses_no_acknowledged_ballot(url, tmp_path, launcher):
    kind = url.split(":")[0].split("+")[0]
    server = Server(url, tmp_path / "gunicorn.log", workers=2, launcher=launcher)
    acknowledged = 0
    try:
        assembly_id, codes = import_assembly(url, MEMBERS)
        server.start()
        with ThreadPoolExecutor(8) as pool:
            browsers = dict(zip(codes, pool.map(lambda code: _signed_in(server.port, code), codes.values())))
        for trial in range(TRIALS[kind]):
            acknowledged += _trial(server, assembly_id, browsers, random.Random(SEED * 1000 + trial))
        assert not any(code in server.output() for code in codes.values()), "a voting code appears in the server's log"
    finally:
        server.stop()
    trials = TRIALS[kind]
    print(f"\n{kind}: {trials} kills; {acknowledged} ballots acknowledged before the kill, {trials * MEMBERS - acknowledged} unanswered and sent again; 0 lost")


def _trial(server: Server, assembly_id: int, browsers: dict[str, Browser], rng: random.Random) -> int:
    """One vote, one kill, one restart, the checks; return how many ballots were acknowledged before the kill."""
    vote_id = open_vote(server.url, assembly_id, question="Crash trial")
    members = _voters(server.url, vote_id)  # member id -> their browser
    path = f"/member/votes/{vote_id}"
    with ThreadPoolExecutor(8) as pool:
        pages = dict(zip(members, pool.map(lambda person: browsers[person].get(path)[1], members)))
    ballots = {member_id: {"choice": rng.choice(("yes", "no", "abstain")), "csrf_token": Browser.csrf_token(pages[person])} for person, member_id in members.items()}
    # Ballots arrive over 1.2 s; the kill falls anywhere in that time.
    answers: dict[int, int | None] = {}
    senders = [
        threading.Thread(target=_send, args=(browsers[person], path, ballots[member_id], rng.uniform(0, 1.2), answers, member_id))
        for person, member_id in members.items()
    ]
    for sender in senders:
        sender.start()
    time.sleep(rng.uniform(0.1, 1.2))
    server.kill()
    for sender in senders:
        sender.join()
    server.start()

    acked = {member_id for member_id, status in answers.items() if status == 302}
    assert all(status in (302, None) for status in answers.values()), answers
    if server.url.startswith("sqlite"):
        with closing(sqlite3.connect(server.url.removeprefix("sqlite:///"))) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    stored, marked, logged, broken = _stored(server.url, vote_id)
    assert not acked - set(stored), f"acknowledged ballots lost: {sorted(acked - set(stored))}"
    assert set(stored.values()) <= {1} and marked == logged == len(stored) and broken is None

    with ThreadPoolExecutor(8) as pool:
        retried = dict(zip(members.values(), pool.map(lambda person: browsers[person].post(path, ballots[members[person]]), members)))
    for member_id, (status, page) in retried.items():
        if member_id in stored:  # acknowledged, or stored while its answer was cut off by the kill
            assert status == 400 and ALREADY in page, (member_id, status)
        else:
            assert status == 302, (member_id, status)
    stored, marked, logged, broken = _stored(server.url, vote_id)
    assert stored == dict.fromkeys(members.values(), 1) and marked == logged == len(members) and broken is None
    return len(acked)


def _signed_in(port: int, code: str) -> Browser:
    browser = Browser(port, timeout=10)
    assert browser.sign_in(code)[0] == 302
    return browser


def _send(browser: Browser, path: str, fields: dict[str, str], delay: float, answers: dict[int, int | None], key: int) -> None:
    """Send a ballot after `delay`; record its status, or None if the server died before answering."""
    time.sleep(delay)
    try:
        answers[key] = browser.post(path, fields)[0]
    except (OSError, http.client.HTTPException):  # refused, reset, or cut off in the middle of the answer
        answers[key] = None


def _voters(url: str, vote_id: int) -> dict[str, int]:
    """The vote's voters: person id -> member id."""
    engine = make_engine(url)
    with Session(engine) as db:
        voters = dict(db.execute(select(Member.person_id, Member.id).join(Voter, Voter.member_id == Member.id).where(Voter.vote_id == vote_id)).all())
    engine.dispose()
    return voters


def _stored(url: str, vote_id: int) -> tuple[dict[int, int], int, int, object]:
    """Ballots per member, voters marked as having voted, the vote's ballot entries in the log, the chain's first break."""
    engine = make_engine(url)
    with Session(engine) as db:
        ballots: dict[int, int] = {}
        for member_id in db.scalars(select(Ballot.member_id).where(Ballot.vote_id == vote_id)):
            ballots[member_id] = ballots.get(member_id, 0) + 1
        marked = db.scalar(select(func.count()).select_from(Voter).where(Voter.vote_id == vote_id, Voter.voted_at.is_not(None)))
        logged = db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "vote.ballot", AuditEntry.target.endswith(f"/vote:{vote_id}")))
        _, _, broken = auditlog.verify_chain(db)
    engine.dispose()
    return ballots, marked, logged, broken
