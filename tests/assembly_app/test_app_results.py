"""Analog votes, the tally option, publication and the results (pages and CSV), on SQLite and PostgreSQL
for the service, then through the pages of the demo."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from assembly_app import amendments, measures, results, roster, votes
from assembly_app.decisions import Base, Quorum, Rule, Threshold, describe
from assembly_app.models import AuditEntry, Member, Vote
from app_testing import login

NOW = datetime(2026, 3, 1, 9, 30)
MAJORITY = Rule(Threshold.SIMPLE_MAJORITY)


def _assembly(db: Session, folder):
    return roster.import_draw(db, "Convention", folder, id_column="id", actor="ana", now=NOW)


def _submitted(db: Session, assembly, title: str = "110 km/h on motorways"):
    measure = measures.create_measure(db, assembly, title=title, objective="", route="regulation", group=None, text="Lower the speed limit to 110 km/h.", actor="fred", now=NOW)
    measures.change_state(db, measure, "submitted", actor="fred", now=NOW)
    return measure


def _audit(db: Session, action: str) -> list[AuditEntry]:
    return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))


def _members(assembly) -> list[Member]:
    return [member for member in assembly.members if member.status == "active"]


def test_analog_totals_are_entered_by_one_account_and_confirmed_by_another(engine, draw_folder):
    with Session(engine) as db:
        assembly = _assembly(db, draw_folder)
        measure = _submitted(db, assembly)
        vote = votes.create_vote(db, assembly, question="Adopt it?", rule=Rule(Threshold.TWO_THIRDS, Base.CAST), measure=measure, method="analog", actor="fred", now=NOW)
        assert votes.open_vote(db, vote, actor="fred", now=NOW) == 12
        db.commit()
        with pytest.raises(votes.VoteError, match="by show of hands or on paper in the room; it takes no ballot here"):
            votes.cast_ballot(db, vote, _members(assembly)[0], "yes", now=NOW)
        with pytest.raises(votes.VoteError, match="no totals have been entered yet"):
            votes.confirm_totals(db, vote, (0, 0, 0), actor="gaby", now=NOW)
        with pytest.raises(votes.VoteError, match="13 votes entered but only 12 members may vote"):
            votes.enter_totals(db, vote, 10, 2, 1, actor="fred", now=NOW)
        with pytest.raises(votes.VoteError, match="the number of no votes must be a whole number, 0 or more"):
            votes.enter_totals(db, vote, 3, -1, 0, actor="fred", now=NOW)
        with pytest.raises(votes.VoteError, match="whole number"):
            votes.enter_totals(db, vote, 2.5, 1, 0, actor="fred", now=NOW)  # type: ignore[arg-type]
        with pytest.raises(votes.VoteError, match="closes when a second staff account confirms"):
            votes.close_vote(db, vote, actor="fred", now=NOW)
        votes.enter_totals(db, vote, 6, 4, 1, actor="fred", now=NOW)
        votes.enter_totals(db, vote, 8, 3, 1, actor="fred", now=NOW)  # a recount replaces the entry
        db.commit()
        with pytest.raises(votes.VoteError, match="entered by fred; another organiser or facilitator must confirm them"):
            votes.confirm_totals(db, vote, (8, 3, 1), actor="fred", now=NOW)
        with pytest.raises(votes.VoteError, match="entered again since you read them: now yes 8, no 3, abstain 1"):
            votes.confirm_totals(db, vote, (6, 4, 1), actor="gaby", now=NOW)
        assert vote.state == "open" and vote.confirmed_by is None
        decision = votes.confirm_totals(db, vote, (8, 3, 1), actor="gaby", now=NOW)
        db.commit()
        assert decision.passed and decision.reason == "needed 8 of 12 votes cast, got 8"
        assert (vote.state, vote.yes, vote.no, vote.abstain, vote.entered_by, vote.confirmed_by) == ("closed", 8, 3, 1, "fred", "gaby")
        assert measure.state == "adopted"  # settled as close_vote settles it
        entered = _audit(db, "vote.enter")
        assert [json.loads(entry.before or "null") for entry in entered] == [None, {"yes": 6, "no": 4, "abstain": 1, "entered_by": "fred"}]
        assert json.loads(entered[1].after) == {"yes": 8, "no": 3, "abstain": 1, "entered_by": "fred"}
        [confirmed] = _audit(db, "vote.confirm")
        assert confirmed.actor == "gaby" and json.loads(confirmed.after)["reason"] == decision.reason and not _audit(db, "vote.close")
        with pytest.raises(votes.VoteError, match="entered while the vote is open; this one is closed"):
            votes.enter_totals(db, vote, 1, 1, 1, actor="fred", now=NOW)


def test_an_electronic_vote_takes_no_totals_and_the_tally_shows_only_when_allowed(engine, draw_folder):
    with Session(engine) as db:
        assembly = _assembly(db, draw_folder)
        hidden = votes.create_vote(db, assembly, question="Hidden?", rule=MAJORITY, actor="fred", now=NOW)
        shown = votes.create_vote(db, assembly, question="Shown?", rule=MAJORITY, show_tally=True, actor="fred", now=NOW)
        assert votes.running_tally(db, shown) is None  # a draft has no tally
        for vote in (hidden, shown):
            votes.open_vote(db, vote, actor="fred", now=NOW)
            votes.cast_ballot(db, vote, _members(assembly)[0], "no", now=NOW)
        with pytest.raises(votes.VoteError, match="totals are entered only for a vote by show of hands"):
            votes.enter_totals(db, hidden, 1, 0, 0, actor="fred", now=NOW)
        assert votes.running_tally(db, hidden) is None
        assert votes.running_tally(db, shown) == {"yes": 0, "no": 1, "abstain": 0}
        assert [json.loads(entry.after)["show_tally"] for entry in _audit(db, "vote.open")] == [False, True]
        votes.close_vote(db, shown, actor="fred", now=NOW)
        assert votes.running_tally(db, shown) is None  # after the close, the result speaks
        with pytest.raises(votes.VoteError, match="not a way of voting"):
            votes.create_vote(db, assembly, question="Q?", rule=MAJORITY, method="carrier pigeon", actor="fred", now=NOW)


def test_a_result_is_published_once_after_the_close(engine, draw_folder):
    with Session(engine) as db:
        assembly = _assembly(db, draw_folder)
        vote = votes.create_vote(db, assembly, question="Q?", rule=MAJORITY, actor="fred", now=NOW)
        with pytest.raises(votes.VoteError, match="only the result of a closed vote can be published; this one is draft"):
            votes.publish_result(db, vote, actor="ana", now=NOW)
        votes.open_vote(db, vote, actor="fred", now=NOW)
        votes.cast_ballot(db, vote, _members(assembly)[0], "yes", now=NOW)
        votes.close_vote(db, vote, actor="fred", now=NOW)
        votes.publish_result(db, vote, actor="ana", now=NOW)
        db.commit()
        assert vote.published_at == NOW
        with pytest.raises(votes.VoteError, match="already published on 2026-03-01 09:30 UTC"):
            votes.publish_result(db, vote, actor="ana", now=NOW)
        [entry] = _audit(db, "vote.publish")
        assert entry.actor == "ana" and json.loads(entry.after) == {"published": True, "passed": True, "reason": "needed 1 yes (more than the 0 no), got 1"}


def _read_then_left(engine, vote_id: int) -> tuple[Session, Vote]:
    """A session holding the vote as it read it, its transaction over (SQLite's write lock released)."""
    late = Session(engine, expire_on_commit=False)
    vote = late.get(Vote, vote_id)
    late.commit()
    return late, vote


def test_two_staff_acting_on_what_they_read_cannot_both_close_confirm_or_publish(engine, draw_folder):
    """Each change leaves its state by a conditional UPDATE: a session acting on what it read before another
    one's change is refused instead of closing, confirming or publishing a second time."""
    with Session(engine) as db:
        assembly = _assembly(db, draw_folder)
        electronic = votes.create_vote(db, assembly, question="Q?", rule=MAJORITY, actor="fred", now=NOW)
        analog = votes.create_vote(db, assembly, question="Hands?", rule=MAJORITY, method="analog", actor="fred", now=NOW)
        for vote in (electronic, analog):
            votes.open_vote(db, vote, actor="fred", now=NOW)
        votes.enter_totals(db, analog, 5, 2, 0, actor="fred", now=NOW)
        ids = electronic.id, analog.id
        db.commit()  # from here on, reading an attribute of `db`'s objects would begin a transaction: take ids first
        late_close, late_confirm = _read_then_left(engine, ids[0]), _read_then_left(engine, ids[1])
        votes.close_vote(db, electronic, actor="fred", now=NOW)
        votes.enter_totals(db, analog, 6, 1, 0, actor="fred", now=NOW)  # a recount the confirming page did not show
        db.commit()
        late_publish = _read_then_left(engine, ids[0])
        votes.publish_result(db, electronic, actor="ana", now=NOW)
        db.commit()
        for (late, vote), act in ((late_close, votes.close_vote), (late_publish, votes.publish_result)):
            with late, pytest.raises(votes.VoteError, match="someone else changed this vote a moment ago"):
                act(late, vote, actor="gaby", now=NOW)
        with late_confirm[0], pytest.raises(votes.VoteError, match="someone else changed this vote a moment ago"):
            votes.confirm_totals(late_confirm[0], late_confirm[1], (5, 2, 0), actor="gaby", now=NOW)
        assert [len(_audit(db, action)) for action in ("vote.close", "vote.confirm", "vote.publish")] == [1, 0, 1]
        db.refresh(analog)
        assert (analog.state, analog.yes, analog.confirmed_by) == ("open", 6, None)


def test_results_list_every_measure_and_question_and_members_see_only_published_ones(engine, draw_folder):
    with Session(engine) as db:
        assembly = _assembly(db, draw_folder)
        members = _members(assembly)
        speed = _submitted(db, assembly)
        text = speed.current.text
        start = text.index("110 km/h")
        amendment = amendments.propose(db, speed.current, start=start, end=start + len("110 km/h"), replacement="100 km/h", rationale="safer", proposed_by="fred", now=NOW)
        amendments.declare_admissible(db, amendment, actor="fred", now=NOW)
        on_amendment = votes.create_vote(db, assembly, question="Adopt amendment 1?", rule=MAJORITY, amendment=amendment, actor="fred", now=NOW)
        on_measure = votes.create_vote(db, assembly, question="=HYPERLINK(\"x\")", rule=Rule(Threshold.TWO_THIRDS, Base.CAST, quorum=Quorum("voting", 3)), measure=speed, actor="fred", now=NOW)
        free = votes.create_vote(db, assembly, question="Propose it by referendum?", rule=Rule(Threshold.ABSOLUTE_MAJORITY, Base.ACTIVE), actor="fred", now=NOW)
        for vote, choices in ((on_amendment, "yyn"), (on_measure, "yyyna"), (free, "ynn")):
            votes.open_vote(db, vote, actor="fred", now=NOW)
            for member, choice in zip(members, choices):
                votes.cast_ballot(db, vote, member, {"y": "yes", "n": "no", "a": "abstain"}[choice], now=NOW)
            votes.close_vote(db, vote, actor="fred", now=NOW)
        other = _submitted(db, assembly, "Renovate every home")
        db.commit()

        staff = results.assembly_results(db, assembly, published_only=False)
        assert [m.title for m in staff.measures] == ["110 km/h on motorways", "Renovate every home"]
        decided = staff.measures[0]
        assert (decided.state, decided.version, decided.route) == ("rejected", 2, "regulation")  # the amendment merged: version 2
        assert decided.deciding is not None and decided.deciding.vote_id == on_measure.id
        assert (decided.deciding.yes, decided.deciding.no, decided.deciding.abstain, decided.deciding.reason) == (3, 1, 1, "needed 4 of 5 votes cast, got 3")
        assert [(a.number, a.state, a.merged_version, a.vote.vote_id) for a in decided.amendments] == [(1, "adopted", 2, on_amendment.id)]
        assert staff.measures[1].deciding is None and staff.measures[1].state == "submitted" and other.current.number == 1
        assert [q.question for q in staff.questions] == ["Propose it by referendum?"]
        assert results.assembly_results(db, assembly, published_only=True) == results.AssemblyResults((), ())

        votes.publish_result(db, free, actor="ana", now=NOW)
        votes.publish_result(db, on_amendment, actor="ana", now=NOW)
        published = results.assembly_results(db, assembly, published_only=True)
        assert published.measures == () and [q.vote_id for q in published.questions] == [free.id]  # the measure's own vote is unpublished

        rows = list(csv.reader(io.StringIO(results.results_csv(staff))))
        assert rows[0] == results.CSV_HEADER
        assert rows[1] == ["110 km/h on motorways", "1", "Adopt amendment 1?", "electronic", "simple majority", "2", "1", "0", "yes", "needed 2 yes (more than the 1 no), got 2", "2026-03-01 09:30", ""]
        assert rows[2][2] == "'=HYPERLINK(\"x\")" and rows[2][4] == "two thirds of votes cast; quorum: 3 members voting" and rows[2][8] == "no"
        assert rows[3][:3] == ["", "", "Propose it by referendum?"] and rows[3][4] == "absolute majority of active members" and len(rows) == 4


def test_describe_says_the_rule_in_words():
    assert describe(Rule(Threshold.PERCENTAGE, Base.PRESENT, 60, Quorum("present", 76))) == "60 % of members present; quorum: 76 members present"
    assert describe(Rule(Threshold.SIMPLE_MAJORITY)) == "simple majority"


def _member(app, code: str):
    client = app.test_client()
    assert client.post("/member", data={"code": code}).status_code == 302
    return client


def _staff(app, username: str):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def _prepare(client, question: str, **fields: str) -> str:
    form = {"question": question, "measure": "", "session": "", "threshold": "simple_majority", "base": "cast_excluding_abstentions", "quorum_of": "", **fields}
    response = client.post("/assemblies/1/votes/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.location


def test_the_running_tally_shows_on_the_pages_only_when_the_organiser_allowed_it(demo):
    facilitator = _staff(demo, "facilitator")
    member = _member(demo, sorted(demo.member_codes.values())[0])
    for show, question in ((True, "Shown?"), (False, "Hidden?")):
        url = _prepare(facilitator, question, **({"show_tally": "y"} if show else {}))
        assert facilitator.post(url + "/open").status_code == 302
        vote_id = url.rsplit("/", 1)[1]
        assert member.post(f"/member/votes/{vote_id}", data={"choice": "no"}).status_code == 302
        staff_page, member_page = facilitator.get(url).get_data(as_text=True), member.get(f"/member/votes/{vote_id}").get_data(as_text=True)
        assert "1 of 12 voters have voted." in staff_page
        for page in (staff_page, member_page):
            assert ("Running tally" in page and "yes 0, no 1, abstain 0" in page) is show
            assert ("yes 0, no 1" in page) is show


def test_an_analog_vote_is_entered_confirmed_by_a_second_account_and_published(demo):
    facilitator, organiser = _staff(demo, "facilitator"), _staff(demo, "organiser")
    member = _member(demo, sorted(demo.member_codes.values())[0])
    url = _prepare(facilitator, "Adopt the rules of procedure?", method="analog")
    vote_id = url.rsplit("/", 1)[1]
    assert facilitator.post(url + "/open").status_code == 302
    refused = member.post(f"/member/votes/{vote_id}", data={"choice": "yes"})
    assert refused.status_code == 400 and "it takes no ballot here" in refused.get_data(as_text=True)
    assert "held in the room, by show of hands or on paper" in member.get(f"/member/votes/{vote_id}").get_data(as_text=True)
    assert "Close the vote" not in facilitator.get(url).get_data(as_text=True)

    bad = facilitator.post(url + "/totals", data={"yes": "3.5", "no": "2", "abstain": "0"})
    assert bad.status_code == 400 and "Enter each total as a whole number" in bad.get_data(as_text=True)
    too_many = facilitator.post(url + "/totals", data={"yes": "9", "no": "3", "abstain": "1"})
    assert too_many.status_code == 400 and "13 votes entered but only 12 members may vote" in too_many.get_data(as_text=True)
    with Session(demo.extensions["engine"]) as db:
        assert db.get(Vote, int(vote_id)).entered_by is None  # nothing half-written
    assert facilitator.post(url + "/totals", data={"yes": "7", "no": "4", "abstain": "1"}).status_code == 302
    page = facilitator.get(url).get_data(as_text=True)
    assert "Entered by facilitator" in page and "another organiser or facilitator must confirm them" in page and "Confirm these totals" not in page
    shown = {"yes": "7", "no": "4", "abstain": "1"}
    own = facilitator.post(url + "/confirm", data=shown)
    assert own.status_code == 400 and "the totals were entered by facilitator; another organiser or facilitator must confirm them" in own.get_data(as_text=True)
    assert "Confirm these totals and close the vote" in organiser.get(url).get_data(as_text=True)
    assert organiser.post(url + "/confirm").status_code == 400  # without the totals it read
    assert organiser.post(url + "/confirm", data=shown).status_code == 302
    page = facilitator.get(url).get_data(as_text=True)
    assert "needed 5 yes (more than the 4 no), got 7" in page and "entered by facilitator, confirmed by organiser" in page and "not yet published" in page

    assert "closed, result not yet published" in member.get(f"/member/votes/{vote_id}").get_data(as_text=True)
    assert "closed, result not yet published" in member.get("/member/home").get_data(as_text=True)
    assert organiser.post(url + "/publish").status_code == 302
    assert "needed 5 yes (more than the 4 no), got 7" in member.get(f"/member/votes/{vote_id}").get_data(as_text=True)
    again = organiser.post(url + "/publish")
    assert again.status_code == 400 and "already published" in again.get_data(as_text=True)


def test_staff_read_every_result_members_only_published_ones_and_the_csv_is_safe(demo):
    auditor = _staff(demo, "auditor")
    page = auditor.get("/assemblies/1/results").get_data(as_text=True)
    for shown in ("110 km/h on motorways", "needed 6 of 9 votes cast, got 5", "Propose “110 km/h on motorways” by referendum?", "Hold session 3 in Marseille?", "not yet published"):
        assert shown in page
    member = _member(demo, sorted(demo.member_codes.values())[0]).get("/member/results").get_data(as_text=True)
    assert "needed 6 of 9 votes cast, got 5" in member and "by referendum?" in member
    assert "Hold session 3 in Marseille?" not in member and "Renovate every home by 2040" not in member  # not published
    measure = auditor.get("/assemblies/1/measures/2/results").get_data(as_text=True)
    assert "Adopt “110 km/h on motorways”?" in measure and "two thirds · votes cast" in measure

    response = auditor.get("/assemblies/1/results.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # as the attendance sheet: a spreadsheet then reads it as UTF-8
    rows = {row["question"]: row for row in csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))}
    speed = rows["Adopt “110 km/h on motorways”?"]
    assert (speed["yes"], speed["no"], speed["abstain"], speed["passed"], speed["reason"]) == ("5", "3", "1", "no", "needed 6 of 9 votes cast, got 5")
    assert speed["rule"] == "two thirds of votes cast; quorum: 6 members present" and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", speed["published_at"])
    assert rows["Hold session 3 in Marseille?"]["method"] == "analog" and rows["Hold session 3 in Marseille?"]["published_at"] == ""
