"""Votes on SQLite and PostgreSQL: the rule locks at opening, voters freeze, one ballot each (held by the
database), closing gives the result and its reason; a Hypothesis state machine over the life cycle."""

from __future__ import annotations

import json
import tempfile
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assembly_app import attendance, roster, sessions, votes
from assembly_app.db import make_engine
from assembly_app.decisions import Base, Quorum, Rule, Threshold
from assembly_app.models import Assembly, AuditEntry, Ballot, Base as Tables, Member, Voter
from app_testing import login

NOW = datetime(2026, 3, 1, 9, 30)
TWO_THIRDS = Rule(Threshold.TWO_THIRDS, Base.CAST)


def _active(assembly: Assembly) -> list[Member]:
    return [member for member in assembly.members if member.status == "active"]


def _vote(db: Session, folder, rule: Rule = TWO_THIRDS, **options):
    assembly = roster.import_draw(db, "Convention", folder, id_column="id", actor="ana", now=NOW)
    vote = votes.create_vote(db, assembly, question="Propose this measure by referendum?", rule=rule, actor="fred", now=NOW, **options)
    db.commit()
    return assembly, vote


def _entries(db: Session, action: str) -> list[dict]:
    return [json.loads(entry.after) for entry in db.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq))]


def test_a_vote_opens_takes_one_ballot_each_and_closes_with_its_reason(engine, draw_folder):
    with Session(engine) as db:
        assembly, vote = _vote(db, draw_folder)
        members = _active(assembly)
        votes.declare_rule(db, vote, Rule(Threshold.ABSOLUTE_MAJORITY, Base.CAST), actor="fred", now=NOW)
        assert votes.open_vote(db, vote, actor="fred", now=NOW) == len(members) == 12
        db.commit()
        with pytest.raises(votes.VoteError, match="locked when it opened"):
            votes.declare_rule(db, vote, TWO_THIRDS, actor="fred", now=NOW)
        for member, choice in zip(members, ["yes"] * 6 + ["no"] * 3 + ["abstain"] * 2):
            votes.cast_ballot(db, vote, member, choice, now=NOW)
        db.commit()
        with pytest.raises(votes.VoteError, match="already voted"):
            votes.cast_ballot(db, vote, members[0], "no", now=NOW)
        db.rollback()
        assert votes.has_voted(db, vote, members[0]) and not votes.has_voted(db, vote, members[-1])
        decision = votes.close_vote(db, vote, actor="fred", now=NOW)
        db.commit()
        assert decision.reason == "needed 6 of 11 votes cast, got 6" and decision.passed
        assert (vote.state, vote.yes, vote.no, vote.abstain, vote.passed, vote.reason) == ("closed", 6, 3, 2, True, decision.reason)
        with pytest.raises(votes.VoteError, match="closed; no ballot is accepted after the close"):
            votes.cast_ballot(db, vote, members[-1], "yes", now=NOW)
        # Staff and auditors read the log: a named ballot's choice appears there only with the close.
        assert _entries(db, "vote.open")[0]["voters"] == 12 and _entries(db, "vote.ballot") == [{"voted": True}] * 11
        closed = _entries(db, "vote.close")[0]
        assert closed["reason"] == "needed 6 of 11 votes cast, got 6" and len(closed["ballots"]) == 11
        assert closed["ballots"][members[0].person_id] == "yes" and list(closed["ballots"]) == sorted(closed["ballots"])


def test_a_secret_ballot_names_nobody_and_only_frozen_voters_may_vote(engine, draw_folder):
    with Session(engine) as db:
        assembly, vote = _vote(db, draw_folder, is_secret=True)
        late = _active(assembly)[-1]
        late.status = "withdrawn"
        votes.open_vote(db, vote, actor="fred", now=NOW)
        late.status = "active"  # back after the opening: still not a voter of this vote
        db.commit()
        with pytest.raises(votes.VoteError, match="not among the voters of this vote"):
            votes.cast_ballot(db, vote, late, "yes", now=NOW)
        with pytest.raises(votes.VoteError, match="“maybe” is not a choice"):
            votes.cast_ballot(db, vote, _active(assembly)[0], "maybe", now=NOW)
        votes.cast_ballot(db, vote, _active(assembly)[0], "no", now=NOW)
        db.commit()
        assert db.scalars(select(Ballot.member_id)).all() == [None]
        assert _entries(db, "vote.ballot") == [{"voted": True}]
        assert votes.tally(db, vote) == {"yes": 0, "no": 1, "abstain": 0}


