"""Bearer tokens: the teacher behind a request, found by the token's hash."""

from datetime import timedelta

import sqlalchemy as sa
from flask import g, jsonify, request

from quizapp.extensions import db
from quizapp.models import AccountStatus, ApiToken, Role, User, utcnow
from quizapp.models.api_token import hash_token

# Recording every use would write on every read; once a minute says enough.
LAST_USED_GRANULARITY = timedelta(minutes=1)


def error(status: int, message: str):
    response = jsonify(error=message)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="quizapp"'
    return response


def authenticate():
    """Before each API request: set g.api_user from the Authorization header, or answer 401."""
    if request.endpoint in ("api.openapi", None):
        return None
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return error(401, "send an API token as 'Authorization: Bearer <token>'")
    row = db.session.execute(
        sa.select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(
            ApiToken.token_hash == hash_token(secret.strip()),
            ApiToken.revoked_at.is_(None),
            User.role == Role.TEACHER,
            User.status == AccountStatus.ACTIVE,  # a disabled teacher's tokens stop working
        )
    ).first()
    if row is None:
        return error(401, "the API token is not valid or was revoked")
    token, user = row
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
        token.last_used_at = now
    g.api_user = user
    return None
