"""Roster sync (Names and Role Provisioning Services): the course's learners become the
class's students. It runs in the job queue, since the platform is called."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.lti import keys, messages, platform_api
from quizapp.models import Enrollment, Role, User, utcnow
from quizapp.models.lti import LtiContext, LtiDeployment, LtiPlatform, LtiUser
from quizapp.services.accounts import create_user
from quizapp.services.classrooms import JoinRefused, enrol, free_username
from quizapp.services.lti import NO_PASSWORD
from quizapp.transactions import commit

GONE = {"Inactive", "Deleted"}


@dataclass
class SyncResult:
    added: int = 0
    kept: int = 0
    removed: int = 0
    left_out: int = 0  # removed from the class in quizapp: they stay out until added back there


def sync(context_id: int, key_dir: str) -> SyncResult | None:
    """Bring the class's roster in line with the course's learners; None when the platform
    could not be asked (the problem is kept on the course for the teacher). Commits itself:
    no transaction stays open while the platform answers."""
    row = db.session.execute(
        sa.select(LtiContext.memberships_url, LtiPlatform)
        .select_from(LtiContext)
        .join(LtiDeployment, LtiDeployment.id == LtiContext.deployment_id)
        .join(LtiPlatform, LtiPlatform.id == LtiDeployment.platform_id)
        .where(LtiContext.id == context_id)
    ).first()
    if row is None or row[0] is None:
        return None
    url, platform = row
    platform_id = platform.id
    client = platform_api.Client(
        platform.client_id, platform.auth_token_url, keys.signing_key(key_dir)
    )
    db.session.rollback()  # end the read: nothing is locked while the platform answers
    try:
        members = platform_api.members(client, url)
    except platform_api.PlatformError as error:
        context = db.session.get(LtiContext, context_id)
        context.roster_problem = f"Roster sync failed: {error}."
        commit()
        return None
    context = db.session.get(LtiContext, context_id)
    result = _apply(context, platform_id, members)
    context.roster_synced_at = utcnow()
    context.roster_problem = None
    commit()
    return result


def _apply(context: LtiContext, platform_id: int, members: list[dict]) -> SyncResult:
    result = SyncResult()
    linked = {
        link.subject: link.user
        for link in db.session.scalars(sa.select(LtiUser).where(LtiUser.platform_id == platform_id))
    }
    current = set(
        db.session.scalars(
            sa.select(Enrollment.student_id).where(
                Enrollment.classroom_id == context.classroom_id, Enrollment.removed_at.is_(None)
            )
        )
    )
    for member in members:
        subject = member.get("user_id")
        roles = member.get("roles") or []
        if not isinstance(subject, str) or not subject or not messages.is_learner(roles):
            continue
        if messages.is_instructor(roles):
            continue
        user = linked.get(subject)
        if member.get("status") in GONE:
            if user is not None and user.id in current:
                _remove(context.classroom_id, user.id)
                result.removed += 1
            continue
        if user is None:
            user = _new_student(platform_id, subject, messages.display_name(member))
            linked[subject] = user
        if user.role != Role.STUDENT:
            continue
        if user.id in current:
            result.kept += 1
            continue
        try:
            enrol(user, context.classroom)
        except JoinRefused:
            result.left_out += 1
            continue
        current.add(user.id)
        result.added += 1
    return result


def _new_student(platform_id: int, subject: str, name: str) -> User:
    user = create_user(free_username(name), name, Role.STUDENT, password_hash=NO_PASSWORD)
    db.session.add(LtiUser(platform_id=platform_id, subject=subject, user_id=user.id))
    return user


def _remove(classroom_id: int, student_id: int) -> None:
    db.session.execute(
        sa.update(Enrollment)
        .where(Enrollment.classroom_id == classroom_id, Enrollment.student_id == student_id)
        .values(removed_at=utcnow())
    )
