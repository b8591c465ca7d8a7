"""One student's own terms for an assignment, and a teacher's corrections; each change is logged.

A student's terms are the assignment's, changed by their Accommodation: a personal due time or
time limit replaces the class's, and extra attempts and reset attempts add to the number allowed.
A student's time multiplier in the class (their Enrollment's, set once for every assignment)
lengthens the class's time limit; an assignment's own personal time limit overrides it.

A reset attempt stays in the history but no longer counts: it neither scores nor uses up an
attempt, and the attempt numbers carry on. Resetting an attempt in progress closes it at once:
its deadline becomes the moment of the reset, so it is submitted with the answers saved so far,
by the same path as a time limit running out (attempts.finalise_if_expired), which keeps a
student's simultaneous submit safe.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import orm as so
from sqlalchemy.exc import IntegrityError

from quizapp.extensions import db
from quizapp.models import (
    Accommodation,
    Assignment,
    Attempt,
    AuditEvent,
    Classroom,
    Enrollment,
    QuestionSet,
    User,
)
from quizapp.refusals import Refusal
from quizapp.templating import format_points, format_time

MAX_TIME_LIMIT = 600  # minutes, as for the class's own limit
MAX_REASON = 500
# The extra time a teacher can give a student on every timed quiz, as Canvas offers it.
TIME_MULTIPLIERS = (1.0, 1.25, 1.5, 2.0, 3.0)


class AdjustmentError(Refusal):
    """A change the rules refuse; the message is shown to the teacher as it is."""


@dataclass(frozen=True)
class Terms:
    """What holds for one student on one assignment once the teacher's adjustments apply."""

    opens_at: datetime
    due_at: datetime | None
    time_limit_minutes: int | None
    attempts_allowed: int
    # How these differ from the class's terms, to show it.
    personal_due: bool = False
    personal_time_limit: bool = False
    time_multiplier: float = 1.0  # applied to the class's time limit (1.0 when not)
    extra_attempts: int = 0
    resets: int = 0

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now and (self.due_at is None or now < self.due_at)

    def deadline(self, started_at: datetime) -> datetime | None:
        """When an attempt started then stops taking answers: due time or time limit, first."""
        deadline = self.due_at
        if self.time_limit_minutes:
            limit_end = started_at + timedelta(minutes=self.time_limit_minutes)
            deadline = min(deadline, limit_end) if deadline else limit_end
        return deadline


def compute_terms(
    assignment: Assignment,
    accommodation: Accommodation | None,
    attempts: Sequence[Attempt],
    time_multiplier: float,
) -> Terms:
    """The terms given the student's accommodation (if any), their time multiplier in the
    class and their attempts at it."""
    personal_due = accommodation is not None and accommodation.due_at is not None
    personal_limit = accommodation is not None and accommodation.time_limit_minutes is not None
    extra = accommodation.extra_attempts if accommodation is not None else 0
    resets = sum(a.reset_at is not None for a in attempts)
    class_limit = assignment.time_limit_minutes
    applied = 1.0 if personal_limit or not class_limit else time_multiplier
    if personal_limit:
        limit = accommodation.time_limit_minutes
    elif class_limit:
        # Whole minutes, rounded up: the student never gets less than their share.
        limit = math.ceil(class_limit * applied - 1e-9)
    else:
        limit = None
    return Terms(
        opens_at=assignment.opens_at,
        due_at=accommodation.due_at if personal_due else assignment.due_at,
        time_limit_minutes=limit,
        attempts_allowed=assignment.attempts_allowed + extra + resets,
        personal_due=personal_due,
        personal_time_limit=personal_limit,
        time_multiplier=applied,
        extra_attempts=extra,
        resets=resets,
    )


def effective_terms(assignment: Assignment, student_id: int) -> Terms:
    """A student's terms for an assignment: due time, time limit and attempts allowed."""
    return compute_terms(
        assignment,
        accommodation_of(assignment.id, student_id),
        student_attempts(assignment.id, student_id),
        time_multiplier(assignment.classroom_id, student_id),
    )


def time_multiplier(classroom_id: int, student_id: int) -> float:
    """The student's time multiplier in the class: 1.0 unless the teacher gave more time."""
    found = db.session.scalar(
        sa.select(Enrollment.time_multiplier).where(
            Enrollment.classroom_id == classroom_id, Enrollment.student_id == student_id
        )
    )
    return found or 1.0


