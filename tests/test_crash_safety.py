"""Killing the server mid-quiz loses no acknowledged answer, and the attempt resumes."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from quizapp import create_app
from quizapp.extensions import db
from quizapp.models import Assignment, Attempt, QuestionSet, Role, User, utcnow
from quizapp.services.classrooms import create_classroom, enrol

ROOT = Path(__file__).resolve().parent.parent
SECRET = "crash-test-secret"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Student:
    """A browser without a browser: cookies, CSRF tokens, no following of redirects."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=20) as response:
                return (
                    response.status,
                    response.headers.get("Location", ""),
                    response.read().decode(),
                )
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode()

    def post_form(self, page: str, action: str, fields: dict) -> tuple[int, str, str]:
        _, _, html = self.request(page)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        return self.request(action, {"csrf_token": token, **fields})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "run.py"), "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise AssertionError("the server did not start")


@pytest.fixture
def database(tmp_path):
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return os.environ["DATABASE_URL"]  # CI's fresh PostgreSQL database for this pass
    return f"sqlite:///{tmp_path / 'crash.sqlite3'}"


def test_answers_survive_sigkill_and_the_attempt_resumes(tmp_path, database):
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "SECRET_KEY": SECRET,
        "QUEUE_URL": str(tmp_path / "jobs.sqlite3"),
    }
    port = free_port()
    server = start_server(env, port)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": SECRET})
    try:
        with app.app_context():
            teacher = User(username="crash.teacher", display_name="T", role=Role.TEACHER)
            student = User(username="crash.ana", display_name="Ana", role=Role.STUDENT)
            for user in (teacher, student):
                user.set_password("a long secret")
                db.session.add(user)
            db.session.flush()
            classroom = create_classroom(teacher, "Crash class")
            enrol(student, classroom)
            qset = db.session.scalar(sa.select(QuestionSet).where(QuestionSet.slug == "check-in"))
            assignment = Assignment(
                classroom_id=classroom.id, set_id=qset.id, opens_at=utcnow() - timedelta(hours=1)
            )
            db.session.add(assignment)
            db.session.commit()
            assignment_id, student_id = assignment.id, student.id

        ana = Student(f"http://127.0.0.1:{port}")
        assert (
            ana.post_form(
                "/login", "/login", {"username": "crash.ana", "password": "a long secret"}
            )[0]
            == 302
        )
        status, location, _ = ana.post_form("/home", f"/assignments/{assignment_id}/start", {})
        assert status == 302 and location.endswith("/q/0")
        attempt_path = location.rsplit("/q/", 1)[0]
        saved = {}
        for position in range(3):  # cin-001..003: single, true/false, single
            page = f"{attempt_path}/q/{position}"
            _, _, html = ana.request(page)
            choice = re.search(r'name="choice" value="(c[0-9a-f]{12})"', html).group(1)
            status, location, _ = ana.post_form(page, page, {"choice": choice, "go": "next"})
            assert status == 302  # acknowledged
            saved[position] = choice
            ana.request(location)  # a browser follows on to the next question
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)

        with app.app_context():
            attempt = db.session.scalar(sa.select(Attempt).where(Attempt.student_id == student_id))
            answered = [item.position for item in attempt.items if item.answer]
            assert answered == [0, 1, 2] and attempt.submitted_at is None

        server = start_server(env, port)
        again = Student(f"http://127.0.0.1:{port}")
        again.post_form("/login", "/login", {"username": "crash.ana", "password": "a long secret"})
        _, _, home = again.request("/home")
        assert "In progress" in home
        status, location, _ = again.post_form("/home", f"/assignments/{assignment_id}/start", {})
        assert status == 302 and location.endswith("/q/3")  # where Ana stopped
        _, _, html = again.request(f"{attempt_path}/q/0")
        assert re.search(rf'value="{saved[0]}"\s+checked', html)
    finally:
        server.kill()
        server.wait(timeout=10)
        with app.app_context():
            db.engine.dispose()
