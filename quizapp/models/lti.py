"""LTI 1.3: the learning platforms (LMSs) registered by the administrator, and what their
launches link to here: users, courses (our classes), resource links (our assignments), and
the grades waiting to be sent back."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy import orm as so

from quizapp.database import utcnow
from quizapp.extensions import db
from quizapp.models.attempt import Assignment
from quizapp.models.classroom import Classroom
from quizapp.models.user import User


class LtiPlatform(db.Model):
    """One registration of this tool in an LMS: its issuer and the client id it gave us."""

    __tablename__ = "lti_platforms"
    __table_args__ = (sa.UniqueConstraint("issuer", "client_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    issuer: so.Mapped[str] = so.mapped_column(sa.String(255))
    client_id: so.Mapped[str] = so.mapped_column(sa.String(255))
    auth_login_url: so.Mapped[str] = so.mapped_column(sa.String(500))
    auth_token_url: so.Mapped[str] = so.mapped_column(sa.String(500))
    keyset_url: so.Mapped[str] = so.mapped_column(sa.String(500))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    deployments: so.Mapped[list["LtiDeployment"]] = so.relationship(
        back_populates="platform", cascade="all, delete-orphan", order_by="LtiDeployment.id"
    )

    def __repr__(self) -> str:
        return f"<LtiPlatform {self.issuer} {self.client_id}>"


class LtiDeployment(db.Model):
    """A deployment of the tool on a platform (a whole LMS, or one sub-account of it)."""

    __tablename__ = "lti_deployments"
    __table_args__ = (sa.UniqueConstraint("platform_id", "deployment_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    platform_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("lti_platforms.id"))
    deployment_id: so.Mapped[str] = so.mapped_column(sa.String(255))

    platform: so.Mapped[LtiPlatform] = so.relationship(back_populates="deployments")


class LtiLogin(db.Model):
    """One OIDC log-in started from a platform: its state and nonce, used up by the launch."""

    __tablename__ = "lti_logins"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    state: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    nonce: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    platform_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("lti_platforms.id"), index=True)
    # The platform's log-in request, to start it again in a new window when cookies are blocked.
    login_query: so.Mapped[str] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    used_at: so.Mapped[datetime | None]


class LtiUser(db.Model):
    """A platform user (issuer and `sub`) and the quizapp account they launch into."""

    __tablename__ = "lti_users"
    __table_args__ = (sa.UniqueConstraint("platform_id", "subject"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    platform_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("lti_platforms.id"))
    subject: so.Mapped[str] = so.mapped_column(sa.String(255))
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    platform: so.Mapped[LtiPlatform] = so.relationship()
    user: so.Mapped[User] = so.relationship()


class LtiContext(db.Model):
    """A course of a platform's deployment, and the class it is here."""

    __tablename__ = "lti_contexts"
    __table_args__ = (sa.UniqueConstraint("deployment_id", "context_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    deployment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("lti_deployments.id"))
    context_id: so.Mapped[str] = so.mapped_column(sa.String(255))
    classroom_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("classrooms.id"), unique=True, index=True
    )
    title: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    # The Names and Role Provisioning Services address, from the latest launch that had it.
    memberships_url: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    roster_synced_at: so.Mapped[datetime | None]
    roster_problem: so.Mapped[str | None] = so.mapped_column(sa.Text)

    deployment: so.Mapped[LtiDeployment] = so.relationship()
    classroom: so.Mapped[Classroom] = so.relationship()


class LtiResourceLink(db.Model):
    """A link placed in a course, the assignment it opens, and its gradebook column."""

    __tablename__ = "lti_resource_links"
    __table_args__ = (sa.UniqueConstraint("context_id", "resource_link_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    context_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("lti_contexts.id"))
    # The platform's id for the link, from the first launch of it.
    resource_link_id: so.Mapped[str] = so.mapped_column(sa.String(255))
    assignment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("assignments.id"), index=True)
    # Its gradebook column (AGS line item); without one no score is sent.
    lineitem_url: so.Mapped[str | None] = so.mapped_column(sa.String(500))

    context: so.Mapped[LtiContext] = so.relationship()
    assignment: so.Mapped[Assignment] = so.relationship()


class GradeState(StrEnum):
    WAITING = "waiting"  # to be sent: new, changed, or sent before and changed since
    SENT = "sent"
    FAILED = "failed"  # the last try failed; it is tried again later


class LtiGrade(db.Model):
    """A student's score on a linked assignment, as the platform's gradebook should have it."""

    __tablename__ = "lti_grades"
    __table_args__ = (sa.UniqueConstraint("resource_link_id", "student_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    resource_link_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("lti_resource_links.id"))
    student_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    state: so.Mapped[str] = so.mapped_column(sa.String(16), default=GradeState.WAITING)
    # Counts changes, so that a send finishing after a newer change leaves the row waiting.
    version: so.Mapped[int] = so.mapped_column(default=1)
    changed_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    tries: so.Mapped[int] = so.mapped_column(default=0)
    problem: so.Mapped[str | None] = so.mapped_column(sa.Text)
    failing_since: so.Mapped[datetime | None]
    sent_at: so.Mapped[datetime | None]
    sent_score: so.Mapped[float | None]
    sent_maximum: so.Mapped[float | None]

    resource_link: so.Mapped[LtiResourceLink] = so.relationship()
    student: so.Mapped[User] = so.relationship()
