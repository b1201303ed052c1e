"""Assemblies: the list, creating one from a draw, the roster, withdrawals, replacements and voting codes."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, abort, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from assembly_app import replacements, roster
from assembly_app.access import current_user, now, requires
from assembly_app.db import get_db
from assembly_app.forms import ActionForm, ImportForm, ReplaceForm, WithdrawForm
from assembly_app.models import Assembly, Member
from assembly_app.views import STAFF, get_assembly
from stratification import InputError

bp = Blueprint("assemblies", __name__)


@bp.route("/")
@requires(*STAFF)
def index() -> str:
    assemblies = get_db().scalars(select(Assembly).order_by(Assembly.id)).all()
    return render_template("assemblies.html", assemblies=assemblies)


@bp.route("/assemblies/new", methods=["GET", "POST"])
@requires("organiser")
def create() -> str | Response:
    form, problems = ImportForm(), []
    if form.validate_on_submit():
        db = get_db()
        with tempfile.TemporaryDirectory() as folder:
            for field, filename in zip((form.selected, form.remaining, form.features, form.audit, form.report), roster.DRAW_FILES):
                if field.data:
                    field.data.save(Path(folder) / filename)
            try:
                assembly = roster.import_draw(
                    db, form.name.data or "", Path(folder), id_column=form.id_column.data or "id", actor=current_user().username, now=now()
                )
            except InputError as error:
                problems = list(error.problems)
            else:
                db.commit()
                return redirect(url_for("assemblies.show", assembly_id=assembly.id))
    return render_template("assembly_new.html", form=form, problems=problems), 400 if problems else 200


@bp.route("/assemblies/<int:assembly_id>")
@requires(*STAFF)
def show(assembly_id: int) -> str:
    assembly = get_assembly(assembly_id)
    return render_template(
        "roster.html",
        assembly=assembly,
        panel=[member for member in assembly.members if member.status != "remaining"],
        remaining=[member for member in assembly.members if member.status == "remaining"],
        shows_contact=current_user().role == "organiser",
        action_form=ActionForm(),
    )


@bp.route("/assemblies/<int:assembly_id>/members/<int:member_id>/withdraw", methods=["GET", "POST"])
@requires("organiser")
def withdraw(assembly_id: int, member_id: int) -> str | Response:
    member = _member(assembly_id, member_id)
    form, error = WithdrawForm(), None
    if form.validate_on_submit():
        try:
            roster.withdraw(get_db(), member, on=form.on.data, reason=form.reason.data or "", actor=current_user().username, now=now())
        except roster.RosterError as refused:
            error = refused.reason
        else:
            get_db().commit()
            return redirect(url_for("assemblies.show", assembly_id=assembly_id))
    return render_template("withdraw.html", form=form, member=member, error=error), 400 if error else 200


@bp.route("/assemblies/<int:assembly_id>/replace", methods=["GET", "POST"])
@requires("organiser")
def replace(assembly_id: int) -> tuple[str, int]:
    assembly = get_assembly(assembly_id)
    withdrawn = [member for member in assembly.members if member.status == "withdrawn"]
    form, error, missed = ReplaceForm(), None, ()
    form.dropouts.choices = [(member.id, f"{member.seat} · {member.person_id}") for member in withdrawn]
    if not form.is_submitted():
        asked = request.args.get("member", type=int)
        form.dropouts.data = [member.id for member in withdrawn if asked in (None, member.id)]
    elif form.validate():
        dropouts = [member for member in withdrawn if member.id in (form.dropouts.data or [])]
        try:
            done = replacements.replace_withdrawn(
                get_db(), assembly, dropouts, seed=form.seed.data, accept_missed=form.accept_missed.data, actor=current_user().username, now=now()
            )
        except replacements.ReplacementError as refused:
            error = refused.reason
        except replacements.QuotasMissed as refused:
            missed = refused.missed
        else:
            get_db().commit()
            return render_template("replaced.html", assembly=assembly, done=done), 200
    active = [member for member in assembly.members if member.status == "active"]
    rows = replacements.composition(assembly, active, active)
    status = 400 if error or missed or form.errors else 200
    return render_template("replace.html", assembly=assembly, form=form, rows=rows, error=error, missed=missed), status


@bp.route("/assemblies/<int:assembly_id>/codes", methods=["POST"])
@requires("organiser")
def codes(assembly_id: int) -> str:
    assembly = get_assembly(assembly_id)
    issued = roster.issue_codes(get_db(), assembly, actor=current_user().username, now=now())
    get_db().commit()
    return render_template("codes.html", assembly=assembly, issued=issued)


def _member(assembly_id: int, member_id: int) -> Member:
    member = get_db().get(Member, member_id)
    if member is None or member.assembly_id != assembly_id:
        abort(404)
    return member
