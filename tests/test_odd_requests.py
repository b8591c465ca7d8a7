"""Odd requests (navigation values, huge ids, local times that do not exist, a wrong sign-up
code) get a clear answer, never a 500, and change nothing."""

import re

import sqlalchemy as sa

from quizapp.config import TeacherSignup
from quizapp.extensions import db
from quizapp.models import Assignment
from tests.quiz_helpers import class_quiz_started


def test_odd_navigation_values_and_huge_ids_give_no_server_error(
    app, browser, make_class, make_assignment
):
    _, _, attempt_id = class_quiz_started(
        app, browser, make_class, make_assignment, students=("sam", "kim")
    )
    for go in ("²", "9" * 5000, "-1", "", "review"):
        response = browser.post(f"/attempts/{attempt_id}/q/0", {"go": go})
        assert response.status_code == 200, go
    assert browser.get(f"/attempts/{10**20}/q/0").status_code == 404
    assert browser.get(f"/attempts/{attempt_id}/q/{10**20}").status_code == 404


def test_local_times_that_do_not_exist_are_refused(app, browser, make_class):
    klass = make_class()
    app.config["TIMEZONE"] = "Europe/London"
    try:
        browser.login("teacher")
        html = browser.page(f"/teach/classes/{klass['id']}/assign")
        set_id = re.search(r'value="(\d+)">Who said what', html).group(1)
        base = {"set_id": set_id, "attempts_allowed": "1", "show_answers": "after_submit"}
        response = browser.post(
            f"/teach/classes/{klass['id']}/assign",
            {**base, "opens_at": "2030-03-31T01:30", "due_at": "2030-03-31T02:10"},
        )
        assert "That time does not exist here" in response.get_data(as_text=True)
        app.config["TIMEZONE"] = "America/New_York"
        response = browser.post(
            f"/teach/classes/{klass['id']}/assign", {**base, "opens_at": "9999-12-31T23:59"}
        )
        assert response.status_code == 400
        assert "out of range" in response.get_data(as_text=True)
    finally:
        app.config["TIMEZONE"] = "UTC"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 0


def test_teacher_signup_code_when_configured(app, browser, monkeypatch):
    monkeypatch.setitem(app.config, "TEACHER_SIGNUP", TeacherSignup.OPEN)
    monkeypatch.setitem(app.config, "TEACHER_SIGNUP_CODE", "staff-only")
    browser.get("/signup")
    data = {
        "display_name": "Mx Student",
        "username": "sneaky",
        "password": "a long secret",
        "confirm": "a long secret",
        "signup_code": "guess",
    }
    html = browser.post("/signup", data).get_data(as_text=True)
    assert "That is not the teacher sign-up code." in html
    html = browser.post("/signup", {**data, "signup_code": "staff-only"}).get_data(as_text=True)
    assert "My classes" in html
