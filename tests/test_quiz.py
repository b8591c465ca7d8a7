import re
import threading
from datetime import timedelta

import sqlalchemy as sa
from markupsafe import escape

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptItem, utcnow
from tests.quiz_helpers import (
    form_answer,
    latest_attempt_id,
    question_count,
    start_quiz,
    tokens_on_page,
)


def test_student_takes_quiz_one_question_at_a_time_resumes_and_submits(
    app, browser, new_browser, make_class, make_assignment
):
    klass = make_class(students=("sam",))
    assignment_id = make_assignment(klass["id"])
    browser.login("sam")
    home = browser.page("/home")
    assert "Who said what" in home and "To do" in home

    html = start_quiz(browser, assignment_id).get_data(as_text=True)
    attempt_id = latest_attempt_id(app, klass["students"]["sam"])
    total = question_count(app, attempt_id)
    assert f"Question 1 of {total}" in html
    assert "<progress" in html

    # Answer the first half, one page at a time, then "close the tab".
    half = total // 2
    for position in range(half):
        html = browser.post(
            f"/attempts/{attempt_id}/q/{position}",
            {**form_answer(app, attempt_id, position), "go": "next"},
        ).get_data(as_text=True)
        assert f"Question {position + 2} of {total}" in html

    # A new browser session (log in again) resumes where the student stopped.
    again = new_browser()
    again.login("sam")
    assert "In progress" in again.page("/home")
    html = start_quiz(again, assignment_id).get_data(as_text=True)
    assert f"Question {half + 1} of {total}" in html
    html = again.page(f"/attempts/{attempt_id}/q/0")
    assert "Answer saved." in html and "checked" in html

    for position in range(half, total):
        correct = position != total - 1  # the last one wrong
        again.post(
            f"/attempts/{attempt_id}/q/{position}",
            {**form_answer(app, attempt_id, position, correct), "go": "next"},
        )
    html = again.page(f"/attempts/{attempt_id}/review")
    assert "All questions are answered" in html
    html = again.post(f"/attempts/{attempt_id}/submit", {}).get_data(as_text=True)
    assert "Your quiz is submitted" in html
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.submitted_at is not None
        steps = sum("ground" in item.question_version.content for item in attempt.items)
        assert attempt.max_score == total + steps
        last = attempt.items[-1]
        # Everything right but the last answer (and its evidence step, left empty).
        assert attempt.score == attempt.max_score - 1 - last.ground_max_points
        assert all(item.points is not None for item in attempt.items)
    # The result page shows the evidence with a link into the article.
    assert "The evidence" in html
    link = re.search(r'href="(/articles/[^"#]+)#evidence"', html).group(1)
    article = again.page(link.replace("&amp;", "&"))
    assert '<mark id="evidence">' in article


def test_teacher_sees_the_score_in_the_class_table(
    app, browser, new_browser, make_class, make_assignment
):
    klass = make_class(students=("sam", "kim"))
    assignment_id = make_assignment(klass["id"])
    student = new_browser()
    student.login("sam")
    start_quiz(student, assignment_id)
    attempt_id = latest_attempt_id(app, klass["students"]["sam"])
    for position in range(question_count(app, attempt_id)):
        student.post(
            f"/attempts/{attempt_id}/q/{position}",
            {**form_answer(app, attempt_id, position), "go": "next"},
        )
    student.post(f"/attempts/{attempt_id}/submit", {})

    browser.login("teacher")
    html = browser.page(f"/teach/classes/{klass['id']}")
    assert "100%" in html and "Not started" in html
    html = browser.page(f"/teach/attempts/{attempt_id}")
    assert "Correct answer" in html and "Time on this question" in html


def test_unanswered_questions_need_confirmation_before_submitting(
    app, browser, make_class, make_assignment
):
    klass = make_class()
    assignment_id = make_assignment(klass["id"])
    browser.login("sam")
    start_quiz(browser, assignment_id)
    attempt_id = latest_attempt_id(app, klass["students"]["sam"])
    html = browser.page(f"/attempts/{attempt_id}/review")
    assert "unanswered question" in html
    html = browser.post(f"/attempts/{attempt_id}/submit", {}).get_data(as_text=True)
    assert "Tick the box to confirm" in html
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).submitted_at is None
    html = browser.post(f"/attempts/{attempt_id}/submit", {"confirm_unanswered": "y"}).get_data(
        as_text=True
    )
    assert "Your quiz is submitted" in html and "0%" in html