def time_multipliers(student_id: int) -> dict[int, float]:
    """The student's time multiplier in each of their classes, by class id."""
    return dict(
        db.session.execute(
            sa.select(Enrollment.classroom_id, Enrollment.time_multiplier).where(
                Enrollment.student_id == student_id
            )
        ).all()
    )


def set_time_multiplier(
    classroom: Classroom,
    student: User,
    multiplier: float,
    *,
    actor: User,
    reason: str,
    now: datetime,
) -> AuditEvent:
    """Give the student more time on every timed quiz of the class (1.0: the class's time)."""
    if multiplier not in TIME_MULTIPLIERS:
        raise AdjustmentError("Choose one of the times offered.")
    enrollment = db.session.scalar(
        sa.select(Enrollment).where(
            Enrollment.classroom_id == classroom.id, Enrollment.student_id == student.id
        )
    )
    if enrollment is None:
        raise AdjustmentError(f"{student.display_name} is not in {classroom.name}.")
    name = student.display_name
    if enrollment.time_multiplier == multiplier:
        raise AdjustmentError(f"{name} already has {describe_multiplier(multiplier)}.")
    enrollment.time_multiplier = multiplier
    db.session.flush()
    detail = f"{name} now has {describe_multiplier(multiplier)} on every timed quiz of the class."
    assignments = db.session.scalars(
        sa.select(Assignment).where(Assignment.classroom_id == classroom.id)
    ).all()
    for assignment in assignments:
        detail += _move_deadlines(assignment, student, now)
    reason = _checked_reason(reason)
    event = AuditEvent(
        classroom_id=classroom.id,
        actor_id=actor.id,
        student_id=student.id,
        action="time_multiplier",
        detail=detail,
        reason=reason,
        created_at=now,
    )
    db.session.add(event)
    db.session.flush()
    return event


def describe_multiplier(multiplier: float) -> str:
    """1.5 → "1.5 × the time limit"; 1.0 → "the class's time limit"."""
    if multiplier == 1.0:
        return "the class's time limit"
    return f"{multiplier:g} × the time limit"


def short_time_limit(question_set: QuestionSet, minutes: int | None) -> str | None:
    """A warning when a time limit is shorter than the set is expected to take, or None."""
    if not minutes or minutes >= question_set.minutes:
        return None
    return (
        f"The time limit, {minutes} minutes, is shorter than the {question_set.minutes} minutes "
        f"“{question_set.title}” is expected to take: most students would not finish."
    )


def accommodation_of(assignment_id: int, student_id: int) -> Accommodation | None:
    return db.session.scalar(
        sa.select(Accommodation).where(
            Accommodation.assignment_id == assignment_id, Accommodation.student_id == student_id
        )
    )


def accommodations_of(student_id: int, assignment_ids: Sequence[int]) -> dict[int, Accommodation]:
    """A student's accommodations for these assignments, by assignment id."""
    if not assignment_ids:
        return {}
    found = db.session.scalars(
        sa.select(Accommodation).where(
            Accommodation.student_id == student_id,
            Accommodation.assignment_id.in_(assignment_ids),
        )
    )
    return {a.assignment_id: a for a in found}


def student_attempts(assignment_id: int, student_id: int) -> list[Attempt]:
    """Every attempt of the student at the assignment, reset ones included, in order."""
    return list(
        db.session.scalars(
            sa.select(Attempt)
            .where(Attempt.assignment_id == assignment_id, Attempt.student_id == student_id)
            .order_by(Attempt.number)
        )
    )


def set_due_time(
    assignment: Assignment,
    student: User,
    due_at: datetime | None,
    *,
    actor: User,
    reason: str,
    now: datetime,
) -> AuditEvent:
    """Give the student their own due time, or the class's again when due_at is None."""
    if due_at is not None:
        if due_at <= now:
            raise AdjustmentError("Choose a due time in the future.")
        if due_at <= assignment.opens_at:
            raise AdjustmentError(
                f"The due time must be after the quiz opens, {format_time(assignment.opens_at)}."
            )
    name = student.display_name
    current = accommodation_of(assignment.id, student.id)
    if (current.due_at if current else None) == due_at:
        if due_at is None:
            raise AdjustmentError(f"{name} already has the class's due time.")
        raise AdjustmentError(f"{name}'s due time is already {format_time(due_at)}.")
    _accommodation_for_update(assignment, student).due_at = due_at
    db.session.flush()
    class_due = format_time(assignment.due_at) if assignment.due_at else "no due time"
    if due_at is None:
        detail = f"Due time for {name} set back to the class's ({class_due})."
    else:
        detail = f"Due time for {name} moved to {format_time(due_at)} (the class has {class_due})."
    return _log(
        "due_time",
        assignment,
        student,
        detail + _move_deadlines(assignment, student, now),
        actor=actor,
        reason=reason,
        now=now,
    )


