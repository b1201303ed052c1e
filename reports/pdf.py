"""What every report shares: embedded fonts, styles, the page template and reproducible PDF bytes."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, LongTable, Paragraph, SimpleDocTemplate, TableStyle

__all__ = ["ACCENT", "BOLD", "FONT", "FONT_DIR", "MARGIN", "MONO", "RULE", "SHADE", "STYLES", "build_pdf", "natural_widths", "paragraph", "table"]

# Debian's fonts-dejavu-core: TrueType fonts that cover French (and most European) accents.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT, BOLD, MONO = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono"
MARGIN = 18 * mm
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")

ACCENT = colors.HexColor("#1f4e79")
RULE = colors.HexColor("#b0b7bf")
SHADE = colors.HexColor("#eef1f5")


@cache
def _register_fonts() -> None:
    for name in (FONT, BOLD, MONO):
        path = FONT_DIR / f"{name}.ttf"
        if not path.is_file():
            raise FileNotFoundError(f"font {path} not found; install Debian's fonts-dejavu-core")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, alignment=TA_LEFT)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=17, leading=22, spaceAfter=8, textColor=ACCENT),
        "h1": ParagraphStyle("h1", parent=body, fontName=BOLD, fontSize=13, leading=17, spaceBefore=10, spaceAfter=5, textColor=ACCENT),
        "h2": ParagraphStyle("h2", parent=body, fontName=BOLD, fontSize=10.5, leading=14, spaceBefore=8, spaceAfter=4),
        "body": body,
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10),
        "cell_right": ParagraphStyle("cell_right", parent=body, fontSize=8, leading=10, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", parent=body, fontName=BOLD, fontSize=8, leading=10, textColor=colors.white),
        "head_right": ParagraphStyle("head_right", parent=body, fontName=BOLD, fontSize=8, leading=10, textColor=colors.white, alignment=TA_RIGHT),
        "code": ParagraphStyle("code", parent=body, fontName=MONO, fontSize=8, leading=10.5, backColor=SHADE, borderPadding=4, spaceBefore=4, spaceAfter=6),
        "small": ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#444444")),
    }


STYLES = _styles()


def paragraph(text: str, style: str = "body") -> Paragraph:
    """A paragraph of plain text (escaped, so ids and values with < or & print as they are)."""
    _register_fonts()
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Paragraph(escaped, STYLES[style])


def natural_widths(header: Sequence[str], rows: Sequence[Sequence[str]], total: float, *, fixed: int = 0) -> list[float]:
    """Column widths adding up to `total` points. The first `fixed` columns, and any column narrower than an
    even share of what is left, get the width of their widest cell; the rest share the remainder in proportion
    to theirs (their cells wrap). If everything fits, every column widens in proportion."""
    padding = 9  # the table's left and right padding, and a point to spare
    columns = list(zip(header, *rows))
    natural = [max(stringWidth(str(cell), BOLD if i == 0 else FONT, 8) for i, cell in enumerate(column)) + padding for column in columns]
    word = [max(stringWidth(w, BOLD if i == 0 else FONT, 8) for i, cell in enumerate(column) for w in str(cell).split() or [""]) + padding
            for column in columns]
    if sum(natural) <= total:
        return [width * total / sum(natural) for width in natural]
    kept = set(range(fixed))
    while True:
        spare = total - sum(natural[i] for i in kept)
        rest = [i for i in range(len(natural)) if i not in kept]
        narrow = {i for i in rest if natural[i] <= spare / len(rest)}
        if not narrow:
            break
        kept |= narrow
    wanted = sum(natural[i] for i in rest)
    widths = [natural[i] if i in kept else natural[i] * spare / wanted for i in range(len(natural))]
    # No column narrower than its longest word; the room comes from the column with the most to spare.
    for i in rest:
        if widths[i] < word[i]:
            donor = max(rest, key=lambda j: widths[j] - word[j])
            gap = min(word[i] - widths[i], max(widths[donor] - word[donor], 0))
            widths[i] += gap
            widths[donor] -= gap
    return widths


def table(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float], *, numeric_from: int = 1, wrap: bool = False) -> LongTable:
    """A table whose header row is repeated on every page it spans; columns from `numeric_from` align right.

    With `wrap`, cells are paragraphs that wrap within their column instead of running into the next.
    """
    data: list[list[str | Paragraph]] = [list(header), *[list(row) for row in rows]]
    if wrap:  # a paragraph aligns itself (the table's ALIGN does not move it): numbers get right-aligned styles
        data = [[paragraph(text, ("head" if i == 0 else "cell") + ("_right" if j >= numeric_from else "")) for j, text in enumerate(row)]
                for i, row in enumerate(data)]
    result = LongTable(data, colWidths=list(widths), repeatRows=1)
    result.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 8),
        ("FONT", (0, 0), (-1, 0), BOLD, 8),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, SHADE]),
        ("LINEBELOW", (0, -1), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    if numeric_from < len(header):
        result.setStyle(TableStyle([("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT")]))
    return result


def _pdf_date(date: str) -> str:
    match = _DATE.match(date)
    if not match:
        raise ValueError(f"report date {date!r} is not an ISO date (YYYY-MM-DD)")
    return "D:{}{}{}000000+00'00'".format(*match.groups())


def _canvas_class(title: str, date: str) -> type[Canvas]:
    """A canvas that holds pages back until the end, to write "page X of Y" and the header on each."""
    pdf_date = _pdf_date(date)

    class _ReportCanvas(Canvas):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            self.setDateFormatter(lambda *_: pdf_date)
            self._pages: list[dict[str, object]] = []

        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._decorate(number, len(self._pages))
                super().showPage()
            super().save()

        def _decorate(self, number: int, total: int) -> None:
            width, height = self._pagesize
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN, height - MARGIN + 4 * mm, width - MARGIN, height - MARGIN + 4 * mm)
            self.line(MARGIN, MARGIN - 5 * mm, width - MARGIN, MARGIN - 5 * mm)
            self.setFont(FONT, 8)
            self.setFillColor(colors.HexColor("#444444"))
            self.drawString(MARGIN, height - MARGIN + 6 * mm, title)
            self.drawRightString(width - MARGIN, height - MARGIN + 6 * mm, date)
            self.drawRightString(width - MARGIN, MARGIN - 9 * mm, f"page {number} of {total}")
            self.restoreState()

    return _ReportCanvas


def build_pdf(story: Sequence[Flowable], *, title: str, date: str, subject: str = "") -> bytes:
    """Lay out `story` on A4 pages with the title in the header and "page X of Y" in the footer.

    The bytes depend only on the arguments: ReportLab's invariant mode fixes the document id, and
    the creation date is `date` (ISO, from the data), never the clock.
    """
    _register_fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
        title=title, subject=subject, author="assembly-toolkit", creator="assembly-toolkit", invariant=1,
        initialFontName=FONT,
    )
    document.build(list(story), canvasmaker=_canvas_class(title, date))
    return buffer.getvalue()
