"""Votes: declaring the decision rule while a vote is a draft, opening it (the rule locks, the voters and the
counts of active and present members freeze), ballots (one per voter, enforced by the database), or for an
analog vote (show of hands, paper) totals entered by one staff account and confirmed by another; closing
with the result and its reason; publishing it. Every change is one audit entry; the caller commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Update, func, select, update
from sqlalchemy.orm import Session

from assembly_app import auditlog, measures
from assembly_app.decisions import Base, Decision, Quorum, Rule, RuleError, decide
from assembly_app.models import VOTE_CHOICES, VOTE_METHODS, Amendment, Assembly, AssemblySession, Attendance, Ballot, Measure, Member, Vote, Voter

__all__ = [
    "VoteError", "cast_ballot", "close_vote", "confirm_totals", "create_vote", "declare_rule", "enter_totals", "has_voted", "open_vote",
    "progress", "publish_result", "rule_of", "running_tally", "tally",
]

QUESTION_LENGTH = 300
_MOMENT_AGO = "someone else changed this vote a moment ago (closed it, entered or published its result); reload the page"


class VoteError(Exception):
    """A vote action that is not allowed; `reason` says why."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def create_vote(
    db: Session,
    assembly: Assembly,
    *,
    question: str,
    rule: Rule,
    measure: Measure | None = None,
    amendment: Amendment | None = None,
    session: AssemblySession | None = None,
    is_secret: bool = False,
    method: str = "electronic",
    show_tally: bool = False,
    actor: str,
    now: datetime,
) -> Vote:
    """A draft vote on `measure`, on `amendment` (to its measure), or on a free question, with its declared rule.
    `method` is "electronic" (members vote with their code) or "analog" (totals entered by staff); `show_tally`
    lets members and staff see the running tally before the close."""
    question = question.strip()
    if not question:
        raise VoteError("a vote needs a question")
    if len(question) > QUESTION_LENGTH:
        raise VoteError(f"the question is {len(question)} characters long; at most {QUESTION_LENGTH}")
    if method not in VOTE_METHODS:
        raise VoteError(f"“{method}” is not a way of voting; choose {' or '.join(VOTE_METHODS)}")
    if amendment is not None:
        if measure is not None and measure.id != amendment.measure_id:
            raise VoteError("this amendment belongs to another measure")
        measure = amendment.measure
    for part, name in ((measure, "measure"), (session, "session")):
        if part is not None and part.assembly_id != assembly.id:
            raise VoteError(f"this {name} belongs to another assembly")
    vote = Vote(
        assembly=assembly, measure=measure, amendment=amendment, session=session, question=question, is_secret=is_secret,
        method=method, show_tally=show_tally, state="draft", created_at=now,
    )
    _set_rule(vote, rule)
    db.add(vote)
    db.flush()
    after = {"question": question, "secret": is_secret, "method": method, "show_tally": show_tally, **_rule_fields(vote)}
    auditlog.append(db, at=now, actor=actor, action="vote.create", target=_target(vote), after=after)
    return vote


def declare_rule(db: Session, vote: Vote, rule: Rule, *, actor: str, now: datetime) -> None:
    """Change the rule of a draft vote; once the vote has opened the rule is locked."""
    if vote.state != "draft":
        raise VoteError(f"the vote is {vote.state}; its decision rule was locked when it opened")
    before = _rule_fields(vote)
    _set_rule(vote, rule)
    db.flush()
    auditlog.append(db, at=now, actor=actor, action="vote.rule", target=_target(vote), before=before, after=_rule_fields(vote))


def rule_of(vote: Vote) -> Rule:
    quorum = None if vote.quorum_of is None else Quorum(vote.quorum_of, vote.quorum_minimum or 0)
    return Rule(vote.threshold, vote.base, vote.percentage, quorum)


