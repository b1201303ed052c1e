"""The selection report: how a panel was drawn, how representative it is, and how to verify it."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.graphics.shapes import Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer

from reports.pdf import ACCENT, FONT, MARGIN, RULE, build_pdf, natural_widths, paragraph, table

__all__ = ["FeatureRow", "FeatureReport", "Fairness", "PanelMember", "SelectionReportData", "build_selection_report"]

_WIDTH = A4[0] - 2 * MARGIN
_POOL, _PANEL, _QUOTA = colors.HexColor("#8fa9c4"), colors.HexColor("#d9822b"), colors.HexColor("#9fd09f")
_QUOTA_EDGE, _LEGACY = colors.HexColor("#3c8d3c"), colors.HexColor("#9e9e9e")


@dataclass(frozen=True)
class FeatureRow:
    """One value of a feature: its quota, and how many of the pool and of the panel have it."""

    value: str
    quota_min: int
    quota_max: int
    pool_count: int
    panel_count: int


@dataclass(frozen=True)
class FeatureReport:
    """A feature and its values, in the order of the quota file."""

    name: str
    rows: tuple[FeatureRow, ...]


@dataclass(frozen=True)
class Fairness:
    """Every pool member's selection probability (any order), and optionally LEGACY's estimate from `legacy_draws` draws."""

    probabilities: tuple[float, ...]
    legacy_probabilities: tuple[float, ...] | None = None
    legacy_draws: int | None = None


@dataclass(frozen=True)
class PanelMember:
    """A selected person: id, one value per feature and, for a contact sheet only, the contact fields."""

    id: str
    values: tuple[str, ...]
    contacts: tuple[str, ...] = ()


@dataclass(frozen=True)
class SelectionReportData:
    """Everything the selection report shows. `date` is ISO (YYYY-MM-DD) and is also the PDF's creation date.

    `fairness` is None for a LEGACY draw (it has no exact probabilities). Contact fields are printed
    only when `is_contact_sheet` is set.
    """

    title: str
    date: str
    pool_size: int
    panel_size: int
    algorithm: str
    seed: int
    seed_source: str
    seed_input: str | None
    solver: str
    solver_version: str
    toolkit_version: str
    pool_sha256: str
    quotas_sha256: str
    distribution_sha256: str | None
    feature_names: tuple[str, ...]
    features: tuple[FeatureReport, ...]
    panel: tuple[PanelMember, ...]
    verify_command: str
    fairness: Fairness | None = None
    contact_columns: tuple[str, ...] = ()
    is_contact_sheet: bool = False
    lottery: str | None = None  # how the panel was drawn, for a transparent lottery: M panels, which one, the largest change


def build_selection_report(data: SelectionReportData) -> bytes:
    """The report as PDF bytes; the same data always gives the same bytes."""
    story: list[Flowable] = [paragraph(data.title, "title"), *_summary(data)]
    story += [paragraph("Representativeness", "h1"), paragraph(
        "For each feature: the quota (least and most seats), how many volunteers in the pool have each value, "
        "and how many were selected. The chart sets the pool's share beside the panel's, over the range the quota allows.")]
    for feature in data.features:
        story.append(CondPageBreak(70 * mm))
        story += _feature(feature, data)
    story += _fairness(data)
    story += _panel(data)
    story += [CondPageBreak(40 * mm), paragraph("How to verify", "h1"), paragraph(
        "With the audit bundle and the same input files, anyone can check that the inputs hash to the values above "
        "and that re-running the draw from the seed selects exactly this panel:"), paragraph(data.verify_command, "code"),
        paragraph("It exits with status 0 only if everything matches, and otherwise says what differs.")]
    return build_pdf(story, title=data.title, date=data.date, subject="Selection report")


def _percent(count: int, total: int) -> str:
    return f"{100 * count / total:.1f}%" if total else "–"


def _summary(data: SelectionReportData) -> list[Flowable]:
    seed = f"{data.seed} ({data.seed_source}" + (f": {data.seed_input})" if data.seed_input else ")")
    rows = [
        ("Date", data.date), ("Pool size", str(data.pool_size)), ("Panel size", str(data.panel_size)),
        ("Algorithm", data.algorithm), ("Seed (source)", seed), ("Solver", f"{data.solver} {data.solver_version}".strip()),
        ("Toolkit version", data.toolkit_version), ("Pool SHA-256", data.pool_sha256), ("Quotas SHA-256", data.quotas_sha256),
        ("Distribution SHA-256", data.distribution_sha256 or "none (the legacy algorithm has no distribution)"),
    ]
    if data.lottery:
        rows.insert(4, ("Lottery", data.lottery))
    return [paragraph("Summary", "h1"), table(("Item", "Value"), rows, (38 * mm, _WIDTH - 38 * mm), numeric_from=2, wrap=True)]


def _feature(feature: FeatureReport, data: SelectionReportData) -> list[Flowable]:
    k, n = data.panel_size, data.pool_size
    rows = [(r.value, f"{r.quota_min}–{r.quota_max}", str(r.pool_count), _percent(r.pool_count, n),
             str(r.panel_count), _percent(r.panel_count, k)) for r in feature.rows]
    header = ("Value", "Quota", "Pool", "Pool share", "Selected", "Panel share")
    widths = (_WIDTH - 5 * 24 * mm, *(24 * mm,) * 5)
    return [KeepTogether([paragraph(feature.name, "h2"), table(header, rows, widths), Spacer(1, 3 * mm), _feature_chart(feature, k, n)])]


def _feature_chart(feature: FeatureReport, k: int, n: int) -> Drawing:
    """Per value, two bars (pool share, panel share) under a translucent band for the share the quota allows."""
    label_w, bar_h, group_h, top = 45 * mm, 5, 16, 14
    plot_w = _WIDTH - label_w - 6 * mm
    height = top + group_h * len(feature.rows) + 22
    drawing = Drawing(_WIDTH, height)
    x0, y_axis = label_w, 18
    largest = max([r.quota_max / k for r in feature.rows] + [r.pool_count / n for r in feature.rows]) if k and n else 1.0
    tenths = min(10, int(largest * 10 + 0.999) or 1)

    def x(share: float) -> float:
        return x0 + plot_w * min(share, tenths / 10) * 10 / tenths

    for step in range(tenths + 1):
        drawing.add(Line(x(step / 10), y_axis, x(step / 10), height - top + 2, strokeColor=RULE, strokeWidth=0.3))
        drawing.add(String(x(step / 10), y_axis - 8, f"{10 * step}%", fontName=FONT, fontSize=6.5, textAnchor="middle"))
    for i, row in enumerate(feature.rows):
        y = height - top - group_h * (i + 1) + 3
        drawing.add(Rect(x0, y + bar_h, x(row.pool_count / n) - x0, bar_h, fillColor=_POOL, strokeColor=None))
        drawing.add(Rect(x0, y, x(row.panel_count / k) - x0, bar_h, fillColor=_PANEL, strokeColor=None))
        low, high = x(row.quota_min / k), x(row.quota_max / k)
        drawing.add(Rect(low, y - 2, high - low, 2 * bar_h + 4, fillColor=_QUOTA, fillOpacity=0.45, strokeColor=_QUOTA_EDGE, strokeWidth=0.8))
        drawing.add(String(x0 - 4, y + 2.5, _fit(row.value, 30), fontName=FONT, fontSize=7, textAnchor="end"))
    _legend(drawing, x0, height - 9, (("pool share", _POOL), ("panel share", _PANEL), ("quota range", _QUOTA)))
    return drawing


def _legend(drawing: Drawing, x: float, y: float, items: tuple[tuple[str, colors.Color], ...]) -> None:
    for label, colour in items:
        drawing.add(Rect(x, y, 8, 6, fillColor=colour, strokeColor=None))
        drawing.add(String(x + 11, y + 0.5, label, fontName=FONT, fontSize=7))
        x += 22 + stringWidth(label, FONT, 7)


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fairness(data: SelectionReportData) -> list[Flowable]:
    story: list[Flowable] = [CondPageBreak(90 * mm), paragraph("Fairness", "h1")]
    fairness = data.fairness
    if fairness is None or not fairness.probabilities:
        return story + [paragraph(
            f"The {data.algorithm} algorithm draws people one at a time and has no exact selection probabilities; "
            "a fair algorithm (leximin, maximin, nash) reports them here.")]
    k, n = data.panel_size, len(fairness.probabilities)
    level = k / n
    below = sum(p < level - 1e-9 for p in fairness.probabilities)
    rows = [("Lowest selection probability", f"{min(fairness.probabilities):.4f}"),
            ("Equal chance k/n", f"{level:.4f}"),
            ("Volunteers below k/n", f"{below} of {n} ({_percent(below, n)})")]
    if fairness.legacy_probabilities:
        legacy_below = sum(p < level - 1e-9 for p in fairness.legacy_probabilities)
        rows += [("Lowest probability, legacy (estimated)", f"{min(fairness.legacy_probabilities):.4f}"),
                 ("Below k/n, legacy (estimated)", f"{legacy_below} of {n} ({_percent(legacy_below, n)})")]
    story += [paragraph(
        "Each volunteer's probability of being selected, sorted from lowest to highest. A perfectly even lottery "
        "would give everyone k/n; quotas make that impossible, and a fair algorithm keeps the lowest probabilities as high as it can."),
        table(("Measure", "Value"), rows, (_WIDTH - 45 * mm, 45 * mm)), Spacer(1, 3 * mm), _probability_chart(fairness, data.algorithm, level)]
    if fairness.legacy_probabilities:
        story.append(paragraph(f"Legacy probabilities are estimated from {fairness.legacy_draws or 'repeated'} seeded draws of the greedy algorithm.", "small"))
    return story


def _probability_chart(fairness: Fairness, algorithm: str, level: float) -> Drawing:
    """Sorted probabilities of the whole pool, with k/n as a dashed line."""
    left, bottom, width, height = 12 * mm, 12 * mm, _WIDTH - 16 * mm, 55 * mm
    drawing = Drawing(_WIDTH, height + bottom + 12)
    series = [(sorted(fairness.probabilities), ACCENT, algorithm)]
    if fairness.legacy_probabilities:
        series.insert(0, (sorted(fairness.legacy_probabilities), _LEGACY, "legacy (estimated)"))
    top = max(max(values) for values, _, _ in series)
    top = max(0.1, (int(top * 10) + 1) / 10) if top < 1 else 1.0

    def point(i: int, count: int, p: float) -> tuple[float, float]:
        return left + width * (i / max(count - 1, 1)), bottom + height * p / top

    for step in range(6):
        y = bottom + height * step / 5
        drawing.add(Line(left, y, left + width, y, strokeColor=RULE, strokeWidth=0.3))
        drawing.add(String(left - 3, y - 2.5, f"{top * step / 5:.2f}", fontName=FONT, fontSize=6.5, textAnchor="end"))
    for values, colour, _ in series:
        points = [c for i, p in enumerate(values) for c in point(i, len(values), p)]
        drawing.add(PolyLine(points, strokeColor=colour, strokeWidth=1.3))
    y_level = bottom + height * level / top
    drawing.add(Line(left, y_level, left + width, y_level, strokeColor=colors.HexColor("#c0392b"), strokeWidth=0.8, strokeDashArray=[3, 2]))
    count = len(fairness.probabilities)
    drawing.add(String(left, bottom - 9, "1", fontName=FONT, fontSize=6.5, textAnchor="middle"))
    drawing.add(String(left + width, bottom - 9, str(count), fontName=FONT, fontSize=6.5, textAnchor="middle"))
    drawing.add(String(left + width / 2, bottom - 9, f"the {count} volunteers, sorted by selection probability", fontName=FONT, fontSize=7, textAnchor="middle"))
    legend = tuple((label, colour) for _, colour, label in series) + ((f"k/n = {level:.4f}", colors.HexColor("#c0392b")),)
    _legend(drawing, left, height + bottom + 4, legend)
    return drawing


def _panel(data: SelectionReportData) -> list[Flowable]:
    contacts = data.contact_columns if data.is_contact_sheet else ()
    header = ("#", "Id", *data.feature_names, *contacts)
    rows = [(str(i), m.id, *m.values, *(m.contacts if contacts else ())) for i, m in enumerate(data.panel, start=1)]
    note = ("Contact sheet: names and contact details are included; do not publish this version." if contacts
            else "Ids and feature values only; names and contact details are not published.")
    return [CondPageBreak(60 * mm), paragraph("Selected panel", "h1"), paragraph(note),
            table(header, rows, natural_widths(header, rows, _WIDTH, fixed=2), numeric_from=len(header), wrap=True)]
