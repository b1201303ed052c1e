"""Results: per measure and for the whole assembly for staff, the published results for members, the CSV export."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, url_for

from assembly_app import results
from assembly_app.access import current_member, current_user, requires
from assembly_app.db import get_db
from assembly_app.models import Measure
from assembly_app.views import STAFF, get_assembly

bp = Blueprint("results", __name__)


@bp.route("/assemblies/<int:assembly_id>/results")
@requires(*STAFF)
def assembly(assembly_id: int) -> str:
    shown = get_assembly(assembly_id)
    return render_template("results.html", assembly=shown, results=results.assembly_results(get_db(), shown, published_only=False))


@bp.route("/assemblies/<int:assembly_id>/results.csv")
@requires(*STAFF)
def csv_export(assembly_id: int) -> Response:
    shown = get_assembly(assembly_id)
    text = results.results_csv(results.assembly_results(get_db(), shown, published_only=False))
    filename = f"results-assembly-{assembly_id}.csv"
    return Response("\ufeff" + text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/assemblies/<int:assembly_id>/measures/<int:measure_id>/results")
@requires(*STAFF)
def measure(assembly_id: int, measure_id: int) -> str:
    shown = get_db().get(Measure, measure_id)
    if shown is None or shown.assembly_id != assembly_id:
        abort(404)
    return render_template("measure_results.html", assembly=shown.assembly, result=results.measure_results(get_db(), shown, published_only=False))


@bp.route("/member/results")
def member() -> str | Response:
    """The assembly's published results, as a member (or the public, once printed) would read them."""
    member = current_member()
    if member is None:
        if current_user() is not None:
            abort(403)
        return redirect(url_for("auth.member_login"))
    return render_template("results.html", assembly=member.assembly, results=results.assembly_results(get_db(), member.assembly, published_only=True))
