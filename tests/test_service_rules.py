"""The rules of the attempts, accommodations, reports and accounts services, called directly
with a database session (the HTTP tests show the same rules through the pages)."""

import ast
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import (
    AccountStatus,
    Assignment,
    Attempt,
    Enrollment,
    QuestionSet,
    Role,
    Status,
    User,
    utcnow,
)
from quizapp.refusals import Refusal
from quizapp.services import accommodations, accounts, reports
from quizapp.services import attempts as quiz
from quizapp.services.classrooms import create_classroom, enrol
from quizapp.services.quick_save import quick_save
from tests.conftest import PASSWORD, add_user
from tests.quiz_helpers import token_key


@pytest.fixture
def quiz_setup(ctx):
    """In an app context: a teacher's class with sam and kim, and an open assignment."""
    teacher = add_user("teacher", Role.TEACHER)
    classroom = create_classroom(teacher, "Year 10")
    sam, kim = add_user("sam"), add_user("kim")
    enrol(sam, classroom)
    enrol(kim, classroom)
    qset = db.session.scalar(sa.select(QuestionSet).where(QuestionSet.slug == "who-said-what"))
    assignment = Assignment(
        classroom_id=classroom.id,
        set_id=qset.id,
        opens_at=utcnow() - timedelta(hours=1),
        attempts_allowed=1,
    )
    db.session.add(assignment)
    db.session.flush()
    return {"teacher": teacher, "classroom": classroom, "sam": sam, "kim": kim, "a": assignment}


def right_answer(item) -> dict:
    """The form values that answer an item right, in the tokens the page would carry."""
    content = item.question_version.content
    right = content["answer"]
    if isinstance(right, str):
        return {"choice": quiz.choice_token(item, right, token_key())}
    if isinstance(right, list):
        return {"choices": [quiz.choice_token(item, c, token_key()) for c in right]}
    return {f"match-{k}": quiz.choice_token(item, v, token_key()) for k, v in right.items()}


# Attempts


def test_start_resumes_the_attempt_in_progress_and_refuses_a_second_one(quiz_setup):
    s, now = quiz_setup, utcnow()
    first = quiz.start_attempt(s["a"], s["sam"], now)
    assert quiz.start_attempt(s["a"], s["sam"], now).id == first.id
    quiz.submit_attempt(first, now)
    with pytest.raises(quiz.QuizError, match="used all your attempts"):
        quiz.start_attempt(s["a"], s["sam"], now)


def test_start_refuses_before_opening_after_the_due_time_and_outside_the_class(quiz_setup):
    s, now = quiz_setup, utcnow()
    s["a"].opens_at = now + timedelta(hours=1)
    with pytest.raises(quiz.QuizError, match="not open yet"):
        quiz.start_attempt(s["a"], s["sam"], now)
    s["a"].opens_at, s["a"].due_at = now - timedelta(hours=2), now - timedelta(hours=1)
    with pytest.raises(quiz.QuizError, match="due time has passed"):
        quiz.start_attempt(s["a"], s["sam"], now)
    outsider = add_user("olu")
    with pytest.raises(quiz.QuizError, match="not in the class"):
        quiz.start_attempt(s["a"], outsider, now)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 0


def test_submitting_grades_every_item_and_the_score_is_the_sum(quiz_setup):
    s, now = quiz_setup, utcnow()
    attempt = quiz.start_attempt(s["a"], s["sam"], now)
    quiz.save_answer(attempt, 0, right_answer(attempt.items[0]), token_key(), now)
    quiz.submit_attempt(attempt, now)
    assert attempt.submitted_at == now
    assert attempt.items[0].points == 1.0
    assert all(item.points == 0 for item in attempt.items[1:])
    assert attempt.score == 1.0 and attempt.final_score == 1.0
    with pytest.raises(quiz.QuizError, match="already submitted"):
        quiz.submit_attempt(attempt, now)


