import secrets
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy import orm as so
from werkzeug.security import check_password_hash, generate_password_hash

from quizapp.database import utcnow
from quizapp.extensions import db


def hash_password(password: str) -> str:
    """The password's scrypt hash: slow on purpose (about a tenth of a second)."""
    return generate_password_hash(password)


class Role(StrEnum):
    TEACHER = "teacher"
    STUDENT = "student"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    display_name: so.Mapped[str] = so.mapped_column(sa.String(120))
    role: so.Mapped[str] = so.mapped_column(sa.String(16))
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    must_change_password: so.Mapped[bool] = so.mapped_column(default=False)
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

    def set_password(self, password: str, *, temporary: bool = False) -> None:
        self.set_password_hash(hash_password(password), temporary=temporary)

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
