"""The teacher's home: what needs their attention across their classes, in a few queries.

Quizzes due in the coming week and who has not started them; questions the item analysis flags
on recent quizzes; drafts the builder has finished, waiting for review; and grades not yet sent
to a course's LMS.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import orm as so

from quizapp.extensions import db
from quizapp.models import Assignment, Attempt, Classroom, Draft, Enrollment, User
from quizapp.models.draft import DraftStatus
from quizapp.services import item_analysis, lti_grades, reports

DUE_SOON = timedelta(days=7)
# Flags on recent quizzes only: those due, or opened, in the last two weeks.
RECENT = timedelta(days=14)
# Fewer answers than this say nothing about a question yet.
MIN_RESPONSES = 3


@dataclass
class DueSoon:
    assignment: Assignment
    classroom: Classroom
    students: int
    submitted: int
    not_started: list[User] = field(default_factory=list)


@dataclass
class FlaggedQuestion:
    assignment: Assignment
    number: int
    key: str
    prompt: str
    flags: list[str]
    responses: int


@dataclass
class Attention:
    due_soon: list[DueSoon]
    flagged: list[FlaggedQuestion]
    drafts: list[Draft]
    unsent_grades: dict[int, int]  # class id → grades not sent to the LMS

    @property
    def empty(self) -> bool:
        return not (self.due_soon or self.flagged or self.drafts or self.unsent_grades)


def for_teacher(teacher: User, classes: Sequence[Classroom], now: datetime) -> Attention:
    """What needs the teacher's attention in these classes (theirs) at this moment."""
    ids = [c.id for c in classes]
    by_id = {c.id: c for c in classes}
    assignments = (
        db.session.scalars(
            sa.select(Assignment)
            .where(
                Assignment.classroom_id.in_(ids),
                Assignment.opens_at <= now + DUE_SOON,
                sa.or_(Assignment.due_at.is_(None), Assignment.due_at >= now - RECENT),
            )
            .options(so.selectinload(Assignment.question_set))
            .order_by(Assignment.due_at, Assignment.id)
        ).all()
        if ids
        else []
    )
    due = [a for a in assignments if a.due_at is not None and now <= a.due_at <= now + DUE_SOON]
    return Attention(
        due_soon=_due_soon(due, by_id),
        flagged=_flagged([a for a in assignments if a.opens_at <= now]),
        drafts=list(
            db.session.scalars(
                sa.select(Draft)
                .where(
                    Draft.owner_id == teacher.id,
                    Draft.status == DraftStatus.READY,
                    Draft.set_id.is_(None),
                )
                .order_by(Draft.updated_at.desc())
            )
        ),
        unsent_grades=lti_grades.unsent_by_class(ids),
    )


def _due_soon(assignments: list[Assignment], classes: dict[int, Classroom]) -> list[DueSoon]:
    if not assignments:
        return []
    class_ids = {a.classroom_id for a in assignments}
    members: dict[int, list[User]] = defaultdict(list)
    for classroom_id, student in db.session.execute(
        sa.select(Enrollment.classroom_id, User)
        .join(User, User.id == Enrollment.student_id)
        .where(Enrollment.classroom_id.in_(class_ids), Enrollment.removed_at.is_(None))
        .order_by(User.display_name)
    ):
        members[classroom_id].append(student)
    started, submitted = set(), set()
    for assignment_id, student_id, submitted_at in db.session.execute(
        sa.select(Attempt.assignment_id, Attempt.student_id, Attempt.submitted_at).where(
            Attempt.assignment_id.in_([a.id for a in assignments]), Attempt.reset_at.is_(None)
        )
    ):
        started.add((assignment_id, student_id))
        if submitted_at is not None:
            submitted.add((assignment_id, student_id))
    rows = []
    for a in assignments:
        roster = members[a.classroom_id]
        rows.append(
            DueSoon(
                assignment=a,
                classroom=classes[a.classroom_id],
                students=len(roster),
                submitted=sum((a.id, s.id) in submitted for s in roster),
                not_started=[s for s in roster if (a.id, s.id) not in started],
            )
        )
    return rows


def _flagged(assignments: list[Assignment]) -> list[FlaggedQuestion]:
    """The item analysis's flags on these assignments, each question's own answers apart."""
    if not assignments:
        return []
    responses = reports.last_attempt_responses([a.id for a in assignments])
    rows: dict[int, list[reports.Response]] = defaultdict(list)
    for row in responses.rows:
        rows[row.assignment_id].append(row)
    found = []
    for assignment in assignments:
        if not rows[assignment.id]:
            continue
        own = reports.Responses(rows[assignment.id], responses.versions)
        for item in item_analysis.question_stats(own):
            if item.flags and item.responses >= MIN_RESPONSES:
                found.append(
                    FlaggedQuestion(
                        assignment=assignment,
                        number=item.number,
                        key=item.key,
                        prompt=str(item.content.get("prompt", "")),
                        flags=item.flags,
                        responses=item.responses,
                    )
                )
    return found
