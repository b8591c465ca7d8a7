"""The rules of an attempt at their edges: a student removed mid-quiz, time running out while
nobody looks, answers never shown, a half-done matching question checked."""

from datetime import timedelta

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptItem, utcnow
from tests.quiz_helpers import class_quiz_started, form_answer


def test_removed_student_cannot_go_on_but_the_teacher_keeps_the_results(
    app, browser, new_browser, make_class, make_assignment
):
    klass, _, attempt_id = class_quiz_started(
        app, browser, make_class, make_assignment, students=("sam", "kim")
    )
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
    klass, _, attempt_id = class_quiz_started(
        app, browser, make_class, make_assignment, students=("sam", "kim"), time_limit_minutes=5
    )
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
    _, _, attempt_id = class_quiz_started(
        app, browser, make_class, make_assignment, students=("sam", "kim"), show_answers="never"
    )
    browser.post(f"/attempts/{attempt_id}/q/0", form_answer(app, attempt_id, 0))
    html = browser.post(f"/attempts/{attempt_id}/submit", {"confirm_unanswered": "y"}).get_data(
        as_text=True
    )
    assert "Your quiz is submitted" in html
    assert "Correct ·" not in html and "Incorrect ·" not in html and "result-correct" not in html


def test_checking_a_half_done_matching_question_is_refused(
    app, browser, make_class, make_assignment
):
    _, _, attempt_id = class_quiz_started(
        app,
        browser,
        make_class,
        make_assignment,
        students=("sam", "kim"),
        show_answers="after_each",
    )
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
