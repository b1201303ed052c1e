"""Households: people who share an address and so may not sit on a panel together."""

from __future__ import annotations

import re

from stratification.model import Pool

__all__ = ["find_households"]


def find_households(pool: Pool, columns: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Groups of two or more person ids whose normalised values agree in every column.

    Values are compared case-insensitively with runs of spaces and punctuation collapsed, so
    "12 Rue  de la Paix," and "12 rue de la paix" match. People whose address columns are all
    empty are in no household: a missing address is not a shared one. Groups come in order of
    their smallest id, ids sorted, so the result does not depend on row order.
    """
    if not columns:
        return ()
    groups: dict[tuple[str, ...], list[str]] = {}
    for person in pool.people:
        key = tuple(_normalise(pool.field(person, column)) for column in columns)
        if any(key):
            groups.setdefault(key, []).append(person.id)
    households = [tuple(sorted(ids)) for ids in groups.values() if len(ids) > 1]
    return tuple(sorted(households))


def _normalise(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()
