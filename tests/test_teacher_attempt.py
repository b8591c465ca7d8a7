"""The teacher's attempt page shows every answer the student gave: each question's own radio
group with the student's choice checked (in the HTML and in a real browser), and the answer
in words under "Student's answer"."""

import html as html_lib
import os
import re
from pathlib import Path

import pytest

from quizapp.extensions import db
from quizapp.models import Attempt
from tests.conftest import PASSWORD
from tests.quiz_helpers import form_answer, latest_attempt_id
from tests.test_browser import CHROMIUM, chromium, log_in, new_page, server
from tests.test_browser_a11y import SMALL_PHONE, Checker

__all__ = ["chromium", "server"]  # the live server and browser fixtures of test_browser

# Right, wrong, right, ... so that the chosen options differ from the correct ones in places.
PATTERN = [1, 0, 1, 0, 1, 1, 0, 1, 0]


@pytest.fixture
def taken(app, browser, new_browser, make_class, make_assignment):
    """A check-in (five single-choice or true/false questions of nine) answered and submitted."""
    klass = make_class(students=("ana",))
    assignment_id = make_assignment(klass["id"], slug="check-in")
    student = new_browser()
    student.login("ana")
    student.page("/home")
    student.post(f"/assignments/{assignment_id}/start")
    attempt_id = latest_attempt_id(app, klass["students"]["ana"])
    for position, right in enumerate(PATTERN):
        fields = form_answer(app, attempt_id, position, correct=bool(right))
        student.post(f"/attempts/{attempt_id}/q/{position}", fields)
    student.post(f"/attempts/{attempt_id}/submit", {"confirm_unanswered": "y"})
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        chosen = []
        for item in attempt.items:
            choice = (item.answer or {}).get("choice")
            if choice:
                texts = {c["id"]: c["text"] for c in item.question_version.content["choices"]}
                chosen.append((item.position, choice, texts[choice]))
    assert len(chosen) == 5
    browser.login("teacher")
    return attempt_id, chosen


def sections(html: str) -> list[str]:
    """The page's questions, one HTML string each."""
    return html.split('<article class="result')[1:]


def test_every_single_choice_answer_is_checked_in_its_own_group(browser, taken):
    attempt_id, chosen = taken
    questions = sections(browser.page(f"/teach/attempts/{attempt_id}"))
    names = set()
    for position, choice_id, _ in chosen:
        seen = questions[position].split('class="as-seen"')[1].split("</fieldset>")[0]
        checked = re.findall(r'type="radio" name="([^"]+)" value="([^"]+)"\s+checked', seen)
        assert [value for _, value in checked] == [choice_id]
        names.add(checked[0][0])
    assert len(names) == len(chosen), "radio groups shared between questions"


def test_the_answer_is_said_in_words(browser, taken):
    attempt_id, chosen = taken
    questions = sections(browser.page(f"/teach/attempts/{attempt_id}"))
    for position, _, text in chosen:
        said = questions[position].split("<dt>Student's answer</dt>")[1].split("</dd>")[0]
        assert html_lib.unescape(re.sub(r"<[^>]+>", "", said)).strip() == text


@pytest.mark.browser
@pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("CI"),
    reason="Chromium is not installed (CI installs it)",
)
def test_the_browser_shows_each_chosen_radio_checked(server, chromium, taken):
    attempt_id, chosen = taken
    page = new_page(chromium)
    log_in(page, server, "teacher", PASSWORD)
    page.goto(f"{server}/teach/attempts/{attempt_id}")
    questions = page.locator("article.result")
    for position, _, text in chosen:
        radio = questions.nth(position).locator(".as-seen label.choice", has_text=text)
        assert radio.locator("input[type=radio]").is_checked(), text
    assert page.locator(".as-seen input[type=radio]:checked").count() == len(chosen)
    # At a small phone's width: nothing scrolls sideways and axe finds nothing serious, here
    # and on an article's page with its note for the teacher.
    page.set_viewport_size(SMALL_PHONE)
    check = Checker("phone")
    for name, path in (
        ("attempt", f"/teach/attempts/{attempt_id}"),
        ("article, teacher's view", "/articles/unknown-2014-cuban-doctor-defections"),
    ):
        page.goto(server + path)
        check.axe(page, name)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    assert check.axe_problems == []
    page.context.close()
