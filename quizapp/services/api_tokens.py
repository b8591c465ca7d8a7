"""A teacher's API tokens: issued (the secret exists only in the answer), listed, revoked."""

from datetime import datetime

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import ApiToken, User


def issue(teacher: User, name: str) -> tuple[ApiToken, str]:
    """A new token and its secret, to be shown once: only its hash is stored."""
    token, secret = ApiToken.issue(teacher, name.strip())
    db.session.add(token)
    db.session.flush()
    return token, secret


def tokens_of(teacher: User) -> list[ApiToken]:
    """The teacher's tokens, working ones first, newest first."""
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.user_id == teacher.id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())
        )
    )


def revoke(token: ApiToken, now: datetime) -> bool:
    """Stop the token working; False if it already had."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = now
    return True