def test_a_rule_counting_presence_takes_the_voters_from_the_sessions_attendance(engine, draw_folder):
    with Session(engine) as db:
        rule = Rule(Threshold.SIMPLE_MAJORITY, quorum=Quorum("present", 8))
        assembly, vote = _vote(db, draw_folder, rule=rule)
        with pytest.raises(votes.VoteError, match="choose the session whose attendance"):
            votes.open_vote(db, vote, actor="fred", now=NOW)
        session = sessions.create_session(db, assembly, held_on=date(2026, 3, 1), place="Paris", actor="fred", now=NOW)
        for member in _active(assembly)[:7]:
            attendance.check_in(db, session, member, actor="fred", now=NOW)
        vote.session = session
        assert votes.open_vote(db, vote, actor="fred", now=NOW) == 7
        db.commit()
        with pytest.raises(votes.VoteError, match="not among the voters"):
            votes.cast_ballot(db, vote, _active(assembly)[7], "yes", now=NOW)
        db.rollback()
        for member in _active(assembly)[:7]:
            votes.cast_ballot(db, vote, member, "yes", now=NOW)
        assert votes.close_vote(db, vote, actor="fred", now=NOW).reason == "quorum not reached: 7 present, 8 needed"


def test_the_database_refuses_a_second_named_ballot_and_a_second_voter_row(engine, draw_folder):
    with Session(engine) as db:
        assembly, vote = _vote(db, draw_folder)
        votes.open_vote(db, vote, actor="fred", now=NOW)
        db.commit()
        member = _active(assembly)[0]
        votes.cast_ballot(db, vote, member, "yes", now=NOW)
        db.commit()
        db.add(Ballot(vote_id=vote.id, member_id=member.id, choice="no"))
        with pytest.raises(IntegrityError):
            db.commit()
        db.rollback()
        db.add(Voter(vote_id=vote.id, member_id=member.id))
        with pytest.raises(IntegrityError):
            db.commit()
        db.rollback()
        assert db.scalar(select(func.count()).select_from(Ballot)) == 1


def test_bad_votes_are_refused_with_a_reason(engine, draw_folder):
    with Session(engine) as db:
        assembly, vote = _vote(db, draw_folder)
        with pytest.raises(votes.VoteError, match="needs a question"):
            votes.create_vote(db, assembly, question="  ", rule=TWO_THIRDS, actor="fred", now=NOW)
        with pytest.raises(votes.VoteError, match="only an open vote can be closed; this one is draft"):
            votes.close_vote(db, vote, actor="fred", now=NOW)
        with pytest.raises(votes.VoteError, match="this vote is not open"):
            votes.cast_ballot(db, vote, _active(assembly)[0], "yes", now=NOW)
        assert votes.rule_of(vote) == TWO_THIRDS


