"""The migration to administrators and teacher statuses, on a database that has people in it."""

from contextlib import contextmanager

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from werkzeug.security import generate_password_hash

from quizapp import create_app
from quizapp.extensions import db
from quizapp.models import AccountStatus, User, utcnow
from tests.conftest import PASSWORD, Browser
from tests.test_concurrency import empty_database

BEFORE = "5674083f9f70"  # the last revision without administrators


@contextmanager
def old_database(tmp_path):
    """An app on a new database of this run's kind (SQLite or PostgreSQL)."""
    with empty_database() as url:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "migration-test",
                "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{tmp_path / 'old.sqlite3'}",
                "QUEUE_URL": str(tmp_path / "jobs.sqlite3"),
            }
        )
        try:
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def add_people(connection) -> None:
    """A teacher with a class and a student in it, as the schema before had them."""
    now = utcnow()
    users = sa.table(
        "users",
        *(sa.column(c) for c in ("id", "username", "display_name", "role", "password_hash")),
        *(sa.column(c) for c in ("must_change_password", "session_token", "created_at")),
    )
    password = generate_password_hash(PASSWORD)
    person = {"password_hash": password, "must_change_password": False, "created_at": now}
    connection.execute(
        users.insert(),
        [
            {"id": 1, "username": "rivera", "display_name": "Ms Rivera", "role": "teacher"}
            | person
            | {"session_token": "a" * 32},
            {"id": 2, "username": "sam", "display_name": "Sam", "role": "student"}
            | person
            | {"session_token": "b" * 32},
        ],
    )
    classrooms = sa.table(
        "classrooms", *map(sa.column, ("id", "teacher_id", "name", "join_code", "created_at"))
    )
    connection.execute(
        classrooms.insert().values(
            id=1, teacher_id=1, name="History 9", join_code="KXQRTA", created_at=now
        )
    )
    enrollments = sa.table(
        "enrollments", *map(sa.column, ("classroom_id", "student_id", "joined_at"))
    )
    connection.execute(enrollments.insert().values(classroom_id=1, student_id=2, joined_at=now))


def test_existing_teachers_become_active_teachers_and_students_keep_working(tmp_path):
    with old_database(tmp_path) as app:
        with app.app_context():
            upgrade(revision=BEFORE)
            with db.engine.begin() as connection:
                add_people(connection)
            upgrade()
            statuses = dict(db.session.execute(sa.select(User.username, User.status)).all())
            assert statuses == {"rivera": AccountStatus.ACTIVE, "sam": AccountStatus.ACTIVE}
            assert db.session.scalar(sa.select(User.created_by_id).where(User.id == 2)) is None
            db.session.remove()

        teacher = Browser(app.test_client())
        html = teacher.login("rivera").get_data(as_text=True)
        assert "My classes" in html and "History 9" in html
        html = teacher.page("/teach/classes/1/people")
        assert "/teach/classes/1/students/2/reset-password" in html  # only in her class
        student = Browser(app.test_client())
        assert "My quizzes" in student.login("sam").get_data(as_text=True)

        with app.app_context():  # and back, for a server that has to return to the release before
            downgrade(revision=BEFORE)
            columns = {c["name"] for c in sa.inspect(db.engine).get_columns("users")}
            assert "status" not in columns and "created_by_id" not in columns
            db.session.remove()
