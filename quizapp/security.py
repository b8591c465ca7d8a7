"""Role and ownership checks: every object is looked up through its owner."""

from collections.abc import Callable
from functools import wraps

import sqlalchemy as sa
from flask import abort, redirect, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import orm as so

from quizapp.extensions import db, login_manager
from quizapp.models import (
    ApiToken,
    Article,
    Assignment,
    Attempt,
    AttemptItem,
    Classroom,
    Draft,
    Enrollment,
    QuestionSet,
    User,
)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    ident, _, token = user_id.partition(":")
    if not ident.isdigit():
        return None
    user = db.session.get(User, int(ident))
    if user is None or not user.is_active:  # a disabled account's sessions end at once
        return None
    return user if user.session_token == token else None


def session_account() -> tuple[int, str] | None:
    """The account id and session token the signed session names, without loading the account
    (Flask-Login keeps User.get_id(), "id:token", under _user_id). Whoever uses them checks the
    token, the status, the role and the password change in its own statement, as
    services.quick_save does; otherwise use current_user."""
    ident, _, token = str(session.get("_user_id", "")).partition(":")
    return (int(ident), token) if ident.isdigit() and token else None


def role_required(role: str) -> Callable:
    """Log-in plus role; a one-time password must be changed first, and a teacher waiting for
    approval sees only the page that says so."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.must_change_password:
                return redirect(url_for("auth.change_password", next=request.full_path.rstrip("?")))
            if current_user.is_waiting:
                return redirect(url_for("auth.waiting"))
            if current_user.role != role:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


teacher_required = role_required("teacher")
student_required = role_required("student")
admin_required = role_required("admin")


def _found_or_404(statement: sa.Select, params: dict | None = None):
    """The one row the statement selects; a 404 when there is none (or it is not theirs)."""
    found = db.session.scalar(statement, params)
    if found is None:
        abort(404)
    return found


def own_classroom_or_404(classroom_id: int, teacher: User | None = None) -> Classroom:
    """A class of the teacher's (default: the one logged in; the API's is the token's)."""
    teacher_id = (teacher or current_user).id
    return _found_or_404(
        sa.select(Classroom).where(Classroom.id == classroom_id, Classroom.teacher_id == teacher_id)
    )


def own_assignment_or_404(assignment_id: int, teacher: User | None = None) -> Assignment:
    """An assignment of one of the teacher's classes (default: the teacher logged in)."""
    teacher_id = (teacher or current_user).id
    return _found_or_404(
        sa.select(Assignment)
        .join(Classroom)
        .where(Assignment.id == assignment_id, Classroom.teacher_id == teacher_id)
    )


def enrolled_assignment_or_404(assignment_id: int) -> Assignment:
    """An assignment of a class the student is in; any other id is simply not found."""
    return _found_or_404(
        sa.select(Assignment)
        .join(Enrollment, Enrollment.classroom_id == Assignment.classroom_id)
        .where(
            Assignment.id == assignment_id,
            Enrollment.student_id == current_user.id,
            Enrollment.removed_at.is_(None),
        )
    )


def class_member_or_404(
    classroom_id: int, student_id: int, *, current_only: bool = False
) -> tuple[User, bool]:
    """A student who is (or, unless current_only, was) in the class, and whether they still are;
    the caller has checked that the class is the teacher's."""
    query = (
        sa.select(User, Enrollment.removed_at)
        .join(Enrollment, Enrollment.student_id == User.id)
        .where(User.id == student_id, Enrollment.classroom_id == classroom_id)
    )
    if current_only:
        query = query.where(Enrollment.removed_at.is_(None))
    row = db.session.execute(query).first()
    if row is None:
        abort(404)
    return row[0], row[1] is None


# Built once: the question page and the save load an attempt on every request, and building
# the statement costs more than running it (see services.quick_save).
_OWN_ATTEMPT = (
    sa.select(Attempt)
    .where(
        Attempt.id == sa.bindparam("attempt_id"),
        Attempt.student_id == sa.bindparam("student_id"),
    )
    .options(so.joinedload(Attempt.assignment).joinedload(Assignment.question_set))
)
_OWN_ATTEMPT_ALL_QUESTIONS = _OWN_ATTEMPT.options(
    so.selectinload(Attempt.items).joinedload(AttemptItem.question_version)
)


def own_attempt_or_404(attempt_id: int, *, all_questions: bool = True) -> Attempt:
    """A student's own attempt; another student's id is simply not found.

    With all_questions, every question's content comes with it in one query, for the pages
    that read them all; the question page reads them as rows instead (attempts.page_items),
    and saving reads only its own question. The assignment (its rules) and its question set
    (the page's title) come in the same statement either way.
    """
    statement = _OWN_ATTEMPT_ALL_QUESTIONS if all_questions else _OWN_ATTEMPT
    return _found_or_404(statement, {"attempt_id": attempt_id, "student_id": current_user.id})


def taught_attempt_or_404(attempt_id: int) -> Attempt:
    return _found_or_404(
        sa.select(Attempt)
        .join(Assignment)
        .join(Classroom)
        .where(Attempt.id == attempt_id, Classroom.teacher_id == current_user.id)
    )


def visible_set_or_404(slug: str) -> QuestionSet:
    """A bank set, or one of the teacher's own; another teacher's is not found."""
    return _found_or_404(
        sa.select(QuestionSet).where(
            QuestionSet.slug == slug, QuestionSet.visible_to(current_user.id)
        )
    )


def readable_article_or_404(slug: str) -> Article:
    """An article the user may read (Article.readable_by); any other is not found."""
    readable = Article.readable_by(current_user.id)
    return _found_or_404(sa.select(Article).where(Article.slug == slug, readable))


def own_draft_or_404(draft_id: int) -> Draft:
    """The teacher's own draft; another teacher's is not found."""
    return _found_or_404(
        sa.select(Draft).where(Draft.id == draft_id, Draft.owner_id == current_user.id)
    )


def own_api_token_or_404(token_id: int) -> ApiToken:
    return _found_or_404(
        sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == current_user.id)
    )
