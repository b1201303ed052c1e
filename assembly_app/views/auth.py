"""Staff login and logout; the member page reached with a voting code."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from assembly_app import accounts
from assembly_app.access import client_ip, current_member, current_user, now
from assembly_app.db import get_db
from assembly_app.forms import CodeForm, LoginForm
from assembly_app.i18n import t
from assembly_app.models import Vote

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    form, error = LoginForm(), None
    if form.validate_on_submit():
        db, username = get_db(), form.username.data or ""
        if accounts.is_rate_limited(db, client_ip(), now(), username=username):
            abort(429)
        user = accounts.authenticate(db, username, form.password.data or "")
        if user is None:
            accounts.record_failure(db, username, client_ip(), now())
            db.commit()
            error = t("login.failed")
        else:
            _start_session(user_id=user.id)
            return redirect(_safe_next() or url_for("assemblies.index"))
    return render_template("login.html", form=form, error=error)


@bp.route("/member", methods=["GET", "POST"])
def member_login() -> str | Response:
    form, error = CodeForm(), None
    if form.validate_on_submit():
        db, ip = get_db(), client_ip()
        if accounts.is_rate_limited(db, ip, now()):
            abort(429)
        member = accounts.member_for_code(db, form.code.data or "")
        if member is None:
            accounts.record_failure(db, "member-code", ip, now())
            db.commit()
            error = t("code.failed")
        else:
            _start_session(member_id=member.id)
            return redirect(url_for("auth.member_home"))
    return render_template("member_login.html", form=form, error=error)


@bp.route("/member/home")
def member_home() -> str | Response:
    member = current_member()
    if member is None:
        if current_user() is not None:
            abort(403)
        return redirect(url_for("auth.member_login"))
    shown = get_db().scalars(select(Vote).where(Vote.assembly_id == member.assembly_id, Vote.state != "draft").order_by(Vote.id.desc())).all()
    return render_template("member_home.html", member=member, votes=shown)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("auth.login"))


def _start_session(**identity: int) -> None:
    """A fresh session on every login (no fixation), keeping only the language choice."""
    lang = session.get("lang")
    session.clear()
    session.permanent = True
    session.update(identity)
    if lang:
        session["lang"] = lang


def _safe_next() -> str | None:
    target = request.args.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else None

