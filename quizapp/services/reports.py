"""What teachers see of their classes' results, each view in a fixed number of queries.

Two rules run through every view: an attempt a teacher reset is history, not a result, and a
score the teacher overrode counts as overridden.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from quizapp.extensions import db
from quizapp.models import (
    Assignment,
    Attempt,
    AttemptItem,
    Classroom,
    Enrollment,
    Question,
    QuestionVersion,
    Status,
    User,
    percent_of,
)
from quizapp.services import classrooms


@dataclass
class Cell:
    """A student's result on one assignment: the best submitted score, and what is going on."""

    best: float | None = None
    in_progress: bool = False
    # The best attempt came in after the class's due time: a personal extension allowed it.
    late: bool = False
    best_attempt_id: int | None = None

    @property
    def status(self) -> Status:
        if self.in_progress:
            return Status.IN_PROGRESS
        if self.best_attempt_id is None:
            return Status.NOT_STARTED
        return Status.LATE if self.late else Status.SUBMITTED


@dataclass
class ScoreTable:
    students: list[User]
    assignments: list[Assignment]
    cells: dict[tuple[int, int], Cell]
    removed: set[int]  # ids of students no longer in the class
    sort: str = "name"
    descending: bool = False
    # Every student removed from the class, with results or not, whom the teacher may add back.
    former: list[User] = field(default_factory=list)

    @property
    def roster(self) -> list[User]:
        return [s for s in self.students if s.id not in self.removed]

    def cell(self, student: User, assignment: Assignment) -> Cell:
        return self.cells.get((student.id, assignment.id), Cell())

    def student_average(self, student: User) -> float | None:
        return _mean(self.cell(student, a).best for a in self.assignments)

    def assignment_average(self, assignment: Assignment) -> float | None:
        return _mean(self.cell(s, assignment).best for s in self.students)

    def completion(self, assignment: Assignment) -> dict[str, int]:
        counts = dict.fromkeys(
            (Status.SUBMITTED, Status.LATE, Status.IN_PROGRESS, Status.NOT_STARTED), 0
        )
        for student in self.roster:
            counts[self.cell(student, assignment).status] += 1
        return counts

    def sorted_by(self, sort: str, descending: bool) -> ScoreTable:
        """The same table with its students in another order; unknown keys sort by name."""
        by_id = {f"a{a.id}": a for a in self.assignments}

        def key(student: User) -> tuple[Any, ...]:
            if sort == "average":
                value = self.student_average(student)
            elif sort in by_id:
                value = self.cell(student, by_id[sort]).best
            else:
                return (student.display_name.casefold(),)
            # Students without a score go last whichever way the column is sorted.
            missing = value is None
            return (missing, -(value or 0) if descending else (value or 0))

        if sort not in by_id and sort != "average":
            sort = "name"
        students = sorted(self.students, key=key)
        if sort == "name" and descending:
            students.reverse()
        return ScoreTable(
            students, self.assignments, self.cells, self.removed, sort, descending, self.former
        )


def _mean(values: Any) -> float | None:
    scores = [v for v in values if v is not None]
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


def class_assignment_ids(classroom: Classroom) -> list[int]:
    return list(db.session.scalars(sa.select(Assignment.id).filter_by(classroom_id=classroom.id)))


def class_members(classroom: Classroom) -> tuple[list[User], set[int]]:
    """Every student who is or was in the class, current ones first, and the removed ones' ids."""
    members = db.session.execute(
        sa.select(User, Enrollment.removed_at)
        .join(Enrollment, Enrollment.student_id == User.id)
        .where(Enrollment.classroom_id == classroom.id)
        .order_by(Enrollment.removed_at.is_not(None), User.display_name)
    ).all()
    return [u for u, _ in members], {u.id for u, removed_at in members if removed_at is not None}


@dataclass
class StudentResult:
    """A student's attempts at one assignment, for the API."""

    student: User
    in_class: bool
    attempts: list[Attempt]  # reset ones too, by number

    @property
    def status(self) -> Status:
        """Submitted once any attempt that counts is; else in progress once one is started."""
        live = [a for a in self.attempts if a.reset_at is None]
        if any(a.submitted for a in live):
            return Status.SUBMITTED
        return Status.IN_PROGRESS if live else Status.NOT_STARTED

    @property
    def best_percent(self) -> float | None:
        counted = [a.percent for a in self.attempts if a.submitted and a.percent is not None]
        return max(counted, default=None)


def attempts_by_student(assignment: Assignment) -> dict[int, list[Attempt]]:
    """Every attempt at the assignment (reset ones too), by student id, in number order."""
    attempts: dict[int, list[Attempt]] = {}
    for attempt in db.session.scalars(
        sa.select(Attempt)
        .where(Attempt.assignment_id == assignment.id)
        .order_by(Attempt.student_id, Attempt.number)
    ):
        attempts.setdefault(attempt.student_id, []).append(attempt)
    return attempts


def student_history(student: User, assignment_ids: list[int]) -> list[Attempt]:
    """The student's attempts at these assignments, latest first."""
    return list(
        db.session.scalars(
            sa.select(Attempt)
            .where(Attempt.student_id == student.id, Attempt.assignment_id.in_(assignment_ids))
            .options(so.selectinload(Attempt.assignment).selectinload(Assignment.question_set))
            .order_by(Attempt.started_at.desc())
        )
    )