def test_question_pages_hold_no_answers_or_explanations(app, browser, make_class, make_assignment):
    klass = make_class()
    assignment_id = make_assignment(klass["id"])
    browser.login("sam")
    start_quiz(browser, assignment_id)
    attempt_id = latest_attempt_id(app, klass["students"]["sam"])
    with app.app_context():
        items = db.session.scalars(
            sa.select(AttemptItem).where(AttemptItem.attempt_id == attempt_id)
        ).all()
        secrets = [(i.position, i.question_version.content) for i in items]
    for position, content in secrets:
        html = browser.page(f"/attempts/{attempt_id}/q/{position}")
        assert content["explanation"] not in html
        for evidence in content["evidence"]:
            assert f"<blockquote>{evidence['quote']}" not in html
        # Choice values are opaque tokens, not the bank's ids.
        assert 'value="a"' not in html and 'value="true"' not in html
    html = browser.page(f"/attempts/{attempt_id}/review")
    assert all(c["explanation"] not in html for _, c in secrets)


def test_answers_can_be_changed_until_submitted_then_not(app, browser, make_class, make_assignment):
    klass = make_class()
    assignment_id = make_assignment(klass["id"])
    browser.login("sam")
    start_quiz(browser, assignment_id)
    attempt_id = latest_attempt_id(app, klass["students"]["sam"])
    browser.post(f"/attempts/{attempt_id}/q/0", form_answer(app, attempt_id, 0, False))
    browser.post(f"/attempts/{attempt_id}/q/0", form_answer(app, attempt_id, 0, True))
    browser.post(f"/attempts/{attempt_id}/submit", {"confirm_unanswered": "y"})
    browser.page(f"/attempts/{attempt_id}")
    html = browser.post(
        f"/attempts/{attempt_id}/q/0", form_answer(app, attempt_id, 0, False)
    ).get_data(as_text=True)
    assert "answers can no longer change" in html
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).items[0].points == 1.0


def test_autosave_stores_the_answer_without_leaving_the_page(
    app, browser, make_class, make_assignment
):
    klass = make_class()
    assignment_id = make_assignment(klass["id"])
    browser.login("sam")
    start_quiz(browser, assignment_id)
    attempt_id = latest_attempt_id(app, klass["students"]["sam"])
    response = browser.post(
        f"/attempts/{attempt_id}/q/1/autosave", form_answer(app, attempt_id, 1), follow=False
    )
    assert response.get_json() == {"saved": True}
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).items[1].answer is not None


def test_forged_choice_and_missing_question_are_refused(app, browser, make_class, make_assignment):
    klass = make_class()
    assignment_id = make_assignment(klass["id"])
    browser.login("sam")
    start_quiz(browser, assignment_id)
    attempt_id = latest_attempt_id(app, klass["students"]["sam"])
    html = browser.post(f"/attempts/{attempt_id}/q/0", {"choice": "a"}).get_data(as_text=True)
    assert "That answer is not one of the choices" in html
    html = browser.post(f"/attempts/{attempt_id}/q/99", {"choice": "x"}).get_data(as_text=True)
    assert "That question is not part of this quiz" in html
    response = browser.post(f"/attempts/{attempt_id}/q/99/autosave", {}, follow=False)
    assert response.status_code == 409
    with app.app_context():
        assert all(i.answer is None for i in db.session.get(Attempt, attempt_id).items)


def test_another_students_attempt_is_not_found(
    app, browser, new_browser, make_class, make_assignment
):
    klass = make_class(students=("sam", "kim"))
    assignment_id = make_assignment(klass["id"])
    browser.login("sam")
    start_quiz(browser, assignment_id)
    attempt_id = latest_attempt_id(app, klass["students"]["sam"])
    other = new_browser()
    other.login("kim")
    for url in (
        f"/attempts/{attempt_id}",
        f"/attempts/{attempt_id}/q/0",
        f"/attempts/{attempt_id}/review",
    ):
        assert other.get(url).status_code == 404
    other.page("/home")
    response = other.post(f"/attempts/{attempt_id}/q/0", form_answer(app, attempt_id, 0))
    assert response.status_code == 404
    response = other.post(f"/attempts/{attempt_id}/submit", {"confirm_unanswered": "y"})
    assert response.status_code == 404
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.submitted_at is None and attempt.items[0].answer is None


