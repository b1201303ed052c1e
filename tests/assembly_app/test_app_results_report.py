"""Reports from the app: vote results from a stored assembly, votes and amendments in the minutes, the draw's
selection report kept byte for byte."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from assembly_app import attendance, auditlog, measures, results_report, votes
from assembly_app.decisions import Base, Rule, Threshold
from assembly_app.models import Amendment, Assembly, AuditEntry, Measure, MeasureVersion, Vote
from app_testing import login
from pdf_reading import pdf_text

RESULTS = "/assemblies/1/results.pdf"
LATER = datetime(2026, 3, 8, 15, 0)


def _amended_measure(db: Session, assembly: Assembly) -> Measure:
    """A measure whose amendment 1 the drafting group accepted and whose amendment 2 a vote adopted, then adopted
    itself by a vote that is not yet published. Amendment rows are written directly, as their module would."""
    text = "Créer une taxe sur les billets d'avion dès 2027."
    measure = measures.create_measure(db, assembly, title="Écotaxe sur l'aviation", objective="Moins de vols.", route="referendum", group=None,
                                      text=text, actor="facilitator", now=LATER)
    v2 = MeasureVersion(number=2, text=text.replace("une taxe", "une écotaxe"), created_by="facilitator", created_at=LATER)
    v3 = MeasureVersion(number=3, text=v2.text.replace("2027", "2025"), created_by="facilitator", created_at=LATER)
    measure.versions += [v2, v3]
    db.flush()
    accepted = Amendment(measure=measure, number=1, version=measure.versions[0], start=6, end=14, original="une taxe", replacement="une écotaxe",
                         rationale="", proposed_by="member:P1", proposed_at=LATER, state="accepted", decided_at=LATER, merged_version=v2)
    adopted = Amendment(measure=measure, number=2, version=v2, start=44, end=48, original="2027", replacement="2025", rationale="",
                        proposed_by="member:P2", proposed_at=LATER, state="adopted", decided_at=LATER, merged_version=v3)
    db.add_all([accepted, adopted])
    db.flush()
    voters = [m for m in assembly.members if m.status == "active"]
    for amendment in (accepted, adopted):
        auditlog.append(db, at=LATER, actor="facilitator", action="amendment.decide", target=f"assembly:{assembly.id}/measure:{measure.id}/amendment:{amendment.number}")
    on_amendment = Vote(assembly=assembly, measure=measure, amendment=adopted, question="Adopter l'amendement 2 ?", is_secret=False, threshold="simple_majority",
                        base="cast_excluding_abstentions", state="closed", created_at=LATER, opened_at=LATER, closed_at=LATER, active_count=12,
                        present_count=12, yes=8, no=3, abstain=1, passed=True, reason="needed 4 yes (more than the 3 no), got 8", published_at=LATER)
    db.add(on_amendment)
    measures.change_state(db, measure, "submitted", actor="facilitator", now=LATER)
    vote = votes.create_vote(db, assembly, question="Adopter « Écotaxe sur l'aviation » ?", rule=Rule(Threshold.TWO_THIRDS, Base.CAST), measure=measure,
                             actor="facilitator", now=LATER)
    votes.open_vote(db, vote, actor="facilitator", now=LATER)
    for member, choice in zip(voters, ["yes"] * 8 + ["no"] * 3 + ["abstain"]):
        votes.cast_ballot(db, vote, member, choice, now=LATER)
    votes.close_vote(db, vote, actor="facilitator", now=LATER + timedelta(minutes=5))
    return measure


def _closed(db: Session) -> list[Vote]:
    return list(db.scalars(select(Vote).where(Vote.state == "closed").order_by(Vote.closed_at, Vote.id)))


def test_the_results_report_gives_each_measure_its_votes_amendments_and_the_log_entry(demo, tmp_path):
    with Session(demo.extensions["engine"]) as db:
        measure = _amended_measure(db, db.get(Assembly, 1))
        db.commit()
        closed, measure_id = _closed(db), measure.id
        head = db.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        head_seq, head_hash = head.seq, head.hash
        adopted = sum(m.state == "adopted" for m in db.scalars(select(Measure)))
        rejected = sum(m.state == "rejected" for m in db.scalars(select(Measure)))
        merged = len(db.scalars(select(Amendment).where(Amendment.state.in_(("accepted", "adopted")))).all())
    client = demo.test_client()
    login(client, "auditor")
    assert RESULTS in client.get("/assemblies/1/measures").text and RESULTS in client.get("/assemblies/1").text
    response = client.get(RESULTS)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data, tmp_path)
    assert re.search(rf"Measures\s+{measure_id}: {adopted} adopted, {rejected} rejected, {measure_id - adopted - rejected} other", text)
    assert re.search(rf"Votes held\s+{len(closed)}:", text) and re.search(rf"Amendments adopted\s+{merged}\b", text)
    assert re.search(r"Last decision\s+2026-03-08", text)
    detail = text.split(f"{measure_id}. Écotaxe sur l'aviation")[1]
    assert "Créer une écotaxe sur les billets d'avion dès 2025." in detail and "text of version 3" in detail and "route: referendum" in detail
    assert re.search(r"Result\s+passed \(not yet published\): needed 8 of 12 votes cast, got 8", detail)
    assert re.search(r"Counts\s+8 yes, 3 no, 1 abstain \(12 cast\)", detail)
    assert re.search(r"Voters\s+12 frozen when the vote opened; 12 present, 12 active members", detail)
    assert re.search(r"Rule\s+two thirds of votes cast\n", detail)
    assert re.search(r"1\s+une taxe\s+une écotaxe\s+accepted by the drafting group\s+2\n", detail)
    assert re.search(r"adopted by vote: needed 4 yes \(more\n2\s+2027\s+2025\s+3\n\s+than the 3 no\), got 8", detail)
    appendix = text.split("Appendix: the audit log")[1]
    assert re.search(rf"Entry\s+{head_seq}\b", appendix) and head_hash in appendix.replace(" ", "").replace("\n", "")
    assert f"flask --app assembly_app verify-log --entry {head_seq}" in appendix
    assert response.data == client.get(RESULTS).data


def test_the_report_stays_the_same_until_something_it_shows_changes(demo):
    with Session(demo.extensions["engine"]) as db:
        assembly = db.get(Assembly, 1)
        first = results_report.results_pdf(db, assembly)
        member = next(m for m in assembly.members if m.status == "active" and m.id not in {a.member_id for a in assembly.sessions[1].attendance})
        attendance.check_in(db, assembly.sessions[1], member, actor="facilitator", now=LATER)  # logged, but not about results
        assert results_report.results_pdf(db, assembly) == first
        data = results_report.results_data(db, assembly)
        vote = _closed(db)[0]
        unpublished = sum(not v.is_published for v in data.votes)
        vote.published_at = LATER if vote.published_at is None else None  # published, or (in a test only) taken back
        auditlog.append(db, at=LATER, actor="organiser", action="vote.publish", target=f"assembly:1/vote:{vote.id}")
        changed = results_report.results_data(db, assembly)
        assert changed.log_head.seq > data.log_head.seq and changed.date == "2026-03-08"
        assert sum(not v.is_published for v in changed.votes) == unpublished + (1 if vote.published_at is None else -1)
        assert results_report.results_pdf(db, assembly) != first


def test_the_verify_command_in_the_report_prints_the_entrys_hash(demo):
    with Session(demo.extensions["engine"]) as db:
        head = results_report.results_data(db, db.get(Assembly, 1)).log_head
    command = results_report.VERIFY_COMMAND.format(seq=head.seq).split()[3:]
    result = demo.test_cli_runner().invoke(args=command)
    assert result.exit_code == 0 and f"Entry {head.seq} " in result.output and head.sha256 in result.output
    assert demo.test_cli_runner().invoke(args=["verify-log", "--entry", "100000"]).exit_code == 1


def test_minutes_list_the_votes_and_amendments_of_the_session(demo, tmp_path):
    with Session(demo.extensions["engine"]) as db:
        assembly = db.get(Assembly, 1)
        first = assembly.sessions[0]
        decided_day = datetime.combine(first.held_on, datetime.min.time()) + timedelta(hours=15)
        measure = _amended_measure(db, assembly)
        for amendment in db.scalars(select(Amendment).where(Amendment.measure_id == measure.id)):
            amendment.decided_at = decided_day if amendment.number == 1 else LATER
        on_amendment = db.scalars(select(Vote).where(Vote.measure_id == measure.id, Vote.amendment_id.is_not(None))).one()
        on_amendment.session = first
        db.commit()
        held = [v for v in _closed(db) if v.session_id == first.id or (v.session_id is None and v.closed_at.date() == first.held_on)]
        expected = [(v.question, v.yes, v.no, v.abstain, v.published_at is not None) for v in held]
        title = measure.title
    assert len(expected) >= 2  # the demo's vote at session 1 and the amendment vote
    client = demo.test_client()
    login(client, "facilitator")
    text = pdf_text(client.get("/assemblies/1/sessions/1/minutes.pdf").data, tmp_path)
    section = text.split("Votes held")[1]
    for question, yes, no, abstain, _ in expected:
        assert re.search(rf"{re.escape(question[:20])}[^\n]*?\s{yes}\s+{no}\s+{abstain}\s", section), question
    assert section.count("(not yet") == sum(not published for *_, published in expected)
    amendments = text.split("Amendments handled")[1].split("Votes held")[0]
    assert title in amendments and "1: “une taxe” → “une écotaxe”" in amendments and "2: “2027” → “2025”" in amendments
    assert "accepted by the drafting group" in amendments and "adopted by vote: needed 4 yes" in amendments
    assert "No vote was held in this session." in pdf_text(client.get("/assemblies/1/sessions/2/minutes.pdf").data, tmp_path)


def test_the_draws_selection_report_is_downloaded_byte_for_byte(demo, draw_folder):
    original = (draw_folder / "report.pdf").read_bytes()
    client = demo.test_client()
    login(client, "auditor")
    roster = client.get("/assemblies/1").text
    assert "/assemblies/1/selection-report.pdf" in roster
    assert hashlib.sha256(original).hexdigest() in roster
    response = client.get("/assemblies/1/selection-report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf" and response.data == original


def test_a_draw_without_report_has_none_and_a_file_that_is_no_pdf_is_refused(demo, draw_folder):
    client = demo.test_client()
    login(client, "organiser")
    files = {name: ((draw_folder / f"{name}.csv").read_bytes(), f"{name}.csv") for name in ("selected", "remaining", "features")}

    def upload(**extra):
        parts = {**files, **extra}
        data = {"name": "Sans rapport", "id_column": "id", **{name: (io.BytesIO(content), filename) for name, (content, filename) in parts.items()}}
        return client.post("/assemblies/new", data=data, content_type="multipart/form-data")

    refused = upload(report=(b"not a pdf", "report.pdf"))
    assert refused.status_code == 400 and "report.pdf: is not a PDF file" in refused.text
    created = upload()
    assert created.status_code == 302
    number = created.location.rsplit("/", 1)[1]
    assert "selection-report.pdf" not in client.get(f"/assemblies/{number}").text
    assert client.get(f"/assemblies/{number}/selection-report.pdf").status_code == 404
    with Session(demo.extensions["engine"]) as db:
        imported = db.scalars(select(AuditEntry).where(AuditEntry.action == "assembly.import").order_by(AuditEntry.seq)).all()
        assert [f'"report_sha256":null' in entry.after for entry in imported] == [False, True]
