"""Amendments: staff propose, decide and put them to a vote from a measure's page; members propose and withdraw
their own from the member pages with their voting code."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from assembly_app import amendments, measures, votes
from assembly_app.access import current_member, current_user, now, requires
from assembly_app.db import get_db
from assembly_app.decisions import RuleError
from assembly_app.forms import AdmissibilityForm, AmendmentActionForm, AmendmentForm, VoteForm
from assembly_app.i18n import t
from assembly_app.models import Amendment, Measure, Member, Vote
from assembly_app.views import EDITORS, STAFF
from assembly_app.views.votes import prepare

__all__ = ["bp", "listing"]

bp = Blueprint("amendments", __name__)
PREFIX = "/assemblies/<int:assembly_id>/measures/<int:measure_id>/amendments"
AROUND = 80  # characters of context each side in a list of amendments


def listing(measure: Measure) -> list[tuple[Amendment, amendments.Status, int, list[tuple[str, str]]]]:
    """Each amendment of `measure` with its status, and its diff in a short context (with that text's version)."""
    found = amendments.statuses(measure)
    return [(a, found[a.number], *amendments.in_context(a, found[a.number], around=AROUND)) for a in measure.amendments]


@bp.route(f"{PREFIX}/new", methods=["GET", "POST"])
@requires(*EDITORS)
def propose(assembly_id: int, measure_id: int) -> tuple[str, int] | Response:
    measure = _measure(assembly_id, measure_id)
    return _propose(measure, current_user().username, lambda a: url_for("amendments.show", assembly_id=assembly_id, measure_id=measure_id, number=a.number))


@bp.route(f"{PREFIX}/<int:number>")
@requires(*STAFF)
def show(assembly_id: int, measure_id: int, number: int) -> str:
    return _page(_amendment(assembly_id, measure_id, number))


@bp.route(f"{PREFIX}/<int:number>/admissibility", methods=["POST"])
@requires(*EDITORS)
def admissibility(assembly_id: int, measure_id: int, number: int) -> tuple[str, int] | Response:
    amendment, form = _amendment(assembly_id, measure_id, number), AdmissibilityForm()

    def decide() -> None:
        actor, seen = current_user().username, form.seen.data
        if form.decision.data == "admissible":
            amendments.declare_admissible(get_db(), amendment, actor=actor, now=now(), seen=seen)
        else:
            amendments.declare_inadmissible(get_db(), amendment, reason=form.reason.data or "", actor=actor, now=now(), seen=seen)

    return _act(amendment, form, decide)


@bp.route(f"{PREFIX}/<int:number>/accept", methods=["POST"])
@requires(*EDITORS)
def accept(assembly_id: int, measure_id: int, number: int) -> tuple[str, int] | Response:
    amendment, form = _amendment(assembly_id, measure_id, number), AmendmentActionForm()
    return _act(amendment, form, lambda: amendments.accept(get_db(), amendment, actor=current_user().username, now=now(), seen=form.seen.data))


@bp.route(f"{PREFIX}/<int:number>/withdraw", methods=["POST"])
@requires(*EDITORS)
def withdraw(assembly_id: int, measure_id: int, number: int) -> tuple[str, int] | Response:
    amendment, form = _amendment(assembly_id, measure_id, number), AmendmentActionForm()
    return _act(amendment, form, lambda: amendments.withdraw(get_db(), amendment, actor=current_user().username, now=now(), seen=form.seen.data))


@bp.route(f"{PREFIX}/<int:number>/vote", methods=["GET", "POST"])
@requires(*EDITORS)
def vote(assembly_id: int, measure_id: int, number: int) -> tuple[str, int] | Response:
    """Prepare the plenary's vote on the amendment (opened and closed from the vote's page)."""
    amendment = _amendment(assembly_id, measure_id, number)
    assembly, form, error = amendment.measure.assembly, VoteForm(), None
    if form.validate_on_submit():
        try:
            created = prepare(form, assembly, amendment=amendment)
        except (votes.VoteError, RuleError) as refused:
            get_db().rollback()
            error = refused.reason
        else:
            get_db().commit()
            return redirect(url_for("votes.show", assembly_id=assembly_id, vote_id=created.id))
    elif not form.is_submitted():
        form.question.data = t("amendments.vote_question", number=amendment.number, title=amendment.measure.title)[:300]
    status = 400 if error or form.errors else 200
    return render_template("amendment_vote.html", assembly=assembly, amendment=amendment, form=form, error=error), status


def _for_members(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let in a member signed in with their code; staff get 403, anyone else the code page."""

    @functools.wraps(view)
    def guarded(**kwargs: Any) -> Any:
        member = current_member()
        if member is None:
            if current_user() is not None:
                abort(403)
            return redirect(url_for("auth.member_login"))
        return view(member, **kwargs)

    return guarded


@bp.route("/member/measures")
@_for_members
def member_measures(member: Member) -> str:
    listed = get_db().scalars(select(Measure).where(Measure.assembly_id == member.assembly_id).order_by(Measure.id)).all()
    return render_template("member_measures.html", measures=listed)


@bp.route("/member/measures/<int:measure_id>")
@_for_members
def member_measure(member: Member, measure_id: int) -> str:
    return _member_page(member, _measure(member.assembly_id, measure_id))


@bp.route("/member/measures/<int:measure_id>/amendments/new", methods=["GET", "POST"])
@_for_members
def member_propose(member: Member, measure_id: int) -> tuple[str, int] | Response:
    measure = _measure(member.assembly_id, measure_id)
    return _propose(measure, _author(member), lambda a: url_for("amendments.member_measure", measure_id=measure_id))


@bp.route("/member/measures/<int:measure_id>/amendments/<int:number>/withdraw", methods=["POST"])
@_for_members
def member_withdraw(member: Member, measure_id: int, number: int) -> tuple[str, int] | Response:
    amendment = _amendment(member.assembly_id, measure_id, number)
    if amendment.proposed_by != _author(member):
        abort(403)
    form = AmendmentActionForm()
    if not form.validate_on_submit():
        return _member_page(member, amendment.measure, t("error.400")), 400
    try:
        amendments.withdraw(get_db(), amendment, actor=_author(member), now=now(), seen=form.seen.data)
    except amendments.AmendmentError as refused:
        get_db().rollback()
        return _member_page(member, amendment.measure, refused.reason), 400
    get_db().commit()
    flash(t("amendments.done"), "done")
    return redirect(url_for("amendments.member_measure", measure_id=measure_id))


def _propose(measure: Measure, proposed_by: str, done: Callable[[Amendment], str]) -> tuple[str, int] | Response:
    """The proposal form for staff and members alike: the chosen version's text to copy the passage from."""
    form, error, contexts = AmendmentForm(), None, []
    try:
        version = measures.version_of(measure, form.version.data if form.is_submitted() else request.args.get("version", measure.current.number))
    except measures.MeasureError as refused:
        version, error = measure.current, refused.reason
    if error is None and form.validate_on_submit():
        try:
            start, end = amendments.locate(version, form.passage.data or "", occurrence=form.occurrence.data, insert_after=form.kind.data == "insert_after")
            amendment = amendments.propose(
                get_db(), version, start=start, end=end, replacement=form.replacement.data or "", rationale=form.rationale.data or "",
                proposed_by=proposed_by, now=now(),
            )
        except amendments.AmendmentError as refused:
            get_db().rollback()
            error = refused.reason
            contexts = refused.contexts if isinstance(refused, amendments.AmbiguousPassage) else []
        else:
            get_db().commit()
            flash(t("amendments.proposed", number=amendment.number), "done")
            return redirect(done(amendment))
    form.version.data = str(version.number)
    status = 400 if error or form.errors else 200
    page = render_template("amendment_form.html", assembly=measure.assembly, measure=measure, version=version, form=form, error=error, contexts=contexts)
    return page, status


def _page(amendment: Amendment, error: str | None = None) -> str:
    status = amendments.statuses(amendment.measure)[amendment.number]
    shown, segments = amendments.in_context(amendment, status)
    on_it = get_db().scalars(select(Vote).where(Vote.amendment_id == amendment.id).order_by(Vote.id)).all()
    form, decision = AmendmentActionForm(), AdmissibilityForm()
    form.seen.data = decision.seen.data = amendment.state  # the state shown now, even on a refused form's page
    return render_template(
        "amendment.html", assembly=amendment.measure.assembly, measure=amendment.measure, amendment=amendment, status=status, shown=shown,
        segments=segments, votes_on=on_it, form=form, decision=decision, error=error,
    )


def _member_page(member: Member, measure: Measure, error: str | None = None) -> str:
    return render_template("member_measure.html", measure=measure, listed=listing(measure), author=_author(member), form=AmendmentActionForm(), error=error)


def _act(amendment: Amendment, form: AmendmentActionForm, change: Callable[[], object]) -> tuple[str, int] | Response:
    if not form.validate_on_submit():
        return _page(amendment, t("error.400")), 400
    try:
        change()
    except amendments.AmendmentError as refused:
        get_db().rollback()
        return _page(amendment, refused.reason), 400
    get_db().commit()
    flash(t("amendments.done"), "done")
    measure = amendment.measure
    return redirect(url_for("amendments.show", assembly_id=measure.assembly_id, measure_id=measure.id, number=amendment.number))


def _author(member: Member) -> str:
    return f"member:{member.person_id}"


def _measure(assembly_id: int, measure_id: int) -> Measure:
    measure = get_db().get(Measure, measure_id)
    if measure is None or measure.assembly_id != assembly_id:
        abort(404)
    return measure


def _amendment(assembly_id: int, measure_id: int, number: int) -> Amendment:
    measure = _measure(assembly_id, measure_id)
    return next((a for a in measure.amendments if a.number == number), None) or abort(404)
