"""What a new password must be, and checking one at log-in in the same time for any username.

New passwords follow NIST SP 800-63B: 8 to 128 characters, and not one that is guessed first,
that is one on a list of common passwords (data/common_passwords, from Django) or the username or
the app's name, give or take capitals, punctuation and digits at the end.
"""

from __future__ import annotations

import functools
import gzip
import re
import secrets
from pathlib import Path

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from quizapp.extensions import db
from quizapp.models import User
from quizapp.models.user import ONE_TIME_METHOD

MIN_LENGTH, MAX_LENGTH = 8, 128
COMMON_PASSWORDS = Path(__file__).resolve().parent.parent / "data" / "common_passwords"
APP_NAME = "quizapp"
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
LENGTH_MESSAGE = f"Use {MIN_LENGTH} to {MAX_LENGTH} characters."
COMMON_MESSAGE = (
    "That password is one of the most common ones, which are the first to be guessed. Choose "
    "another: a short sentence of your own is easy to remember."
)
PERSONAL_MESSAGE = (
    "A password must not be your username or the name of this app: those are the first to be "
    "guessed. Choose another."
)


@functools.cache
def _common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS / "common-passwords.txt.gz", "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines)


def _core(text: str) -> str:
    """Letters and digits in lower case, without the digits at the end: "Sam.Lee1" → "samlee"."""
    return re.sub(r"[0-9]+$", "", re.sub(r"[\W_]", "", text.casefold()))


def password_problem(password: str, *, username: str = "") -> str | None:
    """Why this new password may not be used, in words for whoever chose it; None if it may."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        return LENGTH_MESSAGE
    if password.strip().lower() in _common_passwords():
        return COMMON_MESSAGE
    core = _core(password)
    if core in {_core(username), APP_NAME} - {""}:
        return PERSONAL_MESSAGE
    return None


@functools.cache
def _stand_in_hash() -> str:
    """A hash made as users' are, of a password nobody has, to check unknown usernames with."""
    return generate_password_hash(secrets.token_hex(16))


def authenticate(username: str, password: str) -> User | None:
    """The user with this username and password, or None, after the same hashing work either way."""
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None or user.password_hash.startswith(ONE_TIME_METHOD):
        # Without this an unknown username (or an unused one-time password's cheaper hash) is
        # answered sooner, which tells it from an account whose owner chose a password.
        check_password_hash(_stand_in_hash(), password)
    return user if user is not None and user.check_password(password) else None


def one_time_password() -> str:
    """A password to hand out on a slip, to be changed at the first log-in: easy to type."""
    return "-".join("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3))
