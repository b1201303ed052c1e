"""Storage model (SQLAlchemy 2, portable column types): staff users, assemblies, members, login attempts, audit log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = ["Base", "User", "Assembly", "Member", "LoginAttempt", "AuditEntry", "STAFF_ROLES", "MEMBER_STATUSES"]

STAFF_ROLES = ("organiser", "facilitator", "auditor")
# "remaining": in the pool the panel was drawn from but not selected (a possible replacement).
MEMBER_STATUSES = ("active", "withdrawn", "replaced", "remaining")


class Base(DeclarativeBase):
    pass


class User(Base):
    """A staff account: organiser, facilitator or auditor."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Assembly(Base):
    """An assembly, created from a draw: its features and quotas, and where the draw came from."""

    __tablename__ = "assemblies"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    id_column: Mapped[str] = mapped_column(String(80))
    # [[feature, value, min, max], ...] in the features file's order.
    quotas: Mapped[list[Any]] = mapped_column(JSON)
    contact_columns: Mapped[list[Any]] = mapped_column(JSON)
    audit_sha256: Mapped[str | None] = mapped_column(String(64))
    algorithm: Mapped[str | None] = mapped_column(String(40))
    seed: Mapped[str | None] = mapped_column(String(40))
    members: Mapped[list[Member]] = relationship(
        back_populates="assembly", order_by="Member.id", foreign_keys="Member.assembly_id"
    )

    @property
    def feature_names(self) -> list[str]:
        return list(dict.fromkeys(row[0] for row in self.quotas))


class Member(Base):
    """A person from the draw: a member of the panel, or one of the remaining pool."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("assembly_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id"))
    person_id: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20))
    row: Mapped[int] = mapped_column(Integer)
    features: Mapped[dict[str, str]] = mapped_column(JSON)
    contact: Mapped[dict[str, str]] = mapped_column(JSON)
    code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    assembly: Mapped[Assembly] = relationship(back_populates="members", foreign_keys=[assembly_id])
    replaced_by: Mapped[Member | None] = relationship(remote_side=[id])


class LoginAttempt(Base):
    """A failed login (staff password or member code), kept to rate-limit across workers."""

    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    ip: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)


class AuditEntry(Base):
    """One entry of the append-only audit log; `hash` chains it to the entry before."""

    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(80))
    target: Mapped[str] = mapped_column(String(200))
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
