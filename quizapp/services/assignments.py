"""Setting a question set to a class, from the teacher's assign page or an LMS's deep link."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Assignment, Classroom, QuestionSet, User


@dataclass(frozen=True)
class AssignmentTerms:
    """When and how a class takes the quiz; times in UTC."""

    opens_at: datetime
    due_at: datetime | None
    attempts_allowed: int
    time_limit_minutes: int | None
    shuffle_questions: bool
    shuffle_choices: bool
    show_answers: str


def assignable_sets(teacher: User) -> list[QuestionSet]:
    """The question sets a teacher may assign: the bank's and their own, if still in use."""
    return list(
        db.session.scalars(
            sa.select(QuestionSet)
            .where(QuestionSet.active, QuestionSet.visible_to(teacher.id))
            .order_by(QuestionSet.title)
        )
    )


def assign(classroom: Classroom, question_set: QuestionSet, terms: AssignmentTerms) -> Assignment:
    """Set the quiz to the class (the caller has checked the class and the set are the
    teacher's to use)."""
    assignment = Assignment(
        classroom=classroom,
        question_set=question_set,
        opens_at=terms.opens_at,
        due_at=terms.due_at,
        attempts_allowed=terms.attempts_allowed,
        time_limit_minutes=terms.time_limit_minutes,
        shuffle_questions=terms.shuffle_questions,
        shuffle_choices=terms.shuffle_choices,
        show_answers=terms.show_answers,
    )
    db.session.add(assignment)
    db.session.flush()
    return assignment
