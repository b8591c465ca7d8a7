"""The database models; import them from here."""

from quizapp.database import utcnow
from quizapp.models.account import AccountEvent, Invitation
from quizapp.models.api_token import ApiToken
from quizapp.models.attempt import (
    Accommodation,
    Assignment,
    Attempt,
    AttemptItem,
    AuditEvent,
    ShowAnswers,
    Status,
    attempt_status,
    percent_of,
)
from quizapp.models.classroom import Classroom, Enrollment
from quizapp.models.draft import Draft, DraftStatus
from quizapp.models.lti import (
    GradeState,
    LtiContext,
    LtiDeployment,
    LtiGrade,
    LtiLogin,
    LtiPlatform,
    LtiResourceLink,
    LtiUser,
)
from quizapp.models.question import Article, Question, QuestionSet, QuestionVersion
from quizapp.models.user import AccountStatus, Role, User

__all__ = [
    "Accommodation",
    "AccountEvent",
    "AccountStatus",
    "ApiToken",
    "Article",
    "Assignment",
    "Attempt",
    "AttemptItem",
    "AuditEvent",
    "Classroom",
    "Draft",
    "DraftStatus",
    "Enrollment",
    "GradeState",
    "Invitation",
    "LtiContext",
    "LtiDeployment",
    "LtiGrade",
    "LtiLogin",
    "LtiPlatform",
    "LtiResourceLink",
    "LtiUser",
    "Question",
    "QuestionSet",
    "QuestionVersion",
    "Role",
    "ShowAnswers",
    "Status",
    "User",
    "attempt_status",
    "percent_of",
    "utcnow",
]