def set_time_limit(
    assignment: Assignment,
    student: User,
    minutes: int | None,
    *,
    actor: User,
    reason: str,
    now: datetime,
) -> AuditEvent:
    """Give the student their own time limit, or the class's again when minutes is None."""
    if minutes is not None and not 1 <= minutes <= MAX_TIME_LIMIT:
        raise AdjustmentError(f"The time limit must be between 1 and {MAX_TIME_LIMIT} minutes.")
    name = student.display_name
    current = accommodation_of(assignment.id, student.id)
    if (current.time_limit_minutes if current else None) == minutes:
        if minutes is None:
            raise AdjustmentError(f"{name} already has the class's time limit.")
        raise AdjustmentError(f"{name}'s time limit is already {minutes} minutes.")
    _accommodation_for_update(assignment, student).time_limit_minutes = minutes
    db.session.flush()
    limit = assignment.time_limit_minutes
    class_limit = f"{limit} minutes" if limit else "no time limit"
    if minutes is None:
        detail = f"Time limit for {name} set back to the class's ({class_limit})."
    else:
        detail = f"Time limit for {name} set to {minutes} minutes (the class has {class_limit})."
    return _log(
        "time_limit",
        assignment,
        student,
        detail + _move_deadlines(assignment, student, now),
        actor=actor,
        reason=reason,
        now=now,
    )


def grant_extra_attempt(
    assignment: Assignment, student: User, *, actor: User, reason: str, now: datetime
) -> AuditEvent:
    """Allow the student one more attempt than they had."""
    accommodation = _accommodation_for_update(assignment, student)
    # Added in SQL, so that two clicks at once give two attempts, not one.
    accommodation.extra_attempts = Accommodation.extra_attempts + 1
    db.session.flush()
    db.session.refresh(accommodation)
    terms = effective_terms(assignment, student.id)
    detail = (
        f"{student.display_name} may make one more attempt: "
        f"{terms.attempts_allowed} allowed in all (the class has {assignment.attempts_allowed}"
        f"{', plus one for each reset attempt' if terms.resets else ''})."
    )
    return _log("extra_attempt", assignment, student, detail, actor=actor, reason=reason, now=now)


def reset_attempt(attempt: Attempt, *, actor: User, reason: str, now: datetime) -> AuditEvent:
    """Set an attempt aside: it stays in the history, no longer counts, and gives an attempt back.

    An attempt in progress is closed now and then submitted with its saved answers.
    """
    label = f"Attempt {attempt.number} of {attempt.student.display_name}"
    if attempt.reset_at is not None:
        raise AdjustmentError(f"{label} was already reset.")
    if attempt.submitted:
        detail = f"{label} reset{_as_percent(attempt.percent, 'it scored ')}"
    else:
        attempt.deadline_at = now if attempt.deadline_at is None else min(attempt.deadline_at, now)
        detail = f"{label}, in progress, closed with the answers saved so far and reset"
    attempt.reset_at = now
    db.session.flush()
    detail += ": it stays in the history but no longer counts, and gives back an attempt."
    return _log(
        "reset",
        attempt.assignment,
        attempt.student,
        detail,
        actor=actor,
        reason=reason,
        now=now,
        attempt=attempt,
    )


