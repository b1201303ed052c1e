"""The vote results report from the app: a stored assembly turned into the report's plain data, and its PDF.

Only closed votes count. Results not yet published are included and marked "not yet published": an organiser
reads the report before publishing, and the report says it is a draft until every result in it is published.
Amendments are read from their table (accepted by the drafting group, or adopted by a vote).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from assembly_app.decisions import describe
from assembly_app.models import Amendment, Assembly, AuditEntry, Measure, Vote, Voter
from assembly_app.votes import rule_of
from reports import AmendmentAdopted, LogHead, MeasureResult, VoteResult, VoteResultsData, build_vote_results

__all__ = ["VERIFY_COMMAND", "results_data", "results_pdf"]

VERIFY_COMMAND = "flask --app assembly_app verify-log --entry {seq}"


def results_data(db: Session, assembly: Assembly) -> VoteResultsData:
    """Every measure of `assembly` in the order they were created, its closed votes and adopted amendments,
    the closed votes on free questions, and the last audit entry about any of them."""
    measures = db.scalars(select(Measure).where(Measure.assembly_id == assembly.id).order_by(Measure.id)).all()
    closed = db.scalars(select(Vote).where(Vote.assembly_id == assembly.id, Vote.state == "closed").order_by(Vote.closed_at, Vote.id)).all()
    voters = dict(db.execute(select(Voter.vote_id, func.count()).where(Voter.vote_id.in_([v.id for v in closed])).group_by(Voter.vote_id)).all())
    results = {vote.id: _vote_result(vote, voters.get(vote.id, 0)) for vote in closed}
    merged = db.scalars(
        select(Amendment).join(Measure).where(Measure.assembly_id == assembly.id, Amendment.state.in_(("accepted", "adopted"))).order_by(Amendment.number)
    ).all()
    head = _log_head(db, assembly, closed)
    decided = [v.closed_at for v in closed] + [a.decided_at for a in merged if a.decided_at is not None]
    return VoteResultsData(
        assembly=assembly.name,
        date=head.at[:10],
        last_decision=max(decided).date().isoformat() if decided else None,
        measures=tuple(
            MeasureResult(
                number=number, title=m.title, group=m.group.name if m.group else "", route=m.route, state=m.state,
                version=m.current.number, text=m.current.text,
                votes=tuple(results[v.id] for v in closed if v.measure_id == m.id and v.amendment_id is None),
                amendments=tuple(_amendment(a, closed) for a in merged if a.measure_id == m.id),
                amendment_votes=tuple(results[v.id] for v in closed if v.measure_id == m.id and v.amendment_id is not None),
            )
            for number, m in enumerate(measures, start=1)
        ),
        questions=tuple(results[v.id] for v in closed if v.measure_id is None),
        log_head=head,
        verify_command=VERIFY_COMMAND.format(seq=head.seq),
    )


def results_pdf(db: Session, assembly: Assembly) -> bytes:
    return build_vote_results(results_data(db, assembly))


def _vote_result(vote: Vote, voters: int) -> VoteResult:
    assert vote.closed_at is not None
    return VoteResult(
        question=vote.question, yes=vote.yes or 0, no=vote.no or 0, abstain=vote.abstain or 0, voters=voters,
        present=vote.present_count or 0, active=vote.active_count or 0, rule=describe(rule_of(vote)), passed=bool(vote.passed),
        reason=vote.reason or "", closed_at=_time(vote.closed_at), published_at=None if vote.published_at is None else _time(vote.published_at),
    )


def _amendment(amendment: Amendment, closed: list[Vote]) -> AmendmentAdopted:
    if amendment.state == "accepted":
        how = "accepted by the drafting group"
    else:
        vote = next((v for v in reversed(closed) if v.amendment_id == amendment.id and v.passed), None)
        how = "adopted by vote" + (f": {vote.reason}" if vote is not None else "")
    if amendment.merged_version is None and amendment.reason:
        how += f" ({amendment.reason})"
    version = None if amendment.merged_version is None else amendment.merged_version.number
    return AmendmentAdopted(amendment.number, amendment.original, amendment.replacement, how, version)


def _log_head(db: Session, assembly: Assembly, closed: list[Vote]) -> LogHead:
    """The last audit entry about the assembly's measures (with their amendments) or the closed votes: its hash
    vouches for everything the report shows, and it stays put while nothing the report shows changes. Before any
    measure or vote, the assembly's import."""
    prefix = f"assembly:{assembly.id}"
    about = or_(
        AuditEntry.target.like(f"{prefix}/measure:%"),
        AuditEntry.target.in_([f"{prefix}/vote:{v.id}" for v in closed]),
        and_(AuditEntry.target == prefix, AuditEntry.action == "assembly.import"),
    )
    entry = db.scalars(select(AuditEntry).where(about).order_by(AuditEntry.seq.desc()).limit(1)).first()
    if entry is None:  # an assembly is logged when it is imported; only a database written by hand lacks that entry
        return LogHead(0, "0" * 64, assembly.created_at.isoformat(timespec="seconds"))
    return LogHead(entry.seq, entry.hash, entry.at)


def _time(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"
