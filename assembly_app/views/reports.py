"""Reports to download: the vote results as PDF, and the selection report the draw came with."""

from __future__ import annotations

from flask import Blueprint, abort
from sqlalchemy.orm import undefer
from werkzeug.wrappers import Response

from assembly_app import results_report
from assembly_app.access import requires
from assembly_app.db import get_db
from assembly_app.models import Assembly
from assembly_app.views import STAFF, get_assembly

bp = Blueprint("reports", __name__, url_prefix="/assemblies/<int:assembly_id>")


@bp.route("/results.pdf")
@requires(*STAFF)
def results_pdf(assembly_id: int) -> Response:
    """Every measure and closed vote; results not yet published are included and marked so."""
    pdf = results_report.results_pdf(get_db(), get_assembly(assembly_id))
    return _pdf(pdf, f"results-assembly-{assembly_id}.pdf")


@bp.route("/selection-report.pdf")
@requires(*STAFF)
def selection_report(assembly_id: int) -> Response:
    """The report.pdf imported with the draw, byte for byte; 404 if the draw came without one."""
    assembly = get_db().get(Assembly, assembly_id, options=[undefer(Assembly.selection_report)])
    if assembly is None or assembly.selection_report is None:
        abort(404)
    return _pdf(assembly.selection_report, f"selection-report-assembly-{assembly_id}.pdf")


def _pdf(pdf: bytes, filename: str) -> Response:
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{filename}"'})