class VoteLifeCycle(RuleBasedStateMachine):
    """Open → ballots (some duplicates, some from non-voters), or for an analog vote totals entered and confirmed
    (sometimes by the same account) → close → late ballots → publish, on a fresh SQLite file."""

    @initialize(
        size=st.integers(1, 8), outsiders=st.integers(0, 2), secret=st.booleans(), method=st.sampled_from(["electronic", "analog"]),
        rule=st.sampled_from([TWO_THIRDS, Rule(Threshold.SIMPLE_MAJORITY), Rule(Threshold.PERCENTAGE, Base.ACTIVE, 60)]),
    )
    def open(self, size, outsiders, secret, method, rule):
        self.folder = tempfile.TemporaryDirectory()
        self.engine = make_engine(f"sqlite:///{Path(self.folder.name) / 'votes.sqlite3'}")
        Tables.metadata.create_all(self.engine)
        self.db = Session(self.engine)
        assembly = Assembly(name="A", created_at=NOW, id_column="id", quotas=[], contact_columns=[])
        statuses = ["active"] * size + ["withdrawn"] * outsiders
        assembly.members = [Member(person_id=f"P{i}", status=status, row=i, features={}, contact={}) for i, status in enumerate(statuses)]
        self.db.add(assembly)
        self.vote = votes.create_vote(self.db, assembly, question="Q?", rule=rule, is_secret=secret, method=method, actor="fred", now=NOW)
        self.voters = votes.open_vote(self.db, self.vote, actor="fred", now=NOW)
        self.db.commit()
        self.members = assembly.members
        self.accepted: set[int] = set()
        self.entered: tuple[str, int] | None = None  # who entered the analog totals, and their sum
        self.closed = self.published = False

    @rule(index=st.integers(0, 9), choice=st.sampled_from(["yes", "no", "abstain"]))
    def ballot(self, index, choice):
        member = self.members[index % len(self.members)]
        try:
            votes.cast_ballot(self.db, self.vote, member, choice, now=NOW)
        except votes.VoteError:
            self.db.rollback()
            assert self.closed or self.vote.method == "analog" or member.id in self.accepted or member.status != "active"
        else:
            self.db.commit()
            assert not self.closed and self.vote.method == "electronic" and member.id not in self.accepted and member.status == "active"
            self.accepted.add(member.id)

    @rule(yes=st.integers(0, 3), no=st.integers(0, 3), abstain=st.integers(0, 2), by=st.sampled_from(["fred", "gaby"]))
    def enter(self, yes, no, abstain, by):
        try:
            votes.enter_totals(self.db, self.vote, yes, no, abstain, actor=by, now=NOW)
        except votes.VoteError:
            self.db.rollback()
            assert self.closed or self.vote.method == "electronic" or yes + no + abstain > self.voters
        else:
            self.db.commit()
            assert not self.closed and self.vote.method == "analog" and yes + no + abstain <= self.voters
            self.entered = (by, yes + no + abstain)

    @rule(by=st.sampled_from(["fred", "gaby"]))
    def confirm(self, by):
        try:
            votes.confirm_totals(self.db, self.vote, (self.vote.yes, self.vote.no, self.vote.abstain), actor=by, now=NOW)
        except votes.VoteError:
            self.db.rollback()
            assert self.closed or self.entered is None or self.entered[0] == by
        else:
            self.db.commit()
            assert not self.closed and self.entered is not None and self.entered[0] != by
            assert self.vote.yes + self.vote.no + self.vote.abstain == self.entered[1]
            self.closed = True

    @precondition(lambda self: not self.closed)
    @rule()
    def close(self):
        if self.vote.method == "analog":
            with pytest.raises(votes.VoteError, match="a second staff account confirms"):
                votes.close_vote(self.db, self.vote, actor="fred", now=NOW)
            return
        decision = votes.close_vote(self.db, self.vote, actor="fred", now=NOW)
        self.db.commit()
        self.closed = True
        assert decision.passed == (decision.got >= decision.needed)
        assert self.vote.yes + self.vote.no + self.vote.abstain == len(self.accepted)

    @rule()
    def publish(self):
        try:
            votes.publish_result(self.db, self.vote, actor="fred", now=NOW)
        except votes.VoteError:
            self.db.rollback()
            assert not self.closed or self.published
        else:
            self.db.commit()
            assert self.closed and not self.published
            self.published = True

    @invariant()
    def one_ballot_per_voter_and_never_more_than_the_voters(self):
        if not hasattr(self, "vote"):
            return
        ballots = self.db.scalar(select(func.count()).select_from(Ballot))
        voters = self.db.scalar(select(func.count()).select_from(Voter))
        voted = self.db.scalar(select(func.count()).select_from(Voter).where(Voter.voted_at.is_not(None)))
        assert ballots == voted == len(self.accepted) <= voters == self.voters
        if self.vote.yes is not None:
            assert self.vote.yes + self.vote.no + self.vote.abstain <= voters

    @invariant()
    def only_a_closed_result_is_published(self):
        if hasattr(self, "vote"):
            assert (self.vote.published_at is not None) == self.published and (self.vote.state == "closed") == self.closed
            assert not self.published or self.closed

    def teardown(self):
        if hasattr(self, "db"):
            self.db.close()
            self.engine.dispose()
            self.folder.cleanup()


TestVoteLifeCycle = VoteLifeCycle.TestCase


def _member(app, code: str):
    client = app.test_client()
    assert client.post("/member", data={"code": code}).status_code == 302
    return client


