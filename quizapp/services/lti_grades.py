"""Grades sent back to the LMS (Assignment and Grade Services), from the job queue.

Whenever an attempt of an LMS-linked assignment is submitted (by the student or by time
running out), reset, or given a teacher's score, the flush that saves it also marks the
student's grade for that link as waiting, in the same transaction; once it is committed the
send job is queued. The job sends the score that counts then (the best counted attempt), so
sends that arrive late or twice change nothing. A failed send is kept, with its reason and
since when it has failed, for the teacher to see, and tried again later, each time waiting
longer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_sqlalchemy.session import Session
from sqlalchemy import orm as so

from quizapp import jobs
from quizapp.extensions import db
from quizapp.lti import keys, platform_api
from quizapp.models import Assignment, Attempt, Classroom, utcnow
from quizapp.models.lti import (
    GradeState,
    LtiContext,
    LtiDeployment,
    LtiGrade,
    LtiPlatform,
    LtiResourceLink,
    LtiUser,
)
from quizapp.transactions import commit

logger = logging.getLogger(__name__)

# Changes to these decide the score that counts (see Attempt.final_score and reset_at).
SCORE_FIELDS = ("submitted_at", "score", "override_score", "reset_at")
FIRST_RETRY_S = 30
LONGEST_RETRY_S = 3600
PENDING_KEY = "lti_grades_to_send"


def retry_delay(tries: int) -> int:
    """Seconds to wait before the next try after this many failed ones: 30 s, 1 min, 2 min, ...
    up to an hour."""
    return min(LONGEST_RETRY_S, FIRST_RETRY_S * 2 ** max(0, tries - 1))


def _score_changed(attempt: Attempt) -> bool:
    state = sa.inspect(attempt)
    return any(state.attrs[name].history.has_changes() for name in SCORE_FIELDS)


def _mark_waiting(session: so.Session, attempts: list[Attempt], now: datetime) -> None:
    pairs = {(a.assignment_id, a.student_id) for a in attempts}
    with session.no_autoflush:
        rows = session.execute(
            sa.select(LtiResourceLink, Attempt.student_id)
            .join(LtiContext, LtiContext.id == LtiResourceLink.context_id)
            .join(LtiDeployment, LtiDeployment.id == LtiContext.deployment_id)
            .join(Attempt, Attempt.assignment_id == LtiResourceLink.assignment_id)
            .join(
                LtiUser,
                sa.and_(
                    LtiUser.user_id == Attempt.student_id,
                    LtiUser.platform_id == LtiDeployment.platform_id,
                ),
            )
            .where(
                LtiResourceLink.lineitem_url.is_not(None),
                sa.tuple_(Attempt.assignment_id, Attempt.student_id).in_(list(pairs)),
            )
            .distinct()
        ).all()
        for link, student_id in rows:
            grade = session.scalar(
                sa.select(LtiGrade).where(
                    LtiGrade.resource_link_id == link.id, LtiGrade.student_id == student_id
                )
            )
            if grade is None:
                grade = LtiGrade(resource_link_id=link.id, student_id=student_id, version=0)
                session.add(grade)
            grade.state = GradeState.WAITING
            grade.version = (grade.version or 0) + 1
            grade.changed_at = now
            grade.tries = 0


@sa.event.listens_for(Session, "before_flush")
def _grades_follow_scores(session: so.Session, _context, _instances) -> None:
    changed = [
        obj
        for obj in (*session.new, *session.dirty)
        if isinstance(obj, Attempt) and obj.assignment_id is not None and _score_changed(obj)
    ]
    if changed:
        _mark_waiting(session, changed, utcnow())


@sa.event.listens_for(Session, "after_flush")
def _remember_waiting(session: so.Session, _context) -> None:
    waiting = {
        obj.id
        for obj in (*session.new, *session.dirty)
        if isinstance(obj, LtiGrade) and obj.state == GradeState.WAITING
    }
    if waiting:
        session.info.setdefault(PENDING_KEY, set()).update(waiting)


@sa.event.listens_for(Session, "after_commit")
def _queue_after_commit(session: so.Session) -> None:
    waiting = session.info.pop(PENDING_KEY, None)
    if waiting:
        queue_send(sorted(waiting))


@sa.event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: so.Session) -> None:
    session.info.pop(PENDING_KEY, None)


def queue_send(grade_ids: list[int], delay: int = 0) -> None:
    """Queue the send job; a queue that cannot be reached leaves the grades waiting, to be
    sent by the next send or by `flask --app quizapp lti send-grades`."""
    try:
        jobs.enqueue("send_lti_grades", grade_ids, delay=delay)
    except Exception:  # the grade is safe in the database: the queue's failure must not spread
        logger.exception("could not queue LTI grades %s", grade_ids)


@dataclass(frozen=True)
class _Send:
    grade_id: int
    version: int
    tries: int
    client: platform_api.Client
    lineitem_url: str
    score: dict


def _score(link: LtiResourceLink, student_id: int, subject: str, now: datetime) -> dict:
    """The AGS score for the student's best counted attempt, or "not yet" when none counts."""
    attempts = db.session.scalars(
        sa.select(Attempt).where(
            Attempt.assignment_id == link.assignment_id,
            Attempt.student_id == student_id,
            Attempt.submitted_at.is_not(None),
            Attempt.reset_at.is_(None),
        )
    ).all()
    scored = [a for a in attempts if a.percent is not None]
    score = {"userId": subject, "timestamp": now.isoformat(timespec="milliseconds") + "Z"}
    if not scored:
        return {**score, "activityProgress": "Initialized", "gradingProgress": "NotReady"}
    best = max(scored, key=lambda a: (a.percent, a.submitted_at))
    return {
        **score,
        "scoreGiven": best.final_score,
        "scoreMaximum": best.max_score,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "submission": {
            "startedAt": best.started_at.isoformat(timespec="seconds") + "Z",
            "submittedAt": best.submitted_at.isoformat(timespec="seconds") + "Z",
        },
    }


