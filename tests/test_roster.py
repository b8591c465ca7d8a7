"""Adding a roster: the slow password hashing holds no lock, so students' saves go in while a
teacher adds a class of 200 over real HTTP; usernames are checked in one query."""

import re
import threading
import time

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Attempt, Enrollment, User
from tests.live_http import HttpBrowser, served
from tests.quiz_helpers import latest_attempt_id, tokens_on_page
from tests.test_perf_student_queries import recording_statements, tables_read

ROSTER = "\n".join(f"Student Number{n:03d}" for n in range(200))


@pytest.fixture
def base_url(app):
    with served(app) as url:
        yield url


def test_a_students_saves_go_in_while_a_teacher_adds_200_accounts(
    app, base_url, make_class, make_assignment, monkeypatch
):
    # A save may wait for the lock only briefly (15 s in production): the roster's own write
    # transaction is short; the hashing before it (seconds) holds no lock.
    monkeypatch.setitem(app.config, "SQLITE_LOCK_WAIT_S", 5)
    klass = make_class(students=("sam",))
    assignment_id = make_assignment(klass["id"])
    student = HttpBrowser(base_url)
    student.login("sam")
    student.get("/home")
    student.post(f"/assignments/{assignment_id}/start", {})
    attempt_id = latest_attempt_id(app, klass["students"]["sam"])
    tokens = tokens_on_page(student.get(f"/attempts/{attempt_id}/q/0").text)
    teacher = HttpBrowser(base_url)
    teacher.login("teacher")
    teacher.get(f"/teach/classes/{klass['id']}")

    roster: dict = {}
    thread = threading.Thread(
        target=lambda: roster.update(
            reply=teacher.post(f"/teach/classes/{klass['id']}/roster", {"names": ROSTER})
        )
    )
    thread.start()
    saves = []
    while thread.is_alive() or not saves:
        token = tokens[len(saves) % 2]
        reply = student.post(f"/attempts/{attempt_id}/q/0/autosave", {"choice": token})
        saves.append((reply.status, reply.text, token))
        time.sleep(0.2)
    thread.join()

    assert [status for status, _, _ in saves] == [200] * len(saves), saves[:3]
    assert all('"saved":true' in text.replace(" ", "") for _, text, _ in saves)
    assert roster["reply"].status == 200
    assert roster["reply"].text.count("One-time password") == 200
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        chosen = {c["id"]: c for c in attempt.items[0].question_version.content["choices"]}
        assert attempt.items[0].answer["choice"] in chosen  # the last save is kept
        enrolled = sa.select(sa.func.count()).where(Enrollment.classroom_id == klass["id"])
        assert db.session.scalar(enrolled) == 201


def test_usernames_of_a_roster_are_checked_in_one_query(app, browser, make_class):
    klass = make_class(students=("zoe.obrien", "zoe.obrien2"))
    browser.login("teacher")
    browser.get(f"/teach/classes/{klass['id']}")
    names = "\n".join(["Zoë O'Brien"] * 3 + [f"Li Wei{n}" for n in range(20)])
    with app.app_context(), recording_statements() as statements:
        response = browser.post(f"/teach/classes/{klass['id']}/roster", {"names": names})
    html = response.get_data(as_text=True)
    usernames = re.findall(r"<dt>Username</dt><dd><code>([^<]+)</code>", html)
    assert usernames[:3] == ["zoe.obrien3", "zoe.obrien4", "zoe.obrien5"]
    assert len(usernames) == 23
    # The teacher (at log-in, and again after the hashing) and the taken usernames: not one
    # query per name.
    assert tables_read(statements)["users"] <= 3, statements


def test_a_roster_of_too_many_names_is_refused_and_creates_nobody(app, browser, make_class):
    klass = make_class(students=())
    browser.login("teacher")
    browser.get(f"/teach/classes/{klass['id']}")
    names = "\n".join(f"Student {n}" for n in range(201))
    response = browser.post(f"/teach/classes/{klass['id']}/roster", {"names": names})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This list has 201 names; at most 200 can be added at a time." in html
    assert "No account was created" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
