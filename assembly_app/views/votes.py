"""Votes: staff declare a vote and its rule, open and close it, enter and confirm the totals of an analog vote,
publish the result; members cast their ballot with their voting code."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from assembly_app import votes
from assembly_app.access import current_member, current_user, now, requires
from assembly_app.db import get_db
from assembly_app.decisions import Quorum, Rule, RuleError
from assembly_app.forms import ActionForm, BallotForm, TotalsForm, VoteForm
from assembly_app.i18n import t
from assembly_app.models import Assembly, Measure, Vote
from assembly_app.views import EDITORS, STAFF, get_assembly

T = TypeVar("T", bound=Any)
bp = Blueprint("votes", __name__)
PREFIX = "/assemblies/<int:assembly_id>/votes"


@bp.route(PREFIX)
@requires(*STAFF)
def index(assembly_id: int) -> str:
    assembly = get_assembly(assembly_id)
    return render_template("votes.html", assembly=assembly, votes=_votes_of(assembly))


@bp.route(f"{PREFIX}/new", methods=["GET", "POST"])
@requires(*EDITORS)
def create(assembly_id: int) -> tuple[str, int] | Response:
    assembly = get_assembly(assembly_id)
    measures = get_db().scalars(select(Measure).where(Measure.assembly_id == assembly.id).order_by(Measure.id)).all()
    form, error = VoteForm(), None
    if form.validate_on_submit():
        try:
            vote = prepare(form, assembly, measure=_pick(measures, form.measure.data))
        except (votes.VoteError, RuleError) as refused:
            get_db().rollback()
            error = refused.reason
        else:
            get_db().commit()
            return redirect(url_for("votes.show", assembly_id=assembly_id, vote_id=vote.id))
    status = 400 if error or form.errors else 200
    return render_template("vote_form.html", assembly=assembly, measures=measures, form=form, error=error), status


@bp.route(f"{PREFIX}/<int:vote_id>")
@requires(*STAFF)
def show(assembly_id: int, vote_id: int) -> str:
    return _page(_vote(assembly_id, vote_id))


@bp.route(f"{PREFIX}/<int:vote_id>/open", methods=["POST"])
@requires(*EDITORS)
def open_(assembly_id: int, vote_id: int) -> tuple[str, int] | Response:
    vote = _vote(assembly_id, vote_id)
    return _act(vote, lambda: votes.open_vote(get_db(), vote, actor=current_user().username, now=now()), "votes.opened")


@bp.route(f"{PREFIX}/<int:vote_id>/close", methods=["POST"])
@requires(*EDITORS)
def close(assembly_id: int, vote_id: int) -> tuple[str, int] | Response:
    vote = _vote(assembly_id, vote_id)
    return _act(vote, lambda: votes.close_vote(get_db(), vote, actor=current_user().username, now=now()), "votes.closed")


@bp.route(f"{PREFIX}/<int:vote_id>/totals", methods=["POST"])
@requires(*EDITORS)
def totals(assembly_id: int, vote_id: int) -> tuple[str, int] | Response:
    """An analog vote's totals as counted in the room; they count once another staff account confirms them."""
    vote, form = _vote(assembly_id, vote_id), TotalsForm()
    if not form.validate_on_submit():
        return _page(vote, t("votes.totals_invalid"), totals=form), 400
    counts = form.yes.data, form.no.data, form.abstain.data
    return _act(vote, lambda: votes.enter_totals(get_db(), vote, *counts, actor=current_user().username, now=now()), "votes.entered", totals=form)


@bp.route(f"{PREFIX}/<int:vote_id>/confirm", methods=["POST"])
@requires(*EDITORS)
def confirm(assembly_id: int, vote_id: int) -> tuple[str, int] | Response:
    """Confirm the totals the page showed (sent back with the button), which closes the vote."""
    vote, seen = _vote(assembly_id, vote_id), TotalsForm()
    if not seen.validate_on_submit():
        return _page(vote, t("error.400")), 400
    shown = seen.yes.data, seen.no.data, seen.abstain.data
    return _act(vote, lambda: votes.confirm_totals(get_db(), vote, shown, actor=current_user().username, now=now()), "votes.confirmed")