def _prepare(grade_ids: list[int], key_dir: str, now: datetime) -> list[_Send]:
    rows = db.session.execute(
        sa.select(LtiGrade, LtiResourceLink, LtiPlatform, LtiUser.subject)
        .join(LtiResourceLink, LtiResourceLink.id == LtiGrade.resource_link_id)
        .join(LtiContext, LtiContext.id == LtiResourceLink.context_id)
        .join(LtiDeployment, LtiDeployment.id == LtiContext.deployment_id)
        .join(LtiPlatform, LtiPlatform.id == LtiDeployment.platform_id)
        .join(
            LtiUser,
            sa.and_(LtiUser.user_id == LtiGrade.student_id, LtiUser.platform_id == LtiPlatform.id),
        )
        .where(LtiGrade.id.in_(grade_ids), LtiGrade.state != GradeState.SENT)
    ).all()
    key = keys.signing_key(key_dir) if rows else None
    return [
        _Send(
            grade_id=grade.id,
            version=grade.version,
            tries=grade.tries,
            client=platform_api.Client(platform.client_id, platform.auth_token_url, key),
            lineitem_url=link.lineitem_url,
            score=_score(link, grade.student_id, subject, now),
        )
        for grade, link, platform, subject in rows
    ]


def send(grade_ids: list[int], key_dir: str) -> list[int]:
    """Send these grades (those not sent yet); the ids that failed and wait for another try.

    Commits itself: it runs in the job queue, and no transaction may stay open while the
    platform is called.
    """
    sends = _prepare(grade_ids, key_dir, utcnow())
    db.session.rollback()  # end the read: nothing is locked while the platform answers
    failed = []
    for item in sends:
        try:
            platform_api.post_score(item.client, item.lineitem_url, item.score)
        except platform_api.PlatformError as error:
            problem = str(error)
        else:
            problem = None
        if not _record(item, problem, utcnow()):
            failed.append(item.grade_id)
    return failed


