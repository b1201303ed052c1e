"""Results of an assembly's votes, per measure and for the whole assembly, and their CSV export.

A measure's *deciding vote* is the latest closed vote on the measure itself (not on one of its amendments):
the one that adopted or rejected it. Staff see every closed vote; members see only published results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from assembly_app.decisions import Rule, describe
from assembly_app.models import Amendment, Assembly, Measure, Vote
from assembly_app.spreadsheets import csv_text
from assembly_app.votes import rule_of

__all__ = ["AmendmentResult", "AssemblyResults", "MeasureResult", "VoteResult", "assembly_results", "measure_results", "results_csv"]

CSV_HEADER = ["measure", "amendment", "question", "method", "rule", "yes", "no", "abstain", "passed", "reason", "closed_at", "published_at"]


@dataclass(frozen=True)
class VoteResult:
    """A closed vote: its question, rule, counts, outcome and reason."""

    vote_id: int
    question: str
    measure: str | None
    amendment: int | None
    method: str
    rule: Rule
    yes: int
    no: int
    abstain: int
    passed: bool
    reason: str
    closed_at: datetime
    published_at: datetime | None


@dataclass(frozen=True)
class AmendmentResult:
    """An amendment to a measure, its state, the version it became (if merged) and the vote on it, if any."""

    number: int
    state: str
    merged_version: int | None
    vote: VoteResult | None


@dataclass(frozen=True)
class MeasureResult:
    """A measure's final state and version, the vote that decided it, and every closed vote on it or its amendments."""

    measure_id: int
    title: str
    route: str
    state: str
    version: int
    deciding: VoteResult | None
    votes: tuple[VoteResult, ...]
    amendments: tuple[AmendmentResult, ...]


@dataclass(frozen=True)
class AssemblyResults:
    measures: tuple[MeasureResult, ...]
    questions: tuple[VoteResult, ...]  # votes on free questions

    @property
    def votes(self) -> tuple[VoteResult, ...]:
        """Every vote listed: each measure's votes, then the free questions."""
        return tuple(vote for measure in self.measures for vote in measure.votes) + self.questions


def measure_results(db: Session, measure: Measure, *, published_only: bool) -> MeasureResult:
    shown = _closed_votes(db, measure.assembly_id, published_only, Vote.measure_id == measure.id)
    results = tuple(_result(vote) for vote in shown)
    on_measure = [result for vote, result in zip(shown, results) if vote.amendment_id is None]
    by_amendment = {vote.amendment_id: result for vote, result in zip(shown, results) if vote.amendment_id is not None}
    amendments = db.scalars(select(Amendment).where(Amendment.measure_id == measure.id).order_by(Amendment.number)).all()
    return MeasureResult(
        measure.id, measure.title, measure.route, measure.state, measure.current.number, on_measure[-1] if on_measure else None, results,
        tuple(AmendmentResult(a.number, a.state, a.merged_version.number if a.merged_version else None, by_amendment.get(a.id)) for a in amendments),
    )


def assembly_results(db: Session, assembly: Assembly, *, published_only: bool) -> AssemblyResults:
    """Every measure (for members: only those whose deciding vote is published) and every free question."""
    measures = db.scalars(select(Measure).where(Measure.assembly_id == assembly.id).order_by(Measure.id)).all()
    listed = [measure_results(db, measure, published_only=published_only) for measure in measures]
    if published_only:
        listed = [result for result in listed if result.deciding is not None]
    questions = _closed_votes(db, assembly.id, published_only, Vote.measure_id.is_(None))
    return AssemblyResults(tuple(listed), tuple(_result(vote) for vote in questions))


def results_csv(results: AssemblyResults) -> str:
    """One row per vote, formulas neutralised."""
    rows = (
        [
            vote.measure, vote.amendment, vote.question, vote.method, describe(vote.rule), vote.yes, vote.no, vote.abstain,
            "yes" if vote.passed else "no", vote.reason, _stamp(vote.closed_at), _stamp(vote.published_at),
        ]
        for vote in results.votes
    )
    return csv_text(CSV_HEADER, rows)


def _closed_votes(db: Session, assembly_id: int, published_only: bool, *where: ColumnElement[bool]) -> list[Vote]:
    query = select(Vote).where(Vote.assembly_id == assembly_id, Vote.state == "closed", *where)
    if published_only:
        query = query.where(Vote.published_at.is_not(None))
    return list(db.scalars(query.order_by(Vote.closed_at, Vote.id)))


def _result(vote: Vote) -> VoteResult:
    return VoteResult(
        vote.id, vote.question, vote.measure.title if vote.measure else None, vote.amendment.number if vote.amendment else None, vote.method,
        rule_of(vote), vote.yes or 0, vote.no or 0, vote.abstain or 0, bool(vote.passed), vote.reason or "", vote.closed_at or vote.created_at,
        vote.published_at,
    )


def _stamp(moment: datetime | None) -> str:
    return "" if moment is None else moment.isoformat(sep=" ", timespec="minutes")
