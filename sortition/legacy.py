"""The greedy one-person-at-a-time lottery most tools used for years: the unfair baseline."""

from __future__ import annotations

import random

import numpy as np

from sortition.instance import Instance

__all__ = ["SelectionFailed", "select_legacy"]


class SelectionFailed(Exception):
    """The greedy algorithm hit a dead end on every attempt."""

    def __init__(self, attempts: int):
        self.attempts = attempts
        super().__init__(f"the legacy algorithm found no panel in {attempts} attempts")


def select_legacy(instance: Instance, rng: random.Random, attempts: int = 100) -> tuple[int, ...]:
    """Person indices of a panel, drawn greedily; restarts on dead ends.

    Each step takes the value whose unmet minimum is largest relative to the people still
    available for it, then a uniformly random available person with that value. A person
    stops being available when selected, when a household member is selected, or when one
    of their values reaches its maximum.
    """
    for _ in range(attempts):
        panel = _attempt(instance, rng)
        if panel is not None:
            return panel
    raise SelectionFailed(attempts)


def _attempt(instance: Instance, rng: random.Random) -> tuple[int, ...] | None:
    has_value = instance.has_value
    lower, upper = instance.lower, instance.upper
    household_of = {p: group for group in instance.households for p in group}
    # A value whose max is 0 is full before anyone is picked: its holders are never available.
    available = ~has_value[:, upper <= 0].any(axis=1)
    seats = np.zeros(len(instance.quotas), dtype=np.int64)
    panel: list[int] = []
    while len(panel) < instance.panel_size:
        left = has_value[available].sum(axis=0)
        missing = lower - seats
        if np.any(missing > left) or not available.any():
            return None
        ratio = np.where(left > 0, missing / np.maximum(left, 1), -np.inf)
        q = int(np.argmax(ratio))
        candidates = np.flatnonzero(available & has_value[:, q])
        person = int(candidates[rng.randrange(len(candidates))])
        panel.append(person)
        seats += has_value[person]
        available[list(household_of.get(person, (person,)))] = False
        full = np.flatnonzero(seats >= upper)
        if full.size:
            available &= ~has_value[:, full].any(axis=1)
    return tuple(sorted(panel)) if np.all(seats >= lower) else None
