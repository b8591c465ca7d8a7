"""The student's pages: feedback after each question, the article beside it, results that
teach, and the Articles page."""

import re
from html import unescape

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Article, Attempt, AttemptItem, User
from quizapp.services.attempts import choice_token, ground_token
from quizapp.templating import format_points
from tests.quiz_helpers import form_answer, latest_attempt_id, token_key


def start_quiz(app, browser, make_class, make_assignment, **settings):
    klass = make_class()
    assignment_id = make_assignment(klass["id"], **settings)
    browser.login("sam")
    browser.page("/home")
    browser.post(f"/assignments/{assignment_id}/start")
    return latest_attempt_id(app, klass["students"]["sam"])


def grounded_single(app, attempt_id):
    """The first one-choice question with a "which sentence shows it?" step."""
    with app.app_context():
        items = db.session.scalars(
            sa.select(AttemptItem)
            .where(AttemptItem.attempt_id == attempt_id)
            .order_by(AttemptItem.position)
        ).all()
        item = next(
            i
            for i in items
            if i.question_version.type == "single" and "ground" in i.question_version.content
        )
        content = item.question_version.content
        right = content["answer"]
        wrong = next(c["id"] for c in content["choices"] if c["id"] != right)
        step = content["ground"]
        wrong_sentence = next(s["id"] for s in step["sentences"] if s["id"] not in step["answer"])
        return {
            "id": item.id,
            "position": item.position,
            "right": choice_token(item, right, token_key()),
            "wrong": choice_token(item, wrong, token_key()),
            "sentences": [ground_token(item, s, token_key()) for s in step["answer"]],
            "wrong_sentence": ground_token(item, wrong_sentence, token_key()),
        }


def label_of(html: str, token: str) -> str:
    """The whole <label> holding the input with this token."""
    match = re.search(
        r'<label class="[^"]*">\s*<input[^>]*value="' + token + r'".*?</label>', html, re.S
    )
    assert match, token
    return match.group(0)


def item_state(app, item_id):
    with app.app_context():
        item = db.session.get(AttemptItem, item_id)
        return item.locked, item.points, item.ground_points, item.answer


def test_checking_a_wrong_choice_marks_it_wrong_and_the_right_one_in_the_list(
    app, browser, make_class, make_assignment
):
    attempt_id = start_quiz(app, browser, make_class, make_assignment, show_answers="after_each")
    q = grounded_single(app, attempt_id)
    url = f"/attempts/{attempt_id}/q/{q['position']}"
    browser.page(url)
    html = browser.post(
        url, {"choice": q["wrong"], "ground": q["sentences"], "go": "check"}
    ).get_data(as_text=True)
    chosen, right = label_of(html, q["wrong"]), label_of(html, q["right"])
    assert "mark-wrong" in chosen and "Your answer · not right" in chosen
    assert "mark-missed" in right and "Right answer · not chosen" in right
    assert "Not quite." in html


def test_checking_without_the_sentence_step_asks_for_it_and_loses_no_point(
    app, browser, make_class, make_assignment
):
    attempt_id = start_quiz(app, browser, make_class, make_assignment, show_answers="after_each")
    q = grounded_single(app, attempt_id)
    url = f"/attempts/{attempt_id}/q/{q['position']}"
    browser.page(url)
    html = browser.post(url, {"choice": q["right"], "go": "check"}).get_data(as_text=True)
    assert "Select the sentence that shows it too before checking" in unescape(html)
    locked, points, ground_points, answer = item_state(app, q["id"])
    assert not locked and points is None and ground_points is None
    assert answer and "choice" in answer  # the choice itself was saved
    # The step is still open, and checking both parts scores both.
    assert 'class="ground-step" disabled' not in html
    browser.post(url, {"choice": q["right"], "ground": q["sentences"], "go": "check"})
    assert item_state(app, q["id"])[:3] == (True, 1.0, 1.0)


def test_checked_feedback_marks_the_sentences_it_says_are_marked(
    app, browser, make_class, make_assignment
):
    attempt_id = start_quiz(app, browser, make_class, make_assignment, show_answers="after_each")
    q = grounded_single(app, attempt_id)
    url = f"/attempts/{attempt_id}/q/{q['position']}"
    browser.page(url)
    html = browser.post(
        url, {"choice": q["right"], "ground": [q["wrong_sentence"]], "go": "check"}
    ).get_data(as_text=True)
    assert "marked in the evidence below" not in html
    assert "The sentences that show it are marked in the passage above." in html
    for token in q["sentences"]:
        assert "mark-missed" in label_of(html, token)
    assert "mark-wrong" in label_of(html, q["wrong_sentence"])
    assert "mark-right" in label_of(html, q["right"])


