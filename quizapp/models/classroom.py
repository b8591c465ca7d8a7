from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

from quizapp.database import utcnow
from quizapp.extensions import db
from quizapp.models.user import User


class Classroom(db.Model):
    __tablename__ = "classrooms"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    teacher_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    join_code: so.Mapped[str] = so.mapped_column(sa.String(16), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    teacher: so.Mapped[User] = so.relationship()
    enrollments: so.Mapped[list["Enrollment"]] = so.relationship(
        back_populates="classroom", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Classroom {self.name}>"


class Enrollment(db.Model):
    """A student's membership of a class; kept, with removed_at set, when they leave."""

    __tablename__ = "enrollments"
    __table_args__ = (sa.UniqueConstraint("classroom_id", "student_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    classroom_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("classrooms.id"))
    student_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    joined_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    removed_at: so.Mapped[datetime | None]
    # The student's own time on every timed quiz of the class (1.5: half as long again), unless
    # an assignment's accommodation gives them a time limit of its own.
    time_multiplier: so.Mapped[float] = so.mapped_column(default=1.0, server_default="1")

    classroom: so.Mapped[Classroom] = so.relationship(back_populates="enrollments")
    student: so.Mapped[User] = so.relationship()
