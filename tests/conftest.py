"""Shared fixtures: one migrated database per test run, emptied of user data after each test.

DATABASE_URL chooses the database (PostgreSQL in CI); without it, a SQLite file in a temp dir.
"""

import os
import re
import secrets
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from flask_migrate import upgrade

from quizapp import create_app
from quizapp.extensions import db, limiter
from quizapp.models import (
    Accommodation,
    AccountEvent,
    ApiToken,
    Article,
    Assignment,
    Attempt,
    AttemptItem,
    AuditEvent,
    Classroom,
    Draft,
    Enrollment,
    Invitation,
    LtiContext,
    LtiDeployment,
    LtiGrade,
    LtiLogin,
    LtiPlatform,
    LtiResourceLink,
    LtiUser,
    Question,
    QuestionSet,
    QuestionVersion,
    Role,
    User,
    utcnow,
)
from quizapp.services.classrooms import create_classroom, enrol
from quizapp.services.question_bank import load_bank

PASSWORD = "correct horse battery"
REDIS = "redis://127.0.0.1:6379/0"
BANK = Path(__file__).resolve().parent.parent / "questions"
USER_TABLES = (
    LtiGrade,
    LtiResourceLink,
    LtiContext,
    LtiUser,
    LtiLogin,
    LtiDeployment,
    LtiPlatform,
    AuditEvent,
    Accommodation,
    AttemptItem,
    Attempt,
    Assignment,
    ApiToken,
    AccountEvent,
    Invitation,
    Enrollment,
    Classroom,
    User,
)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'test.sqlite3'}"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": url,
            "QUESTIONS_DIR": str(BANK),
            "SERVER_NAME": None,
            "QUEUE_IMMEDIATE": True,
            "QUEUE_URL": str(instance / "jobs.sqlite3"),
            "LTI_KEY_DIR": str(instance / "lti_keys"),
        }
    )
    with app.app_context():
        upgrade()
        report = load_bank(BANK)
        db.session.commit()
        assert report.problems == []
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _push_request_context():
    """Replaces pytest-flask's: each request gets its own app context and database session,
    as in a real server, instead of sharing one held open for the whole test."""
    yield


@pytest.fixture
def client(app):
    """Replaces pytest-flask's, which keeps the last request's context pushed."""
    return app.test_client()


@pytest.fixture(autouse=True)
def _clean_database(app):
    yield
    with app.app_context():
        db.session.rollback()
        for model in USER_TABLES:
            if model is User:
                _delete_teachers_own()
            db.session.execute(sa.delete(model))
        db.session.commit()
        db.session.remove()
    limiter.reset()  # log-in limits count per app, and the app lives for the whole session


def _delete_teachers_own() -> None:
    """Teachers' articles, drafts and sets belong to them, so they go with the users."""
    db.session.execute(sa.delete(Article).where(Article.owner_id.is_not(None)))
    db.session.execute(sa.delete(Draft))
    owned = sa.select(QuestionSet.id).where(QuestionSet.owner_id.is_not(None))
    questions = sa.select(Question.id).where(Question.set_id.in_(owned))
    db.session.execute(
        sa.update(Question).where(Question.id.in_(questions)).values(current_version_id=None)
    )
    db.session.execute(sa.delete(QuestionVersion).where(QuestionVersion.question_id.in_(questions)))
    db.session.execute(sa.delete(Question).where(Question.set_id.in_(owned)))
    db.session.execute(sa.delete(QuestionSet).where(QuestionSet.owner_id.is_not(None)))


@pytest.fixture
def ctx(app):
    """An application context for tests that use services and models directly."""
    with app.app_context():
        yield
        db.session.remove()


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


