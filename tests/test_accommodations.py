"""A teacher's adjustments for one student: own due time and time limit, one more attempt, reset
attempts and corrected scores, each logged; checked through the pages, with CSRF on."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from markupsafe import escape

from quizapp.extensions import db
from quizapp.models import Accommodation, Assignment, Attempt, AuditEvent, utcnow
from quizapp.templating import format_time
from quizapp.timezone import to_local, to_utc
from tests.quiz_helpers import form_answer, latest_attempt_id, question_count, start_quiz


@pytest.fixture
def setup(app, make_user, make_class, make_assignment):
    """Sam Lee and Kim in a class; returns a function making an assignment for them."""
    make_user("sam", name="Sam Lee")
    klass = make_class(students=("sam", "kim"))

    def make(**settings) -> dict:
        assignment_id = make_assignment(klass["id"], **settings)
        sam = klass["students"]["sam"]
        return {
            **klass,
            "assignment": assignment_id,
            "sam": sam,
            "kim": klass["students"]["kim"],
            "page": f"/teach/assignments/{assignment_id}/students/{sam}",
        }

    return make


def take(app, browser, assignment_id: int, student_id: int, correct: bool = True) -> int:
    """Start an attempt, answer every question (right or wrong) and submit it."""
    start_quiz(browser, assignment_id)
    attempt_id = latest_attempt_id(app, student_id)
    for position in range(question_count(app, attempt_id)):
        browser.post(
            f"/attempts/{attempt_id}/q/{position}",
            {**form_answer(app, attempt_id, position, correct), "go": "next"},
        )
    browser.post(
        f"/attempts/{attempt_id}/submit",
        {"confirm_unanswered": "y"},
        form_page=f"/attempts/{attempt_id}/review",
    )
    return attempt_id


def local_input(app, moment) -> str:
    """A UTC time as a teacher types it into the form, in the school's time zone."""
    with app.app_context():
        return to_local(moment).strftime("%Y-%m-%dT%H:%M")


def attempt_count(app, student_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count()).select_from(Attempt).where(Attempt.student_id == student_id)
        )


def logged(app) -> list[AuditEvent]:
    with app.app_context():
        events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
        db.session.expunge_all()
        return events


def test_own_due_time_lets_that_student_start_after_the_class_due_time(
    app, browser, new_browser, setup
):
    now = utcnow()
    s = setup(opens_at=now - timedelta(days=3), due_at=now - timedelta(hours=1))
    teacher = new_browser()
    teacher.login("teacher")
    teacher.page(s["page"])
    typed = local_input(app, now + timedelta(days=2))
    response = teacher.post(f"{s['page']}/due", {"due_at": typed, "due_reason": "Was ill"})
    html = response.get_data(as_text=True)
    new_due = (now + timedelta(days=2)).replace(second=0, microsecond=0)
    with app.app_context():
        assert to_utc(to_local(new_due).replace(tzinfo=None)) == new_due
        shown = format_time(new_due)
    assert response.status_code == 200
    assert str(escape(f"Due time for Sam Lee moved to {shown}")) in html
    assert "Own due time" in html

    browser.login("sam")
    home = browser.page("/home")
    assert f"Due {shown}." in home and "Overdue" not in home
    start_quiz(browser, s["assignment"])
    with app.app_context():
        attempt = db.session.get(Attempt, latest_attempt_id(app, s["sam"]))
        assert attempt.deadline_at == new_due

    kim = new_browser()
    kim.login("kim")
    assert "Overdue" in kim.page("/home")
    assert "its due time has passed" in start_quiz(kim, s["assignment"]).get_data(as_text=True)
    assert attempt_count(app, s["kim"]) == 0


def test_more_time_moves_the_deadline_of_an_attempt_in_progress(app, browser, new_browser, setup):
    s = setup(time_limit_minutes=10, due_at=utcnow() + timedelta(hours=2))
    browser.login("sam")
    start_quiz(browser, s["assignment"])
    attempt_id = latest_attempt_id(app, s["sam"])
    teacher = new_browser()
    teacher.login("teacher")
    teacher.page(s["page"])
    html = teacher.post(f"{s['page']}/time-limit", {"minutes": "30"}).get_data(as_text=True)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.deadline_at == attempt.started_at + timedelta(minutes=30)
        ends = format_time(attempt.deadline_at)
    assert "Time limit for Sam Lee set to 30 minutes" in html
    assert f"Attempt 1, in progress, now ends {ends}." in html

    # An own due time before the end of the time limit ends the attempt then: the earlier wins.
    due = utcnow() + timedelta(minutes=20)
    teacher.post(f"{s['page']}/due", {"due_at": local_input(app, due)})
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.deadline_at == due.replace(second=0, microsecond=0)
    html = browser.page(f"/attempts/{attempt_id}/q/0")
    assert "Question 1 of" in html


