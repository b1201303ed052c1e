"""Word-level differences between two texts, as (op, text) segments to show with <ins> and <del>."""

from __future__ import annotations

import difflib
import re

__all__ = ["Segment", "word_diff", "tokens"]

# op: "equal", "delete" (only in the old text) or "insert" (only in the new one).
Segment = tuple[str, str]

_TOKEN = re.compile(r"\s+|\w+(?:['’-]\w+)*|[^\w\s]", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Words (with their inner apostrophes and hyphens: aujourd'hui, porte-parole), runs of whitespace and
    single punctuation marks; joined again they give back `text`."""
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> list[Segment]:
    """The segments that turn `old` into `new`: equal text, then each change as its deleted words followed by
    its inserted words. A lone space between two changed words belongs to the change, so that a replaced
    phrase reads as one deletion and one insertion rather than word by word."""
    a, b = tokens(old), tokens(new)
    raw: list[Segment] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            raw.append(("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            raw.append(("insert", "".join(b[j1:j2])))
        if op == "equal":
            raw.append(("equal", "".join(a[i1:i2])))
    for i in range(1, len(raw) - 1):
        if raw[i][0] == "equal" and raw[i][1].isspace() and raw[i - 1][0] != "equal" and raw[i + 1][0] != "equal":
            raw[i] = ("change", raw[i][1])
    return _merge(raw)


def _merge(raw: list[Segment]) -> list[Segment]:
    segments: list[Segment] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        if deleted:
            segments.append(("delete", "".join(deleted)))
        if inserted:
            segments.append(("insert", "".join(inserted)))
        deleted.clear()
        inserted.clear()

    for op, text in raw:
        if op == "equal":
            flush()
            segments.append((op, text))
        else:
            if op in ("delete", "change"):
                deleted.append(text)
            if op in ("insert", "change"):
                inserted.append(text)
    flush()
    return segments