def assignment_results(assignment: Assignment) -> list[StudentResult]:
    """Every student of the class, by name, with their attempts; a removed student only if
    they made one."""
    attempts = attempts_by_student(assignment)
    return [
        StudentResult(student, in_class, attempts.get(student.id, []))
        for student, in_class in classrooms.members(assignment.classroom)
        if in_class or student.id in attempts
    ]


def score_table(classroom: Classroom) -> ScoreTable:
    """Each student's best score on each of the class's assignments.

    Students removed from the class are listed after the others when they have results.
    """
    members, removed = class_members(classroom)
    assignments = class_assignments(classroom)
    due = {a.id: a.due_at for a in assignments}
    attempts = db.session.execute(
        sa.select(
            Attempt.id,
            Attempt.student_id,
            Attempt.assignment_id,
            Attempt.final_score,
            Attempt.max_score,
            Attempt.submitted_at,
        )
        .join(Assignment)
        .where(Assignment.classroom_id == classroom.id, Attempt.reset_at.is_(None))
        .order_by(Attempt.number)
    )
    cells: dict[tuple[int, int], Cell] = {}
    for attempt_id, student_id, assignment_id, score, max_score, submitted_at in attempts:
        cell = cells.setdefault((student_id, assignment_id), Cell())
        if submitted_at is None:
            cell.in_progress = True
            continue
        value = percent_of(score, max_score)
        if value is not None and (cell.best is None or value > cell.best):
            cell.best, cell.best_attempt_id = value, attempt_id
            cell.late = due[assignment_id] is not None and submitted_at > due[assignment_id]
    with_results = {student_id for student_id, _ in cells}
    students = [u for u in members if u.id not in removed or u.id in with_results]
    former = [u for u in members if u.id in removed]
    return ScoreTable(students, assignments, cells, removed, former=former)


@dataclass(frozen=True)
class Response:
    """One question of a student's counted attempt, as the analysis reads it."""

    student_id: int
    assignment_id: int
    attempt_id: int
    question_id: int
    version_id: int
    answer: dict[str, Any] | None
    points: float
    max_points: float
    ground_points: float | None
    ground_max_points: float
    time_spent_ms: int

    @property
    def fraction(self) -> float:
        return self.points / self.max_points if self.max_points else 0.0


@dataclass
class Responses:
    """The answers of each student's last submitted attempt, with the questions they answer."""

    rows: list[Response]
    versions: dict[int, QuestionVersion]
    # (student id, assignment id) → (attempt id, final score, max score, submitted at)
    attempts: dict[tuple[int, int], tuple[int, float | None, float, datetime]] = field(
        default_factory=dict
    )

    def version(self, row: Response) -> QuestionVersion:
        return self.versions[row.version_id]


def last_attempt_responses(assignment_ids: list[int], student_id: int | None = None) -> Responses:
    """Each student's last submitted attempt (resets left out) on these assignments, answer by
    answer, in three queries whatever the number of students."""
    last = (
        sa.select(
            Attempt.assignment_id,
            Attempt.student_id,
            sa.func.max(Attempt.number).label("number"),
        )
        .where(
            Attempt.assignment_id.in_(assignment_ids),
            Attempt.submitted_at.is_not(None),
            Attempt.reset_at.is_(None),
        )
        .group_by(Attempt.assignment_id, Attempt.student_id)
    )
    if student_id is not None:
        last = last.where(Attempt.student_id == student_id)
    last = last.subquery()
    rows = db.session.execute(
        sa.select(
            Attempt.student_id,
            Attempt.assignment_id,
            Attempt.id,
            Attempt.final_score,
            Attempt.max_score,
            Attempt.submitted_at,
            QuestionVersion.question_id,
            AttemptItem.question_version_id,
            AttemptItem.answer,
            AttemptItem.points,
            AttemptItem.max_points,
            AttemptItem.ground_points,
            AttemptItem.ground_max_points,
            AttemptItem.time_spent_ms,
        )
        .join(
            last,
            sa.and_(
                last.c.assignment_id == Attempt.assignment_id,
                last.c.student_id == Attempt.student_id,
                last.c.number == Attempt.number,
            ),
        )
        .join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .order_by(Attempt.student_id, Attempt.assignment_id, AttemptItem.position)
    ).all()
    result = Responses([], {})
    for row in rows:
        student, assignment, attempt_id, score, max_score, submitted_at, question_id = row[:7]
        result.attempts[(student, assignment)] = (attempt_id, score, max_score, submitted_at)
        result.rows.append(
            Response(
                student_id=student,
                assignment_id=assignment,
                attempt_id=attempt_id,
                question_id=question_id,
                version_id=row.question_version_id,
                answer=row.answer,
                points=row.points or 0.0,
                max_points=row.max_points,
                ground_points=row.ground_points,
                ground_max_points=row.ground_max_points,
                time_spent_ms=row.time_spent_ms,
            )
        )
    version_ids = {r.version_id for r in result.rows}
    if version_ids:
        result.versions = {
            v.id: v
            for v in db.session.scalars(
                sa.select(QuestionVersion)
                .where(QuestionVersion.id.in_(version_ids))
                .options(so.selectinload(QuestionVersion.question))
            )
        }
    return result


def question_order(question_ids: set[int]) -> dict[int, tuple[int, int]]:
    """Where each question sits in the bank, to list questions in their set's order."""
    if not question_ids:
        return {}
    rows = db.session.execute(
        sa.select(Question.id, Question.set_id, Question.position).where(
            Question.id.in_(question_ids)
        )
    )
    return {
        qid: (set_id, position if position is not None else 10**6) for qid, set_id, position in rows
    }
