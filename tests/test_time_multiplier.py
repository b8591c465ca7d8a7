"""Extra time set once per student (a time multiplier, as Canvas has it) for every timed quiz of
a class, and the warning when a time limit is shorter than the set takes."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Accommodation, Assignment, Attempt, AuditEvent, Enrollment, utcnow
from quizapp.services.accommodations import compute_terms
from tests.quiz_helpers import latest_attempt_id
from tests.quiz_helpers import start_quiz as start


@pytest.fixture
def klass(make_user, make_class):
    make_user("sam", name="Sam Lee")
    return make_class(students=("sam", "kim"))


def set_extra_time(teacher, klass: dict, multiplier: str, reason: str = "") -> str:
    page = f"/teach/classes/{klass['id']}/students/{klass['students']['sam']}"
    teacher.page(page)
    return teacher.post(
        f"{page}/time", {"multiplier": multiplier, "multiplier_reason": reason}
    ).get_data(as_text=True)


def deadline_minutes(app, student_id: int) -> float:
    with app.app_context():
        attempt = db.session.get(Attempt, latest_attempt_id(app, student_id))
        return (attempt.deadline_at - attempt.started_at).total_seconds() / 60


def test_extra_time_applies_to_every_timed_quiz_unless_an_own_time_limit_overrides(
    app, new_browser, klass, make_assignment
):
    first = make_assignment(klass["id"], time_limit_minutes=30)
    teacher = new_browser()
    teacher.login("teacher")
    html = set_extra_time(teacher, klass, "1.5", "Assessed needs")
    assert "Sam Lee now has 1.5 × the time limit on every timed quiz of the class." in html
    # Set once: a quiz assigned afterwards gets it too, and so does one with an odd limit.
    later = make_assignment(klass["id"], slug="check-in", time_limit_minutes=25)
    untimed = make_assignment(klass["id"], slug="figures-that-conflict")

    sam, kim = new_browser(), new_browser()
    sam.login("sam")
    kim.login("kim")
    start(sam, first)
    assert deadline_minutes(app, klass["students"]["sam"]) == 45
    start(kim, first)
    assert deadline_minutes(app, klass["students"]["kim"]) == 30  # only Sam's changes
    start(sam, later)
    assert deadline_minutes(app, klass["students"]["sam"]) == 38  # 37.5, rounded up
    start(sam, untimed)
    with app.app_context():
        attempt = db.session.get(Attempt, latest_attempt_id(app, klass["students"]["sam"]))
        assert attempt.deadline_at is None  # no class limit: nothing to lengthen

    # An assignment's own time limit for Sam wins over the class-wide extra time.
    with app.app_context():
        db.session.add(
            Accommodation(
                assignment_id=later, student_id=klass["students"]["sam"], time_limit_minutes=20
            )
        )
        db.session.commit()
    page = f"/teach/assignments/{later}/students/{klass['students']['sam']}"
    html = teacher.page(page)
    assert "20 min limit" in html and "Own time limit" in html
    html = teacher.page(f"/teach/assignments/{first}/students/{klass['students']['sam']}")
    assert "45 min limit" in html and "1.5 × time" in html

    with app.app_context():
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "time_multiplier")
        )
        assert event.reason == "Assessed needs" and event.student_id == klass["students"]["sam"]


def test_extra_time_lengthens_an_attempt_in_progress(app, new_browser, klass, make_assignment):
    assignment = make_assignment(
        klass["id"], time_limit_minutes=10, due_at=utcnow() + timedelta(hours=2)
    )
    sam = new_browser()
    sam.login("sam")
    start(sam, assignment)
    assert deadline_minutes(app, klass["students"]["sam"]) == 10
    teacher = new_browser()
    teacher.login("teacher")
    html = set_extra_time(teacher, klass, "2")
    assert "Attempt 1, in progress, now ends" in html
    assert deadline_minutes(app, klass["students"]["sam"]) == 20


@pytest.mark.parametrize("value", ["1.7", "0", "-1", "abc", "", "1e309"])
def test_a_time_not_offered_changes_nothing(app, new_browser, klass, value):
    teacher = new_browser()
    teacher.login("teacher")
    html = set_extra_time(teacher, klass, value)
    assert "Nothing was changed" in html
    with app.app_context():
        assert set(db.session.scalars(sa.select(Enrollment.time_multiplier))) == {1.0}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


def test_another_teacher_cannot_give_extra_time(app, new_browser, klass, make_user):
    from quizapp.models import Role

    make_user("rivera", Role.TEACHER)
    other = new_browser()
    other.login("rivera")
    other.page("/teach/")
    response = other.post(
        f"/teach/classes/{klass['id']}/students/{klass['students']['sam']}/time",
        {"multiplier": "2"},
    )
    assert response.status_code == 404
    with app.app_context():
        assert set(db.session.scalars(sa.select(Enrollment.time_multiplier))) == {1.0}


def terms(limit, multiplier, own_limit=None):
    assignment = SimpleNamespace(
        opens_at=utcnow(), due_at=None, time_limit_minutes=limit, attempts_allowed=1
    )
    accommodation = (
        SimpleNamespace(due_at=None, time_limit_minutes=own_limit, extra_attempts=0)
        if own_limit is not None
        else None
    )
    return compute_terms(assignment, accommodation, [], multiplier)


@pytest.mark.parametrize(
    ("limit", "multiplier", "own", "expected", "applied"),
    [
        (30, 1.0, None, 30, 1.0),
        (30, 1.5, None, 45, 1.5),
        (25, 1.25, None, 32, 1.25),  # 31.25 minutes: the student's share, rounded up
        (10, 3.0, None, 30, 3.0),
        (None, 2.0, None, None, 1.0),  # no class limit, nothing to multiply
        (30, 2.0, 20, 20, 1.0),  # the assignment's own limit for the student wins
    ],
)
def test_the_deadline_rule(limit, multiplier, own, expected, applied):
    result = terms(limit, multiplier, own)
    assert result.time_limit_minutes == expected
    assert result.time_multiplier == applied
    started = utcnow()
    deadline = result.deadline(started)
    assert deadline == (started + timedelta(minutes=expected) if expected else None)


def test_a_time_limit_shorter_than_the_set_takes_is_warned_about_first(app, new_browser, klass):
    teacher = new_browser()
    teacher.login("teacher")
    page = f"/teach/classes/{klass['id']}/assign"
    html = teacher.page(page)
    with app.app_context():
        from quizapp.models import QuestionSet

        qset = db.session.scalar(sa.select(QuestionSet).where(QuestionSet.slug == "who-said-what"))
        set_id, minutes = qset.id, qset.minutes
    assert minutes > 10
    form = {
        "set_id": str(set_id),
        "opens_at": "2026-01-01T08:00",
        "attempts_allowed": "1",
        "time_limit_minutes": "10",
        "show_answers": "after_submit",
    }
    response = teacher.post(page, form)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f"The time limit, 10 minutes, is shorter than the {minutes} minutes" in html
    assert "Keep this time limit, shorter than the set takes" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 0
    # Ticked, it is kept as the teacher chose; a limit long enough needs no tick.
    response = teacher.post(page, {**form, "keep_short_limit": "y"})
    assert response.status_code == 200
    teacher.page(page)
    teacher.post(page, {**form, "time_limit_minutes": str(minutes)})
    with app.app_context():
        query = sa.select(Assignment.time_limit_minutes, Assignment.id)
        limits = dict(db.session.execute(query).all())
        assert sorted(limits) == [10, minutes]
    # The assignment's own page says so too, for the short one only.
    warning = "The time limit, 10 minutes, is shorter than"
    assert warning in teacher.page(f"/teach/assignments/{limits[10]}")
    assert warning not in teacher.page(f"/teach/assignments/{limits[minutes]}")