def _record(item: _Send, problem: str | None, now: datetime) -> bool:
    """Save how a send went; False when it failed and should be tried again."""
    grade = db.session.get(LtiGrade, item.grade_id)
    if grade is None:
        return True
    if problem is None:
        grade.sent_at = now
        grade.sent_score = item.score.get("scoreGiven")
        grade.sent_maximum = item.score.get("scoreMaximum")
        if grade.version == item.version:  # else a newer score waits for its own send
            grade.state = GradeState.SENT
            grade.problem = grade.failing_since = None
            grade.tries = 0
    else:
        grade.tries = item.tries + 1
        grade.problem = problem
        grade.failing_since = grade.failing_since or now
        if grade.version == item.version:
            grade.state = GradeState.FAILED
        logger.warning("LTI grade %s not sent (try %s): %s", grade.id, grade.tries, problem)
    commit()
    return problem is None or grade.version != item.version


def tries_of(grade_ids: list[int]) -> int:
    """The most tries any of these grades has had, for the next wait."""
    return (
        db.session.scalar(sa.select(sa.func.max(LtiGrade.tries)).where(LtiGrade.id.in_(grade_ids)))
        or 0
    )


@dataclass
class GradeStatus:
    """How a class's grades stand with the LMS, for the teacher's page."""

    waiting: int
    failed: int
    sent: int
    problem: str | None
    failing_since: datetime | None
    rows: list[LtiGrade]

    @property
    def unsent(self) -> int:
        return self.waiting + self.failed


def class_status(classroom: Classroom) -> GradeStatus:
    grades = db.session.scalars(
        sa.select(LtiGrade)
        .join(LtiResourceLink, LtiResourceLink.id == LtiGrade.resource_link_id)
        .join(Assignment, Assignment.id == LtiResourceLink.assignment_id)
        .where(Assignment.classroom_id == classroom.id)
        .options(
            so.joinedload(LtiGrade.student),
            so.joinedload(LtiGrade.resource_link)
            .joinedload(LtiResourceLink.assignment)
            .joinedload(Assignment.question_set),
        )
        .order_by(LtiGrade.changed_at.desc())
    ).all()
    failed = [g for g in grades if g.state == GradeState.FAILED]
    oldest = min(
        (g for g in failed if g.failing_since), key=lambda g: g.failing_since, default=None
    )
    return GradeStatus(
        waiting=sum(g.state == GradeState.WAITING for g in grades),
        failed=len(failed),
        sent=sum(g.state == GradeState.SENT for g in grades),
        problem=oldest.problem if oldest else None,
        failing_since=oldest.failing_since if oldest else None,
        rows=grades,
    )


def unsent_ids(classroom: Classroom | None = None) -> list[int]:
    """The grades not sent yet: of one class, or of every class."""
    query = sa.select(LtiGrade.id).where(LtiGrade.state != GradeState.SENT)
    if classroom is not None:
        query = (
            query.join(LtiResourceLink, LtiResourceLink.id == LtiGrade.resource_link_id)
            .join(Assignment, Assignment.id == LtiResourceLink.assignment_id)
            .where(Assignment.classroom_id == classroom.id)
        )
    return list(db.session.scalars(query.order_by(LtiGrade.id)))


def unsent_by_class(classroom_ids: list[int]) -> dict[int, int]:
    """How many grades of each of these classes are not sent yet; classes with none left out."""
    if not classroom_ids:
        return {}
    return dict(
        db.session.execute(
            sa.select(Assignment.classroom_id, sa.func.count(LtiGrade.id))
            .join(LtiResourceLink, LtiResourceLink.id == LtiGrade.resource_link_id)
            .join(Assignment, Assignment.id == LtiResourceLink.assignment_id)
            .where(Assignment.classroom_id.in_(classroom_ids), LtiGrade.state != GradeState.SENT)
            .group_by(Assignment.classroom_id)
        ).all()
    )
