import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

from quizapp.database import utcnow
from quizapp.extensions import db
from quizapp.models.user import User

TOKEN_PREFIX = "qz_"


def hash_token(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough: no dictionary can guess them.
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(db.Model):
    """A teacher's key to the read-only API; only its hash is stored."""

    __tablename__ = "api_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(80))
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    # The first characters, shown so the teacher can tell tokens apart.
    hint: so.Mapped[str] = so.mapped_column(sa.String(16))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    last_used_at: so.Mapped[datetime | None]
    revoked_at: so.Mapped[datetime | None]

    user: so.Mapped[User] = so.relationship()

    @classmethod
    def issue(cls, user: User, name: str) -> tuple["ApiToken", str]:
        """A new token for user, and its secret, which is shown once and never stored."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls(user_id=user.id, name=name, token_hash=hash_token(secret), hint=secret[:8])
        return token, secret

    @property
    def active(self) -> bool:
        return self.revoked_at is None