def test_a_late_save_is_refused_and_changes_nothing_until_the_caller_finalises(quiz_setup):
    s, now = quiz_setup, utcnow()
    attempt = quiz.start_attempt(s["a"], s["sam"], now)
    quiz.save_answer(attempt, 0, right_answer(attempt.items[0]), token_key(), now)
    attempt.deadline_at = now + timedelta(minutes=1)
    later = now + timedelta(minutes=2)
    with pytest.raises(quiz.QuizError, match="This last answer was not saved"):
        quiz.save_answer(attempt, 1, right_answer(attempt.items[1]), token_key(), later)
    with pytest.raises(quiz.QuizError, match="Time was up"):
        quiz.submit_attempt(attempt, later)
    assert not attempt.submitted and attempt.items[1].answer is None
    # The explicit step: submitted as it stood at its deadline, with the answers saved by then.
    assert quiz.finalise_if_expired(attempt, later)
    assert attempt.submitted_at == attempt.deadline_at and attempt.score == 1.0
    assert not quiz.finalise_if_expired(attempt, later)


def test_the_quick_save_writes_the_common_case_and_leaves_every_other_to_the_full_way(
    quiz_setup,
):
    s, now = quiz_setup, utcnow()
    attempt = quiz.start_attempt(s["a"], s["sam"], now)
    quiz.record_view(attempt, 0, now)
    db.session.flush()
    count = len(attempt.items)
    right = right_answer(attempt.items[0])

    def save(student="sam", position=0, when=now):
        return quick_save(
            attempt.id,
            (s[student].id, s[student].session_token),
            position,
            right,
            token_key(),
            when,
        )

    # Not theirs, no such question, time up, checked, removed from the class, an old session,
    # a password to change: nothing is written, and the full way says why.
    attempt.deadline_at = now + timedelta(minutes=5)
    db.session.flush()
    assert save(student="kim") is None
    assert save(position=count) is None
    assert save(when=now + timedelta(minutes=6)) is None
    attempt.items[0].locked = True
    db.session.flush()
    assert save() is None
    attempt.items[0].locked = False
    enrolment = db.session.scalar(sa.select(Enrollment).where(Enrollment.student_id == s["sam"].id))
    enrolment.removed_at = now
    db.session.flush()
    assert save() is None
    enrolment.removed_at = None
    s["sam"].must_change_password = True
    db.session.flush()
    assert save() is None
    s["sam"].must_change_password, s["sam"].status = False, AccountStatus.DISABLED
    db.session.flush()
    assert save() is None
    s["sam"].status = AccountStatus.ACTIVE
    old_session = (s["sam"].id, s["sam"].session_token)
    s["sam"].set_password("a-new-password-9")  # a reset ends the sessions made before it
    db.session.flush()
    assert quick_save(attempt.id, old_session, 0, right, token_key(), now) is None
    db.session.expire_all()
    assert attempt.items[0].answer is None
    # The common case: saved, timed, and the number of questions for the next page's link.
    assert save(when=now + timedelta(seconds=40)) == count
    db.session.expire_all()
    assert attempt.items[0].answer is not None and attempt.items[0].time_spent_ms == 40_000
    assert attempt.viewed_at == now + timedelta(seconds=40)
    with pytest.raises(quiz.QuizError, match="not one of the choices"):
        quick_save(
            attempt.id, (s["sam"].id, s["sam"].session_token), 0, {"choice": "a"}, token_key(), now
        )
    quiz.submit_attempt(attempt, now + timedelta(minutes=1))
    assert save() is None


def test_every_refusal_is_a_refusal():
    for refusal in (
        quiz.QuizError,
        accommodations.AdjustmentError,
        accounts.AccountError,
        accounts.UsernameTaken,
    ):
        assert issubclass(refusal, Refusal)


# Accommodations


def test_a_personal_due_time_and_an_extra_attempt_change_only_that_students_terms(quiz_setup):
    s, now = quiz_setup, utcnow()
    due = now + timedelta(days=2)
    accommodations.set_due_time(s["a"], s["sam"], due, actor=s["teacher"], reason="ill", now=now)
    accommodations.grant_extra_attempt(s["a"], s["sam"], actor=s["teacher"], reason="", now=now)
    sam, kim = (accommodations.effective_terms(s["a"], s[n].id) for n in ("sam", "kim"))
    assert (sam.due_at, sam.personal_due, sam.attempts_allowed) == (due, True, 2)
    assert (kim.due_at, kim.personal_due, kim.attempts_allowed) == (None, False, 1)


