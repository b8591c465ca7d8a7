"""When SQLite's write lock stays with another writer beyond the wait: a calm 503 that says to
try again, never a 500, and never a lost answer (the student's answer is still on the page)."""

import sqlite3
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from tests.quiz_helpers import form_answer, latest_attempt_id, saved_answer, start_quiz


@pytest.fixture
def short_wait(app, monkeypatch):
    """SQLite only (PostgreSQL has no lock on the whole database); requests give up waiting
    for the write lock after 0.2 s instead of 15 s."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("only SQLite has one write lock for the whole database")
    monkeypatch.setitem(app.config, "SQLITE_LOCK_WAIT_S", 0.2)


@contextmanager
def write_lock_held(app):
    """Another writer (a connection of its own) holds SQLite's write lock until the block ends."""
    path = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.fixture
def quiz_started(app, browser, make_class, make_assignment):
    """Sam has started a quiz and sees its first question; returns the attempt's id."""
    klass = make_class(students=("sam",))
    assignment_id = make_assignment(klass["id"])
    browser.login("sam")
    start_quiz(browser, assignment_id)
    return latest_attempt_id(app, klass["students"]["sam"])


def test_an_autosave_while_the_database_is_busy_asks_to_retry_and_the_retry_saves(
    app, browser, quiz_started, short_wait
):
    attempt_id = quiz_started
    url = f"/attempts/{attempt_id}/q/0/autosave"
    answer = form_answer(app, attempt_id, 0)
    with write_lock_held(app):
        response = browser.post(url, answer, follow=False)
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    body = response.get_json()
    assert body["saved"] is False and body["retry"] is True
    assert "Not saved yet" in body["message"]
    assert saved_answer(app, attempt_id, 0) is None

    response = browser.post(url, answer, follow=False)
    assert response.get_json() == {"saved": True}
    assert saved_answer(app, attempt_id, 0) is not None


def test_an_answer_sent_while_the_database_is_busy_is_shown_again_still_given(
    app, browser, quiz_started, short_wait
):
    attempt_id = quiz_started
    answer = form_answer(app, attempt_id, 0)
    chosen = answer.get("choice") or answer.get("choices", [None])[0]
    with write_lock_held(app):
        response = browser.post(f"/attempts/{attempt_id}/q/0", {**answer, "go": "next"})
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Question 1 of" in html
    assert "Your answer was not saved yet" in html and "press the button again" in html
    assert f'value="{chosen}" checked' in html  # the student's answer, still given
    assert "Answer saved." not in html
    assert saved_answer(app, attempt_id, 0) is None

    # Sent again from that page, it is saved and the quiz moves on.
    html = browser.post(f"/attempts/{attempt_id}/q/0", {**answer, "go": "next"}).get_data(
        as_text=True
    )
    assert "Question 2 of" in html
    assert saved_answer(app, attempt_id, 0) is not None


def test_other_pages_while_the_database_is_busy_say_to_try_again(
    app, browser, make_user, short_wait
):
    make_user("rivera", role="teacher")
    browser.login("rivera")
    with write_lock_held(app):
        response = browser.get("/teach/")
        classes = browser.post("/teach/classes", {"name": "Year 9"}, follow=False)
    for busy in (response, classes):
        assert busy.status_code == 503
        assert busy.headers["Retry-After"].isdigit()
        assert "Busy for a moment" in busy.get_data(as_text=True)
    assert "My classes" in browser.page("/teach/")
    assert "Year 9" not in browser.page("/teach/")
