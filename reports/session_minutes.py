"""The minutes of a session: when and where, the agenda, who attended, what each working group did, and the
amendments and votes handled."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, TableStyle

from reports.pdf import MARGIN, RULE, build_pdf, natural_widths, paragraph, table

__all__ = ["AgendaEntry", "AmendmentHandled", "Attendee", "GroupOutcome", "SessionMinutesData", "VoteHeld", "build_session_minutes"]

_WIDTH = A4[0] - 2 * MARGIN


@dataclass(frozen=True)
class AgendaEntry:
    """One agenda item: its kind as it should read ("Plenary"), its title and the minutes planned for it."""

    kind: str
    title: str
    minutes: int


@dataclass(frozen=True)
class Attendee:
    """A member on the attendance list: seat (None if they have none), id, and their name — or their id again
    when names are not to be published."""

    seat: int | None
    id: str
    name: str


@dataclass(frozen=True)
class GroupOutcome:
    """What a working group reported for the session (either text may be empty)."""

    group: str
    notes: str
    outcomes: str


@dataclass(frozen=True)
class AmendmentHandled:
    """An amendment dealt with in the session: the measure it targets, the amendment, and what became of it."""

    measure: str
    amendment: str
    outcome: str


@dataclass(frozen=True)
class VoteHeld:
    """A vote closed in the session: the question, the counts, whether it passed and why, and whether its result
    is published yet."""

    question: str
    yes: int
    no: int
    abstain: int
    passed: bool
    reason: str
    is_published: bool = True


@dataclass(frozen=True)
class SessionMinutesData:
    """Everything the minutes show. `date` is ISO (YYYY-MM-DD), the session's date and the PDF's creation date.

    `present` and `absent` are in seat order. A name column is printed only when `shows_names` is set;
    otherwise the attendance lists seats and ids only.
    """

    assembly: str
    number: int
    date: str
    place: str
    is_online: bool
    agenda: tuple[AgendaEntry, ...]
    present: tuple[Attendee, ...]
    absent: tuple[Attendee, ...]
    groups: tuple[GroupOutcome, ...] = ()
    amendments: tuple[AmendmentHandled, ...] = ()
    votes: tuple[VoteHeld, ...] = ()
    shows_names: bool = False


def build_session_minutes(data: SessionMinutesData) -> bytes:
    """The minutes as PDF bytes; the same data always gives the same bytes."""
    story: list[Flowable] = [paragraph(f"Minutes of session {data.number}", "title"), *_summary(data), *_agenda(data)]
    story += _attendance(data) + _groups(data) + _amendments(data) + _votes(data)
    return build_pdf(story, title=data.assembly, date=data.date, subject=f"Minutes of session {data.number}")


def _summary(data: SessionMinutesData) -> list[Flowable]:
    members = len(data.present) + len(data.absent)
    rows = [
        ("Assembly", data.assembly), ("Session", str(data.number)), ("Date", data.date),
        ("Place", "Online" if data.is_online else data.place),
        ("Present", f"{len(data.present)} of {members} members"), ("Absent", f"{len(data.absent)} of {members} members"),
        ("Agenda", f"{len(data.agenda)} items, {sum(item.minutes for item in data.agenda)} minutes planned"),
    ]
    return [table(("Item", "Value"), rows, (38 * mm, _WIDTH - 38 * mm), numeric_from=2, wrap=True)]


def _agenda(data: SessionMinutesData) -> list[Flowable]:
    if not data.agenda:
        return [paragraph("Agenda", "h1"), paragraph("No agenda was set for this session.")]
    rows = [(str(i), item.kind, item.title, str(item.minutes)) for i, item in enumerate(data.agenda, start=1)]
    rows.append(("", "", "Total", str(sum(item.minutes for item in data.agenda))))
    widths = (10 * mm, 32 * mm, _WIDTH - 64 * mm, 22 * mm)
    agenda = table(("#", "Kind", "Item", "Minutes"), rows, widths, numeric_from=3, wrap=True)
    return [paragraph("Agenda", "h1"), agenda]


def _attendance(data: SessionMinutesData) -> list[Flowable]:
    note = ("Members are listed by seat with their names." if data.shows_names
            else "Members are listed by seat and id; names are not published.")
    story: list[Flowable] = [CondPageBreak(40 * mm), paragraph("Attendance", "h1"), paragraph(note)]
    for heading, people in ((f"Present ({len(data.present)})", data.present), (f"Absent ({len(data.absent)})", data.absent)):
        story += [CondPageBreak(25 * mm), paragraph(heading, "h2")]
        story.append(_attendance_table(people, data.shows_names) if people else paragraph("Nobody."))
    return story


def _attendance_table(people: tuple[Attendee, ...], shows_names: bool) -> Flowable:
    """Several members to a row, read across (seat and id take little room): four without names, two with."""
    across = 2 if shows_names else 4
    block = ("Seat", "Id", "Name") if shows_names else ("Seat", "Id")
    cells = [(_seat(p), p.id, p.name) if shows_names else (_seat(p), p.id) for p in people]
    cells += [("",) * len(block)] * (-len(cells) % across)
    rows = [tuple(cell for person in cells[i:i + across] for cell in person) for i in range(0, len(cells), across)]
    share = _WIDTH / across
    widths = (12 * mm, 24 * mm, share - 36 * mm) if shows_names else (12 * mm, share - 12 * mm)
    result = table(block * across, rows, widths * across, numeric_from=len(block) * across, wrap=True)
    result.setStyle(TableStyle([("LINEBEFORE", (len(block) * i, 1), (len(block) * i, -1), 0.5, RULE) for i in range(1, across)]))
    return result


def _seat(person: Attendee) -> str:
    return "–" if person.seat is None else str(person.seat)


def _groups(data: SessionMinutesData) -> list[Flowable]:
    story: list[Flowable] = [CondPageBreak(40 * mm), paragraph("Working groups", "h1")]
    if not data.groups:
        return [*story, paragraph("No working group reported on this session.")]
    for group in data.groups:
        story.append(KeepTogether([paragraph(group.group, "h2"), paragraph("Notes", "small"), *_lines(group.notes)]))
        story += [paragraph("Outcomes", "small"), *_lines(group.outcomes)]
    return story


def _lines(text: str) -> list[Flowable]:
    """One paragraph per line of what was typed, so that the writer's line breaks survive."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return [paragraph(line) for line in lines] or [paragraph("—")]


