"""The question page's answer save, the request a class sends most, in three statements and no
loaded objects, the account included: one query reads the question with every rule of
attempts.save_answer and of the log-in (security.role_required) in its WHERE clause, then one
UPDATE writes the answer (guarded by the same rules, so a submit or a removal between the two
still wins) and one the time on the page.

It takes only the common case: anything unusual (another student's attempt, time up, submitted,
removed from the class, a checked answer, a question that is not there, an old session) returns
None and the caller goes the full way, attempts.save_answer, which refuses with the reason or
finalises.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import (
    AccountStatus,
    Assignment,
    Attempt,
    AttemptItem,
    Enrollment,
    QuestionVersion,
    Role,
    User,
)
from quizapp.services.attempts import MAX_COUNTED_VIEW, parse_answer
from quizapp.services.version_cache import cached_version

_items = AttemptItem.__table__
_attempts = Attempt.__table__
_now = sa.bindparam("p_now", type_=_attempts.c.viewed_at.type)

# The statements are built once: building one costs more than running it. (Their parameters
# are named p_…, as update() keeps column names for its own.)
_OPEN = sa.exists().where(
    Attempt.id == sa.bindparam("p_attempt_id"),
    Attempt.student_id == sa.bindparam("p_student_id"),
    User.id == Attempt.student_id,
    User.session_token == sa.bindparam("p_session_token"),
    User.role == Role.STUDENT,
    User.status != AccountStatus.DISABLED,
    User.must_change_password.is_(False),
    Attempt.submitted_at.is_(None),
    sa.or_(Attempt.deadline_at.is_(None), Attempt.deadline_at > _now),
    Assignment.id == Attempt.assignment_id,
    Enrollment.classroom_id == Assignment.classroom_id,
    Enrollment.student_id == sa.bindparam("p_student_id"),
    Enrollment.removed_at.is_(None),
)
"""The attempt is the student's, still open, before its deadline, in a class they are in; and
the session is still the student's: the account active, its password not reset since the
log-in (a reset changes the session token), no password change waiting (security.role_required)."""

_READ = (
    sa.select(
        AttemptItem.id,
        AttemptItem.choice_order,
        AttemptItem.answer,
        AttemptItem.question_version_id,
        QuestionVersion.content_hash,
        Attempt.current_position,
        Attempt.viewed_at,
        sa.select(sa.func.count())
        .where(_items.c.attempt_id == sa.bindparam("p_attempt_id"))
        .scalar_subquery()
        .label("count"),
    )
    .join(Attempt, Attempt.id == AttemptItem.attempt_id)
    .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
    .where(
        AttemptItem.attempt_id == sa.bindparam("p_attempt_id"),
        AttemptItem.position == sa.bindparam("p_position"),
        AttemptItem.locked.is_(False),
        _OPEN,
    )
)
_WRITE_TIME = (
    sa.update(_items)
    .where(_items.c.id == sa.bindparam("p_item_id"), _items.c.locked.is_(False), _OPEN)
    .values(time_spent_ms=_items.c.time_spent_ms + sa.bindparam("p_spent_ms"))
)
_WRITE_ANSWER = _WRITE_TIME.values(answer=sa.bindparam("p_answer"), answered_at=_now)
_WRITE_VIEWED = (
    sa.update(_attempts)
    .where(_attempts.c.id == sa.bindparam("p_attempt_id"))
    .values(viewed_at=_now)
)


def quick_save(
    attempt_id: int,
    student: tuple[int, str],
    position: int,
    values: dict[str, Any],
    key: bytes,
    now: datetime,
) -> int | None:
    """Save the answer for the student (account id and session token, security.session_account);
    the attempt's number of questions, or None to take the full way. A choice that was not
    offered is refused (QuizError), as on the full way."""
    rules = {
        "p_attempt_id": attempt_id,
        "p_student_id": student[0],
        "p_session_token": student[1],
        "p_now": now,
    }
    row = db.session.execute(_READ, {**rules, "p_position": position}).one_or_none()
    if row is None:
        return None
    version = cached_version(row.question_version_id, row.content_hash)
    answer = parse_answer(_Item(row.id, row.choice_order, version), values, key)
    # Only the question on screen is timed (see attempts.save_answer).
    on_screen = row.current_position == position
    spent_ms = 0
    if on_screen and row.viewed_at:
        spent = min(now - row.viewed_at, MAX_COUNTED_VIEW)
        spent_ms = max(0, int(spent.total_seconds() * 1000))
    changed = answer != row.answer
    if changed or spent_ms:
        statement = _WRITE_ANSWER if changed else _WRITE_TIME
        written = db.session.execute(
            statement, {**rules, "p_item_id": row.id, "p_spent_ms": spent_ms, "p_answer": answer}
        ).rowcount
        if not written:
            return None
    if on_screen:
        db.session.execute(_WRITE_VIEWED, rules)
    return row.count


class _Item:
    """The few fields of an attempt item that parsing an answer reads."""

    __slots__ = ("choice_order", "id", "question_version")

    def __init__(self, item_id: int, choice_order: list[str], version) -> None:
        self.id, self.choice_order, self.question_version = item_id, choice_order, version
