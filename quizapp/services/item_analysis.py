"""The assignment report: how the class scored, and how each question behaved.

Everything is computed from each student's last submitted attempt (resets left out), as in
Moodle's quiz statistics report; see statistics.py for the formulas.
"""

from __future__ import annotations

import statistics as stats
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from quizapp.models import Assignment, QuestionVersion, percent_of
from quizapp.question_types.base import MatchRow, OptionCount
from quizapp.services import reports
from quizapp.services.statistics import Summary, discrimination, flags, histogram, summarise


@dataclass
class QuestionStats:
    number: int
    key: str
    version: QuestionVersion
    responses: int
    facility: float | None  # mean share of the question's points earned, 0..1
    discrimination: float | None
    median_time_ms: float | None
    options: list[OptionCount] = field(default_factory=list)
    no_answer: int = 0
    matches: list[MatchRow] = field(default_factory=list)
    ground_facility: float | None = None
    flags: list[str] = field(default_factory=list)

    @property
    def content(self) -> dict[str, Any]:
        return self.version.content


@dataclass
class AssignmentReport:
    summary: Summary  # of the students' percentages
    bins: list[int]  # histogram of percentages in tenths: 0–9, 10–19, … 90–100
    completion: dict[str, int]
    questions: list[QuestionStats]


def assignment_report(assignment: Assignment, table: reports.ScoreTable) -> AssignmentReport:
    responses = reports.last_attempt_responses([assignment.id])
    percents = {
        student: value
        for (student, _), (_, score, max_score, _) in responses.attempts.items()
        if (value := percent_of(score, max_score)) is not None
    }
    values = list(percents.values())
    return AssignmentReport(
        summary=summarise(values),
        bins=histogram(values),
        completion=table.completion(assignment),
        questions=question_stats(responses),
    )


def question_stats(responses: reports.Responses) -> list[QuestionStats]:
    by_question: dict[int, list[reports.Response]] = defaultdict(list)
    totals: dict[int, float] = defaultdict(float)
    for row in responses.rows:
        by_question[row.question_id].append(row)
        totals[row.attempt_id] += row.fraction
    order = reports.question_order(set(by_question))
    result = []
    for number, question_id in enumerate(sorted(by_question, key=order.__getitem__), start=1):
        rows = by_question[question_id]
        # The newest version answered names the choices; ids stay stable across versions.
        version = max((responses.version(r) for r in rows), key=lambda v: v.id)
        fractions = [r.fraction for r in rows]
        facility = stats.fmean(fractions)
        index = discrimination(fractions, [totals[r.attempt_id] for r in rows])
        grounded = [r.ground_points / r.ground_max_points for r in rows if r.ground_max_points]
        item = QuestionStats(
            number=number,
            key=version.key,
            version=version,
            responses=len(rows),
            facility=facility,
            discrimination=index,
            median_time_ms=stats.median(r.time_spent_ms for r in rows),
            ground_facility=stats.fmean(grounded) if grounded else None,
            flags=flags(facility, index),
        )
        _count_answers(item, [r.answer or {} for r in rows])
        result.append(item)
    return result


def _count_answers(item: QuestionStats, answers: list[dict[str, Any]]) -> None:
    """How many chose each option: the distractor analysis."""
    version, content = item.version, item.content
    question_type = version.question_type
    item.no_answer = sum(not question_type.is_answered(content, a) for a in answers)
    # In the order the teacher's preview shows them.
    order = question_type.fixed_order(content, version.content_hash)
    counts = question_type.count(content, answers, order)
    item.options, item.matches = counts.options, counts.matches
