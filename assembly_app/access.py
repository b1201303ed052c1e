"""Who is asking: the signed-in staff user or member, role checks on every view, and the clock."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import abort, current_app, g, redirect, request, session, url_for

from assembly_app.db import get_db
from assembly_app.models import Member, User

__all__ = ["current_user", "current_member", "requires", "now", "client_ip"]


def current_user() -> User | None:
    if "user" not in g:
        user_id = session.get("user_id")
        g.user = None if user_id is None else get_db().get(User, user_id)
    return g.user


def current_member() -> Member | None:
    member_id = session.get("member_id")
    if member_id is None:
        return None
    member = get_db().get(Member, member_id)
    return member if member is not None and member.status == "active" else None


def requires(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Let in staff with one of `roles`; send anonymous visitors to the login page; 403 for anyone else."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def guarded(**kwargs: Any) -> Any:
            user = current_user()
            if user is None and current_member() is None:
                return redirect(url_for("auth.login", next=request.path))
            if user is None or user.role not in roles:
                abort(403)
            return view(**kwargs)

        return guarded

    return decorate


def now() -> datetime:
    """The current time in UTC, without tzinfo (as stored); tests replace config["CLOCK"]."""
    return current_app.config["CLOCK"]().astimezone(UTC).replace(tzinfo=None)


def client_ip() -> str:
    return request.remote_addr or "unknown"
