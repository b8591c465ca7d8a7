"""Long writes (a class roster, a question file) do their slow part (hashing passwords, reading
the file) before their write transaction, so students' saves go in meanwhile; and they are
bounded, with a message that says so and nothing changed."""

import io
import re
import threading
import time

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Attempt, Enrollment, Question, QuestionSet, Role, User
from tests.live_http import HttpBrowser, served
from tests.quiz_helpers import latest_attempt_id, tokens_on_page
from tests.test_perf_student_queries import recording_statements, tables_read

ROSTER = "\n".join(f"Student Number{n:03d}" for n in range(200))


def gift(questions: int) -> bytes:
    """A GIFT file of that many short questions (30,000 take 1.2 MB, under the 2 MB limit)."""
    return "\n\n".join(
        f"::Q{n}:: Question {n}? {{=right ~wrong}}" for n in range(questions)
    ).encode()


@pytest.fixture
def base_url(app, monkeypatch):
    # A save may wait for the lock only briefly (15 s in production): the long requests' own
    # write transactions are short, and their slow part before them holds no lock.
    monkeypatch.setitem(app.config, "SQLITE_LOCK_WAIT_S", 5)
    with served(app) as url:
        yield url


@pytest.fixture
def on_a_quiz(app, base_url, make_class, make_assignment):
    """Sam on the first question of a quiz over HTTP, and the teacher of his class."""
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
    return klass, teacher, student, attempt_id, tokens


def autosave_while(long_request, student: HttpBrowser, attempt_id: int, tokens: list[str]):
    """Run long_request in a thread; meanwhile the student changes their answer every 0.2 s.
    Returns the long request's reply and every save's (status, body)."""
    outcome: dict = {}
    thread = threading.Thread(target=lambda: outcome.update(reply=long_request()))
    thread.start()
    saves = []
    while thread.is_alive() or not saves:
        token = tokens[len(saves) % 2]
        reply = student.post(f"/attempts/{attempt_id}/q/0/autosave", {"choice": token})
        saves.append((reply.status, reply.text.replace(" ", "")))
        time.sleep(0.2)
    thread.join()
    return outcome["reply"], saves


def answer_kept(app, attempt_id: int) -> bool:
    with app.app_context():
        item = db.session.get(Attempt, attempt_id).items[0]
        return item.answer["choice"] in {c["id"] for c in item.question_version.content["choices"]}


def test_a_students_saves_go_in_while_a_teacher_adds_200_accounts(app, on_a_quiz):
    klass, teacher, student, attempt_id, tokens = on_a_quiz
    teacher.get(f"/teach/classes/{klass['id']}")
    reply, saves = autosave_while(
        lambda: teacher.post(f"/teach/classes/{klass['id']}/roster", {"names": ROSTER}),
        student,
        attempt_id,
        tokens,
    )
    assert saves == [(200, '{"saved":true}\n')] * len(saves), saves[:3]
    assert answer_kept(app, attempt_id)
    assert reply.status == 200
    assert reply.text.count("One-time password") == 200
    with app.app_context():
        enrolled = sa.select(sa.func.count()).where(Enrollment.classroom_id == klass["id"])
        assert db.session.scalar(enrolled) == 201


def test_a_students_saves_go_in_while_a_teacher_imports_30000_questions(app, on_a_quiz):
    _, teacher, student, attempt_id, tokens = on_a_quiz
    teacher.get("/teach/sets/import")
    with app.app_context():
        questions_before = db.session.scalar(sa.select(sa.func.count(Question.id)))
    reply, saves = autosave_while(
        lambda: teacher.post(
            "/teach/sets/import",
            {"title": "Everything", "format": "auto"},
            files={"file": ("everything.gift", gift(30_000))},
        ),
        student,
        attempt_id,
        tokens,
    )
    assert saves == [(200, '{"saved":true}\n')] * len(saves), saves[:3]
    assert answer_kept(app, attempt_id)
    assert reply.status == 400
    assert "the file holds 30,000 questions and a set can have at most 500" in reply.text
    assert "Nothing was imported" in reply.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Question.id))) == questions_before


def test_usernames_of_a_roster_are_checked_in_one_query(app, browser, make_class):
    klass = make_class(students=("zoe.obrien", "zoe.obrien2"))
    browser.login("teacher")
    browser.get(f"/teach/classes/{klass['id']}")
    names = "\n".join(["Zoë O'Brien"] * 3 + [f"Li Wei{n}" for n in range(20)])
    with app.app_context(), recording_statements() as statements:
        response = browser.post(
            f"/teach/classes/{klass['id']}/roster", {"names": names}, follow=False
        )
    html = browser.page(response.headers["Location"])
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


def test_a_file_of_500_questions_is_imported_and_one_of_501_is_refused(app, browser, make_user):
    make_user("teacher", Role.TEACHER)
    browser.login("teacher")
    for count, status in ((501, 400), (500, 200)):
        browser.page("/teach/sets/import")
        response = browser.post(
            "/teach/sets/import",
            {"file": (io.BytesIO(gift(count)), "big.gift"), "format": "auto", "title": "Big"},
            content_type="multipart/form-data",
        )
        assert response.status_code == status
    html = response.get_data(as_text=True)
    assert "Imported 500 questions." in html
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(QuestionSet)
                .where(QuestionSet.title == "Big")
            )
            == 1
        )


def test_the_import_command_refuses_a_file_of_too_many_questions(app, make_user, tmp_path):
    make_user("teacher", Role.TEACHER)
    source = tmp_path / "bank.gift"
    source.write_bytes(gift(501))
    args = ["questions", "import", str(source), "--slug", "bank", "--title", "Bank"]
    result = app.test_cli_runner().invoke(args=[*args, "--teacher", "teacher"])
    assert result.exit_code == 1
    assert "the file holds 501 questions and a set can have at most 500" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(QuestionSet).where(QuestionSet.slug == "bank")) is None
