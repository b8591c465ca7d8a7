from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from quizapp import question_types
from quizapp.builder.sentences import paragraphs_of
from quizapp.database import utcnow
from quizapp.extensions import db
from quizapp.question_types.base import QuestionType

# The bank's mark on a title it wrote because the article's own headline was not captured.
NO_HEADLINE = " (no headline captured)"


def shown_title(title: str) -> str:
    """An article's title as readers see it: without the bank's no-headline mark."""
    return title.removesuffix(NO_HEADLINE)


class Article(db.Model):
    __tablename__ = "articles"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    outlet: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    author: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    published: so.Mapped[str] = so.mapped_column(sa.String(32), default="")
    url: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    based_on: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    # Set for an article a teacher brought to the question builder; None for the bank's.
    owner_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    draft_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("drafts.id"), index=True)

    @property
    def shown_title(self) -> str:
        return shown_title(self.title)

    @property
    def headline_captured(self) -> bool:
        return not self.title.endswith(NO_HEADLINE)

    @property
    def paragraphs(self) -> list[str]:
        return paragraphs_of(self.body)

    @staticmethod
    def readable_by(user_id: int) -> sa.ColumnElement[bool]:
        """The bank's articles, a teacher's own, and those of the teachers of a student's classes.

        A teacher's articles are the evidence of the sets they assign, so their students read
        them; a student removed from the class no longer does.
        """
        from quizapp.models.classroom import Classroom, Enrollment  # they import this module

        teachers = (
            sa.select(Classroom.teacher_id)
            .join(Enrollment, Enrollment.classroom_id == Classroom.id)
            .where(Enrollment.student_id == user_id, Enrollment.removed_at.is_(None))
        )
        return sa.or_(
            Article.owner_id.is_(None), Article.owner_id == user_id, Article.owner_id.in_(teachers)
        )


class QuestionSet(db.Model):
    __tablename__ = "question_sets"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    objective: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    minutes: so.Mapped[int] = so.mapped_column(default=10)
    # "practice", or "check-in" / "check-out": parallel forms to measure growth.
    role: so.Mapped[str] = so.mapped_column(sa.String(16), default="practice")
    # False when the file is gone from the bank: kept for the assignments that used it.
    active: so.Mapped[bool] = so.mapped_column(default=True)
    # Set for a teacher's own set (imported from Moodle XML or GIFT, or built from articles):
    # only they see it. None for the bank.
    owner_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    questions: so.Mapped[list["Question"]] = so.relationship(
        back_populates="question_set", order_by="Question.position"
    )

    @property
    def current_questions(self) -> list["Question"]:
        return [q for q in self.questions if q.position is not None]

    @property
    def teachers_own(self) -> bool:
        return self.owner_id is not None

    @staticmethod
    def visible_to(user_id: int) -> sa.ColumnElement[bool]:
        """The bank's sets and this teacher's own."""
        return sa.or_(QuestionSet.owner_id.is_(None), QuestionSet.owner_id == user_id)


class Question(db.Model):
    """A question's identity in the bank; its content lives in versions."""

    __tablename__ = "questions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)  # the id in the YAML file
    set_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("question_sets.id"), index=True)
    # Position in its set; None once the question is removed from the file.
    position: so.Mapped[int | None]
    current_version_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("question_versions.id", use_alter=True)
    )

    question_set: so.Mapped[QuestionSet] = so.relationship(back_populates="questions")
    current_version: so.Mapped["QuestionVersion | None"] = so.relationship(
        foreign_keys=[current_version_id], post_update=True
    )


class QuestionVersion(db.Model):
    """Immutable content of a question as students were asked it."""

    __tablename__ = "question_versions"
    __table_args__ = (sa.UniqueConstraint("question_id", "content_hash"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    question_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("questions.id"), index=True)
    content_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    kind: so.Mapped[str] = so.mapped_column(sa.String(32))
    type: so.Mapped[str] = so.mapped_column(sa.String(32))
    # prompt, choices, answer, pairs, explanation, evidence: as validated from the YAML file.
    content: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    question: so.Mapped[Question] = so.relationship(foreign_keys=[question_id])

    @property
    def key(self) -> str:
        return self.question.key

    @property
    def question_type(self) -> QuestionType:
        """The type object that reads, shows, parses, grades and describes this question."""
        return question_types.get(self.type)
