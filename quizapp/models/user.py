import secrets
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy import orm as so
from werkzeug.security import check_password_hash, generate_password_hash

from quizapp.database import utcnow
from quizapp.extensions import db

# One-time passwords are random (12 characters of 31, about 59 bits), so a scrypt 32 times
# cheaper than the default still leaves them far out of guessing's reach, and a 200-name roster
# takes seconds instead of half a minute. A password a person chose keeps the default cost.
ONE_TIME_METHOD = "scrypt:1024:8:1"


def hash_password(password: str, *, one_time: bool = False) -> str:
    """The password's scrypt hash: slow on purpose (a tenth of a second) unless one_time."""
    return generate_password_hash(password, method=ONE_TIME_METHOD if one_time else "scrypt")


class Role(StrEnum):
    TEACHER = "teacher"
    STUDENT = "student"
    # The school's administrator: manages teachers and resets passwords, and teaches no class.
    ADMIN = "admin"


class AccountStatus(StrEnum):
    ACTIVE = "active"
    PENDING = "pending"  # a teacher who signed up, waiting for the administrator's approval
    DISABLED = "disabled"  # cannot log in; their classes and results are kept


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    display_name: so.Mapped[str] = so.mapped_column(sa.String(120))
    role: so.Mapped[str] = so.mapped_column(sa.String(16))
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    must_change_password: so.Mapped[bool] = so.mapped_column(default=False)
    status: so.Mapped[str] = so.mapped_column(
        sa.String(16), default=AccountStatus.ACTIVE, server_default=AccountStatus.ACTIVE
    )
    # The teacher who made this account for their class (a roster account), if any.
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    # Part of the login cookie: changing it (log-out, password change) ends every old session.
    session_token: so.Mapped[str] = so.mapped_column(
        sa.String(32), default=lambda: secrets.token_hex(16)
    )
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<User {self.username} ({self.role})>"

    @property
    def is_teacher(self) -> bool:
        return self.role == Role.TEACHER

    @property
    def is_student(self) -> bool:
        return self.role == Role.STUDENT

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_active(self) -> bool:
        """Flask-Login logs in only active users: a disabled account cannot log in."""
        return self.status != AccountStatus.DISABLED

    @property
    def is_waiting(self) -> bool:
        """A teacher whose sign-up the administrator has not approved yet."""
        return self.status == AccountStatus.PENDING

    def set_password(self, password: str, *, temporary: bool = False) -> None:
        """Set a password; a temporary one is a generated one-time password."""
        self.set_password_hash(hash_password(password, one_time=temporary), temporary=temporary)

    def set_password_hash(self, password_hash: str, *, temporary: bool = False) -> None:
        """Set a password hashed beforehand with hash_password (outside any transaction)."""
        self.password_hash = password_hash
        self.must_change_password = temporary
        self.rotate_session()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def rotate_session(self) -> None:
        self.session_token = secrets.token_hex(16)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"