def test_one_more_attempt_allows_exactly_one_more_start(app, browser, new_browser, setup):
    s = setup(attempts_allowed=1)
    browser.login("sam")
    take(app, browser, s["assignment"], s["sam"])
    assert "used all your attempts" in start_quiz(browser, s["assignment"]).get_data(as_text=True)

    teacher = new_browser()
    teacher.login("teacher")
    teacher.page(s["page"])
    html = teacher.post(f"{s['page']}/extra-attempt", {"extra_reason": "Fire drill"}).get_data(
        as_text=True
    )
    assert "Sam Lee may make one more attempt: 2 allowed in all" in html

    assert "Try again (1 left)" in browser.page("/home")
    take(app, browser, s["assignment"], s["sam"])
    assert "used all your attempts" in start_quiz(browser, s["assignment"]).get_data(as_text=True)
    assert attempt_count(app, s["sam"]) == 2


def test_reset_attempt_stays_in_the_history_does_not_count_and_gives_an_attempt_back(
    app, browser, new_browser, setup
):
    s = setup(attempts_allowed=1)
    browser.login("sam")
    first = take(app, browser, s["assignment"], s["sam"], correct=True)
    assert "Best score" in browser.page("/home")

    teacher = new_browser()
    teacher.login("teacher")
    teacher.page(s["page"])
    html = teacher.post(
        f"{s['page']}/reset", {"reset_attempt": str(first), "reset_reason": "Shared a laptop"}
    ).get_data(as_text=True)
    assert "Attempt 1 of Sam Lee reset (it scored 100%)" in html
    assert '<span class="badge">Reset ' in html and "Shared a laptop" in html

    home = browser.page("/home")
    assert "Best score" not in home and "Try again (1 left)" in home
    assert '<span class="badge">Reset</span>' in browser.page("/history")
    assert "no longer counts" in browser.page(f"/attempts/{first}")
    second = take(app, browser, s["assignment"], s["sam"], correct=False)
    assert "used all your attempts" in start_quiz(browser, s["assignment"]).get_data(as_text=True)
    with app.app_context():
        attempts = db.session.scalars(
            sa.select(Attempt).where(Attempt.student_id == s["sam"]).order_by(Attempt.number)
        ).all()
        assert [(a.id, a.number, a.reset_at is not None) for a in attempts] == [
            (first, 1, True),
            (second, 2, False),
        ]
        assert attempts[0].score == attempts[0].max_score  # the history keeps its marking
    home = browser.page("/home")
    assert "Best score" in home and "0%" in home and "100%" not in home


def test_resetting_an_attempt_in_progress_closes_it_with_its_saved_answers(
    app, browser, new_browser, setup
):
    s = setup()
    browser.login("sam")
    start_quiz(browser, s["assignment"])
    attempt_id = latest_attempt_id(app, s["sam"])
    browser.post(f"/attempts/{attempt_id}/q/0", form_answer(app, attempt_id, 0))

    teacher = new_browser()
    teacher.login("teacher")
    teacher.page(s["page"])
    html = teacher.post(f"{s['page']}/reset", {"reset_attempt": str(attempt_id)}).get_data(
        as_text=True
    )
    assert "in progress, closed with the answers saved so far and reset" in html
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.submitted_at == attempt.reset_at
        assert attempt.items[0].points == 1.0 and attempt.percent is None

    html = browser.post(
        f"/attempts/{attempt_id}/q/1", form_answer(app, attempt_id, 1), form_page="/home"
    ).get_data(as_text=True)
    assert "Your teacher reset this attempt, so it was closed" in html
    html = start_quiz(browser, s["assignment"]).get_data(as_text=True)
    assert "Question 1 of" in html
    with app.app_context():
        new = db.session.get(Attempt, latest_attempt_id(app, s["sam"]))
        assert new.id != attempt_id and new.number == 2 and new.submitted_at is None


