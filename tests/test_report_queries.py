"""Every teacher page runs the same number of SQL statements for 5 students as for 500."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import (
    Assignment,
    Attempt,
    AttemptItem,
    Question,
    QuestionSet,
    QuestionVersion,
    User,
    utcnow,
)
from quizapp.services.classrooms import create_classroom, enrol
from tests.quiz_helpers import start_quiz

PAGES = (
    "/teach/classes/{klass}",
    "/teach/classes/{klass}/grades",
    "/teach/classes/{klass}/people",
    "/teach/classes/{klass}/skills",
    "/teach/classes/{klass}/students/{student}",
    "/teach/assignments/{assignment}",
    "/teach/classes/{klass}/export/gradebook.csv",
    "/teach/classes/{klass}/export/responses.csv",
)


def build_class(teacher: User, size: int, slug: str = "check-in") -> dict:
    """A class of `size` students who all submitted the set, every third answer wrong."""
    classroom = create_classroom(teacher, f"Class of {size}")
    versions = db.session.scalars(
        sa.select(QuestionVersion)
        .join(Question, Question.current_version_id == QuestionVersion.id)
        .join(QuestionSet)
        .where(QuestionSet.slug == slug)
        .order_by(Question.position)
    ).all()
    assignment = Assignment(
        classroom_id=classroom.id,
        set_id=versions[0].question.set_id,
        opens_at=utcnow() - timedelta(days=1),
    )
    db.session.add(assignment)
    db.session.flush()
    now = utcnow()
    first = None
    for n in range(size):
        student = User(username=f"c{classroom.id}s{n}", display_name=f"Student {n}", role="student")
        student.password_hash = "x"
        db.session.add(student)
        db.session.flush()
        enrol(student, classroom)
        first = first or student
        items = []
        for position, version in enumerate(versions):
            right = (n + position) % 3 != 0
            answer = version.question_type.correct_answer(version.content) if right else None
            items.append(
                AttemptItem(
                    position=position,
                    question_version_id=version.id,
                    choice_order=[c["id"] for c in version.content["choices"]],
                    answer=answer,
                    points=1.0 if right else 0.0,
                    max_points=1.0,
                    ground_max_points=0.0,
                    time_spent_ms=1000 * (position + 1),
                )
            )
        score = sum(i.points for i in items)
        db.session.add(
            Attempt(
                assignment_id=assignment.id,
                student_id=student.id,
                number=1,
                started_at=now - timedelta(minutes=20),
                submitted_at=now - timedelta(minutes=5),
                score=score,
                max_score=float(len(items)),
                items=items,
            )
        )
    db.session.commit()
    return {"klass": classroom.id, "assignment": assignment.id, "student": first.id}


@contextmanager
def counting_statements():
    count = [0]

    def count_one(*_args):
        count[0] += 1

    sa.event.listen(db.engine, "before_cursor_execute", count_one)
    try:
        yield count
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count_one)


@pytest.mark.parametrize("page", PAGES)
def test_statement_count_does_not_grow_with_the_class(app, browser, make_user, page):
    make_user("teacher", role="teacher")
    with app.app_context():
        teacher = db.session.scalar(sa.select(User).where(User.username == "teacher"))
        small, large = build_class(teacher, 5), build_class(teacher, 500)
    browser.login("teacher")
    counts = []
    for ids in (small, large):
        url = page.format(**ids)
        browser.get(url)  # a first visit submits nothing new and warms nothing we measure
        with app.app_context(), counting_statements() as count:
            response = browser.get(url)
            response.get_data()  # the CSV exports stream their rows
        assert response.status_code == 200, url
        counts.append(count[0])
    assert counts[0] > 0, "the counter saw no statement"
    assert counts[0] == counts[1], f"{page}: {counts[0]} statements for 5, {counts[1]} for 500"


@pytest.mark.parametrize("page", ["q/1", "review"])
def test_a_quiz_page_runs_as_many_statements_for_9_questions_as_for_34(
    app, new_browser, make_class, make_assignment, page
):
    klass = make_class(students=("sam", "kim"))
    counts = []
    for student, slug in (("sam", "check-in"), ("kim", "who-said-what")):
        assignment_id = make_assignment(klass["id"], slug=slug)
        browser = new_browser()
        browser.login(student)
        start_quiz(browser, assignment_id)
        with app.app_context():
            attempt_id = db.session.scalar(
                sa.select(sa.func.max(Attempt.id)).where(
                    Attempt.student_id == klass["students"][student]
                )
            )
        browser.get(f"/attempts/{attempt_id}/{page}")
        with app.app_context(), counting_statements() as count:
            assert browser.get(f"/attempts/{attempt_id}/{page}").status_code == 200
        counts.append(count[0])
    assert counts[0] == counts[1], counts
