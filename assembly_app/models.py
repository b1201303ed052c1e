"""Storage model (SQLAlchemy 2, portable column types): staff users, assemblies, members, sessions with
their agenda and attendance, working groups, measures and their versions, votes with their frozen voters and
ballots, login attempts, audit log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, ForeignKey, Integer, LargeBinary, String, Table, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "AGENDA_KINDS",
    "AMENDMENT_STATES",
    "AgendaItem",
    "Amendment",
    "Assembly",
    "AssemblySession",
    "Attendance",
    "AuditEntry",
    "Base",
    "GroupReport",
    "LoginAttempt",
    "MEMBER_STATUSES",
    "MEASURE_ROUTES",
    "MEASURE_STATES",
    "Measure",
    "MeasureVersion",
    "Member",
    "STAFF_ROLES",
    "User",
    "VOTE_CHOICES",
    "VOTE_METHODS",
    "Ballot",
    "Vote",
    "Voter",
    "WorkingGroup",
    "group_members",
]

STAFF_ROLES = ("organiser", "facilitator", "auditor")
# "remaining": in the pool the panel was drawn from but not selected (a possible replacement).
MEMBER_STATUSES = ("active", "withdrawn", "replaced", "remaining")
AGENDA_KINDS = ("plenary", "working_groups", "hearing", "vote")
MEASURE_ROUTES = ("referendum", "parliament", "regulation", "other")
MEASURE_STATES = ("draft", "submitted", "adopted", "rejected", "withdrawn")
VOTE_CHOICES = ("yes", "no", "abstain")
# electronic: members vote with their code; analog: a show of hands or paper, totals entered by one staff
# account and confirmed by another.
VOTE_METHODS = ("electronic", "analog")
# proposed -> admissible / inadmissible; admissible -> accepted (by the drafting group) or put to a vote ->
# adopted / rejected; withdrawn by its author before a decision.
AMENDMENT_STATES = ("proposed", "admissible", "inadmissible", "accepted", "adopted", "rejected", "withdrawn")


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
    # The draw's household (address) columns: a replacement never shares a household with a member.
    household_columns: Mapped[list[Any]] = mapped_column(JSON, server_default="[]")
    # The draw's report.pdf as uploaded with it, byte for byte (it cannot be regenerated: the app does not keep
    # the audit bundle), and its SHA-256; None when the draw came without one. Loaded only when asked for.
    selection_report: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    selection_report_sha256: Mapped[str | None] = mapped_column(String(64))
    members: Mapped[list[Member]] = relationship(
        back_populates="assembly", order_by="Member.id", foreign_keys="Member.assembly_id"
    )

    sessions: Mapped[list[AssemblySession]] = relationship(back_populates="assembly", order_by="AssemblySession.number")
    groups: Mapped[list[WorkingGroup]] = relationship(back_populates="assembly", order_by="WorkingGroup.position")

    @property
    def feature_names(self) -> list[str]:
        return list(dict.fromkeys(row[0] for row in self.quotas))

    @property
    def name_columns(self) -> list[str]:
        """The contact columns that hold a name ("first_name", "nom"...): shown to facilitators at the door."""
        return [column for column in self.contact_columns if "name" in column.lower() or "nom" in column.lower()]


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
    # Seats are numbered from 1 in the order of selected.csv; a replacement takes the seat it fills.
    seat: Mapped[int | None] = mapped_column(Integer)
    assembly: Mapped[Assembly] = relationship(back_populates="members", foreign_keys=[assembly_id])
    replaced_by: Mapped[Member | None] = relationship(remote_side=[id])
    group: Mapped[WorkingGroup | None] = relationship(secondary="group_members", back_populates="members")

    @property
    def name(self) -> str:
        """The person's name from the contact columns, or their id when the draw carried none."""
        return " ".join(self.contact.get(column, "") for column in self.assembly.name_columns).strip() or self.person_id


class AssemblySession(Base):
    """A numbered meeting of the assembly: its date, its place (or online) and its agenda."""

    __tablename__ = "sessions"
    __table_args__ = (UniqueConstraint("assembly_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id"))
    number: Mapped[int] = mapped_column(Integer)
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200))
    is_online: Mapped[bool] = mapped_column(Boolean)
    # Bumped by every edit of the session or its agenda, so that a form filled in before is refused.
    version: Mapped[int] = mapped_column(Integer)
    assembly: Mapped[Assembly] = relationship(back_populates="sessions")
    agenda: Mapped[list[AgendaItem]] = relationship(back_populates="session", order_by="AgendaItem.position", cascade="all, delete-orphan")
    attendance: Mapped[list[Attendance]] = relationship(back_populates="session", cascade="all, delete-orphan")


class AgendaItem(Base):
    """One item of a session's agenda: its kind, title and planned minutes, in `position` order."""

    __tablename__ = "agenda_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(Integer)
    session: Mapped[AssemblySession] = relationship(back_populates="agenda")


