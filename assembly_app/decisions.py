"""Decision rules for votes: whether a result passes, and why, in exact integer arithmetic.

Glossary (every count is a whole number of people):

- **threshold** — how many yes votes a motion needs:
  - *simple majority*: more yes than no (abstentions do not count either way);
  - *absolute majority*: more than half of the base (``yes * 2 > base``);
  - *two thirds*: at least two thirds of the base (``yes * 3 >= base * 2``);
  - *percentage p* (a whole number 1..100): **at least** p percent of the base
    (``yes * 100 >= base * p``); "more than half" is the absolute majority, not 50 %.
- **base** — what the threshold is measured against: votes cast excluding abstentions (yes + no),
  votes cast (yes + no + abstain), members present, or all active members. A simple majority compares
  yes with no, so its base is always the votes cast excluding abstentions.
- **quorum** (optional) — a minimum number of members present, or of members voting (abstentions count
  as voting), below which nothing passes whatever the votes.

A motion never passes without at least one yes vote: when the base is 0 (everyone abstained) it fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["Base", "Decision", "Quorum", "Rule", "RuleError", "Threshold", "decide", "describe"]


class Threshold(str, Enum):
    SIMPLE_MAJORITY = "simple_majority"
    ABSOLUTE_MAJORITY = "absolute_majority"
    TWO_THIRDS = "two_thirds"
    PERCENTAGE = "percentage"


class Base(str, Enum):
    CAST_EXCLUDING_ABSTENTIONS = "cast_excluding_abstentions"
    CAST = "cast"
    PRESENT = "present"
    ACTIVE = "active"


_BASE_LABELS = {
    Base.CAST_EXCLUDING_ABSTENTIONS: "votes cast excluding abstentions",
    Base.CAST: "votes cast",
    Base.PRESENT: "members present",
    Base.ACTIVE: "active members",
}


class RuleError(ValueError):
    """A rule or a count that makes no sense; `reason` says what is wrong."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class Quorum:
    """At least `minimum` members present (`of="present"`) or voting (`of="voting"`)."""

    of: str
    minimum: int

    def __post_init__(self) -> None:
        if self.of not in ("present", "voting"):
            raise RuleError(f"a quorum counts members “present” or “voting”, not “{self.of}”")
        if not isinstance(self.minimum, int) or self.minimum < 1:
            raise RuleError(f"a quorum is a whole number of members, at least 1 (got {self.minimum!r})")


@dataclass(frozen=True)
class Rule:
    """A decision rule, declared before a vote opens. `percentage` is set only for Threshold.PERCENTAGE."""

    threshold: Threshold
    base: Base = Base.CAST_EXCLUDING_ABSTENTIONS
    percentage: int | None = None
    quorum: Quorum | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "threshold", Threshold(self.threshold))
        object.__setattr__(self, "base", Base(self.base))
        if self.threshold is Threshold.PERCENTAGE:
            if not isinstance(self.percentage, int) or not 1 <= self.percentage <= 100:
                raise RuleError(f"a percentage threshold is a whole number from 1 to 100 (got {self.percentage!r})")
        elif self.percentage is not None:
            raise RuleError("only a percentage threshold takes a percentage")
        if self.threshold is Threshold.SIMPLE_MAJORITY and self.base is not Base.CAST_EXCLUDING_ABSTENTIONS:
            raise RuleError(f"a simple majority compares yes with no; it cannot be measured against {_BASE_LABELS[self.base]} (use an absolute majority)")


@dataclass(frozen=True)
class Decision:
    """The outcome: `needed` and `got` are yes votes, or, when the quorum failed, members present/voting."""

    passed: bool
    needed: int
    got: int
    reason: str


def decide(rule: Rule, yes: int, no: int, abstain: int, present: int, active: int) -> Decision:
    """Apply `rule` to the counts; raise RuleError when the counts contradict each other."""
    _check_counts(yes=yes, no=no, abstain=abstain, present=present, active=active)
    voting = yes + no + abstain
    if rule.quorum is not None:
        got = present if rule.quorum.of == "present" else voting
        if got < rule.quorum.minimum:
            return Decision(False, rule.quorum.minimum, got, f"quorum not reached: {got} {rule.quorum.of}, {rule.quorum.minimum} needed")
    if rule.threshold is Threshold.SIMPLE_MAJORITY:
        needed = no + 1
        return Decision(yes >= needed, needed, yes, f"needed {needed} yes (more than the {no} no), got {yes}")
    base = {Base.CAST_EXCLUDING_ABSTENTIONS: yes + no, Base.CAST: voting, Base.PRESENT: present, Base.ACTIVE: active}[rule.base]
    label = _BASE_LABELS[rule.base]
    if base == 0:
        return Decision(False, 1, yes, f"0 {label}: nothing can pass (needed 1 yes, got {yes})")
    if rule.threshold is Threshold.ABSOLUTE_MAJORITY:
        needed = base // 2 + 1
    elif rule.threshold is Threshold.TWO_THIRDS:
        needed = -(-base * 2 // 3)
    else:
        assert rule.percentage is not None
        needed = max(1, -(-base * rule.percentage // 100))
    return Decision(yes >= needed, needed, yes, f"needed {needed} of {base} {label}, got {yes}")


def describe(rule: Rule) -> str:
    """The rule in words, e.g. "two thirds of votes cast; quorum: 6 members present"."""
    if rule.threshold is Threshold.SIMPLE_MAJORITY:
        words = "simple majority"
    else:
        share = {Threshold.ABSOLUTE_MAJORITY: "absolute majority", Threshold.TWO_THIRDS: "two thirds"}.get(rule.threshold, f"{rule.percentage} %")
        words = f"{share} of {_BASE_LABELS[rule.base]}"
    if rule.quorum is not None:
        words += f"; quorum: {rule.quorum.minimum} members {rule.quorum.of}"
    return words


def _check_counts(**counts: int) -> None:
    for name, count in counts.items():
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise RuleError(f"the number of {name} must be a whole number, 0 or more (got {count!r})")
    voting = counts["yes"] + counts["no"] + counts["abstain"]
    if voting > counts["present"]:
        raise RuleError(f"{voting} votes cast but only {counts['present']} members present")
    if counts["present"] > counts["active"]:
        raise RuleError(f"{counts['present']} members present but only {counts['active']} active members")