def test_nothing_is_marked_before_the_answer_may_be_shown(
    app, browser, make_class, make_assignment
):
    attempt_id = start_quiz(app, browser, make_class, make_assignment, show_answers="after_each")
    q = grounded_single(app, attempt_id)
    url = f"/attempts/{attempt_id}/q/{q['position']}"
    browser.page(url)
    html = browser.post(url, {"choice": q["wrong"], "ground": q["sentences"]}).get_data(
        as_text=True
    )
    assert "mark-" not in html and "Your answer ·" not in html and "<mark" not in html


def test_the_question_page_shows_the_article_text_without_its_evidence_marked(
    app, browser, make_class, make_assignment
):
    attempt_id = start_quiz(app, browser, make_class, make_assignment)
    with app.app_context():
        item = db.session.scalar(
            sa.select(AttemptItem).where(
                AttemptItem.attempt_id == attempt_id, AttemptItem.position == 0
            )
        )
        evidence = item.question_version.content["evidence"][0]
        article = db.session.scalar(sa.select(Article).where(Article.slug == evidence["article"]))
        title, last_paragraph = article.title, article.body.split("\n\n")[-1]
    html = unescape(browser.page(f"/attempts/{attempt_id}/q/0"))
    sheet = html[html.index('<aside class="article-panel"') : html.index("</aside>")]
    assert title in sheet and last_paragraph in sheet
    assert "<mark" not in sheet and "#evidence" not in sheet


def test_the_result_starts_with_a_summary_and_filters_the_ones_to_look_at_again(
    app, browser, make_class, make_assignment
):
    attempt_id = start_quiz(app, browser, make_class, make_assignment)
    for position in range(4):  # two right, two wrong, the rest unanswered (wrong)
        url = f"/attempts/{attempt_id}/q/{position}"
        browser.page(url)
        browser.post(url, form_answer(app, attempt_id, position, correct=position < 2))
    html = browser.post(
        f"/attempts/{attempt_id}/submit", {"confirm_unanswered": "y"}, form_page="/home"
    ).get_data(as_text=True)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        totals = [
            ((i.points or 0) + (i.ground_points or 0), i.max_points + i.ground_max_points)
            for i in attempt.items
        ]
        final, maximum = attempt.final_score, attempt.max_score
    right = sum(p == m for p, m in totals)
    partly = sum(0 < p < m for p, m in totals)
    wrong = sum(p == 0 for p, _ in totals)
    assert right == 2
    text = re.sub(r"<[^>]+>", "", html)
    assert f"{right} right, {partly} partly, {wrong} wrong" in text
    assert f"{format_points(final)} of {format_points(maximum)} points" in text
    assert len(re.findall(r'class="jump jump-', html)) == len(totals)

    missed = browser.page(f"/attempts/{attempt_id}?show=missed")
    shown = re.findall(r'<article class="result [^"]*" id="q-(\d+)"', missed)
    assert shown == [str(n + 1) for n, (p, m) in enumerate(totals) if p < m]
    assert "Show all" in missed


def test_points_are_shown_with_at_most_one_decimal():
    assert [format_points(v) for v in (1.7333, 46.0, 0.5, 0.6667, 0, None)] == [
        "1.7",
        "46",
        "0.5",
        "0.7",
        "0",
        "0",
    ]


def test_a_ground_step_missed_is_marked_incorrect_on_the_result_not_as_the_question(
    app, browser, make_class, make_assignment
):
    attempt_id = start_quiz(app, browser, make_class, make_assignment)
    q = grounded_single(app, attempt_id)
    url = f"/attempts/{attempt_id}/q/{q['position']}"
    browser.page(url)
    browser.post(url, {"choice": q["right"], "ground": [q["wrong_sentence"]]})
    html = browser.post(
        f"/attempts/{attempt_id}/submit", {"confirm_unanswered": "y"}, form_page="/home"
    ).get_data(as_text=True)
    section = html[html.index(f'id="q-{q["position"] + 1}"') :]
    section = section[: section.index("</article>")]
    step = re.search(r'<span class="([^"]*)">Incorrect · 0 / 1</span>', section)
    assert step and "result-outcome" not in step.group(1)
    assert "outcome-incorrect" in step.group(1)
    assert "Partly correct · 1 / 2" in section


@pytest.fixture
def builder_article(app, make_class):
    """An article of the class's teacher (from the question builder), and another teacher's."""
    klass = make_class()
    with app.app_context():
        other = User(username="other", display_name="Other", role="teacher")
        other.set_password("a long secret")
        db.session.add(other)
        db.session.flush()
        for slug, owner in (("teachers-own", klass["teacher_id"]), ("not-ours", other.id)):
            db.session.add(
                Article(slug=slug, title=f"Title of {slug}", body="One paragraph.", owner_id=owner)
            )
        db.session.commit()
    return klass


def test_the_articles_page_lists_the_articles_of_the_students_teachers(browser, builder_article):
    browser.login("sam")
    html = browser.page("/articles/")
    assert "Title of teachers-own" in html and 'href="/articles/teachers-own"' in html
    assert "Title of not-ours" not in html
    assert browser.get("/articles/not-ours").status_code == 404
