"""Bad input and edge cases: each gets a clear answer, never a 500, and changes nothing."""

import re
from datetime import timedelta

import sqlalchemy as sa

from quizapp.config import TeacherSignup
from quizapp.extensions import db
from quizapp.models import Assignment, Attempt, AttemptItem, utcnow
from tests.quiz_helpers import form_answer, latest_attempt_id


def started(app, browser, make_class, make_assignment, **settings):
    klass = make_class(students=("sam", "kim"))
    assignment_id = make_assignment(klass["id"], **settings)
    browser.login("sam")
    browser.page("/home")
    browser.post(f"/assignments/{assignment_id}/start")
    return klass, assignment_id, latest_attempt_id(app, klass["students"]["sam"])


def test_removed_student_cannot_go_on_but_the_teacher_keeps_the_results(
    app, browser, new_browser, make_class, make_assignment
):
    klass, _, attempt_id = started(app, browser, make_class, make_assignment)
    browser.post(f"/attempts/{attempt_id}/q/0", form_answer(app, attempt_id, 0))
    teacher = new_browser()
    teacher.login("teacher")
    teacher.page(f"/teach/classes/{klass['id']}")
    teacher.post(
        f"/teach/classes/{klass['id']}/students/{klass['students']['sam']}/remove",
        {"confirmed": "yes"},
    )

    html = browser.post(f"/attempts/{attempt_id}/q/1", form_answer(app, attempt_id, 1)).get_data(
        as_text=True
    )
    assert "no longer in the class" in html
    html = browser.post(
        f"/attempts/{attempt_id}/submit", {"confirm_unanswered": "y"}, form_page="/home"
    ).get_data(as_text=True)
    assert "no longer in the class" in html
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.submitted_at is None and attempt.items[1].answer is None
    html = teacher.page(f"/teach/classes/{klass['id']}/grades")
    assert "removed from the class" in html
    html = teacher.page(f"/teach/classes/{klass['id']}/people")
    roster = html.split("<h2>Roster</h2>")[1].split("<h3>Removed from the class</h3>")[0]
    assert "Sam" not in roster


def test_teacher_pages_submit_attempts_whose_time_ran_out(
    app, browser, new_browser, make_class, make_assignment
):
    klass, _, attempt_id = started(app, browser, make_class, make_assignment, time_limit_minutes=5)
    browser.post(f"/attempts/{attempt_id}/q/0", form_answer(app, attempt_id, 0))
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        attempt.deadline_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    teacher = new_browser()
    teacher.login("teacher")
    html = teacher.page(f"/teach/classes/{klass['id']}/grades")
    assert "In progress" not in html
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.submitted_at == attempt.deadline_at and attempt.score >= 1


def test_never_mode_does_not_mark_questions_right_or_wrong(
    app, browser, make_class, make_assignment
):
    _, _, attempt_id = started(app, browser, make_class, make_assignment, show_answers="never")
    browser.post(f"/attempts/{attempt_id}/q/0", form_answer(app, attempt_id, 0))
    html = browser.post(f"/attempts/{attempt_id}/submit", {"confirm_unanswered": "y"}).get_data(
        as_text=True
    )
    assert "Your quiz is submitted" in html
    assert "Correct ·" not in html and "Incorrect ·" not in html and "result-correct" not in html


def test_checking_a_half_done_matching_question_is_refused(
    app, browser, make_class, make_assignment
):
    _, _, attempt_id = started(app, browser, make_class, make_assignment, show_answers="after_each")
    with app.app_context():
        position = db.session.scalar(
            sa.select(AttemptItem.position)
            .join(AttemptItem.question_version)
            .where(AttemptItem.attempt_id == attempt_id)
            .where(sa.text("question_versions.type = 'matching'"))
            .limit(1)
        )
    full = form_answer(app, attempt_id, position)
    first_pair = dict([next(iter(full.items()))])
    html = browser.post(
        f"/attempts/{attempt_id}/q/{position}", {**first_pair, "go": "check"}
    ).get_data(as_text=True)
    assert "Choose an answer before checking it." in html
    with app.app_context():
        item = db.session.scalar(
            sa.select(AttemptItem).where(
                AttemptItem.attempt_id == attempt_id, AttemptItem.position == position
            )
        )
        assert not item.locked


def test_odd_navigation_values_and_huge_ids_give_no_server_error(
    app, browser, make_class, make_assignment
):
    _, _, attempt_id = started(app, browser, make_class, make_assignment)
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
