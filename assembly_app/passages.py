"""Passages of a measure's text and how they move from version to version: finding a passage, the edits
between two texts, and following a range of characters through edits without guessing.

Glossary: a *range* is [start, end) in one text (start == end: a point, where an insertion goes); an *edit*
replaces one range of a text; a *step* is the edits from one version to the next, in order, not overlapping.
A range is *touched* by an edit that overlaps it: they share a character, or one is a point on or inside
the other (so an insertion right at the edge of a passage, or two insertions at one point, count: which
goes first would be a guess)."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from assembly_app.wording import tokens

__all__ = ["LONG", "Edit", "Followed", "Step", "apply_edits", "edits_between", "follow", "occurrences", "overlaps"]


LONG = 2_000  # words (with spaces and punctuation) beyond which difflib may skip the most frequent ones


@dataclass(frozen=True)
class Edit:
    """text[start:end] becomes `replacement`."""

    start: int
    end: int
    replacement: str

    @property
    def delta(self) -> int:
        return len(self.replacement) - (self.end - self.start)


Step = Sequence[Edit]


@dataclass(frozen=True)
class Followed:
    """Where a range is after some steps: exactly (`touched_at` None), or, once an edit touched it at step
    `touched_at`, the smallest range that covers what became of it."""

    start: int
    end: int
    touched_at: int | None


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """Whether two ranges of one text overlap (see the glossary); the relation is symmetric."""
    if a_start == a_end or b_start == b_end:
        return b_start <= a_end and a_start <= b_end
    return a_start < b_end and b_start < a_end


def occurrences(text: str, passage: str) -> list[int]:
    """Every place `passage` starts in `text`, overlapping ones included, in order."""
    found, at = [], text.find(passage)
    while passage and at >= 0:
        found.append(at)
        at = text.find(passage, at + 1)
    return found


def apply_edits(text: str, edits: Step) -> str:
    """`text` with non-overlapping `edits` (offsets in `text`) applied."""
    for edit in sorted(edits, key=lambda edit: (edit.start, edit.end), reverse=True):
        text = text[: edit.start] + edit.replacement + text[edit.end :]
    return text


def edits_between(old: str, new: str) -> list[Edit]:
    """The word-level edits that turn `old` into `new` (difflib over words, spaces and punctuation), in order.
    Only the stretch between the common beginning and end is compared: difflib takes time quadratic in it, and
    an edit is usually local. Past LONG words, difflib may skip the most frequent ones when aligning: the edits
    still turn `old` into `new`, but may be larger than needed, so a passage can be reported changed when it
    was only near a change (a refusal to merge, never a wrong merge)."""
    a, b = tokens(old), tokens(new)
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    a_mid, b_mid = a[head : len(a) - tail], b[head : len(b) - tail]
    at = [0, *accumulate(len(token) for token in a)]
    edits = []
    matcher = difflib.SequenceMatcher(None, a_mid, b_mid, autojunk=max(len(a_mid), len(b_mid)) > LONG)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            edits.append(Edit(at[head + i1], at[head + i2], "".join(b_mid[j1:j2])))
    return edits


def follow(start: int, end: int, steps: Sequence[Step]) -> Followed:
    """The range [start, end) carried through `steps`. While no edit touches it, it moves by the lengths
    gained or lost before it; once touched, its start goes to the start of any edit it falls inside and its
    end to the end of one (taking in insertions at its edges), so the range covers whatever replaced it."""
    touched_at = None
    for number, step in enumerate(steps):
        if touched_at is None and any(overlaps(start, end, edit.start, edit.end) for edit in step):
            touched_at = number
        start, end = _left(start, step), _right(end, step)
    return Followed(start, end, touched_at)


def _left(x: int, step: Step) -> int:
    shift = 0
    for edit in step:
        if edit.end < x or (edit.end == x and edit.start < edit.end):
            shift += edit.delta
        elif edit.start < x:  # inside the edit: its start
            return edit.start + shift
    return x + shift


def _right(x: int, step: Step) -> int:
    shift = 0
    for edit in step:
        if edit.end <= x:
            shift += edit.delta
        elif edit.start < x:  # inside the edit: the end of its replacement
            return edit.start + shift + len(edit.replacement)
    return x + shift