def test_a_due_time_in_the_past_is_refused(quiz_setup):
    s, now = quiz_setup, utcnow()
    with pytest.raises(accommodations.AdjustmentError, match="in the future"):
        accommodations.set_due_time(
            s["a"], s["sam"], now - timedelta(minutes=1), actor=s["teacher"], reason="", now=now
        )
    assert accommodations.accommodation_of(s["a"].id, s["sam"].id) is None


def test_the_time_limit_ends_an_attempt_before_the_due_time_when_it_comes_first(quiz_setup):
    s, now = quiz_setup, utcnow()
    s["a"].due_at, s["a"].time_limit_minutes = now + timedelta(minutes=30), 10
    terms = accommodations.effective_terms(s["a"], s["sam"].id)
    assert terms.deadline(now) == now + timedelta(minutes=10)
    assert terms.deadline(now + timedelta(minutes=25)) == s["a"].due_at


# Reports


def test_the_score_table_keeps_the_best_submitted_score_and_says_who_is_where(quiz_setup):
    s, now = quiz_setup, utcnow()
    s["a"].attempts_allowed = 2
    first = quiz.start_attempt(s["a"], s["sam"], now)
    quiz.submit_attempt(first, now)
    second = quiz.start_attempt(s["a"], s["sam"], now)
    quiz.save_answer(second, 0, right_answer(second.items[0]), token_key(), now)
    quiz.submit_attempt(second, now)
    quiz.start_attempt(s["a"], s["kim"], now)
    table = reports.score_table(s["classroom"])
    assert table.cell(s["sam"], s["a"]).best == second.percent > 0
    assert table.cell(s["sam"], s["a"]).status == Status.SUBMITTED
    assert table.cell(s["kim"], s["a"]).status == Status.IN_PROGRESS
    assert table.completion(s["a"])[Status.SUBMITTED] == 1


def test_the_final_score_is_the_override_when_there_is_one_in_python_and_in_sql(quiz_setup):
    s, now = quiz_setup, utcnow()
    attempt = quiz.start_attempt(s["a"], s["sam"], now)
    quiz.submit_attempt(attempt, now)
    attempt.override_score = 2.5
    db.session.flush()
    in_sql = db.session.scalar(sa.select(Attempt.final_score).where(Attempt.id == attempt.id))
    assert attempt.final_score == in_sql == 2.5
    assert attempt.percent == round(100 * 2.5 / attempt.max_score, 1)


def test_api_results_list_a_removed_student_only_with_an_attempt(quiz_setup):
    s, now = quiz_setup, utcnow()
    quiz.start_attempt(s["a"], s["sam"], now)
    db.session.execute(sa.update(Enrollment).values(removed_at=now))
    results = reports.assignment_results(s["a"])
    assert [(r.student.username, r.in_class, r.status) for r in results] == [
        ("sam", False, Status.IN_PROGRESS)
    ]


# Accounts


def test_a_sign_up_with_a_taken_username_is_refused_whole(quiz_setup):
    s = quiz_setup
    with pytest.raises(accounts.UsernameTaken):
        accounts.sign_up(
            "Sam", "Another Sam", PASSWORD, Role.STUDENT, now=utcnow(), classroom=s["classroom"]
        )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 3
    made = accounts.sign_up(
        " Ana ", " Ana ", PASSWORD, Role.STUDENT, now=utcnow(), classroom=s["classroom"]
    )
    assert (made.username, made.display_name, made.check_password(PASSWORD)) == ("ana", "Ana", True)
    assert quiz.is_enrolled(made, s["classroom"].id)


def test_accounts_made_elsewhere_follow_the_sign_up_rules(ctx):
    add_user("head")
    assert accounts.new_account_problems("head", "Mr Head", "long enough") == [
        accounts.USERNAME_TAKEN
    ]
    problems = accounts.new_account_problems("x!", "", "short")
    assert accounts.USERNAME_RULE_MESSAGE in problems and len(problems) == 3
    assert accounts.new_account_problems("Deputy", "Ms Deputy", "a long secret") == []


def test_services_read_neither_the_request_nor_the_application_config():
    """Views read the request and the config and pass what a service needs (STYLE.md), so a
    service runs the same from a view, a command or a job."""
    package = Path(__file__).resolve().parent.parent / "quizapp" / "services"
    found = []
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "flask":
                found += [f"{module.name}: flask.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                found += [f"{module.name}: {a.name}" for a in node.names if a.name == "flask"]
    assert found == []