def _amendments(data: SessionMinutesData) -> list[Flowable]:
    story: list[Flowable] = [CondPageBreak(30 * mm), paragraph("Amendments handled", "h1")]
    if not data.amendments:
        return [*story, paragraph("No amendment was handled in this session.")]
    header = ("Measure", "Amendment", "Outcome")
    rows = [(a.measure, a.amendment, a.outcome) for a in data.amendments]
    return [*story, table(header, rows, natural_widths(header, rows, _WIDTH), numeric_from=3, wrap=True)]


def _votes(data: SessionMinutesData) -> list[Flowable]:
    story: list[Flowable] = [CondPageBreak(30 * mm), paragraph("Votes held", "h1")]
    if not data.votes:
        return [*story, paragraph("No vote was held in this session.")]
    header = ("Question", "Result", "Why", "Yes", "No", "Abstain")
    rows = [(v.question, _result(v), v.reason, str(v.yes), str(v.no), str(v.abstain)) for v in data.votes]
    widths = (_WIDTH * 0.3, 24 * mm, _WIDTH * 0.7 - 64 * mm, 12 * mm, 12 * mm, 16 * mm)
    return [*story, table(header, rows, widths, numeric_from=3, wrap=True)]


def _result(vote: VoteHeld) -> str:
    result = "passed" if vote.passed else "failed"
    return result if vote.is_published else f"{result} (not yet published)"