def open_vote(db: Session, vote: Vote, *, actor: str, now: datetime) -> int:
    """Lock the rule and freeze the voters: the active members, or only those checked in at the vote's session
    when the rule counts members present (in its base or its quorum); a rule that does not count presence
    treats every active member as present. Return how many may vote."""
    if vote.state != "draft":
        raise VoteError(f"the vote is already {vote.state}")
    if vote.amendment is not None:
        if vote.amendment.state != "admissible":
            raise VoteError(f"amendment {vote.amendment.number} is {vote.amendment.state}; only an admissible amendment is put to a vote")
    elif vote.measure is not None and vote.measure.state != "submitted":
        raise VoteError(f"the measure is {vote.measure.state}; submit it to the plenary before its vote opens")
    active = [member for member in vote.assembly.members if member.status == "active"]
    rule = rule_of(vote)
    needs_presence = rule.base is Base.PRESENT or (rule.quorum is not None and rule.quorum.of == "present")
    voters = active
    if needs_presence:
        if vote.session is None:
            raise VoteError("the rule counts members present: choose the session whose attendance says who is present")
        checked_in = set(db.scalars(select(Attendance.member_id).where(Attendance.session_id == vote.session.id)))
        voters = [member for member in active if member.id in checked_in]
    if not voters:
        raise VoteError("nobody may vote: there is no active member" + (" checked in at this session" if needs_presence else ""))
    vote.state, vote.opened_at = "open", now
    vote.measure_version = None if vote.measure is None else vote.measure.current.number
    vote.active_count = len(active)
    vote.present_count = len(voters)
    db.add_all(Voter(vote_id=vote.id, member_id=member.id) for member in voters)
    db.flush()
    after = {"voters": len(voters), "active": vote.active_count, "present": vote.present_count, "method": vote.method, "show_tally": vote.show_tally, **_rule_fields(vote)}
    auditlog.append(db, at=now, actor=actor, action="vote.open", target=_target(vote), before={"state": "draft"}, after=after)
    return len(voters)


def cast_ballot(db: Session, vote: Vote, member: Member, choice: str, *, now: datetime) -> None:
    """Record `member`'s ballot. Marking the voter as having voted is one conditional UPDATE, so that two
    ballots sent at the same moment cannot both pass; for a secret vote the ballot does not name the member."""
    if choice not in VOTE_CHOICES:
        raise VoteError(f"“{choice}” is not a choice; vote yes, no or abstain")
    if vote.state != "open":
        raise VoteError("this vote is not open" if vote.state == "draft" else "this vote is closed; no ballot is accepted after the close")
    if vote.method == "analog":
        raise VoteError("this vote is held by show of hands or on paper in the room; it takes no ballot here")
    marked = db.execute(
        update(Voter).where(Voter.vote_id == vote.id, Voter.member_id == member.id, Voter.voted_at.is_(None)).values(voted_at=now)
    ).rowcount
    if marked != 1:
        if db.get(Voter, (vote.id, member.id)) is None:
            raise VoteError("you are not among the voters of this vote (they were fixed when it opened)")
        raise VoteError("you have already voted in this vote; your ballot was counted and cannot be changed")
    db.add(Ballot(vote_id=vote.id, member_id=None if vote.is_secret else member.id, choice=choice))
    db.flush()
    # The choice stays out of the log until the close, which lists a named vote's ballots: the log is read by
    # staff and auditors, who must not see a tally the organiser did not allow.
    auditlog.append(db, at=now, actor=f"member:{member.person_id}", action="vote.ballot", target=_target(vote), after={"voted": True})


def has_voted(db: Session, vote: Vote, member: Member) -> bool:
    voter = db.get(Voter, (vote.id, member.id))
    return voter is not None and voter.voted_at is not None


def progress(db: Session, vote: Vote) -> tuple[int, int]:
    """How many voters have voted, and how many may: shown while the vote is open, without the tally."""
    voted = db.scalar(select(func.count()).select_from(Voter).where(Voter.vote_id == vote.id, Voter.voted_at.is_not(None))) or 0
    voters = db.scalar(select(func.count()).select_from(Voter).where(Voter.vote_id == vote.id)) or 0
    return voted, voters


