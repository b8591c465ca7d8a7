"""Configuration: defaults, then environment variables, then instance/config.py."""

import os
import secrets
from enum import StrEnum
from pathlib import Path
from typing import ClassVar

import click


class ConfigError(click.ClickException):
    """A setting the app cannot run with; commands show it as one line, not a traceback."""


class TeacherSignup(StrEnum):
    """Who may make a teacher account at /signup (teachers see every answer key)."""

    INVITE = "invite"  # only with an invitation link from the school's administrator
    APPROVAL = "approval"  # anyone, but the account waits until the administrator approves it
    OPEN = "open"  # anyone, at once: only where every visitor is a teacher
    OFF = "off"  # nobody: teachers are made with `flask --app quizapp users create-teacher`


# The values before sign-up modes: a false one meant "off".
TEACHER_SIGNUP_OFF_ALIASES = {"0", "false", "no"}


class Config:
    SQLALCHEMY_DATABASE_URI: str | None = None  # DATABASE_URL, else SQLite in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"pool_pre_ping": True}
    # Students must be able to sign up without a teacher's help; teachers only where allowed:
    # "invite" (the default), "approval", "open" or "off", as TeacherSignup above describes.
    TEACHER_SIGNUP: str = TeacherSignup.INVITE
    # When set, sign-up without an invitation ("approval" or "open") also asks for this code.
    TEACHER_SIGNUP_CODE: str | None = None
    # Longer than the longest time limit a quiz can have (600 minutes), so a page opened at the
    # start of a quiz can still submit it at the end.
    WTF_CSRF_TIME_LIMIT = 12 * 60 * 60
    MAX_CONTENT_LENGTH = 4 * 1024 * 1024  # a request body; question files are at most 2 MB
    # Fields in one form, url-encoded or multipart; a request with more is refused (413) before
    # it is read. The largest form is a draft's correction table, which posts every quote or
    # figure: about 9,600 fields for 30 articles of 100,000 characters (bench/draft_review.py).
    MAX_FORM_PARTS = 20_000
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Log-in limits count in memory (one process) unless this names shared storage, e.g. Redis.
    RATELIMIT_STORAGE_URI = "memory://"
    # How many reverse proxies stand in front of the app and set X-Forwarded-For/-Proto, so
    # that the client's address (for log-in limits) and https are seen; 0 when served directly.
    PROXY_COUNT = 0
    # Failed log-ins from one network address on devices new to the account (see login_limits),
    # wrong class codes and sign-ups from one address (see join_limits): far above what a
    # school makes. A district whose schools reach the app through one address may need more.
    LOGIN_LIMIT_PER_ADDRESS = "100 per minute; 1000 per hour"
    JOIN_CODE_LIMIT_PER_ADDRESS = "40 per minute; 100 per hour; 300 per day"
    SIGNUP_LIMIT_PER_ADDRESS = "100 per minute; 500 per hour"
    # The school's time zone: times are stored in UTC and shown and entered in this zone.
    TIMEZONE = "UTC"
    QUESTIONS_DIR = str(Path(__file__).resolve().parent.parent / "questions")
    # Where background jobs wait: a SQLite file path (default: instance/jobs.sqlite3) or a
    # redis:// address shared by several servers and their workers.
    QUEUE_URL: str | None = None
    # Run jobs at once in the request that queues them, with no worker (tests only).
    QUEUE_IMMEDIATE = False
    # With SQLite, how long a request waits for the write lock before it answers "busy, try
    # again" (503); every write transaction is short, so the wait is normally milliseconds.
    SQLITE_LOCK_WAIT_S = 15.0
    # The LTI signing keys' folder (default: instance/lti_keys), shared by server and worker.
    LTI_KEY_DIR: str | None = None


PER_ADDRESS_LIMITS = (
    "LOGIN_LIMIT_PER_ADDRESS",
    "JOIN_CODE_LIMIT_PER_ADDRESS",
    "SIGNUP_LIMIT_PER_ADDRESS",
)


def _env_bool(name: str) -> bool | None:
    value = os.environ.get(name)
    if value is None:
        return None
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_number(name: str, kind: type[int] | type[float]) -> int | float | None:
    value = os.environ.get(name)
    if value is None:
        return None
    try:
        number = kind(value)
    except ValueError:
        number = -1
    if number < 0:
        raise ConfigError(f"{name} is {value!r}: give a number of 0 or more.")
    return number


def from_environment() -> dict:
    """Settings given by environment variables, only those that are set."""
    settings: dict = {}
    if url := os.environ.get("DATABASE_URL"):
        settings["SQLALCHEMY_DATABASE_URI"] = url
    if key := os.environ.get("SECRET_KEY"):
        settings["SECRET_KEY"] = key
    if signup := os.environ.get("TEACHER_SIGNUP"):
        settings["TEACHER_SIGNUP"] = signup
    if code := os.environ.get("TEACHER_SIGNUP_CODE"):
        settings["TEACHER_SIGNUP_CODE"] = code
    if (secure := _env_bool("SESSION_COOKIE_SECURE")) is not None:
        settings["SESSION_COOKIE_SECURE"] = secure
        settings["REMEMBER_COOKIE_SECURE"] = secure
    if zone := os.environ.get("TIMEZONE"):
        settings["TIMEZONE"] = zone
    if questions_dir := os.environ.get("QUESTIONS_DIR"):
        settings["QUESTIONS_DIR"] = questions_dir
    if limits_storage := os.environ.get("RATELIMIT_STORAGE_URI"):
        settings["RATELIMIT_STORAGE_URI"] = limits_storage
    for name in PER_ADDRESS_LIMITS:
        if per_address := os.environ.get(name):
            settings[name] = per_address
    if queue := os.environ.get("QUEUE_URL"):
        settings["QUEUE_URL"] = queue
    if key_dir := os.environ.get("LTI_KEY_DIR"):
        settings["LTI_KEY_DIR"] = key_dir
    if (proxies := _env_number("PROXY_COUNT", int)) is not None:
        settings["PROXY_COUNT"] = proxies
    if (lock_wait := _env_number("SQLITE_LOCK_WAIT_S", float)) is not None:
        settings["SQLITE_LOCK_WAIT_S"] = lock_wait
    return settings


def teacher_signup(value: object) -> TeacherSignup:
    """The sign-up mode a setting names; an unknown one stops the app with a one-line message."""
    if value is False:
        return TeacherSignup.OFF
    text = str(value).strip().lower()
    if text in TEACHER_SIGNUP_OFF_ALIASES:
        return TeacherSignup.OFF
    try:
        return TeacherSignup(text)
    except ValueError:
        valid = ", ".join(mode.value for mode in TeacherSignup)
        raise ConfigError(f"TEACHER_SIGNUP is {value!r}: use one of {valid}.") from None


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs given without a driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def instance_secret_key(instance_path: str) -> str:
    """Read the secret key kept in the instance folder, creating it on first run."""
    path = Path(instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made earlier, or by a worker starting at the same moment
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text().strip()
