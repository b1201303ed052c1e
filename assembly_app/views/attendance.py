"""Attendance at a session: the check-in desk, undo, present and absent lists, the CSV sheet."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for

from assembly_app import attendance
from assembly_app.access import current_user, now, requires
from assembly_app.db import get_db
from assembly_app.forms import ActionForm, CheckInForm
from assembly_app.i18n import t
from assembly_app.models import AssemblySession, Member
from assembly_app.views import EDITORS, STAFF, get_session

bp = Blueprint("attendance", __name__, url_prefix="/assemblies/<int:assembly_id>/sessions/<int:number>/attendance")


@bp.route("", methods=["GET", "POST"])
@requires(*STAFF)
def desk(assembly_id: int, number: int) -> tuple[str, int] | Response:
    session = get_session(assembly_id, number)
    form, matches, error, status = CheckInForm(), [], None, 200
    if form.is_submitted():
        if current_user().role not in EDITORS:
            abort(403)
        if form.validate():
            query = (form.query.data or "").strip()
            if form.member.data is not None:
                matches = [_member(session, form.member.data)]
            elif query:
                matches = attendance.find_members(session, query)
            if len(matches) == 1:
                return _check_in(session, matches[0])
            if query and not matches:
                error, status = t("attendance.no_match", query=query), 400
        else:
            status = 400
    return _page(session, form, matches, error), status


@bp.route("/<int:member_id>/undo", methods=["POST"])
@requires(*EDITORS)
def undo(assembly_id: int, number: int, member_id: int) -> Response:
    session = get_session(assembly_id, number)
    member = _member(session, member_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        attendance.undo_check_in(get_db(), session, member, actor=current_user().username, now=now())
    except attendance.AttendanceError as refused:
        flash(refused.reason, "error")
    else:
        get_db().commit()
        flash(t("attendance.undone", seat=member.seat, name=member.name), "done")
    return redirect(url_for("attendance.desk", assembly_id=assembly_id, number=number))


@bp.route("/sheet.csv")
@requires(*STAFF)
def sheet(assembly_id: int, number: int) -> Response:
    session = get_session(assembly_id, number)
    filename = f"attendance-assembly-{assembly_id}-session-{number}.csv"
    # The BOM makes spreadsheets read the names as UTF-8.
    return Response("\ufeff" + attendance.sheet_csv(session), mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _check_in(session: AssemblySession, member: Member) -> Response:
    """Check in and go back to an empty desk form (a reload then cannot check in twice)."""
    try:
        attendance.check_in(get_db(), session, member, actor=current_user().username, now=now())
    except attendance.AlreadyPresent as already:
        get_db().rollback()
        flash(t("attendance.already", seat=member.seat, name=member.name, since=_since(already)), "notice")
    except attendance.AttendanceError as refused:
        flash(refused.reason, "error")
    else:
        get_db().commit()
        flash(t("attendance.done", seat=member.seat, name=member.name), "done")
    return redirect(url_for("attendance.desk", assembly_id=session.assembly_id, number=session.number))


def _since(already: attendance.AlreadyPresent) -> str:
    return "" if already.record is None else f"{already.record.checked_in_at:%H:%M}"


def _page(session: AssemblySession, form: CheckInForm, matches: list[Member], error: str | None) -> str:
    rows = attendance.sheet(session)
    form.query.data, form.member.data = (form.query.data if matches or error else ""), None
    return render_template(
        "attendance.html",
        assembly=session.assembly,
        session=session,
        form=form,
        matches=matches,
        error=error,
        present=[row for row in rows if row.is_present],
        absent=[row for row in rows if not row.is_present],
        members={member.person_id: member for member in session.assembly.members},
        action_form=ActionForm(),
    )


def _member(session: AssemblySession, member_id: int) -> Member:
    member = get_db().get(Member, member_id)
    if member is None or member.assembly_id != session.assembly_id:
        abort(404)
    return member