def tally(db: Session, vote: Vote) -> dict[str, int]:
    counts = dict(db.execute(select(Ballot.choice, func.count()).where(Ballot.vote_id == vote.id).group_by(Ballot.choice)).all())
    return {choice: counts.get(choice, 0) for choice in VOTE_CHOICES}


def running_tally(db: Session, vote: Vote) -> dict[str, int] | None:
    """The tally of an open electronic vote, if its organiser allowed it to be seen before the close; else None."""
    if vote.state != "open" or vote.method != "electronic" or not vote.show_tally:
        return None
    return tally(db, vote)


def close_vote(db: Session, vote: Vote, *, actor: str, now: datetime) -> Decision:
    """Stop accepting ballots, count them and apply the locked rule; the result decides the amendment (adopted
    and merged, or rejected) or the measure (adopted or rejected) the vote was on."""
    if vote.state != "open":
        raise VoteError(f"only an open vote can be closed; this one is {vote.state}")
    if vote.method == "analog":
        raise VoteError("an analog vote closes when a second staff account confirms the totals entered")
    return _close(db, vote, tally(db, vote), action="vote.close", actor=actor, now=now)


def enter_totals(db: Session, vote: Vote, yes: int, no: int, abstain: int, *, actor: str, now: datetime) -> None:
    """Record the totals of an analog vote (counted in the room); entering again before the confirmation
    replaces them. They count only once another staff account confirms them."""
    if vote.method != "analog":
        raise VoteError("totals are entered only for a vote by show of hands or on paper; members vote on this one with their code")
    if vote.state != "open":
        raise VoteError(f"totals are entered while the vote is open; this one is {vote.state}")
    counts = {"yes": yes, "no": no, "abstain": abstain}
    for choice, count in counts.items():
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise VoteError(f"the number of {choice} votes must be a whole number, 0 or more (got {count!r})")
    voters = vote.present_count or 0
    if sum(counts.values()) > voters:
        raise VoteError(f"{sum(counts.values())} votes entered but only {voters} members may vote in this vote")
    before = _entry(vote)
    entered = {"yes": yes, "no": no, "abstain": abstain, "entered_by": actor, "entered_at": now}
    _change(db, vote, update(Vote).where(Vote.id == vote.id, Vote.state == "open").values(**entered))
    auditlog.append(db, at=now, actor=actor, action="vote.enter", target=_target(vote), before=before, after=_entry(vote))


def confirm_totals(db: Session, vote: Vote, seen: tuple[int, int, int], *, actor: str, now: datetime) -> Decision:
    """A second staff account confirms the totals it read, `seen` (yes, no, abstain): the vote closes with them,
    as close_vote would. Totals entered again since they were read are not confirmed."""
    if vote.method != "analog" or vote.state != "open":
        raise VoteError("only the entered totals of an open analog vote can be confirmed")
    if vote.entered_by is None:
        raise VoteError("no totals have been entered yet")
    if actor == vote.entered_by:
        raise VoteError(f"the totals were entered by {actor}; another organiser or facilitator must confirm them")
    if seen != (vote.yes, vote.no, vote.abstain):
        raise VoteError(f"the totals were entered again since you read them: now yes {vote.yes}, no {vote.no}, abstain {vote.abstain}; check them before confirming")
    unchanged = (Vote.yes == seen[0], Vote.no == seen[1], Vote.abstain == seen[2], Vote.entered_by == vote.entered_by)
    return _close(db, vote, dict(zip(VOTE_CHOICES, seen, strict=True)), action="vote.confirm", actor=actor, now=now, unchanged=unchanged, confirmed_by=actor)


