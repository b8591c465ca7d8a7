"""Teacher invitations, and the log of the administrator's and teachers' changes to accounts."""

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import orm as so

from quizapp.database import utcnow
from quizapp.extensions import db
from quizapp.models.api_token import hash_token
from quizapp.models.user import User


class Invitation(db.Model):
    """A single-use link to make a teacher account; only its hash is stored."""

    __tablename__ = "invitations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    # Who it is for, in the administrator's words, e.g. "Ms Rivera, history".
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    expires_at: so.Mapped[datetime]
    used_at: so.Mapped[datetime | None]
    used_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    revoked_at: so.Mapped[datetime | None]

    created_by: so.Mapped[User] = so.relationship(foreign_keys=[created_by_id])
    used_by: so.Mapped[User | None] = so.relationship(foreign_keys=[used_by_id])

    @classmethod
    def issue(
        cls, admin: User, name: str, valid_for: timedelta, now: datetime
    ) -> tuple["Invitation", str]:
        """A new invitation, and its secret, which is shown once and never stored."""
        secret = secrets.token_urlsafe(32)
        invitation = cls(
            token_hash=hash_token(secret),
            name=name,
            created_by_id=admin.id,
            created_at=now,
            expires_at=now + valid_for,
        )
        return invitation, secret

    def problem(self, now: datetime) -> str | None:
        """Why the invitation no longer works, in words; None while it does."""
        if self.used_at is not None:
            return "was already used to make an account"
        if self.revoked_at is not None:
            return "was withdrawn by your school's administrator"
        if self.expires_at <= now:
            return "has expired"
        return None

    @classmethod
    def open_at(cls, now: datetime) -> sa.ColumnElement[bool]:
        """The invitations that still work at now, as a condition for queries."""
        return sa.and_(cls.used_at.is_(None), cls.revoked_at.is_(None), cls.expires_at > now)


class AccountEvent(db.Model):
    """A change to someone's account: who made it, when, and what, in words."""

    __tablename__ = "account_events"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    actor_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    # None once the account is gone (a refused sign-up); the detail still names it.
    user_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: so.Mapped[str] = so.mapped_column(sa.String(32))
    detail: so.Mapped[str] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)

    actor: so.Mapped[User] = so.relationship(foreign_keys=[actor_id])
    user: so.Mapped[User | None] = so.relationship(foreign_keys=[user_id])
