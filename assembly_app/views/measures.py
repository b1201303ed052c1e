"""Measures: the list per assembly, one measure with its versions, comparing two versions, creating and editing."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from assembly_app import measures, wording
from assembly_app.access import current_user, now, requires
from assembly_app.db import get_db
from assembly_app.forms import MeasureForm, MeasureStateForm
from assembly_app.i18n import t
from assembly_app.models import Assembly, Measure
from assembly_app.views import EDITORS, STAFF, get_assembly
from assembly_app.views.amendments import listing as amendment_listing

bp = Blueprint("measures", __name__, url_prefix="/assemblies/<int:assembly_id>/measures")


@bp.route("")
@requires(*STAFF)
def index(assembly_id: int) -> str:
    assembly = get_assembly(assembly_id)
    listed = get_db().query(Measure).filter_by(assembly_id=assembly.id).order_by(Measure.id).all()
    return render_template("measures.html", assembly=assembly, measures=listed)


@bp.route("/new", methods=["GET", "POST"])
@requires(*EDITORS)
def create(assembly_id: int) -> tuple[str, int] | Response:
    assembly = get_assembly(assembly_id)
    form, error = _form(assembly), None
    if form.validate_on_submit():
        try:
            measure = measures.create_measure(get_db(), assembly, **_fields(form, assembly), actor=current_user().username, now=now())
        except measures.MeasureError as refused:
            get_db().rollback()
            error = refused.reason
        else:
            get_db().commit()
            return redirect(url_for("measures.show", assembly_id=assembly_id, measure_id=measure.id))
    return _form_page(form, assembly, None, error)


@bp.route("/<int:measure_id>")
@requires(*STAFF)
def show(assembly_id: int, measure_id: int) -> str:
    return _measure_page(_measure(assembly_id, measure_id))


@bp.route("/<int:measure_id>/edit", methods=["GET", "POST"])
@requires(*EDITORS)
def edit(assembly_id: int, measure_id: int) -> tuple[str, int] | Response:
    measure = _measure(assembly_id, measure_id)
    form, error = _form(measure.assembly), None
    if form.validate_on_submit():
        based_on = int(form.based_on.data) if (form.based_on.data or "").isdigit() else None
        try:
            measures.edit_measure(get_db(), measure, based_on=based_on, **_fields(form, measure.assembly), actor=current_user().username, now=now())
        except measures.MeasureError as refused:
            get_db().rollback()
            error = refused.reason
        else:
            get_db().commit()
            return redirect(url_for("measures.show", assembly_id=assembly_id, measure_id=measure_id))
    elif not form.is_submitted():
        form.title.data, form.objective.data, form.route.data = measure.title, measure.objective, measure.route
        form.group.data, form.text.data = str(measure.group_id or ""), measure.current.text
        form.based_on.data = str(measure.current.number)
    return _form_page(form, measure.assembly, measure, error)


@bp.route("/<int:measure_id>/state", methods=["POST"])
@requires(*EDITORS)
def state(assembly_id: int, measure_id: int) -> tuple[str, int] | Response:
    measure = _measure(assembly_id, measure_id)
    form = MeasureStateForm()
    if not form.validate_on_submit():
        return _measure_page(measure, t("measures.unknown_state")), 400
    try:
        measures.change_state(get_db(), measure, form.state.data, actor=current_user().username, now=now())
    except measures.MeasureError as refused:
        get_db().rollback()
        return _measure_page(measure, refused.reason), 400
    get_db().commit()
    flash(t("measures.state_changed", state=t(f"measures.state.{measure.state}")), "done")
    return redirect(url_for("measures.show", assembly_id=assembly_id, measure_id=measure_id))


@bp.route("/<int:measure_id>/compare")
@requires(*STAFF)
def compare(assembly_id: int, measure_id: int) -> tuple[str, int]:
    """?a=1&b=3 (default: the previous version against the current one)."""
    measure = _measure(assembly_id, measure_id)
    current = measure.current.number
    try:
        old = measures.version_of(measure, request.args.get("a", max(1, current - 1)))
        new = measures.version_of(measure, request.args.get("b", current))
    except measures.MeasureError as refused:
        return _measure_page(measure, refused.reason), 400
    segments = wording.word_diff(old.text, new.text)
    return render_template("measure_compare.html", assembly=measure.assembly, measure=measure, old=old, new=new, segments=segments), 200


def _measure(assembly_id: int, measure_id: int) -> Measure:
    measure = get_db().get(Measure, measure_id)
    if measure is None or measure.assembly_id != assembly_id:
        abort(404)
    return measure


def _measure_page(measure: Measure, error: str | None = None) -> str:
    return render_template(
        "measure.html", assembly=measure.assembly, measure=measure, form=MeasureStateForm(), transitions=measures.TRANSITIONS[measure.state],
        amendments=amendment_listing(measure), error=error,
    )


def _form(assembly: Assembly) -> MeasureForm:
    form = MeasureForm()
    form.group.choices = [""] + [str(group.id) for group in assembly.groups]
    return form


def _fields(form: MeasureForm, assembly: Assembly) -> dict[str, object]:
    group_id = form.group.data or ""
    group = next((group for group in assembly.groups if str(group.id) == group_id), None)
    if group_id and group is None:
        raise measures.MeasureError(t("measures.unknown_group"))
    return {"title": form.title.data or "", "objective": form.objective.data or "", "route": form.route.data or "", "group": group, "text": form.text.data or ""}


def _form_page(form: MeasureForm, assembly: Assembly, measure: Measure | None, error: str | None) -> tuple[str, int]:
    status = 400 if error or form.errors else 200
    return render_template("measure_form.html", form=form, assembly=assembly, measure=measure, error=error), status