@bp.route(f"{PREFIX}/<int:vote_id>/publish", methods=["POST"])
@requires("organiser")
def publish(assembly_id: int, vote_id: int) -> tuple[str, int] | Response:
    vote = _vote(assembly_id, vote_id)
    return _act(vote, lambda: votes.publish_result(get_db(), vote, actor=current_user().username, now=now()), "votes.published")


@bp.route("/member/votes/<int:vote_id>", methods=["GET", "POST"])
def ballot(vote_id: int) -> tuple[str, int] | Response:
    """A member's ballot: the question, the choices while the vote is open, then whether their ballot was counted."""
    member = current_member()
    if member is None:
        if current_user() is not None:
            abort(403)
        return redirect(url_for("auth.member_login"))
    vote = get_db().get(Vote, vote_id)
    if vote is None or vote.assembly_id != member.assembly_id or vote.state == "draft":
        abort(404)
    form, error = BallotForm(), None
    if form.validate_on_submit():
        try:
            votes.cast_ballot(get_db(), vote, member, form.choice.data, now=now())
        except votes.VoteError as refused:
            get_db().rollback()
            error = refused.reason
        else:
            get_db().commit()
            flash(t("votes.counted"), "done")
            return redirect(url_for("votes.ballot", vote_id=vote_id))
    elif form.is_submitted():
        error = t("votes.choose")
    voted = votes.has_voted(get_db(), vote, member)
    running = votes.running_tally(get_db(), vote)
    return render_template("member_vote.html", vote=vote, form=form, error=error, voted=voted, running=running), 400 if error else 200


def prepare(form: VoteForm, assembly: Assembly, **subject: Any) -> Vote:
    """The draft vote a filled-in VoteForm describes, on `subject` (measure=... or amendment=..., or nothing for a
    free question); raises VoteError or RuleError as votes.create_vote does."""
    return votes.create_vote(
        get_db(), assembly, question=form.question.data or "", rule=_rule(form), session=_pick(assembly.sessions, form.session.data),
        is_secret=form.is_secret.data, method=form.method.data, show_tally=form.show_tally.data, actor=current_user().username, now=now(), **subject,
    )


def _votes_of(assembly: Assembly) -> list[Vote]:
    return list(get_db().scalars(select(Vote).where(Vote.assembly_id == assembly.id).order_by(Vote.id)))


def _vote(assembly_id: int, vote_id: int) -> Vote:
    vote = get_db().get(Vote, vote_id)
    if vote is None or vote.assembly_id != assembly_id:
        abort(404)
    return vote


def _page(vote: Vote, error: str | None = None, totals: TotalsForm | None = None) -> str:
    if totals is None:
        totals = TotalsForm(data={"yes": vote.yes, "no": vote.no, "abstain": vote.abstain} if vote.entered_by else None)
    return render_template(
        "vote.html", assembly=vote.assembly, vote=vote, rule=votes.rule_of(vote), form=ActionForm(), totals=totals, progress=votes.progress(get_db(), vote),
        running=votes.running_tally(get_db(), vote), error=error,
    )


def _act(vote: Vote, change: Callable[[], object], done: str, totals: TotalsForm | None = None) -> tuple[str, int] | Response:
    if not ActionForm().validate_on_submit():
        return _page(vote, t("error.400"), totals), 400
    try:
        change()
    except votes.VoteError as refused:
        get_db().rollback()
        return _page(vote, refused.reason, totals), 400
    get_db().commit()
    flash(t(done), "done")
    return redirect(url_for("votes.show", assembly_id=vote.assembly_id, vote_id=vote.id))


def _rule(form: VoteForm) -> Rule:
    quorum = None
    if form.quorum_of.data:
        quorum = Quorum(form.quorum_of.data, form.quorum_minimum.data if form.quorum_minimum.data is not None else 0)
    percentage = form.percentage.data if form.threshold.data == "percentage" else None
    return Rule(form.threshold.data, form.base.data, percentage, quorum)


def _pick(items: Sequence[T], chosen: str | None) -> T | None:
    """The item whose id was chosen ("" for none); an id that is not there is refused."""
    if not chosen:
        return None
    found = next((item for item in items if str(item.id) == chosen), None)
    if found is None:
        raise votes.VoteError(t("votes.unknown_choice"))
    return found
