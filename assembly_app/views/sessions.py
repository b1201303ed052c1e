"""Sessions: the list, creating and editing a session with its agenda, one session's page, its minutes as PDF."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from assembly_app import groups, minutes, sessions
from assembly_app.access import current_user, now, requires
from assembly_app.db import get_db
from assembly_app.forms import SessionForm
from assembly_app.i18n import t
from assembly_app.models import AGENDA_KINDS, Assembly, AssemblySession
from assembly_app.views import EDITORS, STAFF, get_assembly, get_session

bp = Blueprint("sessions", __name__, url_prefix="/assemblies/<int:assembly_id>/sessions")
BLANK_ROWS = 3


@bp.route("")
@requires(*STAFF)
def index(assembly_id: int) -> str:
    return render_template("sessions.html", assembly=get_assembly(assembly_id))


@bp.route("/new", methods=["GET", "POST"])
@requires(*EDITORS)
def create(assembly_id: int) -> tuple[str, int] | Response:
    assembly = get_assembly(assembly_id)
    form, error = SessionForm(), None
    if form.validate_on_submit():
        try:
            session = sessions.create_session(
                get_db(), assembly, held_on=form.held_on.data, place=_place(form), agenda=_agenda(form), actor=current_user().username, now=now()
            )
        except sessions.SessionError as refused:
            error = refused.reason
        else:
            get_db().commit()
            return redirect(url_for("sessions.show", assembly_id=assembly_id, number=session.number))
    elif not form.is_submitted():
        for _ in range(BLANK_ROWS + 2):
            form.agenda.append_entry()
    return _form_page(form, assembly, None, error)


@bp.route("/<int:number>")
@requires(*STAFF)
def show(assembly_id: int, number: int) -> str:
    session = get_session(assembly_id, number)
    return render_template("session.html", assembly=session.assembly, session=session, reports=groups.reports_of(get_db(), session))


@bp.route("/<int:number>/minutes.pdf")
@requires(*STAFF)
def minutes_pdf(assembly_id: int, number: int) -> Response:
    """The minutes by seat and id; an organiser may add ?names=1 for a version with names (not for publication)."""
    session = get_session(assembly_id, number)
    with_names = current_user().role == "organiser" and request.args.get("names") == "1"
    filename = f"minutes-assembly-{assembly_id}-session-{number}.pdf"
    pdf = minutes.minutes_pdf(get_db(), session, with_names=with_names)
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{filename}"'})


@bp.route("/<int:number>/edit", methods=["GET", "POST"])
@requires(*EDITORS)
def edit(assembly_id: int, number: int) -> tuple[str, int] | Response:
    session = get_session(assembly_id, number)
    form, error = SessionForm(), None
    if form.validate_on_submit():
        version = int(form.version.data) if (form.version.data or "").isdigit() else None
        try:
            sessions.update_session(
                get_db(), session, version=version, held_on=form.held_on.data, place=_place(form), agenda=_agenda(form), actor=current_user().username, now=now()
            )
        except sessions.SessionError as refused:
            error = refused.reason
        else:
            get_db().commit()
            return redirect(url_for("sessions.show", assembly_id=assembly_id, number=number))
    elif not form.is_submitted():
        form.held_on.data, form.version.data = session.held_on, str(session.version)
        form.is_online.data, form.place.data = session.is_online, "" if session.is_online else session.place
        for item in session.agenda:
            form.agenda.append_entry({"position": item.position, "kind": item.kind, "title": item.title, "minutes": item.minutes})
        for _ in range(BLANK_ROWS):
            form.agenda.append_entry()
    return _form_page(form, session.assembly, session, error)


def _form_page(form: SessionForm, assembly: Assembly, session: AssemblySession | None, error: str | None) -> tuple[str, int]:
    for row in form.agenda:
        row.form.kind.choices = [(kind, t(f"agenda.{kind}")) for kind in AGENDA_KINDS]
    status = 400 if error or form.errors else 200
    return render_template("session_form.html", form=form, assembly=assembly, session=session, error=error), status


def _place(form: SessionForm) -> str:
    return sessions.ONLINE if form.is_online.data else form.place.data or ""


def _agenda(form: SessionForm) -> list[sessions.ItemInput]:
    """The filled rows, by their order number (rows without one keep their place after the others)."""
    rows = [row.form for row in form.agenda if (row.form.title.data or "").strip() or row.form.minutes.data]
    rows.sort(key=lambda row: 1000 if row.position.data is None else row.position.data)
    return [sessions.ItemInput(row.kind.data or "", row.title.data or "", row.minutes.data or 0) for row in rows]

