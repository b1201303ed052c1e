"""The audit log, read-only: no view edits or deletes an entry."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from assembly_app.access import requires
from assembly_app.auditlog import verify_chain
from assembly_app.db import get_db
from assembly_app.models import AuditEntry

bp = Blueprint("audit", __name__)


@bp.route("/audit")
@requires("organiser", "auditor")
def log() -> str:
    db = get_db()
    entries = db.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).all()
    count, head, broken = verify_chain(db)
    return render_template("audit.html", entries=entries, count=count, head=head, broken=broken)