def test_members_vote_from_their_own_sessions_and_see_the_result_after_the_close(demo):
    staff = demo.test_client()
    login(staff, "facilitator")
    response = staff.post("/assemblies/1/votes/new", data={"question": "Propose a referendum?", "measure": "", "session": "", "threshold": "absolute_majority", "base": "cast", "quorum_of": ""})
    assert response.status_code == 302
    url = response.location
    vote_id = int(url.rsplit("/", 1)[1])
    assert "prepared, not open" in staff.get(url).get_data(as_text=True)
    assert staff.post(url + "/open").status_code == 302
    codes = list(demo.member_codes.values())
    members = [_member(demo, code) for code in codes]
    assert "Propose a referendum?" in members[0].get("/member/home").get_data(as_text=True)
    for client, choice in zip(members, ["yes"] * 5 + ["no"] * 4 + ["abstain"]):
        assert client.post(f"/member/votes/{vote_id}", data={"choice": choice}).status_code == 302
    again = members[0].post(f"/member/votes/{vote_id}", data={"choice": "no"})
    assert again.status_code == 400 and "you have already voted" in again.get_data(as_text=True)
    page = members[0].get(f"/member/votes/{vote_id}").get_data(as_text=True)
    assert "your ballot was counted" in page and "yes 5" not in page and "The result will be shown here" in page
    assert "10 of 12 voters have voted." in staff.get(url).get_data(as_text=True)
    assert staff.post(url + "/close").status_code == 302
    result = "needed 6 of 10 votes cast, got 5"
    assert result in staff.get(url).get_data(as_text=True) and "Not passed" in staff.get(url).get_data(as_text=True)
    closed = members[-1].post(f"/member/votes/{vote_id}", data={"choice": "yes"})
    assert closed.status_code == 400 and "no ballot is accepted after the close" in closed.get_data(as_text=True)
    page = members[-1].get(f"/member/votes/{vote_id}").get_data(as_text=True)
    assert "closed, result not yet published" in page and result not in page
    organiser = demo.test_client()
    login(organiser, "organiser")
    assert staff.post(url + "/publish").status_code == 403  # publishing is the organiser's
    assert organiser.post(url + "/publish").status_code == 302
    assert result in members[-1].get(f"/member/votes/{vote_id}").get_data(as_text=True)


def test_a_bad_rule_or_a_draft_vote_is_explained(demo):
    staff = demo.test_client()
    login(staff, "facilitator")
    response = staff.post("/assemblies/1/votes/new", data={"question": "Q?", "measure": "", "session": "", "threshold": "percentage", "base": "cast", "quorum_of": ""})
    assert response.status_code == 400 and "a percentage threshold is a whole number from 1 to 100" in response.get_data(as_text=True)
    response = staff.post("/assemblies/1/votes/new", data={"question": "Q?", "measure": "", "session": "", "threshold": "simple_majority", "base": "cast_excluding_abstentions", "quorum_of": "present", "quorum_minimum": "5"})
    url = response.location
    refused = staff.post(url + "/open")
    assert refused.status_code == 400 and "choose the session whose attendance" in refused.get_data(as_text=True)
    member = _member(demo, next(iter(demo.member_codes.values())))
    assert member.get(f"/member/votes/{url.rsplit('/', 1)[1]}").status_code == 404  # a draft is not shown to members
    assert "needed 6 of 9 votes cast, got 5" in staff.get("/assemblies/1/votes").get_data(as_text=True)  # the demo's vote


def test_ballots_sent_at_the_same_moment_and_their_duplicates_give_one_ballot_each(engine, draw_folder):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    with Session(engine) as db:
        assembly, vote = _vote(db, draw_folder)
        votes.open_vote(db, vote, actor="fred", now=NOW)
        db.commit()
        vote_id, member_ids = vote.id, [member.id for member in _active(assembly)]
    senders = member_ids * 2  # every member sends the same ballot twice
    barrier = threading.Barrier(len(senders))

    def send(member_id: int) -> str:
        barrier.wait(timeout=30)  # before the first query: on SQLite that query already takes the write lock
        with Session(engine) as db:
            vote, member = db.get(votes.Vote, vote_id), db.get(Member, member_id)
            try:
                votes.cast_ballot(db, vote, member, "yes", now=NOW)
                db.commit()
            except votes.VoteError as refused:
                db.rollback()
                return refused.reason
            return "counted"

    with ThreadPoolExecutor(len(senders)) as pool:
        answers = list(pool.map(send, senders))
    assert answers.count("counted") == len(member_ids)
    assert all(answer == "counted" or "already voted" in answer for answer in answers)
    with Session(engine) as db:
        assert db.scalar(select(func.count()).select_from(Ballot)) == len(member_ids)