class Attendance(Base):
    """A member checked in at a session (undoing the check-in deletes the row; the log keeps both)."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "member_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    checked_in_at: Mapped[datetime] = mapped_column(DateTime)
    checked_in_by: Mapped[str] = mapped_column(String(80))
    session: Mapped[AssemblySession] = relationship(back_populates="attendance")
    member: Mapped[Member] = relationship()


class WorkingGroup(Base):
    """A thematic group of an assembly (housing, transport...) and the members assigned to it."""

    __tablename__ = "working_groups"
    __table_args__ = (UniqueConstraint("assembly_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id"))
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer)
    assembly: Mapped[Assembly] = relationship(back_populates="groups")
    members: Mapped[list[Member]] = relationship(secondary="group_members", back_populates="group", order_by="Member.id")


# A member sits in at most one working group: the member is the key.
group_members = Table(
    "group_members",
    Base.metadata,
    Column("member_id", ForeignKey("members.id"), primary_key=True),
    Column("group_id", ForeignKey("working_groups.id"), nullable=False),
)


class GroupReport(Base):
    """What a working group did at a session: notes and outcomes."""

    __tablename__ = "group_reports"
    __table_args__ = (UniqueConstraint("session_id", "group_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"))
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id"))
    notes: Mapped[str] = mapped_column(Text)
    outcomes: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    session: Mapped[AssemblySession] = relationship()
    group: Mapped[WorkingGroup] = relationship()


class Measure(Base):
    """A measure drafted by the assembly: its title, objective, proposed route and state; its text lives in
    its versions."""

    __tablename__ = "measures"
    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("working_groups.id"))
    title: Mapped[str] = mapped_column(String(200))
    objective: Mapped[str] = mapped_column(Text)
    route: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    assembly: Mapped[Assembly] = relationship()
    group: Mapped[WorkingGroup | None] = relationship()
    versions: Mapped[list[MeasureVersion]] = relationship(back_populates="measure", order_by="MeasureVersion.number")
    amendments: Mapped[list[Amendment]] = relationship(back_populates="measure", order_by="Amendment.number")

    @property
    def current(self) -> MeasureVersion:
        return self.versions[-1]


class MeasureVersion(Base):
    """One text of a measure, numbered from 1; never updated: an edit adds the next version."""

    __tablename__ = "measure_versions"
    __table_args__ = (UniqueConstraint("measure_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id"))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    measure: Mapped[Measure] = relationship(back_populates="versions")


class Amendment(Base):
    """A proposed change to one version of a measure: the passage `original` at characters [start, end) of
    that version's text is replaced by `replacement` (an insertion has start == end and no original; a deletion
    has no replacement). Merging it (accepted or adopted) makes a new version, `merged_version`."""

    __tablename__ = "amendments"
    __table_args__ = (UniqueConstraint("measure_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id"))
    # Numbered from 1 within its measure.
    number: Mapped[int] = mapped_column(Integer)
    version_id: Mapped[int] = mapped_column(ForeignKey("measure_versions.id"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    original: Mapped[str] = mapped_column(Text)
    replacement: Mapped[str] = mapped_column(Text)
    rationale: Mapped[str] = mapped_column(Text)
    # "member:<person id>" or a staff username.
    proposed_by: Mapped[str] = mapped_column(String(80))
    proposed_at: Mapped[datetime] = mapped_column(DateTime)
    state: Mapped[str] = mapped_column(String(20))
    # Why it was found inadmissible, or any other decision's note.
    reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    merged_version_id: Mapped[int | None] = mapped_column(ForeignKey("measure_versions.id"))
    measure: Mapped[Measure] = relationship(back_populates="amendments")
    version: Mapped[MeasureVersion] = relationship(foreign_keys=[version_id])
    merged_version: Mapped[MeasureVersion | None] = relationship(foreign_keys=[merged_version_id])


class Vote(Base):
    """A vote on a measure or a free question. Its decision rule (threshold, base, quorum) is declared while it is
    a draft and locked when it opens; opening freezes the voters and the counts of active and present members;
    closing stores the result and its reason."""

    __tablename__ = "votes"
    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id"))
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("measures.id"))
    # A vote on an amendment also names its measure.
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendments.id"))
    # The measure's version number put to the vote, fixed when the vote opens.
    measure_version: Mapped[int | None] = mapped_column(Integer)
    # The session whose attendance says who is present (needed when the rule counts members present).
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id"))
    question: Mapped[str] = mapped_column(String(300))
    is_secret: Mapped[bool] = mapped_column(Boolean)
    threshold: Mapped[str] = mapped_column(String(20))
    base: Mapped[str] = mapped_column(String(30))
    percentage: Mapped[int | None] = mapped_column(Integer)
    quorum_of: Mapped[str | None] = mapped_column(String(10))
    quorum_minimum: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    active_count: Mapped[int | None] = mapped_column(Integer)
    present_count: Mapped[int | None] = mapped_column(Integer)
    yes: Mapped[int | None] = mapped_column(Integer)
    no: Mapped[int | None] = mapped_column(Integer)
    abstain: Mapped[int | None] = mapped_column(Integer)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(10), server_default="electronic")
    # The organiser may let members and staff see the running tally before the close.
    show_tally: Mapped[bool] = mapped_column(Boolean, server_default=sa_false())
    # Analog totals: entered by one staff account (stored in yes/no/abstain), confirmed by another.
    entered_by: Mapped[str | None] = mapped_column(String(80))
    entered_at: Mapped[datetime | None] = mapped_column(DateTime)
    confirmed_by: Mapped[str | None] = mapped_column(String(80))
    # Results are shown to members and on the public results pages once published.
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    assembly: Mapped[Assembly] = relationship()
    measure: Mapped[Measure | None] = relationship()
    amendment: Mapped[Amendment | None] = relationship()
    session: Mapped[AssemblySession | None] = relationship()


class Voter(Base):
    """A member allowed to vote, frozen when the vote opened; `voted_at` is set once, when their ballot arrives,
    so that the database itself refuses a second ballot. For a secret vote this is all that links the member
    to the vote: the ballot does not name them."""

    __tablename__ = "vote_voters"
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    voted_at: Mapped[datetime | None] = mapped_column(DateTime)


class Ballot(Base):
    """One ballot: yes, no or abstain; `member_id` only for a named vote."""

    __tablename__ = "ballots"
    __table_args__ = (UniqueConstraint("vote_id", "member_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    choice: Mapped[str] = mapped_column(String(10))


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