def override_score(
    attempt: Attempt, points: float, *, actor: User, reason: str, now: datetime
) -> AuditEvent:
    """Replace a submitted attempt's score with one the teacher sets, for a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise AdjustmentError("Give a reason for the new score: it is kept with it.")
    _check_scored(attempt)
    if not math.isfinite(points) or not 0 <= points <= attempt.max_score:
        raise AdjustmentError(
            f"The score must be between 0 and {format_points(attempt.max_score)} points."
        )
    previous = attempt.override_score
    attempt.override_score = round(points, 4)
    attempt.override_reason = reason
    db.session.flush()
    detail = (
        f"Score of attempt {attempt.number} of {attempt.student.display_name} set to "
        f"{format_points(attempt.override_score)} of {format_points(attempt.max_score)} points"
        f"{_as_percent(attempt.percent)}; marked {format_points(attempt.score)}"
    )
    if previous is not None:
        detail += f", and set before to {format_points(previous)}"
    return _log(
        "score_override",
        attempt.assignment,
        attempt.student,
        detail + ".",
        actor=actor,
        reason=reason,
        now=now,
        attempt=attempt,
    )


def clear_override(attempt: Attempt, *, actor: User, reason: str, now: datetime) -> AuditEvent:
    """Remove the teacher's score from an attempt, so that the marked score counts again."""
    if attempt.override_score is None:
        raise AdjustmentError(f"Attempt {attempt.number} has no score set by a teacher.")
    previous = attempt.override_score
    attempt.override_score = None
    attempt.override_reason = None
    db.session.flush()
    detail = (
        f"Score of {format_points(previous)} points removed from attempt {attempt.number} of "
        f"{attempt.student.display_name}: the marked score, {format_points(attempt.score)} of "
        f"{format_points(attempt.max_score)} points, counts again."
    )
    return _log(
        "score_override_cleared",
        attempt.assignment,
        attempt.student,
        detail,
        actor=actor,
        reason=reason,
        now=now,
        attempt=attempt,
    )


def events(
    classroom_id: int, student_id: int | None = None, assignment_id: int | None = None
) -> list[AuditEvent]:
    """The class's logged changes, newest first, optionally for one student or assignment."""
    query = (
        sa.select(AuditEvent)
        .where(AuditEvent.classroom_id == classroom_id)
        .options(so.selectinload(AuditEvent.actor), so.selectinload(AuditEvent.student))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )
    if student_id is not None:
        query = query.where(AuditEvent.student_id == student_id)
    if assignment_id is not None:
        query = query.where(AuditEvent.assignment_id == assignment_id)
    return list(db.session.scalars(query))


def _as_percent(value: float | None, before: str = "") -> str:
    return f" ({before}{value:.0f}%)" if value is not None else ""


def _check_scored(attempt: Attempt) -> None:
    if attempt.reset_at is not None:
        raise AdjustmentError(f"Attempt {attempt.number} was reset, so its score does not count.")
    if not attempt.submitted:
        raise AdjustmentError(f"Attempt {attempt.number} is not submitted yet, so has no score.")


def _accommodation_for_update(assignment: Assignment, student: User) -> Accommodation:
    accommodation = accommodation_of(assignment.id, student.id)
    if accommodation is not None:
        return accommodation
    accommodation = Accommodation(
        assignment_id=assignment.id, student_id=student.id, extra_attempts=0
    )
    try:
        with db.session.begin_nested():
            db.session.add(accommodation)
    except IntegrityError:
        # The same change sent twice at once: the other request made the row.
        existing = accommodation_of(assignment.id, student.id)
        if existing is None:
            raise
        return existing
    return accommodation


def _move_deadlines(assignment: Assignment, student: User, now: datetime) -> str:
    """Give the student's attempt in progress the deadline of their new terms; say what moved."""
    terms = effective_terms(assignment, student.id)
    moved = []
    for attempt in student_attempts(assignment.id, student.id):
        running = attempt.deadline_at is None or now < attempt.deadline_at
        if attempt.submitted or attempt.reset_at is not None or not running:
            continue
        deadline = terms.deadline(attempt.started_at)
        # Time already used up ends the attempt now, not at a moment already past.
        if deadline is not None and deadline < now:
            deadline = now
        if deadline != attempt.deadline_at:
            attempt.deadline_at = deadline
            ends = f"ends {format_time(deadline)}" if deadline else "has no end time"
            moved.append(f" Attempt {attempt.number}, in progress, now {ends}.")
    db.session.flush()
    return "".join(moved)


def _checked_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise AdjustmentError(f"Keep the reason under {MAX_REASON} characters.")
    return reason


def _log(
    action: str,
    assignment: Assignment,
    student: User,
    detail: str,
    *,
    actor: User,
    reason: str,
    now: datetime,
    attempt: Attempt | None = None,
) -> AuditEvent:
    reason = _checked_reason(reason)
    event = AuditEvent(
        classroom_id=assignment.classroom_id,
        actor_id=actor.id,
        student_id=student.id,
        assignment_id=assignment.id,
        attempt_id=attempt.id if attempt is not None else None,
        action=action,
        detail=detail,
        reason=reason,
        created_at=now,
    )
    db.session.add(event)
    db.session.flush()
    return event
