"""Figures in different articles that measure the same thing but differ, and mere look-alikes."""

from __future__ import annotations

from dataclasses import dataclass

from quizapp.builder.figures import Figure
from quizapp.builder.text import content_words

SAME_MEASURE = 0.3  # context overlap above which two figures measure the same thing
LOOK_ALIKE = 0.2  # below it, two equal figures only look alike


@dataclass
class Conflict:
    about: str
    figures: list[dict[str, str]]
    kind: str  # "conflict" | "different measure"


def _context(figure: Figure) -> set[str]:
    return set(content_words(f"{figure.measures} {figure.sentence}"))


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / (min(len(a), len(b)) or 1)


def find_conflicts(figures: list[tuple[str, Figure]]) -> list[Conflict]:
    """Pairs of figures from different articles with the same unit: real conflicts or look-alikes."""
    found: list[Conflict] = []
    seen: set[tuple] = set()
    for i, (file_a, a) in enumerate(figures):
        for file_b, b in figures[i + 1 :]:
            if file_a == file_b or not a.unit or a.unit != b.unit:
                continue
            score = _overlap(_context(a), _context(b))
            same_period = _period(a) == _period(b)
            if a.value == b.value:
                if score >= LOOK_ALIKE:
                    continue  # the same figure, reported twice: corroboration, not conflict
                kind = "different measure"
            elif _close(a.value, b.value) and score >= SAME_MEASURE:
                kind = "conflict" if same_period else "different measure"
            else:
                continue
            key = (kind, file_a, a.start, file_b, b.start)
            if key in seen:
                continue
            seen.add(key)
            about = a.measures or a.unit
            found.append(
                Conflict(
                    f"{a.unit}: {about}".strip(": "),
                    [{"article": file_a, "text": a.text}, {"article": file_b, "text": b.text}],
                    kind,
                )
            )
    return found


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