def reset_by_teacher(new_browser, s: dict, attempt_id: int) -> None:
    teacher = new_browser()
    teacher.login("teacher")
    teacher.page(s["page"])
    teacher.post(f"{s['page']}/reset", {"reset_attempt": str(attempt_id), "reset_reason": "Ill"})


def result_sections(html: str) -> list[str]:
    """The result page's questions, one piece of the page each."""
    return html.split('<article class="result')[1:]


def explanations(app, attempt_id: int) -> list[str]:
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        return [str(escape(i.question_version.content["explanation"])) for i in attempt.items]


def test_an_attempt_reset_before_it_was_submitted_shows_no_answers(
    app, browser, new_browser, setup
):
    s = setup(show_answers="after_submit")
    browser.login("sam")
    start_quiz(browser, s["assignment"])
    attempt_id = latest_attempt_id(app, s["sam"])
    browser.post(f"/attempts/{attempt_id}/q/0", form_answer(app, attempt_id, 0))
    reset_by_teacher(new_browser, s, attempt_id)

    html = browser.page(f"/attempts/{attempt_id}")
    assert "Your teacher reset this attempt" in html
    assert "Correct answer" not in html and "The evidence" not in html
    assert not any(explanation in html for explanation in explanations(app, attempt_id))
    assert "Correct ·" not in html  # right or wrong is itself an answer
    with app.app_context():
        max_score = db.session.get(Attempt, attempt_id).max_score
    assert f"of {max_score:g} points" not in html  # nor is the score
    assert "Question 1 of" in start_quiz(browser, s["assignment"]).get_data(
        as_text=True
    )  # and a fresh attempt is there


def test_a_reset_attempt_shows_only_the_answers_checked_before_the_reset(
    app, browser, new_browser, setup
):
    s = setup(show_answers="after_each")
    browser.login("sam")
    start_quiz(browser, s["assignment"])
    attempt_id = latest_attempt_id(app, s["sam"])
    browser.post(f"/attempts/{attempt_id}/q/0", {**form_answer(app, attempt_id, 0), "go": "check"})
    browser.post(f"/attempts/{attempt_id}/q/1", {**form_answer(app, attempt_id, 1), "go": "next"})
    reset_by_teacher(new_browser, s, attempt_id)

    sections = result_sections(browser.page(f"/attempts/{attempt_id}"))
    text = explanations(app, attempt_id)
    assert "Correct answer" in sections[0] and text[0] in sections[0]
    for n, section in enumerate(sections[1:], start=1):  # saved, or not answered, but unchecked
        assert "Correct answer" not in section and text[n] not in section
        assert "The evidence" not in section and "Correct ·" not in section


def test_corrected_score_is_what_students_and_teachers_see_and_needs_a_reason(
    app, browser, new_browser, setup
):
    s = setup()
    browser.login("sam")
    attempt_id = take(app, browser, s["assignment"], s["sam"], correct=False)
    with app.app_context():
        max_score = db.session.get(Attempt, attempt_id).max_score

    teacher = new_browser()
    teacher.login("teacher")
    teacher.page(s["page"])
    response = teacher.post(
        f"{s['page']}/override", {"override_attempt": str(attempt_id), "points": "3"}
    )
    assert response.status_code == 400
    assert "Give a reason" in response.get_data(as_text=True)

    html = teacher.post(
        f"{s['page']}/override",
        {
            "override_attempt": str(attempt_id),
            "points": str(max_score),
            "override_reason": "Every answer was also right",
        },
    ).get_data(as_text=True)
    assert f"set to {max_score:g} of {max_score:g} points (100%); marked 0" in html

    result = browser.page(f"/attempts/{attempt_id}")
    assert "100%" in result and "Every answer was also right" in result
    assert f"{max_score:g} of {max_score:g} points" in result
    assert "Best score" in browser.page("/home") and "100%" in browser.page("/home")
    assert "100%" in teacher.page(f"/teach/attempts/{attempt_id}")

    teacher.page(s["page"])
    html = teacher.post(
        f"{s['page']}/override/clear",
        {"clear_attempt": str(attempt_id), "clear_reason": "Checked again"},
    ).get_data(as_text=True)
    assert "the marked score, 0 of" in html and "counts again" in html
    assert "0%" in browser.page(f"/attempts/{attempt_id}")
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.override_score is None and attempt.override_reason is None
    assert [e.action for e in logged(app)] == ["score_override", "score_override_cleared"]


