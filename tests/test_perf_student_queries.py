"""The student's busiest requests read each table once: nothing is loaded again after the
commit (which would take SQLite's write lock a second time), and saving an answer writes it."""

import re
from collections import Counter
from contextlib import contextmanager

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import AttemptItem
from tests.quiz_helpers import form_answer, latest_attempt_id, start_quiz


@contextmanager
def recording_statements():
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(" ".join(statement.split()))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def tables_read(statements: list[str]) -> Counter:
    return Counter(
        re.search(r" FROM (\w+)", s).group(1) for s in statements if s.startswith("SELECT ")
    )


def student_with_a_quiz(make_class, make_assignment, new_browser):
    """Sam, logged in, with the check-in assigned: the browser, the assignment, Sam's id."""
    klass = make_class(students=("sam",))
    assignment_id = make_assignment(klass["id"], slug="check-in")
    browser = new_browser()
    browser.login("sam")
    return browser, assignment_id, klass["students"]["sam"]


def started_quiz(app, make_class, make_assignment, new_browser):
    browser, assignment_id, student_id = student_with_a_quiz(
        make_class, make_assignment, new_browser
    )
    start_quiz(browser, assignment_id)
    return browser, latest_attempt_id(app, student_id)


def test_saving_an_answer_reads_once_and_nothing_after_writing(
    app, make_class, make_assignment, new_browser
):
    browser, attempt_id = started_quiz(app, make_class, make_assignment, new_browser)
    browser.get(f"/attempts/{attempt_id}/q/0")
    fields = {"go": "next", **form_answer(app, attempt_id, 0)}
    # The first save of a question reads its version, once per process (services.version_cache).
    browser.post(f"/attempts/{attempt_id}/q/0", {**fields, "go": "stay"}, follow=False)
    with app.app_context(), recording_statements() as statements:
        response = browser.post(f"/attempts/{attempt_id}/q/0", fields, follow=False)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/q/1")
    assert max(tables_read(statements).values()) == 1, statements
    # The quick way (services.quick_save): one query checks everything, the account included.
    assert sum(s.startswith("SELECT ") for s in statements) == 1, statements
    last_write = max(i for i, s in enumerate(statements) if s.startswith("UPDATE "))
    assert statements[last_write + 1 :] == [], statements
    with app.app_context():
        item = db.session.scalar(
            sa.select(AttemptItem).where(
                AttemptItem.attempt_id == attempt_id, AttemptItem.position == 0
            )
        )
        assert item.answer is not None and item.answered_at is not None


def test_the_question_page_and_home_read_each_table_once(
    app, make_class, make_assignment, new_browser
):
    browser, attempt_id = started_quiz(app, make_class, make_assignment, new_browser)
    for url in (f"/attempts/{attempt_id}/q/1", "/home"):
        browser.get(url)
        with app.app_context(), recording_statements() as statements:
            assert browser.get(url).status_code == 200
        assert max(tables_read(statements).values()) == 1, (url, statements)


def test_starting_a_quiz_inserts_its_questions_in_one_statement(
    app, make_class, make_assignment, new_browser
):
    browser, assignment_id, student_id = student_with_a_quiz(
        make_class, make_assignment, new_browser
    )
    browser.page("/home")
    with app.app_context(), recording_statements() as statements:
        response = browser.post(f"/assignments/{assignment_id}/start", follow=False)
    attempt_id = latest_attempt_id(app, student_id)
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/q/0")
    inserts = [s for s in statements if s.startswith("INSERT INTO attempt_items")]
    assert len(inserts) == 1, statements
    with app.app_context():
        positions = db.session.scalars(
            sa.select(AttemptItem.position).where(AttemptItem.attempt_id == attempt_id)
        ).all()
    assert sorted(positions) == list(range(len(positions))) and len(positions) > 1
