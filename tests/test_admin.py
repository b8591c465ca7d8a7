"""The school administrator: teacher invitations and approval, disabling, password resets."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from quizapp import create_app
from quizapp.config import ConfigError, TeacherSignup
from quizapp.extensions import db
from quizapp.models import AccountEvent, AccountStatus, Classroom, Invitation, Role, User, utcnow
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
KEY = "/teach/sets/who-said-what/key"
NEW_PASSWORD = "a long secret"


def teacher_form(username: str = "rivera", **extra) -> dict:
    return {
        "display_name": "Ms Rivera",
        "username": username,
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
        **extra,
    }


def user_named(app, username: str) -> User | None:
    with app.app_context():
        return db.session.scalar(sa.select(User).where(User.username == username))


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def admin(make_user, new_browser):
    """The school's administrator, logged in."""
    make_user("head", Role.ADMIN, "Mr Head")
    browser = new_browser()
    browser.login("head")
    return browser


def invitation_link(admin, name: str = "Ms Rivera", days: str = "7") -> str:
    """The path of a new invitation link, as the administrator's page shows it once."""
    admin.page("/admin/")
    html = admin.post("/admin/invitations", {"name": name, "days": days}).get_data(as_text=True)
    link = re.search(r'id="invitation-link" type="text" value="([^"]+)"', html).group(1)
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def secret_of(link: str) -> str:
    return link.split("invite=")[1]


def test_by_default_nobody_becomes_a_teacher_without_an_invitation(app, browser):
    html = browser.page("/signup")
    assert "Teacher accounts are made by invitation" in html
    assert "Ask them for an invitation link" in html
    response = browser.post("/signup", teacher_form(), form_page="/join")
    assert response.status_code == 400
    assert user_named(app, "rivera") is None
    browser.login("rivera", NEW_PASSWORD)
    assert browser.get(KEY).status_code == 302  # to the log-in page: nobody is logged in


def test_an_invitation_link_makes_one_teacher_account_once(app, admin, new_browser):
    link = invitation_link(admin, "Ms Rivera, history")
    assert "shown only this once" in admin.last_html
    assert secret_of(link) not in admin.page("/admin/")  # shown once
    assert "Ms Rivera, history" in admin.last_html  # among the open invitations
    with app.app_context():
        stored = db.session.scalar(sa.select(Invitation.token_hash))
    assert secret_of(link) not in stored

    teacher = new_browser()
    html = teacher.page(link)
    assert "Invited by Mr Head" in html
    html = teacher.post(link, teacher_form()).get_data(as_text=True)
    assert "My classes" in html and "Ms Rivera" in html
    assert teacher.get(KEY).status_code == 200
    assert user_named(app, "rivera").status == AccountStatus.ACTIVE

    again = new_browser()
    html = again.page(link)
    assert "This invitation link does not work" in html
    assert "was already used" in html
    assert again.post(link, teacher_form("second"), form_page="/join").status_code == 400
    assert user_named(app, "second") is None
    assert "No invitation is waiting to be used" in admin.page("/admin/")


def test_an_invitation_page_opened_before_the_link_was_used_cannot_use_it_again(
    app, admin, new_browser
):
    link = invitation_link(admin)
    first, second = new_browser(), new_browser()
    first.page(link)
    second.page(link)
    first.post(link, teacher_form("first"))
    response = second.post(link, teacher_form("second"))
    assert response.status_code == 400
    assert "was already used" in response.get_data(as_text=True)
    assert user_named(app, "first") is not None and user_named(app, "second") is None


def test_withdrawn_expired_and_mistyped_invitations_say_why_they_do_not_work(
    app, admin, new_browser
):
    withdrawn = invitation_link(admin, "Withdrawn")
    expired = invitation_link(admin, "Expired")
    with app.app_context():
        by_name = {i.name: i for i in db.session.scalars(sa.select(Invitation))}
        by_name["Expired"].expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        withdrawn_id = by_name["Withdrawn"].id
    admin.page("/admin/")
    html = admin.post(f"/admin/invitations/{withdrawn_id}/revoke").get_data(as_text=True)
    assert "The invitation for Withdrawn is withdrawn" in html
    assert "No invitation is waiting to be used" in html

    visitor = new_browser()
    assert "was withdrawn by your school's administrator" in unescape(visitor.page(withdrawn))
    assert "has expired" in visitor.page(expired)
    assert "is not complete or not valid" in visitor.page(withdrawn[:-3])
    visitor.post(expired, teacher_form(), form_page="/join")
    assert user_named(app, "rivera") is None


