from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so
from sqlalchemy.ext.hybrid import hybrid_property

from quizapp.database import utcnow
from quizapp.extensions import db
from quizapp.models.classroom import Classroom
from quizapp.models.question import QuestionSet, QuestionVersion
from quizapp.models.user import User


class Status(StrEnum):
    """Where a student is with an attempt or an assignment: the one set of words the pages,
    the exports and the API use (the API writes the name: in_progress)."""

    UPCOMING = "upcoming"
    TO_DO = "to do"
    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    SUBMITTED = "submitted"
    LATE = "late"
    OVERDUE = "overdue"
    DONE = "done"
    RESET = "reset"


def percent_of(score: float | None, max_score: float | None) -> float | None:
    """A score out of 100, to one decimal; None when there is none or nothing to score."""
    if score is None or not max_score:
        return None
    return round(100 * score / max_score, 1)


def attempt_status(reset_at: datetime | None, submitted_at: datetime | None) -> Status:
    """One attempt's status, from its reset and submit times (as a query's row has them)."""
    if reset_at is not None:
        return Status.RESET
    return Status.SUBMITTED if submitted_at is not None else Status.IN_PROGRESS


class ShowAnswers(StrEnum):
    AFTER_EACH = "after_each"
    AFTER_SUBMIT = "after_submit"
    AFTER_DUE = "after_due"
    NEVER = "never"


class Assignment(db.Model):
    __tablename__ = "assignments"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    classroom_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("classrooms.id"), index=True)
    set_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("question_sets.id"))
    opens_at: so.Mapped[datetime]
    due_at: so.Mapped[datetime | None]
    attempts_allowed: so.Mapped[int] = so.mapped_column(default=1)
    time_limit_minutes: so.Mapped[int | None]
    shuffle_questions: so.Mapped[bool] = so.mapped_column(default=False)
    shuffle_choices: so.Mapped[bool] = so.mapped_column(default=False)
    show_answers: so.Mapped[str] = so.mapped_column(sa.String(16), default=ShowAnswers.AFTER_SUBMIT)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    classroom: so.Mapped[Classroom] = so.relationship()
    question_set: so.Mapped[QuestionSet] = so.relationship()

    @property
    def title(self) -> str:
        return self.question_set.title


class Attempt(db.Model):
    __tablename__ = "attempts"
    # The number is what makes the attempt limit hold under concurrent starts.
    __table_args__ = (sa.UniqueConstraint("assignment_id", "student_id", "number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    assignment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("assignments.id"))
    student_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    number: so.Mapped[int]
    started_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    # When answers stop being accepted: the time limit or the due time, whichever comes first.
    deadline_at: so.Mapped[datetime | None]
    submitted_at: so.Mapped[datetime | None]
    score: so.Mapped[float | None]
    max_score: so.Mapped[float] = so.mapped_column(default=0)
    # The page the student last opened and when, to measure time spent per question.
    current_position: so.Mapped[int] = so.mapped_column(default=0)
    viewed_at: so.Mapped[datetime | None]
    # A teacher's corrections: a score set by hand (with why), or the attempt set aside by a
    # reset. A reset attempt stays in the history but neither scores nor counts to the limit.
    override_score: so.Mapped[float | None]
    override_reason: so.Mapped[str | None] = so.mapped_column(sa.Text)
    reset_at: so.Mapped[datetime | None]

    assignment: so.Mapped[Assignment] = so.relationship()
    student: so.Mapped[User] = so.relationship()
    items: so.Mapped[list["AttemptItem"]] = so.relationship(
        back_populates="attempt", order_by="AttemptItem.position", cascade="all, delete-orphan"
    )

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None

    @hybrid_property
    def final_score(self) -> float | None:
        """The score that counts: the teacher's override when there is one."""
        return self.override_score if self.override_score is not None else self.score

    @final_score.inplace.expression
    @classmethod
    def _final_score_expression(cls) -> sa.ColumnElement[float]:
        return sa.func.coalesce(cls.override_score, cls.score)

    @property
    def percent(self) -> float | None:
        """The final score out of 100; None for a reset attempt, which no longer counts."""
        if self.reset_at is not None:
            return None
        return percent_of(self.final_score, self.max_score)

    @property
    def status(self) -> Status:
        return attempt_status(self.reset_at, self.submitted_at)


class AttemptItem(db.Model):
    """One question of an attempt: the version asked, the order shown, and the answer given."""

    __tablename__ = "attempt_items"
    __table_args__ = (sa.UniqueConstraint("attempt_id", "position"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    attempt_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("attempts.id"))
    position: so.Mapped[int]
    question_version_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("question_versions.id"))
    # Display order of the choices (or matching options) for this student.
    choice_order: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    answer: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    answered_at: so.Mapped[datetime | None]
    # Set when the answer was checked in "after each question" mode: it can no longer change.
    locked: so.Mapped[bool] = so.mapped_column(default=False)
    time_spent_ms: so.Mapped[int] = so.mapped_column(default=0)
    points: so.Mapped[float | None]
    max_points: so.Mapped[float] = so.mapped_column(default=1)
    # The optional second step, "which sentence shows it?", scored on its own.
    ground_points: so.Mapped[float | None]
    ground_max_points: so.Mapped[float] = so.mapped_column(default=0)

    attempt: so.Mapped[Attempt] = so.relationship(back_populates="items")
    question_version: so.Mapped[QuestionVersion] = so.relationship()


class Accommodation(db.Model):
    """One student's own terms for an assignment: a later due time, more time, more attempts."""

    __tablename__ = "accommodations"
    __table_args__ = (sa.UniqueConstraint("assignment_id", "student_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    assignment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("assignments.id"))
    student_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    due_at: so.Mapped[datetime | None]
    time_limit_minutes: so.Mapped[int | None]
    extra_attempts: so.Mapped[int] = so.mapped_column(default=0, server_default="0")

    assignment: so.Mapped[Assignment] = so.relationship()
    student: so.Mapped[User] = so.relationship()


class AuditEvent(db.Model):
    """A teacher's change to a student's terms or results: who, when, what and why."""

    __tablename__ = "audit_events"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    classroom_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("classrooms.id"), index=True)
    actor_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    student_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    assignment_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("assignments.id"))
    attempt_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("attempts.id"))
    action: so.Mapped[str] = so.mapped_column(sa.String(32))
    detail: so.Mapped[str] = so.mapped_column(sa.Text)  # what changed, in words
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    actor: so.Mapped[User] = so.relationship(foreign_keys=[actor_id])
    student: so.Mapped[User | None] = so.relationship(foreign_keys=[student_id])
    assignment: so.Mapped[Assignment | None] = so.relationship()