def test_each_change_is_logged_with_teacher_time_what_and_why(app, browser, new_browser, setup):
    s = setup(attempts_allowed=1)
    browser.login("sam")
    attempt_id = take(app, browser, s["assignment"], s["sam"], correct=False)
    teacher = new_browser()
    teacher.login("teacher")
    teacher.page(s["page"])
    teacher.post(f"{s['page']}/time-limit", {"minutes": "45", "limit_reason": "Extra time plan"})
    teacher.post(f"{s['page']}/extra-attempt", {"extra_reason": "Missed the lesson"})
    teacher.post(
        f"{s['page']}/override",
        {"override_attempt": str(attempt_id), "points": "1", "override_reason": "Q2 accepted"},
    )
    teacher.post(f"{s['page']}/reset", {"reset_attempt": str(attempt_id), "reset_reason": "Retry"})

    events = logged(app)
    assert [e.action for e in events] == [
        "time_limit",
        "extra_attempt",
        "score_override",
        "reset",
    ]
    assert {e.actor_id for e in events} == {s["teacher_id"]}
    assert {e.student_id for e in events} == {s["sam"]}
    assert [e.reason for e in events] == [
        "Extra time plan",
        "Missed the lesson",
        "Q2 accepted",
        "Retry",
    ]
    assert events[2].attempt_id == attempt_id and events[0].attempt_id is None

    html = teacher.page(s["page"])
    log = html.split("What was changed")[1]
    with app.app_context():
        times = [format_time(e.created_at) for e in events]
    # Newest first, each with who, when, what and why.
    places = [log.index(reason) for reason in ("Retry", "Q2 accepted", "Missed the lesson")]
    assert places == sorted(places)
    assert log.count('<small class="muted">Teacher</small>') == 4
    assert all(t in log for t in times)
    assert "Time limit for Sam Lee set to 45 minutes" in log
    assert str(escape("(the class has no time limit)")) in log


PAGE_ROUTES = [
    ("get", ""),
    ("post", "/due"),
    ("post", "/time-limit"),
    ("post", "/extra-attempt"),
    ("post", "/reset"),
    ("post", "/override"),
    ("post", "/override/clear"),
]


@pytest.mark.parametrize(("method", "suffix"), PAGE_ROUTES)
def test_another_teacher_gets_not_found(app, browser, make_class, setup, method, suffix):
    s = setup()
    make_class(teacher="other", students=("lee",), name="Other class")
    browser.login("other")
    browser.page("/teach/")
    url = s["page"] + suffix
    if method == "get":
        response = browser.get(url)
    else:
        data = {"minutes": "30", "reset_attempt": "1", "override_reason": "x", "points": "1"}
        response = browser.post(url, data, form_page="/teach/", follow=False)
    assert response.status_code == 404
    assert logged(app) == []


@pytest.mark.parametrize(("method", "suffix"), PAGE_ROUTES)
def test_a_student_from_another_class_is_not_found(app, browser, make_class, setup, method, suffix):
    s = setup()
    other = make_class(students=("lee",), name="Other class")
    browser.login("teacher")
    browser.page("/teach/")
    url = f"/teach/assignments/{s['assignment']}/students/{other['students']['lee']}{suffix}"
    response = browser.get(url) if method == "get" else browser.post(url, {}, follow=False)
    assert response.status_code == 404


@pytest.mark.parametrize(("method", "suffix"), PAGE_ROUTES)
def test_a_student_cannot_reach_these_pages(app, browser, setup, method, suffix):
    s = setup()
    browser.login("sam")
    browser.page("/home")
    url = s["page"] + suffix
    response = browser.get(url) if method == "get" else browser.post(url, {}, follow=False)
    assert response.status_code == 403
    assert logged(app) == []


def bad_inputs(attempt_id: int, past: str) -> list[tuple[str, dict, str]]:
    def score(points: str, reason: str = "Marked by hand", attempt: int = attempt_id) -> dict:
        return {"override_attempt": str(attempt), "points": points, "override_reason": reason}

    return [
        ("/time-limit", {"minutes": "-5"}, "Between 1 and 600 minutes."),
        ("/time-limit", {"minutes": "ten"}, "Not a valid integer value."),
        ("/time-limit", {}, "already has the class"),
        ("/due", {"due_at": past}, "Choose a due time in the future."),
        ("/due", {"due_at": "tomorrow"}, "Not a valid datetime value."),
        ("/override", score("999"), "The score must be between 0 and"),
        ("/override", score("-1"), "cannot be below 0"),
        ("/override", score("inf"), "as a number of points"),
        ("/override", score("2", reason=" "), "Give a reason"),
        ("/override", score("1", attempt=999999), "Not a valid choice"),
        ("/override/clear", {"clear_attempt": str(attempt_id)}, "Not a valid choice"),
        ("/reset", {"reset_attempt": "0"}, "Not a valid choice"),
        ("/extra-attempt", {"extra_reason": "x" * 501}, "under 500 characters"),
    ]


