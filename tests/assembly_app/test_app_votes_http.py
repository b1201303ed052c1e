"""150 members log in with their voting codes and send their ballots at the same moment, each twice, to the app
served over real HTTP (werkzeug's threaded server), on SQLite and on PostgreSQL: one ballot each is stored, every
duplicate is told "already voted", and no request gets a server error."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
from served_app import Browser
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from assembly_app import auditlog, roster, votes
from assembly_app.decisions import Rule, Threshold
from assembly_app.models import Assembly, Ballot, Member, Voter
from app_testing import make_test_app

NOW = datetime(2026, 3, 1, 9, 30)
MEMBERS = 150
CHOICES = ("yes", "no", "abstain")


def _open_vote_of(engine, size: int) -> tuple[int, list[str]]:
    """An assembly of `size` members, each with a voting code, and an open vote of all of them."""
    with Session(engine) as db:
        assembly = Assembly(name="Convention", created_at=NOW, id_column="id", quotas=[], contact_columns=[])
        assembly.members = [Member(person_id=f"P{i:03}", status="active", row=i, features={}, contact={}, seat=i + 1) for i in range(size)]
        db.add(assembly)
        db.flush()
        codes = [code for _, code in roster.issue_codes(db, assembly, actor="ana", now=NOW)]
        vote = votes.create_vote(db, assembly, question="Adopt the rules of procedure?", rule=Rule(Threshold.SIMPLE_MAJORITY), actor="fred", now=NOW)
        votes.open_vote(db, vote, actor="fred", now=NOW)
        db.commit()
        return vote.id, codes


@pytest.fixture
def served(engine, tmp_path):
    """The app on `engine`, served on a free port by a thread per request; yields the port."""
    app = make_test_app(tmp_path)
    app.extensions["engine"].dispose()
    app.extensions["engine"] = engine
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # Room in the accept queue for every ballot at once (werkzeug listens with 128, as a real server would not:
    # gunicorn's backlog is 2048); an overflowing queue resets connections before the app sees them.
    server.socket.listen(4 * MEMBERS)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join()
    server.server_close()


def _logged_in(port: int, code: str, vote_id: int) -> tuple[Browser, str]:
    """A member's browser after entering their code, and the CSRF token of their ballot form."""
    browser = Browser(port)
    status, page = browser.sign_in(code)
    assert status == 302, page
    status, page = browser.get(f"/member/votes/{vote_id}")
    assert status == 200, page
    return browser, Browser.csrf_token(page)


def test_150_members_voting_at_once_twice_each_store_150_ballots_and_refuse_every_duplicate(engine, served):
    vote_id, codes = _open_vote_of(engine, MEMBERS)
    with ThreadPoolExecutor(16) as pool:
        sessions = list(pool.map(lambda code: _logged_in(served, code, vote_id), codes))
    sends = [(index, browser, token) for index, (browser, token) in enumerate(sessions)] * 2  # every ballot twice
    barrier = threading.Barrier(len(sends))

    def send(index: int, browser: Browser, token: str) -> tuple[int, str]:
        barrier.wait(timeout=60)
        return browser.post(f"/member/votes/{vote_id}", {"choice": CHOICES[index % 3], "csrf_token": token})

    with ThreadPoolExecutor(len(sends)) as pool:
        answers = list(pool.map(lambda sent: send(*sent), sends))
    statuses = [status for status, _ in answers]
    assert statuses.count(302) == MEMBERS and statuses.count(400) == MEMBERS, sorted(set(statuses))
    refused = [page for status, page in answers if status == 400]
    assert all("you have already voted in this vote; your ballot was counted and cannot be changed" in page for page in refused)
    for index in range(MEMBERS):  # each member had exactly one of their two sends counted
        assert sorted([answers[index][0], answers[index + MEMBERS][0]]) == [302, 400]
    with Session(engine) as db:
        assert db.scalar(select(func.count()).select_from(Ballot)) == MEMBERS
        assert db.scalar(select(func.count()).select_from(Voter).where(Voter.voted_at.is_not(None))) == MEMBERS
        expected = {choice: sum(1 for index in range(MEMBERS) if CHOICES[index % 3] == choice) for choice in CHOICES}
        assert votes.tally(db, db.get(votes.Vote, vote_id)) == expected
        assert auditlog.verify_chain(db)[2] is None
