"""Working groups: defining them, assigning members by hand or by a balanced draw, each group's report per session."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from assembly_app import groups
from assembly_app.access import current_user, now, requires
from assembly_app.db import get_db
from assembly_app.forms import BalanceForm, GroupNameForm, GroupRemoveForm, GroupReportForm, GroupsForm
from assembly_app.i18n import t
from assembly_app.models import Assembly, WorkingGroup
from assembly_app.views import EDITORS, STAFF, get_assembly, get_session

bp = Blueprint("groups", __name__)
PREFIX = "/assemblies/<int:assembly_id>/groups"
MEMBER_FIELD = "member-"


@bp.route(PREFIX)
@requires(*STAFF)
def index(assembly_id: int) -> tuple[str, int]:
    return _page(get_assembly(assembly_id))


@bp.route(f"{PREFIX}/new", methods=["POST"])
@requires("organiser")
def create(assembly_id: int) -> tuple[str, int] | Response:
    assembly, form = get_assembly(assembly_id), GroupNameForm()
    return _apply(assembly, form, lambda: groups.create_group(get_db(), assembly, form.name.data or "", **_who(form)), t("groups.created"))


@bp.route(f"{PREFIX}/<int:group_id>/rename", methods=["POST"])
@requires("organiser")
def rename(assembly_id: int, group_id: int) -> tuple[str, int] | Response:
    assembly, form = get_assembly(assembly_id), GroupNameForm()
    group = _group(assembly, group_id)
    if group is None:
        return _page(assembly, t("groups.unknown"))
    return _apply(assembly, form, lambda: groups.rename_group(get_db(), group, form.name.data or "", **_who(form)), t("groups.renamed"))


@bp.route(f"{PREFIX}/<int:group_id>/remove", methods=["POST"])
@requires("organiser")
def remove(assembly_id: int, group_id: int) -> tuple[str, int] | Response:
    assembly, form = get_assembly(assembly_id), GroupRemoveForm()
    group = _group(assembly, group_id)
    if group is None:
        return _page(assembly, t("groups.unknown"))
    return _apply(assembly, form, lambda: groups.remove_group(get_db(), group, confirmed=form.confirm.data, **_who(form)), t("groups.removed"))


@bp.route(f"{PREFIX}/assign", methods=["POST"])
@requires("organiser")
def assign(assembly_id: int) -> tuple[str, int] | Response:
    assembly, form = get_assembly(assembly_id), GroupsForm()
    choices = _choices()
    if choices is None:
        return _page(assembly, t("groups.unknown"))
    return _apply(assembly, form, lambda: groups.assign_by_hand(get_db(), assembly, choices, **_who(form)), t("groups.assigned"))


@bp.route(f"{PREFIX}/balance", methods=["POST"])
@requires("organiser")
def balance(assembly_id: int) -> tuple[str, int] | Response:
    assembly, form = get_assembly(assembly_id), BalanceForm()
    if not form.validate_on_submit():
        return _page(assembly, _form_error(form))
    try:
        done = groups.assign_balanced(get_db(), assembly, seed=form.seed.data, **_who(form))
    except groups.GroupError as refused:
        get_db().rollback()
        return _page(assembly, refused.reason)
    get_db().commit()
    quality = t("groups.optimal", total=done.total) if done.is_optimal else t("groups.above_bound", total=done.total, bound=done.bound)
    flash(t("groups.balanced", seed=done.seed) + " " + quality, "done")
    return redirect(url_for("groups.index", assembly_id=assembly_id))


@bp.route("/assemblies/<int:assembly_id>/sessions/<int:number>/groups/<int:group_id>", methods=["GET", "POST"])
@requires(*EDITORS)
def report(assembly_id: int, number: int, group_id: int) -> tuple[str, int] | Response:
    session = get_session(assembly_id, number)
    group = _group(session.assembly, group_id) or abort(404)
    current = groups.reports_of(get_db(), session).get(group.id)
    form, error = GroupReportForm(), None
    if form.validate_on_submit():
        version = int(form.version.data) if (form.version.data or "").isdigit() else None
        try:
            groups.record_report(
                get_db(), session, group, notes=form.notes.data or "", outcomes=form.outcomes.data or "", version=version, actor=current_user().username, now=now()
            )
        except groups.GroupError as refused:
            get_db().rollback()
            error = refused.reason
        else:
            get_db().commit()
            return redirect(url_for("sessions.show", assembly_id=assembly_id, number=number) + "#groups")
    elif not form.is_submitted() and current is not None:
        form.notes.data, form.outcomes.data, form.version.data = current.notes, current.outcomes, str(current.version)
    status = 400 if error or form.errors else 200
    return render_template("group_report.html", assembly=session.assembly, session=session, group=group, form=form, error=error), status


def _apply(assembly: Assembly, form: GroupsForm, change: Callable[[], object], done: str) -> tuple[str, int] | Response:
    """Validate `form`, make the change in one transaction, and go back to the groups page, or show why not."""
    if not form.validate_on_submit():
        return _page(assembly, _form_error(form))
    try:
        change()
    except groups.GroupError as refused:
        get_db().rollback()
        return _page(assembly, refused.reason)
    get_db().commit()
    flash(done, "done")
    return redirect(url_for("groups.index", assembly_id=assembly.id))


def _page(assembly: Assembly, error: str | None = None) -> tuple[str, int]:
    return render_template(
        "groups.html",
        assembly=assembly,
        members=groups.active_members(assembly),
        spread=groups.spread(assembly),
        version=groups.groups_version(assembly),
        error=error,
    ), 400 if error else 200


def _who(form: GroupsForm) -> dict[str, Any]:
    return {"version": form.version.data or None, "actor": current_user().username, "now": now()}


def _group(assembly: Assembly, group_id: int) -> WorkingGroup | None:
    return next((group for group in assembly.groups if group.id == group_id), None)


def _choices() -> dict[int, int | None] | None:
    """The hand assignment's selects: member id -> group id (None: no group); None if a field is not a number."""
    choices: dict[int, int | None] = {}
    for name, value in request.form.items():
        if name.startswith(MEMBER_FIELD):
            member_id, group_id = name[len(MEMBER_FIELD) :], value.strip()
            if not member_id.isdigit() or not (group_id.isdigit() or group_id == ""):
                return None
            choices[int(member_id)] = int(group_id) if group_id else None
    return choices


def _form_error(form: GroupsForm) -> str:
    if "csrf_token" in form.errors or "version" in form.errors:
        return t("error.400")
    return "; ".join(message for messages in form.errors.values() for message in messages)
