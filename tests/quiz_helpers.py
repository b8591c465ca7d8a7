"""Filling in quiz pages as a student would, knowing which answer to give."""

import re

import sqlalchemy as sa
from flask import current_app

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptItem
from quizapp.services.attempts import choice_token, ground_token


def latest_attempt_id(app, student_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.max(Attempt.id)).where(Attempt.student_id == student_id)
        )


def start_quiz(browser, assignment_id: int):
    """Start (or go on with) a quiz from the student's home page, as its button does; the
    response, redirects followed (the first question, or home with the reason it was refused)."""
    browser.page("/home")
    return browser.post(f"/assignments/{assignment_id}/start")


def class_quiz_started(
    app, browser, make_class, make_assignment, *, students=("sam",), **settings
) -> tuple[dict, int, int]:
    """A class with an assignment, whose first student, logged in on browser, starts it: the
    class (as make_class gives it), the assignment's id and the attempt's id."""
    klass = make_class(students=students)
    assignment_id = make_assignment(klass["id"], **settings)
    browser.login(students[0])
    start_quiz(browser, assignment_id)
    return klass, assignment_id, latest_attempt_id(app, klass["students"][students[0]])


def form_answer(app, attempt_id: int, position: int, correct: bool = True) -> dict:
    """The form fields a student posts to answer one question right (or wrong)."""
    with app.app_context():
        item = db.session.scalar(
            sa.select(AttemptItem).where(
                AttemptItem.attempt_id == attempt_id, AttemptItem.position == position
            )
        )
        content = item.question_version.content
        ids = [c["id"] for c in content["choices"]]
        right = content["answer"]

        def token(cid):
            return choice_token(item, cid, token_key())

        # By the answer's shape: one choice, a set of choices, or pairs.
        if isinstance(right, str):
            choice = right if correct else next(c for c in ids if c != right)
            fields = {"choice": token(choice)}
        elif isinstance(right, list):
            chosen = right if correct else [c for c in ids if c not in right][:1]
            fields = {"choices": [token(c) for c in chosen]}
        else:
            pairs = (
                right
                if correct
                else {k: ids[(ids.index(v) + 1) % len(ids)] for k, v in right.items()}
            )
            fields = {f"match-{k}": token(v) for k, v in pairs.items()}
        if "ground" in content and correct:
            fields["ground"] = [
                ground_token(item, s, token_key()) for s in content["ground"]["answer"]
            ]
        return fields


def saved_answer(app, attempt_id: int, position: int):
    """The answer stored for one question of the attempt (None if none was saved)."""
    with app.app_context():
        return db.session.scalar(
            sa.select(AttemptItem.answer).where(
                AttemptItem.attempt_id == attempt_id, AttemptItem.position == position
            )
        )


def question_count(app, attempt_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AttemptItem)
            .where(AttemptItem.attempt_id == attempt_id)
        )


def token_key() -> bytes:
    """The key the question page makes its choices' tokens with, inside an app context."""
    return current_app.config["SECRET_KEY"].encode()


def tokens_on_page(html: str) -> list[str]:
    """The answer's choice tokens on a question page (not the grounding step's)."""
    return re.findall(r'name="choices?" value="(c[0-9a-f]{12})"', html)
