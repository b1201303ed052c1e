"""Accounts: staff passwords (scrypt), member voting codes, and rate-limited logins."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from assembly_app import auditlog
from assembly_app.models import STAFF_ROLES, LoginAttempt, Member, User

__all__ = [
    "AccountError",
    "CODE_ALPHABET",
    "MAX_FAILURES",
    "RATE_WINDOW",
    "authenticate",
    "create_user",
    "hash_code",
    "is_rate_limited",
    "member_for_code",
    "new_code",
    "record_failure",
]

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: codes are read off a printed card.
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 10
MAX_FAILURES = 5
RATE_WINDOW = timedelta(minutes=15)
# Checked when a username is unknown, so that answering takes as long as for a known one.
_DUMMY_HASH = generate_password_hash("not a password", method="scrypt")


class AccountError(Exception):
    """A staff account cannot be created; `reason` says why."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def create_user(db: Session, username: str, password: str, role: str, *, actor: str, now: datetime) -> User:
    if role not in STAFF_ROLES:
        raise AccountError(f"role must be one of {', '.join(STAFF_ROLES)}, not {role!r}")
    if not username or len(username) > 80:
        raise AccountError("the username must have 1 to 80 characters")
    if len(password) < 10:
        raise AccountError("the password must have at least 10 characters")
    if db.scalar(select(User).where(User.username == username)) is not None:
        raise AccountError(f"the username {username!r} is taken")
    user = User(username=username, password_hash=generate_password_hash(password, method="scrypt"), role=role, created_at=now)
    db.add(user)
    auditlog.append(db, at=now, actor=actor, action="user.create", target=f"user:{username}", after={"username": username, "role": role})
    return user


def authenticate(db: Session, username: str, password: str) -> User | None:
    user = db.scalar(select(User).where(User.username == username))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def is_rate_limited(db: Session, ip: str, now: datetime, username: str | None = None) -> bool:
    """True once MAX_FAILURES failures from this address, or for this username, fall in the window."""
    since = now - RATE_WINDOW
    conditions = [LoginAttempt.ip == ip] + ([] if username is None else [LoginAttempt.username == username])
    for condition in conditions:
        count = db.scalar(select(func.count()).select_from(LoginAttempt).where(condition, LoginAttempt.at > since))
        if (count or 0) >= MAX_FAILURES:
            return True
    return False


def record_failure(db: Session, username: str, ip: str, now: datetime) -> None:
    """Store a failed attempt, and forget attempts older than the window."""
    db.add(LoginAttempt(username=username[:80], ip=ip[:64], at=now))
    db.execute(delete(LoginAttempt).where(LoginAttempt.at < now - 4 * RATE_WINDOW))


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def hash_code(code: str) -> str:
    """Codes carry ~46 bits of randomness and entry is rate-limited, so an unsalted SHA-256 (which
    lets a code be looked up) suffices; the normalisation forgives spaces, dashes and lower case."""
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normal.encode("ascii", "ignore")).hexdigest()


def member_for_code(db: Session, code: str) -> Member | None:
    return db.scalar(select(Member).where(Member.code_hash == hash_code(code), Member.status == "active"))
