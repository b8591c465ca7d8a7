"""The student's pages in a real browser: feedback after each question that tells right from
wrong, the article one tap away, results that start with a summary, and a quiz that fits a
phone (375 px) without scrolling sideways, with axe-core finding nothing serious."""

import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import AttemptItem
from tests.conftest import PASSWORD
from tests.quiz_helpers import latest_attempt_id, token_key
from tests.test_browser import CHROMIUM, DESKTOP, chromium, is_autosave, log_in, server
from tests.test_browser_a11y import SMALL_PHONE, Checker, new_page
from tests.test_student_pages import grounded_single

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("CI"),
        reason="Chromium is not installed (CI installs it)",
    ),
]
__all__ = ["chromium", "server"]  # the live server and browser fixtures of test_browser

SIDEWAYS = "() => document.documentElement.scrollWidth - window.innerWidth"
RIGHT_BG, WRONG_BG, WRONG = "rgb(231, 245, 238)", "rgb(251, 234, 234)", "rgb(164, 38, 44)"


def label(page, token: str):
    return page.locator(f"label:has(input[value='{token}'])")


def click_and_wait_saved(page, token: str) -> None:
    with page.expect_response(is_autosave):
        label(page, token).click()


def background(locator) -> str:
    return locator.evaluate("el => getComputedStyle(el).backgroundColor")


def other_single(app, attempt_id, not_position):
    """Another one-choice question: its position and its right and a wrong choice's tokens."""
    from quizapp.services.attempts import choice_token, ground_token

    with app.app_context():
        items = db.session.scalars(
            sa.select(AttemptItem)
            .where(AttemptItem.attempt_id == attempt_id)
            .order_by(AttemptItem.position)
        ).all()
        item = next(
            i for i in items if i.question_version.type == "single" and i.position != not_position
        )
        content = item.question_version.content
        wrong = next(c["id"] for c in content["choices"] if c["id"] != content["answer"])
        step = content.get("ground")
        return {
            "position": item.position,
            "right": choice_token(item, content["answer"], token_key()),
            "wrong": choice_token(item, wrong, token_key()),
            "sentences": [ground_token(item, s, token_key()) for s in step["answer"]]
            if step
            else [],
        }


