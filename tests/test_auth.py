import re

import pytest
import sqlalchemy as sa

from quizapp.config import TeacherSignup
from quizapp.extensions import db
from quizapp.models import Enrollment, Role, User
from tests.conftest import PASSWORD
from tests.quiz_helpers import class_quiz_started, form_answer, saved_answer


def user_named(app, username):
    with app.app_context():
        return db.session.scalar(sa.select(User).where(User.username == username))


def test_teacher_signs_up_and_lands_on_dashboard(app, browser, monkeypatch):
    monkeypatch.setitem(app.config, "TEACHER_SIGNUP", TeacherSignup.OPEN)
    browser.get("/signup")
    response = browser.post(
        "/signup",
        {
            "display_name": "Ms Rivera",
            "username": "Rivera",
            "password": "a long secret",
            "confirm": "a long secret",
        },
    )
    html = response.get_data(as_text=True)
    assert "My classes" in html and "Ms Rivera" in html
    user = user_named(app, "rivera")
    assert user.role == Role.TEACHER
    assert "a long secret" not in user.password_hash
    assert user.password_hash.startswith("scrypt:")


def test_signup_errors_are_shown_next_to_fields_and_create_nothing(
    app, browser, make_user, monkeypatch
):
    monkeypatch.setitem(app.config, "TEACHER_SIGNUP", TeacherSignup.OPEN)
    make_user("taken", Role.TEACHER)
    browser.get("/signup")
    response = browser.post(
        "/signup",
        {"display_name": "X", "username": "taken", "password": "short", "confirm": "other"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "That username is taken" in html
    assert "Use 8 to 128 characters." in html
    assert "The two passwords differ." in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_teacher_signup_can_be_switched_off(app, browser, monkeypatch):
    monkeypatch.setitem(app.config, "TEACHER_SIGNUP", TeacherSignup.OFF)
    assert browser.get("/signup").status_code == 404
    assert "I am a teacher" not in browser.page("/")
    assert "Create a teacher account" not in browser.page("/login")


def test_post_without_csrf_token_is_refused(client, make_user):
    make_user("sam")
    response = client.post("/login", data={"username": "sam", "password": PASSWORD})
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)


def test_login_with_wrong_password_says_so_and_stays_logged_out(browser, make_user):
    make_user("sam")
    html = browser.login("sam", "wrong password").get_data(as_text=True)
    assert "That username and password do not match" in html
    assert browser.get("/home").status_code == 302


def test_student_joins_with_class_code(app, browser, make_class):
    klass = make_class(students=())
    browser.get(f"/join?code={klass['code'].lower()}")
    assert klass["code"].lower() in browser.last_html
    html = browser.post(
        "/join",
        {
            "join_code": klass["code"].lower(),
            "display_name": "Ana Diaz",
            "username": "ana",
            "password": "my secret pw",
            "confirm": "my secret pw",
        },
    ).get_data(as_text=True)
    assert "You have joined Year 10" in html and "My quizzes" in html
    with app.app_context():
        student = db.session.scalar(sa.select(User).where(User.username == "ana"))
        assert student.role == Role.STUDENT
        assert (
            db.session.scalar(
                sa.select(Enrollment).where(Enrollment.student_id == student.id)
            ).classroom_id
            == klass["id"]
        )


def test_wrong_join_code_is_refused_with_a_message(app, browser, make_class):
    make_class(students=())
    browser.get("/join")
    html = browser.post(
        "/join",
        {
            "join_code": "ZZZZZZ",
            "display_name": "Ana",
            "username": "ana",
            "password": "my secret pw",
            "confirm": "my secret pw",
        },
    ).get_data(as_text=True)
    assert "No class has that code" in html
    assert user_named(app, "ana") is None


def test_logged_in_student_joins_a_second_class(app, browser, make_class):
    first = make_class(students=("sam",))
    second = make_class(teacher="other", students=(), name="History")
    browser.login("sam")
    html = browser.post("/classes/join", {"join_code": second["code"]}).get_data(as_text=True)
    assert "You have joined History" in html
    html = browser.post("/classes/join", {"join_code": "nope"}).get_data(as_text=True)
    assert "No class has that code" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrollment)) == 2
    assert first


def test_roster_accounts_get_one_time_passwords_changed_at_first_login(
    app, browser, new_browser, make_class
):
    klass = make_class(students=())
    browser.login("teacher")
    browser.get(f"/teach/classes/{klass['id']}")
    html = browser.post(
        f"/teach/classes/{klass['id']}/roster",
        {"names": "Zoë O'Brien\n\n  Li   Wei \nZoë O'Brien\n"},
    ).get_data(as_text=True)
    assert "shown only once" in html
    accounts = re.findall(
        r"<dt>Username</dt><dd><code>([^<]+)</code></dd>\s*"
        r"<dt>One-time password</dt><dd><code>([^<]+)</code>",
        html,
    )
    assert [u for u, _ in accounts] == ["zoe.obrien", "li.wei", "zoe.obrien2"]
    username, password = accounts[0]
    assert password not in user_named(app, username).password_hash
    # Random one-time passwords get a cheaper scrypt; the one the student chooses the default.
    assert user_named(app, username).password_hash.startswith("scrypt:1024:8:1$")

    student = new_browser()
    html = student.login(username, password).get_data(as_text=True)
    assert "Choose your own password" in html
    # Until the password is changed, quiz pages send the student back to change it.
    assert "/account/password" in student.get("/home").headers["Location"]
    html = student.post(
        "/account/password",
        {"current": password, "password": "my own pass", "confirm": "my own pass"},
    ).get_data(as_text=True)
    assert "Your password has been changed" in html and "My quizzes" in html
    assert not user_named(app, username).must_change_password
    assert user_named(app, username).password_hash.startswith("scrypt:32768:8:1$")