def test_closed_and_not_yet_open_assignments_cannot_be_started(
    app, browser, make_class, make_assignment
):
    klass = make_class()
    now = utcnow()
    closed = make_assignment(
        klass["id"], opens_at=now - timedelta(days=3), due_at=now - timedelta(days=1)
    )
    later = make_assignment(klass["id"], "figures-that-conflict", opens_at=now + timedelta(days=1))
    browser.login("sam")
    home = browser.page("/home")
    assert "Overdue" in home and "Upcoming" in home
    assert "its due time has passed" in start_quiz(browser, closed).get_data(as_text=True)
    assert "not open yet" in start_quiz(browser, later).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 0


def test_attempt_limit_is_enforced(app, browser, make_class, make_assignment):
    klass = make_class()
    assignment_id = make_assignment(klass["id"], attempts_allowed=2)
    browser.login("sam")
    for _ in range(2):
        start_quiz(browser, assignment_id)
        attempt_id = latest_attempt_id(app, klass["students"]["sam"])
        browser.post(
            f"/attempts/{attempt_id}/submit",
            {"confirm_unanswered": "y"},
            form_page=f"/attempts/{attempt_id}/review",
        )
    html = start_quiz(browser, assignment_id).get_data(as_text=True)
    assert "You have used all your attempts" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 2


def test_student_not_in_the_class_cannot_start(app, browser, make_class, make_assignment):
    klass = make_class(students=("sam",))
    make_class(teacher="other", students=("kim",), name="Other class")
    assignment_id = make_assignment(klass["id"])
    browser.login("kim")
    # Another class's quiz and a quiz that does not exist look the same: not found.
    assert start_quiz(browser, assignment_id).status_code == 404
    assert start_quiz(browser, 999999).status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 0


def test_expired_time_limit_refuses_answers_and_submits_saved_ones(
    app, browser, make_class, make_assignment
):
    klass = make_class()
    assignment_id = make_assignment(klass["id"], time_limit_minutes=10)
    browser.login("sam")
    start_quiz(browser, assignment_id)
    attempt_id = latest_attempt_id(app, klass["students"]["sam"])
    browser.post(f"/attempts/{attempt_id}/q/0", form_answer(app, attempt_id, 0))
    with app.app_context():  # eleven minutes pass
        attempt = db.session.get(Attempt, attempt_id)
        attempt.started_at -= timedelta(minutes=11)
        attempt.deadline_at -= timedelta(minutes=11)
        db.session.commit()
    html = browser.post(f"/attempts/{attempt_id}/q/1", form_answer(app, attempt_id, 1)).get_data(
        as_text=True
    )
    assert "Time is up" in html
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.submitted_at == attempt.deadline_at
        assert attempt.items[0].points == 1.0  # the saved answer counts
        assert attempt.items[1].answer is None  # the late one was not saved


