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
    attempt_status,
)
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
    for number, row in enumerate(rows, start=1):
        writer.writerow([_cell(v) for v in row])
        # A chunk of rows at a time: one per row cost more than writing the row.
        if number % 100 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


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


def responses(classroom: Classroom) -> Iterator[str]:
    """Every answer of every attempt at the class's assignments, one row per question."""
    # Plain columns, not entities: decoding each row's question content again (a passage of
    # sentences) took most of the time; the versions are loaded once, below.
    query = (
        sa.select(
            User.display_name,
            User.username,
            QuestionSet.title,
            Attempt.assignment_id,
            Attempt.number,
            Attempt.reset_at,
            Attempt.submitted_at,
            Question.key,
            AttemptItem.question_version_id,
            AttemptItem.position,
            AttemptItem.answer,
            AttemptItem.points,
            AttemptItem.max_points,
            AttemptItem.ground_points,
            AttemptItem.ground_max_points,
            AttemptItem.time_spent_ms,
            AttemptItem.answered_at,
        )
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
    asked = (
        sa.select(AttemptItem.question_version_id)
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .join(Assignment, Assignment.id == Attempt.assignment_id)
        .where(Assignment.classroom_id == classroom.id)
    )

    def rows() -> Iterator[list[Any]]:
        yield RESPONSE_COLUMNS
        versions = {
            v.id: v
            for v in db.session.scalars(
                sa.select(QuestionVersion).where(QuestionVersion.id.in_(asked.distinct()))
            )
        }
        for row in db.session.execute(query).yield_per(500):
            version = versions[row.question_version_id]
            yield [
                row.display_name,
                row.username,
                row.title,
                row.assignment_id,
                row.number,
                attempt_status(row.reset_at, row.submitted_at),
                row.key,
                row.position + 1,
                version.kind,
                version.type,
                " | ".join(version.question_type.describe(version.content, row.answer)),
                row.points,
                row.max_points,
                row.ground_points,
                row.ground_max_points or None,
                round(row.time_spent_ms / 1000, 1),
                row.answered_at,
                row.submitted_at,
            ]

    return _lines(rows())
