"""The database models; import them from here."""

from quizapp.database import utcnow
from quizapp.models.attempt import Assignment, Attempt, AttemptItem, ShowAnswers
from quizapp.models.classroom import Classroom, Enrollment
from quizapp.models.question import Article, Question, QuestionSet, QuestionVersion
from quizapp.models.user import Role, User

__all__ = [
    "Article",
    "Assignment",
    "Attempt",
    "AttemptItem",
    "Classroom",
    "Enrollment",
    "Question",
    "QuestionSet",
    "QuestionVersion",
    "Role",
    "ShowAnswers",
    "User",
    "utcnow",
]
