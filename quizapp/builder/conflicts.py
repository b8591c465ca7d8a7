"""Figures in different articles that measure the same thing but differ, and mere look-alikes."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

from quizapp.builder.figures import Figure
from quizapp.builder.text import content_words

SAME_MEASURE = 0.3  # context overlap above which two figures measure the same thing
LOOK_ALIKE = 0.1  # below it, two equal figures only look alike: they share no context


@dataclass
class Conflict:
    about: str
    figures: list[dict[str, str]]
    kind: str  # "conflict" | "different measure"
    reason: str  # why, in a teacher's words


# What a hedge says about the true number, as a range around the figure (low, high factors).
HEDGES = (
    (r"more than|over|upwards of|well over", (1.0, math.inf)),
    (r"just over", (1.0, 1.05)),
    (r"at least|no fewer than|no less than", (1.0, math.inf)),
    (r"less than|fewer than|under", (0.0, 1.0)),
    (r"just under|nearly|almost|close to", (0.95, 1.0)),
    (r"up to|at most|no more than|as many as|as much as", (0.0, 1.0)),
    (r"about|around|approximately|roughly|some|an estimated|estimated", (0.95, 1.05)),
)
HEDGE = [(re.compile(rf"^(?:{words})\b", re.IGNORECASE), span) for words, span in HEDGES]


def _range(figure: Figure) -> tuple[float, float]:
    """The numbers a figure allows: "more than 60" any above 60, "about 900" 855 to 945."""
    for pattern, (low, high) in HEDGE:
        if pattern.match(figure.text):
            return figure.value * low, figure.value * high
    return figure.value, figure.value


def _context(figure: Figure) -> set[str]:
    """The words around a figure, less its unit, which both figures of a pair share anyway."""
    return set(content_words(f"{figure.measures} {figure.sentence}")) - set(
        content_words(figure.unit)
    )


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / (min(len(a), len(b)) or 1)


def find_conflicts(figures: list[tuple[str, Figure]]) -> list[Conflict]:
    """Figure pairs from different articles with one unit: real conflicts or look-alikes."""
    found: list[Conflict] = []
    seen: set[tuple] = set()
    by_unit: dict[str, list[int]] = defaultdict(list)
    for index, (_file, figure) in enumerate(figures):
        if figure.unit:
            by_unit[figure.unit].append(index)
    contexts = [_context(figure) for _file, figure in figures]
    for members in by_unit.values():
        for position, i in enumerate(members):
            for j in members[position + 1 :]:
                (file_a, a), (file_b, b) = figures[i], figures[j]
                if file_a == file_b:
                    continue
                found_one = _compare(file_a, a, file_b, b, _overlap(contexts[i], contexts[j]))
                if (
                    found_one
                    and (key := (found_one.kind, file_a, a.start, file_b, b.start)) not in seen
                ):
                    seen.add(key)
                    found.append(found_one)
    return found


def _compare(file_a: str, a: Figure, file_b: str, b: Figure, score: float) -> Conflict | None:
    """A conflict, a look-alike, or None when the two figures agree or are unrelated."""
    about = a.measures if a.measures and a.measures != a.unit else a.unit
    if a.value == b.value:
        if score >= LOOK_ALIKE:
            return None  # the same figure, reported twice: corroboration, not conflict
        kind = "different measure"
        reason = f"{a.text} in both, but they do not count the same thing"
    elif _close(a.value, b.value) and score >= SAME_MEASURE:
        (low_a, high_a), (low_b, high_b) = _range(a), _range(b)
        if low_a <= high_b and low_b <= high_a:
            return None  # "more than 60" and "more than 50" can both be true
        if _period(a) != _period(b):
            kind = "different measure"
            reason = f"{a.text} and {b.text} are for different periods"
        else:
            kind = "conflict"
            reason = f"the articles give {about} as {a.text} and as {b.text}: both cannot be right"
    else:
        return None
    return Conflict(
        about,
        [{"article": file_a, "text": a.text}, {"article": file_b, "text": b.text}],
        kind,
        reason,
    )


def _period(figure: Figure) -> str:
    unit = figure.unit
    for period in ("year", "month", "week", "day"):
        if period in unit:
            return period
    return ""


def _close(a: float, b: float) -> bool:
    """Same order of magnitude: 50 vs 60 countries conflict, 16 vs 1,473,117 cannot."""
    low, high = sorted((abs(a), abs(b)))
    return low > 0 and high / low <= 10