def test_bad_input_gives_a_message_and_status_400_and_changes_nothing(
    app, browser, new_browser, setup
):
    s = setup(time_limit_minutes=20)
    student = new_browser()
    student.login("sam")
    attempt_id = take(app, student, s["assignment"], s["sam"], correct=False)
    browser.login("teacher")
    past = local_input(app, utcnow() - timedelta(hours=1))
    for suffix, data, message in bad_inputs(attempt_id, past):
        browser.page(s["page"])
        response = browser.post(s["page"] + suffix, data)
        html = response.get_data(as_text=True)
        assert response.status_code == 400, (suffix, data)
        assert str(escape(message)) in html, (suffix, message)
        assert 'class="field-error"' in html and "Nothing was changed" in html
    response = browser.client.post(f"{s['page']}/extra-attempt", data={"csrf_token": "forged"})
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Accommodation)) == 0
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.override_score is None and attempt.reset_at is None
    assert logged(app) == []


def test_the_page_and_links_show_the_students_terms_and_attempts(app, browser, new_browser, setup):
    s = setup(attempts_allowed=2, time_limit_minutes=15)
    student = new_browser()
    student.login("sam")
    attempt_id = take(app, student, s["assignment"], s["sam"])
    browser.login("teacher")
    html = browser.page(f"/teach/assignments/{s['assignment']}")
    assert f'href="{s["page"]}">Adjust</a>' in html
    html = browser.page(f"/teach/attempts/{attempt_id}")
    assert f'href="{s["page"]}">Adjust or correct</a>' in html
    html = browser.page(s["page"])
    assert "Sam Lee · Who said what" in html
    assert "15 min limit" in html and "1 of 2 attempts used" in html
    assert f'href="/teach/attempts/{attempt_id}" aria-label="Attempt 1">#1</a>' in html
    assert "No changes yet." in html and "Nothing was changed" not in html


def test_answers_after_the_due_time_wait_for_the_students_own_due_time(
    app, browser, new_browser, setup
):
    now = utcnow()
    s = setup(
        opens_at=now - timedelta(days=3),
        due_at=now - timedelta(hours=1),
        show_answers="after_due",
        attempts_allowed=2,
    )
    teacher = new_browser()
    teacher.login("teacher")
    teacher.page(s["page"])
    own_due = (now + timedelta(days=1)).replace(second=0, microsecond=0)
    teacher.post(f"{s['page']}/due", {"due_at": local_input(app, own_due)})
    browser.login("sam")
    attempt_id = take(app, browser, s["assignment"], s["sam"])
    html = browser.page(f"/attempts/{attempt_id}")
    with app.app_context():
        shown = format_time(own_due)
    assert f"will be shown after the due time, {shown}." in html
    assert "Correct answer" not in html


def test_classmates_wait_for_the_latest_extension_before_seeing_answers(
    app, browser, new_browser, setup
):
    now = utcnow()
    s = setup(opens_at=now - timedelta(days=3), due_at=now + timedelta(hours=1))
    with app.app_context():
        db.session.get(Assignment, s["assignment"]).show_answers = "after_due"
        db.session.commit()
    browser.login("kim")
    kim_attempt = take(app, browser, s["assignment"], s["kim"])
    with app.app_context():  # the class's due time passes
        db.session.get(Assignment, s["assignment"]).due_at = now - timedelta(minutes=5)
        db.session.commit()
    assert "Correct answer" in browser.page(f"/attempts/{kim_attempt}")
    teacher = new_browser()
    teacher.login("teacher")
    teacher.page(s["page"])
    own_due = (now + timedelta(days=1)).replace(second=0, microsecond=0)
    teacher.post(f"{s['page']}/due", {"due_at": local_input(app, own_due)})
    # Sam may still answer until tomorrow, so Kim's answers are hidden until then too.
    html = browser.page(f"/attempts/{kim_attempt}")
    assert "Correct answer" not in html
    with app.app_context():
        assert f"will be shown after the due time, {format_time(own_due)}." in html