class Browser:
    """A test client that fills in forms the way a browser does, CSRF token included."""

    def __init__(self, client):
        self.client = client
        self.last_html = ""

    def get(self, url: str, **kwargs):
        response = self.client.get(url, **kwargs)
        if response.status_code == 200 and response.mimetype == "text/html":
            self.last_html = response.get_data(as_text=True)
        return response

    def page(self, url: str) -> str:
        response = self.get(url, follow_redirects=True)
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)

    def post(
        self,
        url: str,
        data: dict | None = None,
        *,
        form_page: str | None = None,
        follow: bool = True,
        **kwargs,
    ):
        """Post like the form on form_page (default: the last page seen) would."""
        html = self.client.get(form_page).get_data(as_text=True) if form_page else self.last_html
        payload = {"csrf_token": csrf_from(html), **(data or {})}
        response = self.client.post(url, data=payload, follow_redirects=follow, **kwargs)
        if response.status_code == 200 and response.mimetype == "text/html":
            self.last_html = response.get_data(as_text=True)
        return response

    def login(self, username: str, password: str = PASSWORD):
        self.get("/login")
        return self.post("/login", {"username": username, "password": password})

    def logout(self):
        self.page("/")  # any page of a logged-in user has the log-out form
        return self.post("/logout")


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def new_browser(app):
    """More browsers, e.g. a second student or a second tab with its own cookies.

    All of them connect from one network address, as a school behind one router does, unless
    given another one.
    """

    def make(address: str = "127.0.0.1") -> Browser:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return Browser(client)

    return make


@pytest.fixture(params=["memory", "redis"])
def limits_storage(request, app):
    """Rate limits counted in memory (one server process), then in Redis (shared by several)."""
    if request.param == "memory":
        yield request.param
        return
    try:
        redis.Redis.from_url(REDIS, socket_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis server at 127.0.0.1:6379")
    # Keys of their own, so that clearing them leaves anyone else's counts in that Redis alone.
    options = {"key_prefix": f"quizapp-test-{secrets.token_hex(6)}"}
    app.config.update(RATELIMIT_STORAGE_URI=REDIS, RATELIMIT_STORAGE_OPTIONS=options)
    limiter.init_app(app)
    yield request.param
    limiter.reset()
    app.config.update(RATELIMIT_STORAGE_URI="memory://", RATELIMIT_STORAGE_OPTIONS={})
    limiter.init_app(app)


def add_user(username: str, role: str = Role.STUDENT, name: str | None = None) -> User:
    """Within an app context: a user with the test password."""
    user = User(username=username, display_name=name or username.title(), role=role)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.flush()
    return user


@pytest.fixture
def make_user(app):
    def make(username: str, role: str = Role.STUDENT, name: str | None = None) -> int:
        with app.app_context():
            user = add_user(username, role, name)
            db.session.commit()
            return user.id

    return make


@pytest.fixture
def make_class(app):
    """A teacher's class with students; returns ids and the join code."""

    def make(
        teacher: str = "teacher", students: tuple[str, ...] = ("sam",), name: str = "Year 10"
    ) -> dict:
        with app.app_context():
            teacher_user = db.session.scalar(sa.select(User).where(User.username == teacher))
            if teacher_user is None:
                teacher_user = add_user(teacher, Role.TEACHER)
            classroom = create_classroom(teacher_user, name)
            ids = {}
            for username in students:
                student = db.session.scalar(sa.select(User).where(User.username == username))
                if student is None:
                    student = add_user(username)
                enrol(student, classroom)
                ids[username] = student.id
            db.session.commit()
            return {
                "id": classroom.id,
                "code": classroom.join_code,
                "teacher_id": teacher_user.id,
                "students": ids,
            }

    return make


@pytest.fixture
def make_assignment(app):
    def make(classroom_id: int, slug: str = "who-said-what", **settings) -> int:
        from datetime import timedelta

        from quizapp.models import QuestionSet

        with app.app_context():
            qset = db.session.scalar(sa.select(QuestionSet).where(QuestionSet.slug == slug))
            values = {
                "opens_at": utcnow() - timedelta(hours=1),
                "due_at": None,
                "attempts_allowed": 1,
                **settings,
            }
            assignment = Assignment(classroom_id=classroom_id, set_id=qset.id, **values)
            db.session.add(assignment)
            db.session.commit()
            return assignment.id

    return make