def test_two_tabs_submitting_at_once_give_one_submission(
    app, browser, new_browser, make_class, make_assignment
):
    klass = make_class()
    assignment_id = make_assignment(klass["id"])
    browser.login("sam")
    start_quiz(browser, assignment_id)
    attempt_id = latest_attempt_id(app, klass["students"]["sam"])
    browser.post(f"/attempts/{attempt_id}/q/0", form_answer(app, attempt_id, 0))
    review = f"/attempts/{attempt_id}/review"
    html = browser.page(review)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    results, barrier = [], threading.Barrier(4)

    def tab():
        client = app.test_client()
        client.set_cookie("session", browser.client.get_cookie("session").value)
        barrier.wait()
        response = client.post(
            f"/attempts/{attempt_id}/submit",
            data={"csrf_token": token, "confirm_unanswered": "y"},
            follow_redirects=True,
        )
        results.append((response.status_code, response.get_data(as_text=True)))

    threads = [threading.Thread(target=tab) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [code for code, _ in results] == [200] * 4
    assert sum("Your quiz is submitted" in html for _, html in results) == 1
    assert sum("already submitted" in html for _, html in results) == 3
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        grounded = "ground" in attempt.items[0].question_version.content
        assert attempt.score == 1.0 + grounded  # question 0 right, with its grounding step


def test_after_each_mode_shows_feedback_and_locks_the_answer(
    app, browser, make_class, make_assignment
):
    klass = make_class()
    assignment_id = make_assignment(klass["id"], show_answers="after_each")
    browser.login("sam")
    start_quiz(browser, assignment_id)
    attempt_id = latest_attempt_id(app, klass["students"]["sam"])
    html = browser.page(f"/attempts/{attempt_id}/q/0")
    assert "Check answer" in html
    html = browser.post(
        f"/attempts/{attempt_id}/q/0", {**form_answer(app, attempt_id, 0), "go": "check"}
    ).get_data(as_text=True)
    assert "Correct." in html and "Read it in the article" in html
    html = browser.post(
        f"/attempts/{attempt_id}/q/0", form_answer(app, attempt_id, 0, False)
    ).get_data(as_text=True)
    assert "can no longer change" in html
    # Moving on from a checked question sends no answer fields (they are disabled): no error.
    html = browser.post(f"/attempts/{attempt_id}/q/0", {"go": "next"}).get_data(as_text=True)
    assert "Question 2 of" in html and "can no longer change" not in html
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).items[0].points == 1.0


def test_never_mode_shows_the_score_but_not_the_answers(app, browser, make_class, make_assignment):
    klass = make_class()
    assignment_id = make_assignment(klass["id"], show_answers="never")
    browser.login("sam")
    start_quiz(browser, assignment_id)
    attempt_id = latest_attempt_id(app, klass["students"]["sam"])
    browser.post(f"/attempts/{attempt_id}/q/0", form_answer(app, attempt_id, 0))
    html = browser.post(f"/attempts/{attempt_id}/submit", {"confirm_unanswered": "y"}).get_data(
        as_text=True
    )
    assert "chosen not to show the correct answers" in html
    assert "Correct answer" not in html and "The evidence" not in html
    with app.app_context():
        first = db.session.get(Attempt, attempt_id).items[0].question_version.content
    assert first["explanation"] not in html


def test_shuffled_choices_are_shown_in_the_students_order(
    app, browser, make_class, make_assignment
):
    klass = make_class()
    assignment_id = make_assignment(klass["id"], shuffle_choices=True, shuffle_questions=True)
    browser.login("sam")
    start_quiz(browser, assignment_id)
    attempt_id = latest_attempt_id(app, klass["students"]["sam"])
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        items = [
            (
                i.position,
                i.question_version.type,
                i.choice_order,
                i.question_version.content["choices"],
            )
            for i in attempt.items
        ]
    shuffled = 0
    for position, qtype, order, choices in items:
        bank_order = [c["id"] for c in choices]
        assert sorted(order) == sorted(bank_order)
        shuffled += order != bank_order
        if qtype in ("single", "multiple"):
            html = browser.page(f"/attempts/{attempt_id}/q/{position}")
            texts = {c["id"]: escape(c["text"]) for c in choices}
            places = [html.index(f"<span>{texts[cid]}</span>") for cid in order]
            assert places == sorted(places)
            assert len(set(tokens_on_page(html))) == len(order)
    assert shuffled > 0


def test_a_late_autosave_does_not_move_the_resume_point_back(
    app, browser, make_class, make_assignment
):
    klass = make_class()
    assignment_id = make_assignment(klass["id"])
    browser.login("sam")
    start_quiz(browser, assignment_id)
    attempt_id = latest_attempt_id(app, klass["students"]["sam"])
    total = question_count(app, attempt_id)
    html = browser.post(
        f"/attempts/{attempt_id}/q/0", {**form_answer(app, attempt_id, 0), "go": "next"}
    ).get_data(as_text=True)
    assert f"Question 2 of {total}" in html
    # The page script's save of question 1, sent just before "Save and next", arrives now.
    response = browser.post(
        f"/attempts/{attempt_id}/q/0/autosave", form_answer(app, attempt_id, 0), follow=False
    )
    assert response.get_json() == {"saved": True}
    html = start_quiz(browser, assignment_id).get_data(as_text=True)
    assert f"Question 2 of {total}" in html