def test_checking_answers_and_the_result_at_phone_width(
    app, server, chromium, make_class, make_assignment
):
    check = Checker("phone")
    klass = make_class(students=("sam",))
    make_assignment(klass["id"], show_answers="after_each")
    page = new_page(chromium, SMALL_PHONE)
    log_in(page, server, "sam", PASSWORD)
    page.get_by_role("button", name="Start").click()
    expect(page.locator(".quiz-count")).to_contain_text("Question 1 of")
    attempt_id = latest_attempt_id(app, klass["students"]["sam"])
    quiz = f"{server}/attempts/{attempt_id}"

    # The right choice, but no sentence: checking is refused and nothing is locked.
    q = grounded_single(app, attempt_id)
    page.goto(f"{quiz}/q/{q['position']}")
    page.wait_for_load_state()
    click_and_wait_saved(page, q["right"])
    page.get_by_role("button", name="Check answer").click()
    expect(page.get_by_text("Select the sentence that shows it too")).to_be_visible()
    expect(page.locator("fieldset.ground-step")).to_be_enabled()

    # With a wrong sentence: the choice is marked right, the sentences as they are.
    click_and_wait_saved(page, q["wrong_sentence"])
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator(".feedback")).to_be_visible()
    expect(label(page, q["right"])).to_contain_text("Your answer · right")
    assert background(label(page, q["right"])) == RIGHT_BG
    expect(label(page, q["wrong_sentence"])).to_contain_text("Your answer · not right")
    for token in q["sentences"]:
        expect(label(page, token)).to_contain_text("Right answer · not chosen")
    expect(page.locator(".feedback")).to_contain_text("marked in the passage above")
    assert page.evaluate(SIDEWAYS) <= 0
    check.axe(page, "question checked")
    # The article is one tap away: a closed sheet on a phone.
    sheet = page.locator("details.article-sheet")
    expect(sheet).not_to_have_attribute("open", "")
    sheet.locator("summary").click()
    expect(page.locator(".article-sheet-body")).to_be_visible()
    check.axe(page, "question with the article open")

    # A wrong choice checked: marked wrong, in red and in words, and the right one shown.
    other = other_single(app, attempt_id, q["position"])
    page.goto(f"{quiz}/q/{other['position']}")
    page.wait_for_load_state()
    click_and_wait_saved(page, other["wrong"])
    for token in other["sentences"]:
        click_and_wait_saved(page, token)
    page.get_by_role("button", name="Check answer").click()
    expect(label(page, other["wrong"])).to_contain_text("Your answer · not right")
    assert background(label(page, other["wrong"])) == WRONG_BG
    expect(label(page, other["right"])).to_contain_text("Right answer · not chosen")

    page.goto(f"{quiz}/review")
    page.get_by_label("Yes, submit with unanswered questions").check()
    page.get_by_role("button", name="Submit quiz").click()
    expect(page.get_by_text("Your quiz is submitted.")).to_be_visible()
    expect(page.locator(".tally")).to_contain_text("right,")
    card = page.locator(f"#q-{q['position'] + 1}")
    expect(card.locator(".result-outcome")).to_have_text("Partly correct · 1 / 2")
    step = card.locator(".ground-outcome")
    expect(step).to_have_text("Incorrect · 0 / 1")
    assert step.evaluate("el => getComputedStyle(el).color") == WRONG
    assert page.evaluate(SIDEWAYS) <= 0
    check.axe(page, "result")
    page.get_by_role("link", name="Show only the").click()
    expect(page.get_by_text("to look at again. Show all")).to_be_visible()
    expect(page.locator("article.result-correct")).to_have_count(0)

    for name, path in (("history", "/history"), ("articles", "/articles/")):
        page.goto(f"{server}{path}")
        assert page.evaluate(SIDEWAYS) <= 0, name
        check.axe(page, name)
    # The score column is in view on a phone, not behind a sideways scroll.
    score = page.goto(f"{server}/history") and page.locator(".history-table td .score").first
    box = score.bounding_box()
    assert box and box["x"] + box["width"] <= SMALL_PHONE["width"]
    assert check.axe_problems == []


def test_the_quiz_fits_a_phone_and_the_article_sits_beside_it_on_a_desktop(
    app, server, chromium, make_class, make_assignment
):
    check = Checker("phone")
    klass = make_class(students=("ana",))
    make_assignment(klass["id"])
    page = new_page(chromium, SMALL_PHONE)
    log_in(page, server, "ana", PASSWORD)
    page.get_by_role("button", name="Start").click()
    expect(page.locator(".quiz-count")).to_contain_text("Question 1 of")
    attempt_id = latest_attempt_id(app, klass["students"]["ana"])
    # The question starts high and the 33 question buttons take one row.
    form_top = page.locator(".question-form").bounding_box()["y"]
    assert form_top < 280  # the header and the quiz head took 354 px
    assert page.locator(".question-nav").bounding_box()["height"] < 160
    assert page.evaluate(SIDEWAYS) <= 0

    with app.app_context():
        matching = db.session.scalars(
            sa.select(AttemptItem).where(AttemptItem.attempt_id == attempt_id)
        ).all()
        item = next(i for i in matching if i.question_version.type == "matching")
        position, options = item.position, item.question_version.content["choices"]
    page.goto(f"{server}/attempts/{attempt_id}/q/{position}")
    listed = page.locator(".match-options li")
    expect(listed).to_have_count(len(options))
    texts = {o["text"] for o in options}
    for n in range(len(options)):
        option = listed.nth(n)
        assert option.inner_text() in texts  # the whole text, not cut short
        assert option.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert page.evaluate(SIDEWAYS) <= 0
    check.axe(page, "matching question")

    page.set_viewport_size(DESKTOP)
    page.goto(f"{server}/attempts/{attempt_id}/q/0")
    sheet = page.locator("details.article-sheet")
    expect(sheet).to_have_attribute("open", "")
    form, panel = page.locator(".question-form").bounding_box(), sheet.bounding_box()
    assert panel["x"] >= form["x"] + form["width"]  # beside the question, not under it
    expect(page.locator(".article-sheet-body")).to_be_visible()
    assert page.evaluate(SIDEWAYS) <= 0
    check.axe(page, "question with the article beside it")
    assert check.axe_problems == []
