"""Nothing a student receives before submitting gives an answer away."""

import re
import threading
import time

import pytest
import sqlalchemy as sa
from markupsafe import escape

from quizapp.extensions import db
from quizapp.models import Attempt, utcnow
from tests.quiz_helpers import form_answer, latest_attempt_id, question_count, start_quiz


def walk_attempt(app, browser, attempt_id: int) -> list[str]:
    """Every page and response of an attempt up to the review page, answering as it goes."""
    bodies = []
    for position in range(question_count(app, attempt_id)):
        bodies.append(browser.page(f"/attempts/{attempt_id}/q/{position}"))
        fields = form_answer(app, attempt_id, position, correct=position % 2 == 0)
        bodies.append(
            browser.post(f"/attempts/{attempt_id}/q/{position}/autosave", fields).get_data(
                as_text=True
            )
        )
        bodies.append(
            browser.post(
                f"/attempts/{attempt_id}/q/{position}",
                {**fields, "go": "next"},
                form_page=f"/attempts/{attempt_id}/q/{position}",
            ).get_data(as_text=True)
        )
    bodies.append(browser.page(f"/attempts/{attempt_id}/review"))
    bodies.append(browser.page("/home"))
    bodies.append(browser.page("/history"))
    return bodies


def secrets_of(app, attempt_id: int) -> tuple[list[str], list[str]]:
    """What must stay hidden: explanations, and evidence quotes the questions do not show."""
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        contents = [item.question_version.content for item in attempt.items]
    shown = []
    for content in contents:
        shown.append(content["prompt"])
        shown += [c["text"] for c in content["choices"]]
        shown += [s["text"] for s in content.get("ground", {}).get("sentences", [])]
    shown_text = "\n".join(shown)
    explanations = [c["explanation"] for c in contents]
    quotes = [e["quote"] for c in contents for e in c["evidence"] if e["quote"] not in shown_text]
    return explanations, quotes


ARTICLE_PANEL = re.compile(r'<aside class="article-panel".*?</aside>', re.S)


@pytest.mark.parametrize("slug", ["who-said-what", "check-in"])
def test_no_answer_explanation_or_evidence_before_submitting(
    app, browser, make_class, make_assignment, slug
):
    klass = make_class()
    assignment_id = make_assignment(klass["id"], slug=slug, show_answers="after_submit")
    browser.login("sam")
    browser.page("/home")
    bodies = [browser.post(f"/assignments/{assignment_id}/start").get_data(as_text=True)]
    attempt_id = latest_attempt_id(app, klass["students"]["sam"])
    bodies += walk_attempt(app, browser, attempt_id)
    explanations, quotes = secrets_of(app, attempt_id)
    assert quotes, "the set has evidence beyond what its questions show"
    for page in bodies:
        # The article itself is beside the question, as plain text: nothing in it says which
        # of its sentences is the evidence.
        panels = ARTICLE_PANEL.findall(page)
        assert not any(re.search(r"<mark|class=\"[^\"]*mark", p) for p in panels)
        body = ARTICLE_PANEL.sub("", page)
        for secret in explanations + quotes:
            assert secret not in body and str(escape(secret)) not in body, secret[:60]
        assert "Correct answer" not in body and "(correct)" not in body
        # Choices travel only as opaque tokens, never as the bank's ids.
        for value in re.findall(
            r'name="(?:choice|choices|ground|match-[^"]+)" value="([^"]*)"', body
        ):
            assert re.fullmatch(r"c[0-9a-f]{12}", value), value

    # After submitting, the same checks find the explanations: they could have failed above.
    result = browser.post(
        f"/attempts/{attempt_id}/submit",
        {"confirm_unanswered": "y"},
        form_page=f"/attempts/{attempt_id}/review",
    ).get_data(as_text=True)
    assert any(str(escape(e)) in result for e in explanations)


def test_tokens_differ_between_students_and_questions(
    app, new_browser, make_class, make_assignment
):
    klass = make_class(students=("sam", "kim"))
    assignment_id = make_assignment(klass["id"], slug="check-in")
    pages = {}
    for name in ("sam", "kim"):
        student = new_browser()
        student.login(name)
        start_quiz(student, assignment_id)
        attempt_id = latest_attempt_id(app, klass["students"][name])
        pages[name] = student.page(f"/attempts/{attempt_id}/q/0")
    tokens = {n: set(re.findall(r'value="(c[0-9a-f]{12})"', p)) for n, p in pages.items()}
    assert tokens["sam"] and tokens["kim"] and not tokens["sam"] & tokens["kim"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 2


def test_a_ten_hour_quiz_still_submits_from_the_page_opened_at_the_start(
    app, browser, make_class, make_assignment, monkeypatch
):
    klass = make_class()
    assignment_id = make_assignment(klass["id"], slug="check-in", time_limit_minutes=600)
    browser.login("sam")
    start_quiz(browser, assignment_id)
    attempt_id = latest_attempt_id(app, klass["students"]["sam"])
    browser.page(f"/attempts/{attempt_id}/review")  # its form's token is made now
    started = time.time()
    # Nine and a half hours later, by the clock that checks the token's age.
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: started + 9.5 * 3600)
    html = browser.post(f"/attempts/{attempt_id}/submit", {"confirm_unanswered": "y"}).get_data(
        as_text=True
    )
    assert "Your quiz is submitted" in html
    # The result page's form, sent thirteen hours after it was shown: past the token's lifetime,
    # it is refused with a clear message, not an error.
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: started + 22.5 * 3600)
    response = browser.post(f"/attempts/{attempt_id}/submit", {"confirm_unanswered": "y"})
    assert "The form had expired" in response.get_data(as_text=True)


@pytest.mark.parametrize("allowed", [1, 2])
def test_racing_starts_cannot_beat_the_attempt_limit(
    app, browser, make_class, make_assignment, allowed
):
    klass = make_class()
    assignment_id = make_assignment(klass["id"], slug="check-in", attempts_allowed=allowed)
    browser.login("sam")
    html = browser.page("/home")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    cookie = browser.client.get_cookie("session").value
    for _round in range(allowed + 1):  # one round more than the limit allows
        codes, barrier = [], threading.Barrier(4)

        def tab(barrier=barrier, codes=codes):
            client = app.test_client()
            client.set_cookie("session", cookie)
            barrier.wait()
            response = client.post(
                f"/assignments/{assignment_id}/start", data={"csrf_token": token}
            )
            codes.append(response.status_code)

        threads = [threading.Thread(target=tab) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert codes == [302] * 4  # to the quiz, or home with a message: never an error
        with app.app_context():
            open_attempt = db.session.scalar(
                sa.select(Attempt).where(Attempt.submitted_at.is_(None))
            )
            if open_attempt is not None:  # all four tabs share one attempt; submit it
                open_attempt.submitted_at = utcnow()
                db.session.commit()
    with app.app_context():
        numbers = db.session.scalars(sa.select(Attempt.number).order_by(Attempt.number)).all()
    assert numbers == list(range(1, allowed + 1))
