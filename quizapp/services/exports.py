"""CSV exports of a class's results, for spreadsheets and gradebooks (columns in README.md)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import (
    Assignment,
    Attempt,
    AttemptItem,
    Classroom,
    Question,
    QuestionSet,
    QuestionVersion,
    User,
)
from quizapp.services.attempts import describe_answer
from quizapp.services.reports import ScoreTable
from quizapp.timezone import to_local

GRADEBOOK_FIXED = ["student", "username", "in_class"]
RESPONSE_COLUMNS = [
    "student",
    "username",
    "assignment",
    "assignment_id",
    "attempt",
    "attempt_status",
    "question",
    "question_number",
    "kind",
    "type",
    "answer",
    "points",
    "max_points",
    "ground_points",
    "ground_max_points",
    "time_seconds",
    "answered_at",
    "submitted_at",
]
# A cell starting with one of these is a formula to a spreadsheet: a student's name must not be.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{to_local(value):%Y-%m-%d %H:%M:%S}"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _lines(rows: Iterable[list[Any]]) -> Iterator[str]:
    """CSV text a row at a time, starting with a byte-order mark so spreadsheets read UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for row in rows:
        writer.writerow([_cell(v) for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def assignment_column(assignment: Assignment) -> str:
    return f"{assignment.title} ({to_local(assignment.opens_at):%Y-%m-%d})"


def gradebook(table: ScoreTable) -> Iterator[str]:
    """One row per student, one column per assignment: the best score in percent."""
    header = [*GRADEBOOK_FIXED, *map(assignment_column, table.assignments), "average"]

    def rows() -> Iterator[list[Any]]:
        yield header
        for student in table.students:
            yield [
                student.display_name,
                student.username,
                "no" if student.id in table.removed else "yes",
                *(table.cell(student, a).best for a in table.assignments),
                table.student_average(student),
            ]

    return _lines(rows())


def _status(attempt: Attempt) -> str:
    if attempt.reset_at is not None:
        return "reset"
    return "submitted" if attempt.submitted_at else "in progress"


def responses(classroom: Classroom) -> Iterator[str]:
    """Every answer of every attempt at the class's assignments, one row per question."""
    query = (
        sa.select(AttemptItem, Attempt, User, QuestionVersion, QuestionSet.title, Question.key)
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .join(User, User.id == Attempt.student_id)
        .join(Assignment, Assignment.id == Attempt.assignment_id)
        .join(QuestionSet, QuestionSet.id == Assignment.set_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(Assignment.classroom_id == classroom.id)
        .order_by(User.display_name, User.id, Assignment.opens_at, Attempt.number)
        .order_by(AttemptItem.position)
    )

    def rows() -> Iterator[list[Any]]:
        yield RESPONSE_COLUMNS
        for item, attempt, student, version, title, key in db.session.execute(query).yield_per(500):
            yield [
                student.display_name,
                student.username,
                title,
                attempt.assignment_id,
                attempt.number,
                _status(attempt),
                key,
                item.position + 1,
                version.kind,
                version.type,
                " | ".join(describe_answer(version, item.answer)),
                item.points,
                item.max_points,
                item.ground_points,
                item.ground_max_points or None,
                round(item.time_spent_ms / 1000, 1),
                item.answered_at,
                attempt.submitted_at,
            ]

    return _lines(rows())
