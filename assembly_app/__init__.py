"""Assembly app: the Flask web shell where organisers, facilitators, auditors and members run an assembly."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, g, render_template
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

__all__ = ["create_app"]

DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": None,
    "DATABASE_URL": None,  # default: SQLite in the instance folder
    "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
    "ENV_PRODUCTION": False,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
    "WTF_CSRF_TIME_LIMIT": None,  # tokens live as long as the session
    "CLOCK": lambda: datetime.now(UTC),
    # How many reverse proxies (nginx...) stand in front of the app and set X-Forwarded-For/-Proto: the
    # login rate limit then counts the client's address, not the proxy's. 0 ignores those headers
    # (anyone could forge them when nothing in front of the app overwrites them).
    "TRUSTED_PROXIES": 0,
}

DRAIN_LIMIT = 64 * 1024 * 1024  # see _drain_upload


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Configuration (defaults, then the environment, then `config`), extensions and blueprints."""
    from assembly_app import commands, db, security
    from assembly_app.i18n import choose_language, t
    from assembly_app.views import amendments, assemblies, attendance, audit, auth, groups, measures, reports, results, sessions, votes

    app = Flask(__name__, instance_relative_config=True)
    app.config.update(DEFAULTS)
    for name in ("DATABASE_URL", "SECRET_KEY"):
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    if os.environ.get("ENV_PRODUCTION"):
        app.config["ENV_PRODUCTION"] = True
    if os.environ.get("TRUSTED_PROXIES"):
        app.config["TRUSTED_PROXIES"] = os.environ["TRUSTED_PROXIES"]
    app.config.update(config or {})
    proxies = str(app.config["TRUSTED_PROXIES"]).strip()
    if not proxies.isdigit():
        raise RuntimeError(f"TRUSTED_PROXIES must be the number of proxies in front of the app (0, 1, 2...), not “{proxies}”")
    if int(proxies):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(proxies), x_proto=int(proxies))  # type: ignore[method-assign]
    if not app.config["DATABASE_URL"] or not app.config["SECRET_KEY"]:
        os.makedirs(app.instance_path, exist_ok=True)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = f"sqlite:///{os.path.join(app.instance_path, 'assembly.sqlite3')}"
    if not app.config["SECRET_KEY"]:
        if app.config["ENV_PRODUCTION"]:
            raise RuntimeError("set SECRET_KEY in production")
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)
    app.config["SESSION_COOKIE_SECURE"] = bool(app.config["ENV_PRODUCTION"])

    db.init_app(app)
    security.init_app(app)
    CSRFProtect(app)
    commands.init_app(app)
    for blueprint in (auth.bp, assemblies.bp, sessions.bp, attendance.bp, groups.bp, measures.bp, amendments.bp, votes.bp, results.bp, audit.bp, reports.bp):
        app.register_blueprint(blueprint)
    app.jinja_env.globals["t"] = t

    @app.before_request
    def _language() -> None:
        g.lang = choose_language()

    @app.context_processor
    def _identity() -> dict[str, Any]:
        from assembly_app.access import current_member, current_user

        return {"user": current_user(), "member": current_member(), "lang": g.get("lang", "en")}

    app.register_error_handler(HTTPException, _error_page)
    return app


def _error_page(error: HTTPException) -> tuple[str, int]:
    from flask import current_app

    from assembly_app.i18n import choose_language, t

    if "lang" not in g:
        g.lang = choose_language()
    code = error.code or 500
    if isinstance(error, CSRFError):
        code = 400
    messages = {403: "error.403", 404: "error.404", 400: "error.400", 429: "error.429"}
    if code == 413:
        _drain_upload()
        message = t("error.413", limit=f"{current_app.config['MAX_CONTENT_LENGTH'] / 1024 / 1024:g}")
    elif code in messages:
        message = t(messages[code])
    else:
        message = error.description or error.name
    return render_template("error.html", code=code, message=message), code


def _drain_upload() -> None:
    """Read the rest of a refused upload before answering: a browser sends the whole body before it reads the
    answer, and a server that closes the connection on unread data (gunicorn does) shows it a reset connection
    instead of the 413 page. A body over DRAIN_LIMIT is not read; its sender gets the reset."""
    from flask import request

    left = request.content_length or 0
    if left > DRAIN_LIMIT:
        return
    stream = request.environ["wsgi.input"]
    while left > 0 and (chunk := stream.read(min(left, 1 << 16))):
        left -= len(chunk)


def _instance_secret(instance_path: str) -> str:
    """A random key kept in the instance folder, so that sessions survive restarts in development."""
    import secrets

    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        with open(path, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
        os.chmod(path, 0o600)
    with open(path, encoding="ascii") as handle:
        return handle.read().strip()