def test_invitation_form_errors_are_shown_and_make_nothing(app, admin):
    admin.page("/admin/")
    response = admin.post("/admin/invitations", {"name": "", "days": "90"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This field is required." in html and "Choose 1 to 30 days." in html
    assert count(app, Invitation) == 0


def test_with_approval_a_new_teacher_waits_and_sees_no_teacher_page(
    app, browser, admin, monkeypatch
):
    monkeypatch.setitem(app.config, "TEACHER_SIGNUP", TeacherSignup.APPROVAL)
    browser.get("/signup")
    assert "approves each new teacher account" in browser.last_html
    html = browser.post("/signup", teacher_form()).get_data(as_text=True)
    assert "Waiting for your school's administrator" in html
    assert user_named(app, "rivera").status == AccountStatus.PENDING
    for url in (KEY, "/teach/", "/teach/sets", "/teach/settings/api-tokens", "/home"):
        response = browser.get(url)
        assert response.headers["Location"] == "/account/waiting", url
    assert "Classes" not in browser.page("/account/waiting")

    html = admin.page("/admin/")
    assert "Waiting for approval" in html and "Ms Rivera" in html
    teacher_id = user_named(app, "rivera").id
    html = admin.post(f"/admin/teachers/{teacher_id}/approve").get_data(as_text=True)
    assert "Ms Rivera is approved" in html
    assert "Teacher account of Ms Rivera (rivera) approved." in html  # in the recent changes
    assert browser.get(KEY).status_code == 200
    assert browser.get("/account/waiting").headers["Location"] == "/teach/"


def test_the_administrator_refuses_a_waiting_teacher_and_the_account_is_removed(
    app, browser, admin, monkeypatch
):
    monkeypatch.setitem(app.config, "TEACHER_SIGNUP", TeacherSignup.APPROVAL)
    browser.get("/signup")
    browser.post("/signup", teacher_form("sneaky"))
    teacher_id = user_named(app, "sneaky").id
    admin.page("/admin/")
    html = admin.post(f"/admin/teachers/{teacher_id}/refuse").get_data(as_text=True)
    assert "The sign-up of Ms Rivera is refused and the account removed." in html
    assert user_named(app, "sneaky") is None
    assert browser.get(KEY).headers["Location"].startswith("/login")
    with app.app_context():
        event = db.session.scalar(sa.select(AccountEvent).where(AccountEvent.action == "refused"))
        assert event.user_id is None and "sneaky" in event.detail


def test_an_active_teacher_cannot_be_approved_or_refused(app, admin, make_user):
    teacher_id = make_user("rivera", Role.TEACHER)
    admin.page("/admin/")
    html = admin.post(f"/admin/teachers/{teacher_id}/refuse").get_data(as_text=True)
    assert "is not waiting for approval" in html
    assert user_named(app, "rivera").status == AccountStatus.ACTIVE


def test_a_disabled_teacher_cannot_log_in_and_their_classes_are_kept(
    app, admin, browser, new_browser, make_class
):
    klass = make_class(teacher="rivera", students=("sam",))
    browser.login("rivera")
    assert browser.get("/teach/").status_code == 200
    browser.page("/teach/settings/api-tokens")
    html = browser.post("/teach/settings/api-tokens", {"name": "gradebook"}).get_data(as_text=True)
    token = re.search(r'id="token-secret"[^>]* value="([^"]+)"', html).group(1)
    api = {"Authorization": f"Bearer {token}"}
    assert browser.client.get("/api/classes", headers=api).status_code == 200

    admin.page("/admin/")
    html = admin.post(f"/admin/teachers/{klass['teacher_id']}/disable").get_data(as_text=True)
    assert "can no longer log in. Their classes and results are kept." in html
    assert "Disabled" in html
    assert browser.get("/teach/").headers["Location"].startswith("/login")  # session ended
    again = new_browser()
    html = again.login("rivera").get_data(as_text=True)
    assert "This account is disabled." in html
    assert again.get("/teach/").status_code == 302
    assert again.client.get("/api/classes", headers=api).status_code == 401
    with app.app_context():
        assert db.session.get(Classroom, klass["id"]) is not None
    student = new_browser()
    assert "My quizzes" in student.login("sam").get_data(as_text=True)  # the class goes on

    admin.page("/admin/")
    html = admin.post(f"/admin/teachers/{klass['teacher_id']}/enable").get_data(as_text=True)
    assert "Rivera can log in again." in html
    assert "My classes" in again.login("rivera").get_data(as_text=True)


def test_the_administrator_gives_a_teacher_a_one_time_password(app, admin, new_browser, make_user):
    teacher_id = make_user("rivera", Role.TEACHER, "Ms Rivera")
    admin.page("/admin/")
    response = admin.post(f"/admin/teachers/{teacher_id}/reset-password", follow=False)
    assert response.status_code == 303  # post, redirect, get: a reload resets nothing again
    html = admin.page(response.headers["Location"])
    assert "shown only once" in html
    password = re.search(r"One-time password</dt><dd><code>([^<]+)<", html).group(1)
    reloaded = admin.page(response.headers["Location"])
    assert "One-time password" not in reloaded and "shown already" in reloaded
    teacher = new_browser()
    assert "do not match" in teacher.login("rivera", PASSWORD).get_data(as_text=True)
    assert "choose your own password" in teacher.login("rivera", password).get_data(as_text=True)
    assert teacher.get("/teach/").headers["Location"].startswith("/account/password")
    assert "Password of Ms Rivera (rivera) reset." in admin.page("/admin/")


def test_the_administrator_finds_a_student_by_name_and_resets_their_password(
    app, admin, new_browser, make_class
):
    make_class(teacher="rivera", students=("sam.lee",), name="History 9")
    make_class(teacher="okafor", students=("sam.lee",), name="Media 9")
    with app.app_context():
        sam = db.session.scalar(sa.select(User).where(User.username == "sam.lee"))
        sam.display_name = "Sam Lee"
        db.session.commit()
    html = admin.page("/admin/students?q=lee")
    assert "Sam Lee" in html and "History 9" in html and "Media 9" in html
    assert "Sam Lee" in admin.page("/admin/students?q=SAM.")
    assert "No student's username or name contains “100%”" in admin.page("/admin/students?q=100%25")
    html = admin.page("/admin/students?q=sam")
    student_id = re.search(r"/admin/students/(\d+)/reset-password", html).group(1)
    html = admin.post(f"/admin/students/{student_id}/reset-password").get_data(as_text=True)
    password = re.search(r"One-time password</dt><dd><code>([^<]+)<", html).group(1)
    student = new_browser()
    assert "do not match" in student.login("sam.lee", PASSWORD).get_data(as_text=True)
    assert "choose your own password" in student.login("sam.lee", password).get_data(as_text=True)


def test_a_teacher_cannot_reset_the_password_of_a_student_in_another_teachers_class(
    app, browser, new_browser, make_class
):
    """Otherwise a teacher who got a student to join their class could take over the
    student's account, and the student's place in every other class."""
    theirs = make_class(teacher="rivera", students=("sam",), name="History 9")
    mine = make_class(teacher="intruder", students=("sam",), name="Joined by code")
    sam = mine["students"]["sam"]
    browser.login("intruder")
    html = browser.page(f"/teach/classes/{mine['id']}/people")
    assert "Only your school's administrator can reset this password." in html
    assert f"/students/{sam}/reset-password" not in html
    assert "also in another teacher's class uses the same account there" in html
    response = browser.post(
        f"/teach/classes/{mine['id']}/students/{sam}/reset-password", follow=False
    )
    assert response.headers["Location"] == f"/teach/classes/{mine['id']}/people"
    html = unescape(browser.page(f"/teach/classes/{mine['id']}/people"))
    assert "Sam is, or was, also in another teacher's class, so only your school's" in html
    assert "My quizzes" in new_browser().login("sam").get_data(as_text=True)  # unchanged
    assert not user_named(app, "sam").must_change_password
    assert theirs


def test_a_student_who_left_another_teachers_class_is_still_reset_by_the_administrator(
    app, browser, new_browser, make_class
):
    theirs = make_class(teacher="rivera", students=("sam",), name="History 9")
    mine = make_class(teacher="intruder", students=("sam",), name="Joined by code")
    rivera = new_browser()
    rivera.login("rivera")
    rivera.page(f"/teach/classes/{theirs['id']}")
    rivera.post(
        f"/teach/classes/{theirs['id']}/students/{mine['students']['sam']}/remove",
        {"confirmed": "yes"},
    )
    browser.login("intruder")
    browser.page(f"/teach/classes/{mine['id']}")
    browser.post(f"/teach/classes/{mine['id']}/students/{mine['students']['sam']}/reset-password")
    assert not user_named(app, "sam").must_change_password


def test_a_teacher_resets_the_accounts_they_made_even_when_in_other_classes(
    app, browser, new_browser, make_class
):
    mine = make_class(teacher="rivera", students=(), name="History 9")
    browser.login("rivera")
    browser.page(f"/teach/classes/{mine['id']}")
    html = browser.post(f"/teach/classes/{mine['id']}/roster", {"names": "Li Wei"}).get_data(
        as_text=True
    )
    assert "li.wei" in html
    make_class(teacher="okafor", students=("li.wei",), name="Media 9")
    li = user_named(app, "li.wei")
    assert li.created_by_id == mine["teacher_id"]
    html = browser.page(f"/teach/classes/{mine['id']}/people")
    assert f"/students/{li.id}/reset-password" in html
    html = browser.post(f"/teach/classes/{mine['id']}/students/{li.id}/reset-password").get_data(
        as_text=True
    )
    assert "New one-time password" in html
    with app.app_context():
        event = db.session.scalar(sa.select(AccountEvent))
        assert event.action == "password_reset" and event.actor_id == mine["teacher_id"]


def test_cli_creates_an_administrator_with_the_sign_up_rules(app):
    runner = app.test_cli_runner()
    made = runner.invoke(
        args=["users", "create-admin"],
        input="Head\nMr Head\nlong enough pw\nlong enough pw\n",
    )
    assert made.exit_code == 0, made.output
    assert "Administrator head created." in made.output
    assert user_named(app, "head").is_admin
    for username, password, message in (
        ("head", "long enough pw", "That username is taken."),
        ("x!", "long enough pw", "Use 3 to 40 lower-case letters"),
        ("deputy", "short", "Use 8 to 128 characters."),
    ):
        result = runner.invoke(
            args=["users", "create-admin", "--username", username, "--name", "Deputy"],
            input=f"{password}\n{password}\n",
        )
        assert result.exit_code == 1, result.output
        assert message in result.output and "Traceback" not in result.output
    assert count(app, User) == 1


def test_the_administrator_logs_in_to_the_teachers_page_and_teaches_nothing(admin, make_class):
    make_class(teacher="rivera", students=("sam",))
    html = admin.page("/")
    assert "<h1>Teachers</h1>" in html and "New teachers join with an invitation link" in html
    assert "Teachers and invitations" in html and "Student passwords" in html
    assert re.search(r"<td><code>rivera</code></td>\s*<td>1</td>\s*<td>Active</td>", html)
    assert admin.get("/teach/").status_code == 403
    assert admin.get(KEY).status_code == 403
    assert admin.get("/home").status_code == 403


def test_with_sign_up_off_no_invitation_is_made(app, admin, monkeypatch):
    monkeypatch.setitem(app.config, "TEACHER_SIGNUP", TeacherSignup.OFF)
    html = admin.page("/admin/")
    assert "Teacher sign-up is switched off on this server" in html
    assert "Invite a teacher" not in html
    html = admin.post("/admin/invitations", {"name": "Ms Rivera", "days": "7"}).get_data(
        as_text=True
    )
    assert "an invitation would not work" in html
    assert count(app, Invitation) == 0


@pytest.mark.parametrize(
    "command", [["run.py"], ["-m", "flask", "--app", "quizapp", "users", "create-admin"]]
)
def test_an_unknown_teacher_signup_value_stops_the_app_with_one_line(tmp_path, command):
    env = {
        **os.environ,
        "TEACHER_SIGNUP": "sometimes",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'quizapp.sqlite3'}",
        "SECRET_KEY": "x",
        "QUEUE_URL": str(tmp_path / "jobs.sqlite3"),
    }
    done = subprocess.run(
        [sys.executable, *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert line.endswith("TEACHER_SIGNUP is 'sometimes': use one of invite, approval, open, off.")
    assert not (tmp_path / "quizapp.sqlite3").exists()


def test_teacher_signup_0_still_means_off_and_true_is_no_longer_a_mode(tmp_path, monkeypatch):
    settings = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'quizapp.sqlite3'}",
        "SECRET_KEY": "x",
        "QUEUE_URL": str(tmp_path / "jobs.sqlite3"),
    }
    monkeypatch.setenv("TEACHER_SIGNUP", "0")
    app = create_app(settings)
    assert app.config["TEACHER_SIGNUP"] == TeacherSignup.OFF
    assert app.test_client().get("/signup").status_code == 404
    with app.app_context():
        db.engine.dispose()
    with pytest.raises(ConfigError, match="TEACHER_SIGNUP is True: use one of invite, approval"):
        create_app({**settings, "TEACHER_SIGNUP": True})
