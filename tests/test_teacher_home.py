"""The teacher's home says what needs attention: quizzes due soon and who has not started them,
questions the item analysis flags, drafts waiting for review; and in few queries."""

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy import event

from quizapp.extensions import db
from quizapp.models import Draft, User, utcnow
from tests.quiz_helpers import form_answer, latest_attempt_id, question_count
from tests.quiz_helpers import start_quiz as start
from tests.test_teacher_views import text_of


def submit_all_wrong(app, browser, assignment_id: int, student_id: int) -> None:
    start(browser, assignment_id)
    attempt_id = latest_attempt_id(app, student_id)
    for position in range(question_count(app, attempt_id)):
        browser.post(
            f"/attempts/{attempt_id}/q/{position}",
            {**form_answer(app, attempt_id, position, correct=False), "go": "next"},
        )
    browser.post(
        f"/attempts/{attempt_id}/submit",
        {"confirm_unanswered": "y"},
        form_page=f"/attempts/{attempt_id}/review",
    )


def test_home_lists_quizzes_due_soon_and_who_has_not_started(
    app, browser, new_browser, make_class, make_assignment
):
    klass = make_class(students=("sam", "kim", "lee"))
    soon = make_assignment(klass["id"], due_at=utcnow() + timedelta(days=2))
    make_assignment(klass["id"], slug="check-in", due_at=utcnow() + timedelta(days=30))
    sam = new_browser()
    sam.login("sam")
    start(sam, soon)  # started, not submitted
    browser.login("teacher")
    html = text_of(browser.page("/teach/"))
    due = html.split("Due in the coming week")[1].split("Classes")[0]
    assert "Who said what" in due and "Check-in" not in due  # a month away is not soon
    assert "0 of 3 submitted · 2 not started" in due
    names = due.split("Who has not started")[1]
    assert "Kim" in names and "Lee" in names and "Sam" not in names


def test_home_flags_questions_from_the_item_analysis(
    app, browser, new_browser, make_class, make_assignment
):
    klass = make_class(students=("sam", "kim", "lee"))
    assignment = make_assignment(klass["id"], slug="check-in")
    for name in ("sam", "kim", "lee"):
        student = new_browser()
        student.login(name)
        submit_all_wrong(app, student, assignment, klass["students"][name])
    browser.login("teacher")
    html = browser.page("/teach/")
    assert "Questions to look at again" in html
    assert f'/teach/assignments/{assignment}#item-cin-001"' in html
    assert "Very hard: most students got it wrong." in html


def test_home_lists_drafts_waiting_for_review_and_says_when_nothing_waits(app, browser, make_class):
    klass = make_class(students=("sam",))
    browser.login("teacher")
    html = browser.page("/teach/")
    assert "Nothing waiting" in html
    with app.app_context():
        db.session.add_all(
            [
                Draft(owner_id=klass["teacher_id"], title="Ready one", slug="d-r", status="ready"),
                Draft(owner_id=klass["teacher_id"], title="Still out", slug="d-c"),
            ]
        )
        db.session.commit()
    html = browser.page("/teach/")
    waiting = html.split("Drafts waiting for review")[1]
    assert "Ready one" in waiting and "Still out" not in waiting
    assert "Nothing waiting" not in html


def test_home_takes_few_queries_whatever_the_number_of_classes(
    app, browser, make_class, make_assignment
):
    def count_queries(url: str) -> int:
        statements = []

        def seen(*_args):
            statements.append(1)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", seen)
        try:
            browser.page(url)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        return len(statements)

    first = make_class(students=("sam", "kim"), name="A")
    make_assignment(first["id"], due_at=utcnow() + timedelta(days=1))
    browser.login("teacher")
    one = count_queries("/teach/")
    for n in range(4):
        other = make_class(students=(f"s{n}", f"t{n}"), name=f"B{n}")
        make_assignment(other["id"], due_at=utcnow() + timedelta(days=1))
    assert count_queries("/teach/") == one
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) > 10
