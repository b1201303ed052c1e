"""Amendments: following a passage through edits (no database), the service on SQLite and PostgreSQL (merging,
overlaps, passages changed since, the state machine, settling through a real vote), then the pages."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assembly_app import amendments, measures, roster, votes
from assembly_app.decisions import Base, Rule, Threshold
from assembly_app.models import Amendment, AuditEntry, MeasureVersion, Vote
from assembly_app.passages import LONG, Edit, Followed, apply_edits, edits_between, follow, overlaps
from app_testing import login, make_test_app

NOW = datetime(2026, 3, 1, 9, 30)
TEXT = "Make the energy renovation of all buildings compulsory by 2040, with public loans for low-income owners."


# Following a passage, without a database.


def test_a_range_moves_with_the_edits_before_it_and_is_touched_by_edits_on_or_at_it():
    step = [Edit(0, 4, "Require"), Edit(44, 54, "mandatory")]  # "Make" -> "Require", "compulsory" -> "mandatory"
    assert follow(58, 62, [step]).touched_at is None and follow(58, 62, [step]).start == 58 + 3 - 1  # "2040"
    assert follow(40, 54, [step]).touched_at == 0  # "ings compulsory" shares characters with an edit
    assert follow(54, 54, [step]).touched_at == 0  # a point at an edit's edge
    assert follow(55, 62, [[Edit(55, 55, "no later than ")]]).touched_at == 0  # an insertion at the passage's start
    assert follow(62, 70, [[Edit(55, 62, "before 2035")]]) == Followed(66, 74, None)  # adjacent ranges do not overlap


def test_a_touched_range_covers_what_replaced_it():
    text = "by 2040, with loans"
    step = [Edit(3, 7, "2035 at the latest")]
    followed = follow(0, 7, [step])
    assert followed.touched_at == 0 and apply_edits(text, step)[followed.start : followed.end] == "by 2035 at the latest"
    gone = follow(3, 7, [[Edit(0, 8, "")]])
    assert (gone.start, gone.end) == (0, 0)


def test_overlap_is_symmetric_and_counts_points_at_edges():
    assert overlaps(0, 4, 3, 6) and not overlaps(0, 3, 3, 6)
    assert overlaps(3, 3, 0, 3) and overlaps(0, 3, 3, 3) and overlaps(2, 2, 2, 2) and not overlaps(2, 2, 3, 3)


@given(st.text("ab, .\n", max_size=40), st.text("ab, .\n", max_size=40))
def test_the_edits_between_two_texts_turn_one_into_the_other(old, new):
    edits = edits_between(old, new)
    assert apply_edits(old, edits) == new
    assert all(a.end <= b.start for a, b in zip(edits, edits[1:]))


def test_a_long_text_changed_at_both_ends_leaves_its_middle_untouched():
    old = " ".join(f"clause{i}" for i in range(LONG))  # past LONG tokens: difflib may skip frequent ones
    new = "Preamble. " + old.replace("clause0 ", "").replace(f" clause{LONG - 1}", " and the end.")
    middle = old.index("clause1000 clause1001")
    followed = follow(middle, middle + len("clause1000 clause1001"), [edits_between(old, new)])
    assert followed.touched_at is None and new[followed.start : followed.end] == "clause1000 clause1001"


def _disjoint_edits(draw, text: str, *, keep_last: bool) -> list[Edit]:
    """Random edits of `text` that pairwise do not overlap (the last character kept when asked)."""
    limit = len(text) - 1 if keep_last else len(text)
    edits: list[Edit] = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, limit))
        end = draw(st.integers(start, min(limit, start + 6)))
        replacement = draw(st.text("ab ,x", max_size=5))
        if replacement != text[start:end] and not any(overlaps(start, end, e.start, e.end) for e in edits):
            edits.append(Edit(start, end, replacement))
    return edits


@given(st.data())
def test_following_each_edit_through_the_others_in_any_order_gives_the_same_text(data):
    text = data.draw(st.text("ab, .", max_size=30))
    edits = _disjoint_edits(data.draw, text, keep_last=False)
    order = data.draw(st.permutations(edits))
    current, steps = text, []
    for edit in order:
        followed = follow(edit.start, edit.end, steps)
        assert followed.touched_at is None
        step = [Edit(followed.start, followed.end, edit.replacement)]
        current, steps = apply_edits(current, step), [*steps, step]
    assert current == apply_edits(text, edits)


# The service, on SQLite and PostgreSQL.


def _measure(db: Session, folder, text: str = TEXT):
    assembly = roster.import_draw(db, "Convention", folder, id_column="id", actor="ana", now=NOW)
    measure = measures.create_measure(db, assembly, title="Renovate", objective="", route="parliament", group=None, text=text, actor="fred", now=NOW)
    db.commit()
    return measure


def _propose(db, measure, passage, replacement, *, version=None, occurrence=None, insert_after=False, by="fred"):
    version = version or measure.current
    start, end = amendments.locate(version, passage, occurrence=occurrence, insert_after=insert_after)
    return amendments.propose(db, version, start=start, end=end, replacement=replacement, rationale="Why not.", proposed_by=by, now=NOW)


def _accept(db, amendment):
    amendments.declare_admissible(db, amendment, actor="ana", now=NOW)
    return amendments.accept(db, amendment, actor="ana", now=NOW)


def _edit(db, measure, text):
    return measures.edit_measure(db, measure, based_on=measure.current.number, title=measure.title, objective="", route=measure.route, group=None, text=text, actor="fred", now=NOW)


def _entries(db: Session, prefix: str) -> list[AuditEntry]:
    return list(db.scalars(select(AuditEntry).where(AuditEntry.action.startswith(prefix)).order_by(AuditEntry.seq)))


def test_replacing_inserting_and_deleting_merge_into_new_versions_linked_to_their_amendments(engine, draw_folder):
    with Session(engine) as db:
        measure = _measure(db, draw_folder)
        replace = _propose(db, measure, "all buildings", "every home")
        insert = _propose(db, measure, "public loans", " and grants", insert_after=True)
        delete = _propose(db, measure, " compulsory", "")
        assert (insert.start, insert.end, insert.original) == (TEXT.index(" for"), TEXT.index(" for"), "")
        db.commit()
        for amendment in (replace, insert, delete):
            _accept(db, amendment)
            db.commit()
        assert measure.current.text == "Make the energy renovation of every home by 2040, with public loans and grants for low-income owners."
        assert [a.merged_version.number for a in (replace, insert, delete)] == [2, 3, 4] and {a.state for a in (replace, insert, delete)} == {"accepted"}
        assert measure.versions[1].created_by == "ana"
        accepted = [json.loads(e.after) for e in _entries(db, "amendment.accept")]
        assert [a["version"] for a in accepted] == [2, 3, 4] and accepted[-1]["text"] == measure.current.text
        assert [e.target for e in _entries(db, "amendment.propose")] == [f"assembly:{measure.assembly_id}/measure:{measure.id}/amendment:{n}" for n in (1, 2, 3)]


@pytest.mark.parametrize("first", [0, 1])
def test_two_amendments_to_the_same_original_both_survive_in_either_order(engine, draw_folder, first):
    with Session(engine) as db:
        measure = _measure(db, draw_folder)
        pair = [_propose(db, measure, "all buildings", "every home"), _propose(db, measure, "2040", "2035")]
        db.commit()
        assert all(not s.overlaps and s.applies for s in amendments.statuses(measure).values())
        _accept(db, pair[first])
        db.commit()
        status = amendments.statuses(measure)[pair[1 - first].number]
        assert (status.written_against, status.current, status.applies) == (1, 2, True)
        _accept(db, pair[1 - first])
        db.commit()
        assert measure.current.text == TEXT.replace("all buildings", "every home").replace("2040", "2035")


def test_overlapping_amendments_are_flagged_both_ways_and_the_second_is_refused_after_the_first(engine, draw_folder):
    with Session(engine) as db:
        measure = _measure(db, draw_folder)
        first = _propose(db, measure, "compulsory by 2040", "compulsory by 2035")
        second = _propose(db, measure, "by 2040, with public loans", "by 2050, with public grants")
        point = _propose(db, measure, "2040", " at the latest", insert_after=True)
        elsewhere = _propose(db, measure, "Make", "Require")
        db.commit()
        found = amendments.statuses(measure)
        assert found[1].overlaps == (2, 3) and found[2].overlaps == (1, 3) and found[3].overlaps == (1, 2) and found[4].overlaps == ()
        _accept(db, first)
        db.commit()
        with pytest.raises(amendments.PassageChanged) as refused:
            _accept(db, second)
        message = "amendment 2 cannot be merged: its passage was changed in version 2 by amendment 1; it now reads “compulsory by 2035, with public loans”; nothing was merged"
        assert refused.value.reason == message
        db.rollback()
        assert second.state == "proposed" and measure.current.number == 2
        assert amendments.statuses(measure)[2].overlaps == () and not amendments.statuses(measure)[3].applies


def test_a_passage_changed_by_an_edit_is_refused_with_what_it_is_now_and_one_elsewhere_still_applies(engine, draw_folder):
    with Session(engine) as db:
        measure = _measure(db, draw_folder)
        changed = _propose(db, measure, "public loans", "zero-interest loans")
        gone = _propose(db, measure, "energy ", "thermal ")
        moved = _propose(db, measure, "low-income owners", "owners on low incomes")
        db.commit()
        _edit(db, measure, "Make the renovation of all buildings compulsory by 2040, with state loans for low-income owners.")
        db.commit()
        found = amendments.statuses(measure)
        assert (found[1].changed_in, found[1].changed_by, found[1].now_reads) == (2, None, "state loans")
        assert found[2].now_reads == "" and found[3].applies and found[3].now_reads == "low-income owners"
        with pytest.raises(amendments.PassageChanged, match="changed in version 2; it now reads “state loans”; nothing was merged"):
            _accept(db, changed)
        db.rollback()
        with pytest.raises(amendments.PassageChanged, match="it is no longer in the text"):
            _accept(db, gone)
        db.rollback()
        _accept(db, moved)
        assert measure.current.text.endswith("with state loans for owners on low incomes.")


def test_proposals_are_checked_before_anything_is_written(engine, draw_folder):
    with Session(engine) as db:
        measure = _measure(db, draw_folder, text="Loans for owners. Grants for owners.")
        version = measure.current
        with pytest.raises(amendments.AmbiguousPassage, match=re.escape("occurs 2 times in version 1; say which occurrence (1 to 2)")) as ambiguous:
            amendments.locate(version, "for owners")
        assert ambiguous.value.contexts == [("Loans ", ". Grants for owners."), ("Loans for owners. Grants ", ".")]
        assert amendments.locate(version, " for owners \r\n", occurrence=2) == (25, 35)
        for call, message in (
            (lambda: amendments.locate(version, "tenants"), "“tenants” is not in the text of version 1"),
            (lambda: amendments.locate(version, "  "), "give the passage to change"),
            (lambda: amendments.locate(version, "owners", occurrence=3), "there is no occurrence 3"),
            (lambda: _propose(db, measure, "Loans", "Loans"), "the amendment changes nothing"),
            (lambda: _propose(db, measure, "Loans", "", insert_after=True), "the amendment changes nothing"),
            (lambda: _propose(db, measure, "Loans", "x" * 20_001), "20001 characters long; at most 20000"),
            (lambda: amendments.propose(db, version, start=5, end=99, replacement="", rationale="", proposed_by="fred", now=NOW), "not within version 1"),
        ):
            with pytest.raises(amendments.AmendmentError, match=re.escape(message)):
                call()
            db.rollback()
        measures.change_state(db, measure, "submitted", actor="fred", now=NOW)
        _propose(db, measure, "Loans", "Zero-interest loans")  # a submitted measure is still amended
        measures.change_state(db, measure, "adopted", actor="fred", now=NOW)
        with pytest.raises(amendments.AmendmentError, match="the measure is adopted; amendments are proposed only to a draft or a submitted measure"):
            _propose(db, measure, "Grants", "Subsidies")
        db.rollback()
        assert db.scalar(select(func.count()).select_from(Amendment)) == 0 and _entries(db, "amendment") == []


def test_the_state_machine_refuses_what_it_does_not_allow(engine, draw_folder):
    with Session(engine) as db:
        measure = _measure(db, draw_folder)
        amendment = _propose(db, measure, "2040", "2035")
        db.commit()
        with pytest.raises(amendments.AmendmentError, match="amendment 1 is proposed; it cannot be accepted now"):
            amendments.accept(db, amendment, actor="ana", now=NOW)
        db.rollback()
        with pytest.raises(amendments.AmendmentError, match="say why the amendment is inadmissible"):
            amendments.declare_inadmissible(db, amendment, reason=" ", actor="ana", now=NOW)
        db.rollback()
        with pytest.raises(amendments.StaleAmendment, match="amendment 1 is now proposed \\(it was admissible when you opened the page\\)"):
            amendments.withdraw(db, amendment, actor="ana", now=NOW, seen="admissible")
        db.rollback()
        amendments.declare_inadmissible(db, amendment, reason="Outside the measure's subject.", actor="ana", now=NOW, seen="proposed")
        db.commit()
        assert (amendment.state, amendment.reason, amendment.decided_at) == ("inadmissible", "Outside the measure's subject.", NOW)
        for action in (amendments.declare_admissible, amendments.withdraw, amendments.accept):
            with pytest.raises(amendments.AmendmentError, match="amendment 1 is inadmissible; it cannot be"):
                action(db, amendment, actor="ana", now=NOW)
            db.rollback()
        with pytest.raises(amendments.AmendmentError, match="cannot be adopted now"):
            amendments.settle(db, amendment, passed=True, actor="ana", now=NOW)
        db.rollback()
        other = _propose(db, measure, "Make", "Require", by="member:P1")
        amendments.withdraw(db, other, actor="member:P1", now=NOW)
        db.commit()
        assert [(e.action, e.actor, json.loads(e.after)) for e in _entries(db, "amendment.")[1:]] == [
            ("amendment.inadmissible", "ana", {"state": "inadmissible", "reason": "Outside the measure's subject."}),
            ("amendment.propose", "member:P1", {"version": 1, "start": 0, "end": 4, "original": "Make", "replacement": "Require", "rationale": "Why not.", "state": "proposed"}),
            ("amendment.withdraw", "member:P1", {"state": "withdrawn"}),
        ]


def _vote_on(db, amendment, choices):
    rule = Rule(Threshold.SIMPLE_MAJORITY, Base.CAST_EXCLUDING_ABSTENTIONS)
    vote = votes.create_vote(db, amendment.measure.assembly, question=f"Adopt amendment {amendment.number}?", rule=rule, amendment=amendment, actor="ana", now=NOW)
    votes.open_vote(db, vote, actor="ana", now=NOW)
    db.commit()
    voters = [member for member in amendment.measure.assembly.members if member.status == "active"]
    for member, choice in zip(voters, choices):
        votes.cast_ballot(db, vote, member, choice, now=NOW)
    db.commit()
    return vote


def test_a_vote_settles_the_amendment_adopted_and_merged_or_rejected(engine, draw_folder):
    with Session(engine) as db:
        measure = _measure(db, draw_folder)
        measures.change_state(db, measure, "submitted", actor="fred", now=NOW)
        passed, failed = _propose(db, measure, "2040", "2035"), _propose(db, measure, "public loans", "grants")
        for amendment in (passed, failed):
            amendments.declare_admissible(db, amendment, actor="ana", now=NOW)
        vote = _vote_on(db, passed, ["yes", "yes", "no", "abstain"])
        with pytest.raises(amendments.AmendmentError, match="a vote on amendment 1 is open; its result decides the amendment"):
            amendments.withdraw(db, passed, actor="ana", now=NOW)
        db.rollback()
        votes.close_vote(db, vote, actor="ana", now=NOW)
        db.commit()
        assert (passed.state, passed.merged_version.number, measure.current.text) == ("adopted", 2, TEXT.replace("2040", "2035"))
        votes.close_vote(db, _vote_on(db, failed, ["no", "no", "yes"]), actor="ana", now=NOW)
        db.commit()
        assert (failed.state, failed.merged_version, measure.current.number) == ("rejected", None, 2)
        assert [(e.action, json.loads(e.after)["state"]) for e in _entries(db, "amendment.") if e.action in ("amendment.adopt", "amendment.reject")] == [
            ("amendment.adopt", "adopted"), ("amendment.reject", "rejected")
        ]


def test_a_vote_passed_after_the_passage_changed_adopts_without_merging(engine, draw_folder):
    with Session(engine) as db:
        measure = _measure(db, draw_folder)
        voted, taken = _propose(db, measure, "by 2040", "by 2035"), _propose(db, measure, "2040", "2030")
        for amendment in (voted, taken):
            amendments.declare_admissible(db, amendment, actor="ana", now=NOW)
        vote = _vote_on(db, voted, ["yes"])
        amendments.accept(db, taken, actor="ana", now=NOW)
        votes.close_vote(db, vote, actor="ana", now=NOW)
        db.commit()
        assert (voted.state, voted.merged_version, measure.current.number) == ("adopted", None, 2)
        assert voted.reason == "adopted by the vote, not merged: amendment 1 cannot be merged: its passage was changed in version 2 by amendment 2; it now reads “by 2030”; nothing was merged"


text_strategy = st.text("ab, .", min_size=1, max_size=30).filter(lambda text: text.strip())


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=15)
@given(data=st.data())
def test_adopting_non_overlapping_amendments_in_any_order_gives_the_text_with_all_of_them(engine, draw_folder, data):
    with Session(engine) as db:
        measure = _measure(db, draw_folder, text=data.draw(text_strategy))
        original = measure.current
        edits = _disjoint_edits(data.draw, original.text, keep_last=True)
        proposed = [
            amendments.propose(db, original, start=e.start, end=e.end, replacement=e.replacement, rationale="", proposed_by="fred", now=NOW) for e in edits
        ]
        for amendment in data.draw(st.permutations(proposed)):
            _accept(db, amendment)
        db.commit()
        assert measure.current.text == apply_edits(original.text, edits)
        assert db.scalar(select(func.count()).select_from(MeasureVersion).where(MeasureVersion.measure_id == measure.id)) == 1 + len(edits)


# The pages, on the demo assembly (its renovation measure is at version 4 after amendments 1 and 2).

DEMO_V4 = (
    "Make the complete energy renovation of all homes compulsory by 2040, starting with the worst-insulated homes by 2030, "
    "with grants and zero-interest loans for low- and middle-income owners."
)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def _member_client(demo):
    with Session(demo.extensions["engine"]) as db:
        person_id = db.scalars(select(Amendment.proposed_by).where(Amendment.number == 1)).one().removeprefix("member:")
    client = demo.test_client()
    assert client.post("/member", data={"code": demo.member_codes[person_id]}).status_code == 302
    return client, f"member:{person_id}"


def test_the_demo_measure_shows_its_amendments_both_merged_and_one_inadmissible(demo):
    client = demo.test_client()
    login(client, "auditor")
    page = _text(client.get("/assemblies/1/measures/1"))
    assert DEMO_V4 in page and "Merged into version 3." in page and "Merged into version 4." in page
    assert "<del>low-income</del><ins>low- and middle-income</ins>" in page and "Reason: Gas boilers are the subject" in page
    assert "Propose an amendment" not in page
    assert client.post("/assemblies/1/measures/1/amendments/new", data={"passage": "homes"}).status_code == 403
    french = _text(client.get("/assemblies/1/measures/1/amendments/3?lang=fr"))
    assert "Amendement 3" in french and "irrecevable" in french and "Exposé des motifs" in french and "Enregistrer la décision" not in french


def test_a_member_proposes_with_their_code_names_the_occurrence_and_withdraws_their_amendment(demo):
    client, author = _member_client(demo)
    assert "Renovate every home by 2040" in _text(client.get("/member/measures"))
    assert "Intégré dans la version 3." in _text(client.get("/member/measures/1?lang=fr"))
    client.get("/member/measures?lang=en")
    form = _text(client.get("/member/measures/1/amendments/new"))
    assert "Text of version 4" in form and DEMO_V4 in form
    fields = {"version": "4", "passage": "homes", "kind": "replace", "replacement": "dwellings", "rationale": "Clearer."}
    ambiguous = client.post("/member/measures/1/amendments/new", data=fields)
    assert ambiguous.status_code == 400 and "the passage occurs 2 times in version 4; say which occurrence (1 to 2)" in _text(ambiguous)
    assert "<mark>homes</mark> by 2030" in _text(ambiguous)
    response = client.post("/member/measures/1/amendments/new", data={**fields, "occurrence": "2"})
    assert response.status_code == 302 and response.location.endswith("/member/measures/1")
    page = _text(client.get(response.location))
    assert "Amendment 4 was proposed." in page and "Amendment 4</strong> · proposed · yours" in page
    assert "worst-insulated <del>homes</del><ins>dwellings</ins> by 2030" in page
    assert client.post("/member/measures/1/amendments/4/withdraw", data={"seen": "admissible"}).status_code == 400  # stale
    assert client.post("/member/measures/1/amendments/4/withdraw", data={"seen": "proposed"}).status_code == 302
    with Session(demo.extensions["engine"]) as db:
        amendment = db.scalars(select(Amendment).where(Amendment.number == 4)).one()
        assert (amendment.proposed_by, amendment.state, amendment.start) == (author, "withdrawn", DEMO_V4.index("homes by 2030"))


def test_staff_decide_an_amendment_written_against_an_older_version(demo):
    client = demo.test_client()
    login(client, "facilitator")
    url = "/assemblies/1/measures/1/amendments"
    assert "Text of version 2" in _text(client.get(f"{url}/new?version=2"))
    fields = {"version": "2", "passage": "zero-interest loans", "kind": "replace", "replacement": "interest-free loans", "rationale": ""}
    assert client.post(f"{url}/new", data=fields).location.endswith(f"{url}/4")
    page = _text(client.get(f"{url}/4"))
    assert "Written against version 2; the measure is now at version 4: the passage still applies unchanged." in page
    assert "with grants and <del>zero-interest</del><ins>interest-free</ins> loans" in page  # shown where it stands now
    refused = client.post(f"{url}/4/admissibility", data={"seen": "proposed", "decision": "inadmissible", "reason": " "})
    assert refused.status_code == 400 and "say why the amendment is inadmissible" in _text(refused)
    assert client.post(f"{url}/4/admissibility", data={"seen": "proposed", "decision": "admissible"}).status_code == 302
    stale = client.post(f"{url}/4/withdraw", data={"seen": "proposed"})
    assert stale.status_code == 400 and "amendment 4 is now admissible (it was proposed when you opened the page)" in _text(stale)
    assert client.post(f"{url}/4/accept", data={"seen": "admissible"}).status_code == 302
    page = _text(client.get("/assemblies/1/measures/1"))
    assert DEMO_V4.replace("zero-interest", "interest-free") in page and "Merged into version 5." in page


def test_overlapping_amendments_are_flagged_and_the_second_refused_on_the_page(demo):
    client = demo.test_client()
    login(client, "organiser")
    url = "/assemblies/1/measures/1/amendments"
    for passage, replacement in (("by 2030", "by 2028"), ("worst-insulated homes by 2030", "homes rated F or G by 2030")):
        client.post(f"{url}/new", data={"version": "4", "passage": passage, "kind": "replace", "replacement": replacement})
        number = 4 if replacement == "by 2028" else 5
        assert client.post(f"{url}/{number}/admissibility", data={"seen": "proposed", "decision": "admissible"}).status_code == 302
    assert "Overlaps amendment 5: adopting one changes the passage of the other." in _text(client.get(f"{url}/4"))
    assert client.post(f"{url}/4/accept", data={"seen": "admissible"}).status_code == 302
    refused = client.post(f"{url}/5/accept", data={"seen": "admissible"})
    message = "amendment 5 cannot be merged: its passage was changed in version 5 by amendment 4; it now reads “worst-insulated homes by 2028”; nothing was merged"
    assert refused.status_code == 400 and message in _text(refused)
    assert "the passage was changed in version 5 by amendment 4; it now reads “worst-insulated homes by 2028”." in _text(client.get(f"{url}/5"))
    with Session(demo.extensions["engine"]) as db:
        assert db.scalar(select(func.count()).select_from(MeasureVersion).where(MeasureVersion.measure_id == 1)) == 5


def test_putting_an_amendment_to_a_vote_prepares_a_vote_on_it(demo):
    client = demo.test_client()
    login(client, "facilitator")
    url = "/assemblies/1/measures/1/amendments"
    client.post(f"{url}/new", data={"version": "4", "passage": "2040", "kind": "replace", "replacement": "2035"})
    client.post(f"{url}/4/admissibility", data={"seen": "proposed", "decision": "admissible"})
    assert "Adopt amendment 4 to “Renovate every home by 2040”?" in _text(client.get(f"{url}/4/vote"))
    fields = {"question": "Adopt amendment 4?", "session": "", "method": "analog", "show_tally": "y", "threshold": "simple_majority", "base": "cast_excluding_abstentions", "quorum_of": ""}
    assert "show of hands or paper" in _text(client.get(f"{url}/4/vote"))  # the same choices as any vote
    response = client.post(f"{url}/4/vote", data=fields)
    assert response.status_code == 302 and "/assemblies/1/votes/" in response.location
    assert "Adopt amendment 4?" in _text(client.get(f"{url}/4"))
    with Session(demo.extensions["engine"]) as db:
        vote = db.scalars(select(Vote).where(Vote.question == "Adopt amendment 4?")).one()
        assert (vote.amendment.number, vote.measure_id, vote.state, vote.method, vote.show_tally) == (4, 1, "draft", "analog", True)


def test_a_form_without_its_csrf_token_is_refused_and_writes_nothing(tmp_path, draw_folder):
    app = make_test_app(tmp_path)
    assert app.test_cli_runner().invoke(args=["demo", "--draw", str(draw_folder)]).exit_code == 0
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"username": "organiser", "password": "organiser-demo", "csrf_token": token}).status_code == 302
    assert client.post("/assemblies/1/measures/1/amendments/3/withdraw", data={"seen": "inadmissible"}).status_code == 400
    with Session(app.extensions["engine"]) as db:
        assert db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "amendment.withdraw")) == 0
