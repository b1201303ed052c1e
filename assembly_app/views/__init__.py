"""Blueprints, one per area: auth, assemblies (roster, replacements), sessions (agenda, attendance), groups, audit."""

from __future__ import annotations

from flask import abort

from assembly_app.db import get_db
from assembly_app.models import Assembly, AssemblySession

STAFF = ("organiser", "facilitator", "auditor")
EDITORS = ("organiser", "facilitator")


def get_assembly(assembly_id: int) -> Assembly:
    return get_db().get(Assembly, assembly_id) or abort(404)


def get_session(assembly_id: int, number: int) -> AssemblySession:
    session = next((session for session in get_assembly(assembly_id).sessions if session.number == number), None)
    return session or abort(404)