def test_teacher_resets_a_students_password(app, browser, new_browser, make_class):
    klass = make_class(students=("sam",))
    browser.login("teacher")
    browser.get(f"/teach/classes/{klass['id']}")
    html = browser.post(
        f"/teach/classes/{klass['id']}/students/{klass['students']['sam']}/reset-password"
    ).get_data(as_text=True)
    password = re.search(r"One-time password</dt><dd><code>([^<]+)<", html).group(1)
    student = new_browser()
    assert "do not match" in student.login("sam", PASSWORD).get_data(as_text=True)
    assert "Choose your own password" in student.login("sam", password).get_data(as_text=True)


def test_change_password_checks_the_current_one(browser, make_user):
    make_user("sam")
    browser.login("sam")
    browser.get("/account/password")
    html = browser.post(
        "/account/password",
        {"current": "wrong", "password": "new password", "confirm": "new password"},
    ).get_data(as_text=True)
    assert "That is not your current password." in html


def test_logout_makes_a_copied_session_cookie_useless(app, browser, make_user):
    make_user("sam")
    browser.login("sam")
    cookie = browser.client.get_cookie("session")
    assert browser.get("/home").status_code == 200
    browser.logout()
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    assert thief.get("/home").status_code == 302


def test_a_session_ended_by_a_password_reset_or_a_log_out_saves_no_answer(
    app, browser, new_browser, make_class, make_assignment
):
    klass, _, attempt_id = class_quiz_started(app, browser, make_class, make_assignment)
    url = f"/attempts/{attempt_id}/q/0"
    browser.get(url)
    teacher = new_browser()
    teacher.login("teacher")
    teacher.get(f"/teach/classes/{klass['id']}")
    teacher.post(f"/teach/classes/{klass['id']}/students/{klass['students']['sam']}/reset-password")

    # The page was open before the reset: its answer is not saved, and the student logs in.
    response = browser.post(url, {"go": "next", **form_answer(app, attempt_id, 0)}, follow=False)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    response = browser.post(f"{url}/autosave", form_answer(app, attempt_id, 0), follow=False)
    assert response.headers["Location"].startswith("/login")
    assert saved_answer(app, attempt_id, 0) is None

    # A copy of a session cookie saves nothing once that session has logged out.
    with app.app_context():
        user = db.session.get(User, klass["students"]["sam"])
        user.set_password(PASSWORD)
        user.must_change_password = False
        db.session.commit()
    browser.login("sam")
    browser.get(url)
    cookie = browser.client.get_cookie("session")
    copy = new_browser()
    copy.client.set_cookie("session", cookie.value)
    copy.last_html = browser.last_html
    browser.logout()
    response = copy.post(url, {"go": "next", **form_answer(app, attempt_id, 0)}, follow=False)
    assert response.headers["Location"].startswith("/login")
    assert saved_answer(app, attempt_id, 0) is None
    # The student's own new session still saves.
    browser.login("sam")
    browser.get(url)
    response = browser.post(url, {"go": "next", **form_answer(app, attempt_id, 0)}, follow=False)
    assert response.headers["Location"] == f"/attempts/{attempt_id}/q/1"
    assert saved_answer(app, attempt_id, 0) is not None


def test_next_parameter_cannot_redirect_off_site(browser, make_user):
    make_user("sam")
    browser.get("/login?next=https://evil.example/")
    response = browser.post(
        "/login?next=https://evil.example/", {"username": "sam", "password": PASSWORD}, follow=False
    )
    assert response.headers["Location"] == "/home"


@pytest.mark.parametrize(
    "path", ["/home", "/history", "/teach/", "/articles/", "/account/password"]
)
def test_pages_need_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_students_cannot_open_teacher_pages_and_teachers_not_student_pages(
    browser, new_browser, make_class
):
    make_class()
    browser.login("sam")
    assert browser.get("/teach/").status_code == 403
    teacher = new_browser()
    teacher.login("teacher")
    assert teacher.get("/home").status_code == 403


def test_cli_creates_a_teacher(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create-teacher",
            "--username",
            "Head",
            "--name",
            "Mr Head",
            "--password",
            "long enough",
        ]
    )
    assert result.exit_code == 0, result.output
    assert user_named(app, "head").is_teacher
    again = runner.invoke(
        args=[
            "users",
            "create-teacher",
            "--username",
            "head",
            "--name",
            "X",
            "--password",
            "long enough",
        ]
    )
    assert again.exit_code != 0 and "taken" in again.output