def publish_result(db: Session, vote: Vote, *, actor: str, now: datetime) -> None:
    """Show a closed vote's result to the members and on the published results."""
    if vote.state != "closed":
        raise VoteError(f"only the result of a closed vote can be published; this one is {vote.state}")
    if vote.published_at is not None:
        raise VoteError(f"this result was already published on {vote.published_at:%Y-%m-%d %H:%M} UTC")
    _change(db, vote, update(Vote).where(Vote.id == vote.id, Vote.published_at.is_(None)).values(published_at=now))
    auditlog.append(db, at=now, actor=actor, action="vote.publish", target=_target(vote), before={"published": False}, after={"published": True, "passed": vote.passed, "reason": vote.reason})


def _close(
    db: Session, vote: Vote, counts: dict[str, int], *, action: str, actor: str, now: datetime,
    unchanged: tuple[ColumnElement[bool], ...] = (), confirmed_by: str | None = None,
) -> Decision:
    """Apply the locked rule to `counts`, store the result, and settle what the vote was on. The vote leaves
    "open" by one conditional UPDATE (with the `unchanged` conditions), so that two closes at once cannot both pass."""
    try:
        decision = decide(rule_of(vote), counts["yes"], counts["no"], counts["abstain"], vote.present_count or 0, vote.active_count or 0)
    except RuleError as wrong:  # more ballots than members present: the stored counts contradict each other
        raise VoteError(f"the result cannot be computed: {wrong.reason}") from None
    result: dict[str, object] = {**counts, "passed": decision.passed, "reason": decision.reason}
    if confirmed_by is not None:
        result |= {"entered_by": vote.entered_by, "confirmed_by": confirmed_by}
    _change(db, vote, update(Vote).where(Vote.id == vote.id, Vote.state == "open", *unchanged).values(state="closed", closed_at=now, **result))
    if confirmed_by is None and not vote.is_secret:  # a named vote's ballots, kept out of the log until now
        named = db.execute(select(Member.person_id, Ballot.choice).join(Member, Ballot.member_id == Member.id).where(Ballot.vote_id == vote.id))
        result["ballots"] = dict(sorted((person, choice) for person, choice in named))
    auditlog.append(db, at=now, actor=actor, action=action, target=_target(vote), before={"state": "open"}, after=result)
    _settle(db, vote, decision.passed, actor=actor, now=now)
    return decision


def _change(db: Session, vote: Vote, change: Update) -> None:
    """Run a conditional UPDATE of `vote` (one row, or someone else changed it first), then read the row back."""
    if db.execute(change).rowcount != 1:
        raise VoteError(_MOMENT_AGO)
    db.refresh(vote)


def _settle(db: Session, vote: Vote, passed: bool, *, actor: str, now: datetime) -> None:
    if vote.amendment is not None:
        from assembly_app import amendments  # written beside this module; imported here to keep the cycle out

        amendments.settle(db, vote.amendment, passed=passed, actor=actor, now=now)
    elif vote.measure is not None and vote.measure.state == "submitted":
        measures.change_state(db, vote.measure, "adopted" if passed else "rejected", actor=actor, now=now)


def _set_rule(vote: Vote, rule: Rule) -> None:
    vote.threshold, vote.base, vote.percentage = rule.threshold.value, rule.base.value, rule.percentage
    vote.quorum_of = None if rule.quorum is None else rule.quorum.of
    vote.quorum_minimum = None if rule.quorum is None else rule.quorum.minimum


def _rule_fields(vote: Vote) -> dict[str, object]:
    return {"threshold": vote.threshold, "base": vote.base, "percentage": vote.percentage, "quorum_of": vote.quorum_of, "quorum_minimum": vote.quorum_minimum}


def _entry(vote: Vote) -> dict[str, object] | None:
    if vote.entered_by is None:
        return None
    return {"yes": vote.yes, "no": vote.no, "abstain": vote.abstain, "entered_by": vote.entered_by}


def _target(vote: Vote) -> str:
    return f"assembly:{vote.assembly_id}/vote:{vote.id}"
