"""What teachers see of their classes' results, computed in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import orm as so

from quizapp.extensions import db
from quizapp.models import Assignment, Attempt, Classroom, Enrollment, User


@dataclass
class Cell:
    """A student's result on one assignment: the best submitted score, and what is going on."""

    best: float | None = None
    attempts: int = 0
    in_progress: bool = False
    best_attempt_id: int | None = None


@dataclass
class ScoreTable:
    students: list[User]
    assignments: list[Assignment]
    cells: dict[tuple[int, int], Cell]
    removed: set[int]  # ids of students no longer in the class

    @property
    def roster(self) -> list[User]:
        return [s for s in self.students if s.id not in self.removed]

    def cell(self, student: User, assignment: Assignment) -> Cell:
        return self.cells.get((student.id, assignment.id), Cell())

    def student_average(self, student: User) -> float | None:
        scores = [
            c.best for (sid, _), c in self.cells.items() if sid == student.id and c.best is not None
        ]
        return round(sum(scores) / len(scores), 1) if scores else None

    def assignment_average(self, assignment: Assignment) -> float | None:
        scores = [
            c.best
            for (_, aid), c in self.cells.items()
            if aid == assignment.id and c.best is not None
        ]
        return round(sum(scores) / len(scores), 1) if scores else None


def class_assignments(classroom: Classroom) -> list[Assignment]:
    return list(
        db.session.scalars(
            sa.select(Assignment)
            .where(Assignment.classroom_id == classroom.id)
            .options(so.selectinload(Assignment.question_set))
            .order_by(Assignment.opens_at, Assignment.id)
        )
    )


def score_table(classroom: Classroom) -> ScoreTable:
    """Each student's best score on each of the class's assignments.

    Students removed from the class are listed after the others when they have results.
    """
    members = db.session.execute(
        sa.select(User, Enrollment.removed_at)
        .join(Enrollment, Enrollment.student_id == User.id)
        .where(Enrollment.classroom_id == classroom.id)
        .order_by(Enrollment.removed_at.is_not(None), User.display_name)
    ).all()
    assignments = class_assignments(classroom)
    attempts = db.session.execute(
        sa.select(
            Attempt.id,
            Attempt.student_id,
            Attempt.assignment_id,
            Attempt.score,
            Attempt.max_score,
            Attempt.submitted_at,
        )
        .join(Assignment)
        .where(Assignment.classroom_id == classroom.id)
        .order_by(Attempt.number)
    )
    cells: dict[tuple[int, int], Cell] = {}
    for attempt_id, student_id, assignment_id, score, max_score, submitted_at in attempts:
        cell = cells.setdefault((student_id, assignment_id), Cell())
        cell.attempts += 1
        if submitted_at is None:
            cell.in_progress = True
        elif score is not None and max_score:
            percent = round(100 * score / max_score, 1)
            if cell.best is None or percent > cell.best:
                cell.best, cell.best_attempt_id = percent, attempt_id
    with_results = {student_id for student_id, _ in cells}
    students = [u for u, removed in members if removed is None or u.id in with_results]
    removed = {u.id for u, removed_at in members if removed_at is not None}
    return ScoreTable(students, assignments, cells, removed)


def assignment_attempts(assignment: Assignment) -> list[Attempt]:
    return list(
        db.session.scalars(
            sa.select(Attempt)
            .where(Attempt.assignment_id == assignment.id)
            .options(so.selectinload(Attempt.student))
            .order_by(Attempt.student_id, Attempt.number)
        )
    )
