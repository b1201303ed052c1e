"""The vote results report: every measure with its final text and how it was decided, the amendments adopted,
the votes on free questions, and the audit log's entry that vouches for them."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer

from reports.pdf import MARGIN, build_pdf, paragraph, table

__all__ = ["AmendmentAdopted", "LogHead", "MeasureResult", "VoteResult", "VoteResultsData", "build_vote_results"]

_WIDTH = A4[0] - 2 * MARGIN
_UNPUBLISHED = "not yet published"


@dataclass(frozen=True)
class VoteResult:
    """A closed vote: its question, the counts, how many could vote (frozen when it opened), the members present
    and active then, the decision rule in words, the result and its reason ("needed 67 of 133 votes cast, got 80").
    Times are ISO ("2026-06-21 14:05"); `published_at` is None while the result is not yet published."""

    question: str
    yes: int
    no: int
    abstain: int
    voters: int
    present: int
    active: int
    rule: str
    passed: bool
    reason: str
    closed_at: str
    published_at: str | None = None

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


@dataclass(frozen=True)
class AmendmentAdopted:
    """An amendment merged into its measure: the passage before and after (either may be empty: an insertion or
    a deletion), how it was adopted, and the version of the measure it made."""

    number: int
    before: str
    after: str
    how: str
    version: int | None


@dataclass(frozen=True)
class MeasureResult:
    """A measure as it ended: `number` is its place in the assembly's list, `text` its final version's text,
    `votes` the closed votes on the measure itself and `amendment_votes` those on its amendments, in closing order."""

    number: int
    title: str
    group: str
    route: str
    state: str
    version: int
    text: str
    votes: tuple[VoteResult, ...] = ()
    amendments: tuple[AmendmentAdopted, ...] = ()
    amendment_votes: tuple[VoteResult, ...] = ()


@dataclass(frozen=True)
class LogHead:
    """An entry of the hash-chained audit log: its sequence number, hash and time."""

    seq: int
    sha256: str
    at: str


@dataclass(frozen=True)
class VoteResultsData:
    """Everything the report shows. `date` (ISO, YYYY-MM-DD) is the PDF's creation date: the day of `log_head`,
    the last audit entry about what the report shows. `last_decision` is the day of the last vote closed or
    amendment decided (None if there was none)."""

    assembly: str
    date: str
    last_decision: str | None
    measures: tuple[MeasureResult, ...]
    questions: tuple[VoteResult, ...]
    log_head: LogHead
    verify_command: str

    @property
    def votes(self) -> tuple[VoteResult, ...]:
        return tuple(v for m in self.measures for v in (*m.votes, *m.amendment_votes)) + self.questions


def build_vote_results(data: VoteResultsData) -> bytes:
    """The report as PDF bytes; the same data always gives the same bytes."""
    story: list[Flowable] = [paragraph("Vote results", "title"), *_summary(data), *_overview(data)]
    for measure in data.measures:
        story += _measure(measure)
    story += _questions(data) + _appendix(data)
    return build_pdf(story, title=data.assembly, date=data.date, subject="Vote results")


def _summary(data: VoteResultsData) -> list[Flowable]:
    states = [m.state for m in data.measures]
    adopted, rejected = states.count("adopted"), states.count("rejected")
    on_measures = sum(len(m.votes) for m in data.measures)
    on_amendments = sum(len(m.amendment_votes) for m in data.measures)
    unpublished = sum(not v.is_published for v in data.votes)
    rows = [
        ("Assembly", data.assembly),
        ("Last decision", data.last_decision or "no decision yet"),
        ("Measures", f"{len(states)}: {adopted} adopted, {rejected} rejected, {len(states) - adopted - rejected} other"),
        ("Votes held", f"{len(data.votes)}: {on_measures} on measures, {on_amendments} on amendments, {len(data.questions)} on free questions"),
        ("Amendments adopted", str(sum(len(m.amendments) for m in data.measures))),
        ("Audit log", f"entry {data.log_head.seq}, SHA-256 {data.log_head.sha256}"),
    ]
    if unpublished:
        rows.append(("Not yet published", f"{unpublished} of {len(data.votes)} vote results: this report is a draft until they are published"))
    return [paragraph("Summary", "h1"), table(("Item", "Value"), rows, (38 * mm, _WIDTH - 38 * mm), numeric_from=2, wrap=True)]


def _overview(data: VoteResultsData) -> list[Flowable]:
    story: list[Flowable] = [paragraph("Measures", "h1")]
    if not data.measures:
        return [*story, paragraph("The assembly has no measure.")]
    rows = []
    for m in data.measures:
        last = m.votes[-1] if m.votes else None
        counts = (str(last.yes), str(last.no), str(last.abstain)) if last else ("–", "–", "–")
        state = m.state if last is None or last.is_published else f"{m.state} ({_UNPUBLISHED})"
        rows.append((str(m.number), m.title, m.route, state, *counts))
    header = ("#", "Measure", "Route", "Result", "Yes", "No", "Abstain")
    widths = (9 * mm, _WIDTH - 93 * mm, 22 * mm, 22 * mm, 12 * mm, 12 * mm, 16 * mm)
    note = paragraph("Yes, no and abstain are the counts of the last vote closed on the measure; the details follow.", "small")
    return [*story, table(header, rows, widths, numeric_from=4, wrap=True), Spacer(1, 2 * mm), note]


def _measure(measure: MeasureResult) -> list[Flowable]:
    facts = " · ".join(part for part in (measure.group, f"route: {measure.route}", measure.state, f"text of version {measure.version}") if part)
    head = [CondPageBreak(50 * mm), paragraph(f"{measure.number}. {measure.title}", "h2"), paragraph(facts, "small"), Spacer(1, 1.5 * mm)]
    first, *rest = _lines(measure.text)
    story: list[Flowable] = [KeepTogether([*head, first]), *rest]  # the heading never ends a page alone
    if not measure.votes:
        story.append(paragraph("No vote on this measure was closed.", "small"))
    for vote in measure.votes:
        story += [Spacer(1, 2 * mm), _vote_table(vote)]
    if measure.amendments:
        header = ("#", "Passage before", "After", "How", "Version")
        rows = [(str(a.number), a.before or "(nothing: an insertion)", a.after or "(deleted)", a.how, _version(a.version)) for a in measure.amendments]
        share = _WIDTH - 27 * mm
        widths = (9 * mm, share * 0.3, share * 0.3, share * 0.4, 18 * mm)
        story += [Spacer(1, 2 * mm), paragraph("Amendments adopted", "small"), table(header, rows, widths, numeric_from=4, wrap=True)]
    if measure.amendment_votes:
        story += [Spacer(1, 2 * mm), paragraph("Votes on its amendments", "small"), _votes_table(measure.amendment_votes)]
    return story


def _version(number: int | None) -> str:
    return "–" if number is None else str(number)


def _lines(text: str) -> list[Flowable]:
    """One paragraph per line of the text, so that its line breaks survive."""
    return [paragraph(line.strip()) for line in text.splitlines() if line.strip()] or [paragraph("(no text)")]


def _result(vote: VoteResult) -> str:
    result = "passed" if vote.passed else "failed"
    return result if vote.is_published else f"{result} ({_UNPUBLISHED})"


def _vote_table(vote: VoteResult) -> Flowable:
    closed = f"closed {vote.closed_at}; " + (f"published {vote.published_at}" if vote.published_at else _UNPUBLISHED)
    rows = [
        ("Result", f"{_result(vote)}: {vote.reason}"),
        ("Counts", f"{vote.yes} yes, {vote.no} no, {vote.abstain} abstain ({vote.yes + vote.no + vote.abstain} cast)"),
        ("Voters", f"{vote.voters} frozen when the vote opened; {vote.present} present, {vote.active} active members"),
        ("Rule", vote.rule),
        ("When", closed),
    ]
    return table(("Vote", vote.question), rows, (24 * mm, _WIDTH - 24 * mm), numeric_from=2, wrap=True)


def _votes_table(votes: tuple[VoteResult, ...]) -> Flowable:
    header = ("Question", "Result", "Rule and reason", "Yes", "No", "Abstain")
    rows = [(v.question, _result(v), f"{v.rule}: {v.reason}", str(v.yes), str(v.no), str(v.abstain)) for v in votes]
    widths = (_WIDTH * 0.3, 24 * mm, _WIDTH * 0.7 - 64 * mm, 12 * mm, 12 * mm, 16 * mm)
    return table(header, rows, widths, numeric_from=3, wrap=True)


def _questions(data: VoteResultsData) -> list[Flowable]:
    story: list[Flowable] = [CondPageBreak(40 * mm), paragraph("Free questions", "h1")]
    if not data.questions:
        return [*story, paragraph("No vote on a free question was closed.")]
    return [*story, _votes_table(data.questions)]


def _appendix(data: VoteResultsData) -> list[Flowable]:
    head = data.log_head
    rows = [("Entry", str(head.seq)), ("Recorded at", head.at), ("SHA-256", head.sha256)]
    return [
        CondPageBreak(70 * mm), paragraph("Appendix: the audit log", "h1"),
        paragraph(
            "Every change in the assembly (measures, amendments, ballots, votes opened, closed and published) is appended "
            "to a log in which each entry carries the SHA-256 hash of the one before. The entry below is the last one about "
            "what this report shows; its hash vouches for every entry up to it, so none of them can be changed, removed or "
            "reordered without this hash changing."),
        table(("Audit log", "Head of the chain for this report"), rows, (30 * mm, _WIDTH - 30 * mm), numeric_from=2, wrap=True),
        paragraph("To verify, run on the assembly's database:"), paragraph(data.verify_command, "code"),
        paragraph(f"It checks the whole chain, exits with status 1 at the first broken entry, and prints the hash of entry {head.seq}, "
                  "which must equal the one above."),
    ]
