"""The numbers of the teacher's reports, as plain functions of lists of scores.

Item analysis follows Moodle's quiz statistics: the facility index is the mean share of a
question's points earned, and the discrimination index is the correlation between a student's
score on the question and their score on the rest of the quiz (the question's own points left
out, so a question does not correlate with itself).
"""

import math
import statistics
from dataclasses import dataclass

# Below this many students, a correlation says more about chance than about the question.
MIN_STUDENTS_FOR_DISCRIMINATION = 5
VERY_EASY = 0.9
VERY_HARD = 0.2
WEAK_DISCRIMINATION = 0.2


@dataclass(frozen=True)
class Summary:
    count: int
    mean: float | None
    median: float | None
    spread: float | None  # population standard deviation
    low: float | None
    high: float | None


def summarise(values: list[float]) -> Summary:
    if not values:
        return Summary(0, None, None, None, None, None)
    return Summary(
        count=len(values),
        mean=statistics.fmean(values),
        median=statistics.median(values),
        spread=statistics.pstdev(values),
        low=min(values),
        high=max(values),
    )


def histogram(percentages: list[float], bins: int = 10) -> list[int]:
    """Counts of percentages in equal bins over 0–100; 100 falls in the last bin."""
    counts = [0] * bins
    for value in percentages:
        index = min(bins - 1, max(0, int(value * bins // 100)))
        counts[index] += 1
    return counts


def correlation(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r; None when either list does not vary (no correlation can be measured)."""
    if len(xs) != len(ys) or len(xs) < 2:
        return None
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    var_x = sum((x - mean_x) ** 2 for x in xs)
    var_y = sum((y - mean_y) ** 2 for y in ys)
    if var_x == 0 or var_y == 0:
        return None
    return cov / math.sqrt(var_x * var_y)


def discrimination(item_scores: list[float], totals: list[float]) -> float | None:
    """Correlation of each student's item score with their score on the rest of the quiz."""
    if len(item_scores) < MIN_STUDENTS_FOR_DISCRIMINATION:
        return None
    rest = [total - item for item, total in zip(item_scores, totals, strict=True)]
    return correlation(item_scores, rest)


def flags(facility: float | None, discrimination_index: float | None) -> list[str]:
    """Why a question deserves a second look, in plain words; empty when nothing stands out."""
    reasons = []
    if facility is not None and facility >= VERY_EASY:
        reasons.append(
            "Very easy: nearly everyone got it right, so it tells you little about who understands."
        )
    if facility is not None and facility <= VERY_HARD:
        reasons.append(
            "Very hard: most students got it wrong. Check the wording, or teach this point again."
        )
    if discrimination_index is not None and discrimination_index < 0:
        reasons.append(
            "Negative discrimination: students who did well on the rest of the quiz did worse "
            "on this question than those who did poorly. It may be misleading or ambiguous."
        )
    elif discrimination_index is not None and discrimination_index < WEAK_DISCRIMINATION:
        reasons.append(
            "Weak discrimination: doing well on this question barely goes with doing well on "
            "the rest of the quiz."
        )
    return reasons
