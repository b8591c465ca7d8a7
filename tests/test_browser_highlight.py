"""A highlight question in a real browser: a student selects words with the keyboard only, at a
small phone's width and at desktop width; the page never scrolls sideways, every word shows
where the focus is, a selected word is marked in more than colour, and axe-core finds nothing
serious on the question, the result and the teacher's pages."""

import os
from pathlib import Path

import pytest

from tests.quiz_helpers import latest_attempt_id
from tests.test_browser import CHROMIUM, DESKTOP, chromium, is_autosave, log_in, server
from tests.test_browser_a11y import SMALL_PHONE, Checker, new_page, wait_saved
from tests.test_evidence_questions import first_item

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

SET = "news-opinion-and-pictures"
FOCUSED_WORD = "() => (document.activeElement.closest('label.word') || {}).innerText"
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
# The checkbox itself is hidden, so the word must show the focus.
WORD_OUTLINE = """() => {
  const s = getComputedStyle(document.activeElement.closest('label.word').querySelector('span'));
  return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
}"""


def tab_to_word(check: Checker, page, word: str, back: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focus is on this word's checkbox, as a keyboard user."""
    for _ in range(120):
        check.press(page, "Shift+Tab" if back else "Tab")
        if page.evaluate(FOCUSED_WORD) == word:
            assert page.evaluate(WORD_OUTLINE), f"the focus on {word!r} does not show"
            return
    raise AssertionError(f"the keyboard never reaches the word {word!r}")


def press_space_and_wait_saved(check: Checker, page) -> None:
    with page.expect_response(is_autosave):
        check.press(page, "Space")


@pytest.mark.parametrize("viewport", [SMALL_PHONE, DESKTOP], ids=["phone", "desktop"])
def test_keyboard_only_highlight_at_phone_and_desktop_width(
    app, server, chromium, viewport, make_class, make_assignment
):
    name = "phone" if viewport is SMALL_PHONE else "desktop"
    check = Checker(name)
    klass = make_class(students=(f"hana-{name}",), teacher=f"teacher-{name}")
    make_assignment(klass["id"], SET)

    student = new_page(chromium, viewport)
    log_in(student, server, f"hana-{name}", "correct horse battery")
    student.get_by_role("button", name="Start").click()
    expect(student.locator(".quiz-count")).to_contain_text("Question 1 of")
    attempt_id = latest_attempt_id(app, klass["students"][f"hana-{name}"])
    _, position, content, _ = first_item(app, attempt_id, lambda v: v.key == "opn-012")
    student.goto(f"{server}/attempts/{attempt_id}/q/{position}")
    words = student.locator("label.word")
    expect(words).to_have_count(len(content["choices"]))
    student.wait_for_load_state()  # styles and the page script in place before the first key
    assert student.evaluate(SIDEWAYS) <= 0, "the question page scrolls sideways"

    # Tab goes from word to word and Space selects; Shift+Tab goes back to an earlier word.
    for word in ("dangling", "hungry"):
        tab_to_word(check, student, word)
        press_space_and_wait_saved(check, student)
    tab_to_word(check, student, "advantage", back=True)
    press_space_and_wait_saved(check, student)
    wait_saved(student)
    selected = student.locator("label.word:has(input:checked)")
    expect(selected).to_have_count(3)
    assert selected.all_inner_texts() == ["advantage", "dangling", "hungry"]
    # Selected is shown by a thick underline as well as by the highlight colour.
    marks = selected.first.locator("span").evaluate(
        "el => [getComputedStyle(el).textDecorationLine, getComputedStyle(el).backgroundColor]"
    )
    plain = words.first.locator("span").evaluate(
        "el => [getComputedStyle(el).textDecorationLine, getComputedStyle(el).backgroundColor]"
    )
    assert "underline" in marks[0] and "underline" not in plain[0] and marks[1] != plain[1]
    # A word selected by mistake is unselected the same way.
    press_space_and_wait_saved(check, student)
    expect(selected).to_have_count(2)
    wait_saved(student)
    assert student.evaluate(SIDEWAYS) <= 0, "the question page scrolls sideways"
    check.axe(student, "question (highlight)")

    student.keyboard.press("Enter")  # Enter on a word saves and moves on, as on any choice
    expect(student.locator(".quiz-count")).to_contain_text(f"Question {position + 2} of")
    student.goto(f"{server}/attempts/{attempt_id}/review")
    student.get_by_label("Yes, submit with unanswered questions").check()
    student.get_by_role("button", name="Submit quiz").click()
    expect(student.get_by_text("Your quiz is submitted.")).to_be_visible()
    result = student.locator("article.result").filter(has_text="Select the two words that turn")
    expect(result).to_contain_text("Correct · 1 / 1")
    expect(result.locator("dd").first.locator("div")).to_have_text(["dangling", "hungry"])
    assert student.evaluate(SIDEWAYS) <= 0, "the result page scrolls sideways"
    check.axe(student, "result")

    teacher = new_page(chromium, viewport)
    log_in(teacher, server, f"teacher-{name}", "correct horse battery")
    teacher.goto(f"{server}/teach/sets/{SET}")
    expect(teacher.locator("#q-opn-012 label.word")).to_have_count(len(content["choices"]))
    assert teacher.evaluate(SIDEWAYS) <= 0, "the set preview scrolls sideways"
    check.axe(teacher, "set preview")
    teacher.goto(f"{server}/teach/classes/{klass['id']}")
    teacher.get_by_role("link", name="News, opinion, loaded words and pictures").first.click()
    card = teacher.locator("#item-opn-012")
    card.get_by_text("What students answered").click()
    expect(card.locator("tbody tr")).to_have_count(2)
    check.axe(teacher, "assignment report")
    check.assert_clean()
