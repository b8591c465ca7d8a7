"""New passwords that are guessed first are refused, with a message that says why (NIST SP
800-63B): those on a list of common passwords, and the username or the app's name."""

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import User
from quizapp.services.passwords import password_problem
from tests.conftest import PASSWORD

COMMON = "That password is one of the most common ones"
PERSONAL = "A password must not be your username or the name of this app"


def sign_up(browser, code: str, username: str, password: str):
    browser.get("/join")
    return browser.post(
        "/join",
        {
            "join_code": code,
            "display_name": "Ana Diaz",
            "username": username,
            "password": password,
            "confirm": password,
        },
    )


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(User))


@pytest.mark.parametrize("password", ["password1", "iloveyou", "Sunshine1", " qwertyuiop "])
def test_joining_with_a_common_password_is_refused_and_creates_nothing(
    app, browser, make_class, password
):
    klass = make_class(students=())
    before = user_count(app)
    response = sign_up(browser, klass["code"], "ana", password)
    assert response.status_code == 200
    assert COMMON in response.get_data(as_text=True)
    assert user_count(app) == before


@pytest.mark.parametrize("password", ["ana.diaz", "Ana.Diaz2024", "anadiaz!", "QuizApp123"])
def test_the_username_or_the_apps_name_is_refused_as_a_password(app, browser, make_class, password):
    klass = make_class(students=())
    html = sign_up(browser, klass["code"], "ana.diaz", password).get_data(as_text=True)
    assert PERSONAL in html
    assert user_count(app) == 1  # the teacher, and no one else


def test_changing_to_a_common_password_is_refused(app, browser, make_user):
    make_user("sam")
    browser.login("sam")
    browser.page("/account/password")
    html = browser.post(
        "/account/password",
        {"current": PASSWORD, "password": "letmein123", "confirm": "letmein123"},
    ).get_data(as_text=True)
    assert COMMON in html
    assert "Your password has been changed" not in html
    html = browser.post(
        "/account/password",
        {"current": PASSWORD, "password": "--Sam--2024--", "confirm": "--Sam--2024--"},
    ).get_data(as_text=True)
    assert PERSONAL in html


def test_a_teacher_made_on_the_command_line_needs_an_uncommon_password(app):
    command = ["users", "create-teacher", "--username", "head", "--name", "Mr Head"]
    result = app.test_cli_runner().invoke(args=[*command, "--password", "football1"])
    assert result.exit_code == 1
    assert COMMON in result.output
    assert user_count(app) == 0


def test_the_check_is_a_function_other_code_can_call():
    assert COMMON in password_problem("password1")
    assert PERSONAL in password_problem("Head-Teacher", username="head.teacher")
    assert "8 to 128 characters" in password_problem("short")
    assert password_problem(PASSWORD, username="sam") is None
    assert password_problem("a long secret", username="head") is None
