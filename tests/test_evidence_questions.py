"""Evidence selection and the "which sentence shows it?" step, through the student's pages."""

import re
from html import unescape

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptItem
from quizapp.services.attempts import choice_token, ground_token
from tests.quiz_helpers import class_quiz_started, token_key


def first_item(app, attempt_id, predicate):
    with app.app_context():
        items = db.session.scalars(
            sa.select(AttemptItem).where(AttemptItem.attempt_id == attempt_id)
        ).all()
        item = next(i for i in items if predicate(i.question_version))
        content = item.question_version.content
        return item.id, item.position, content, item.choice_order


def tokens(app, item_id, ids, make=choice_token):
    with app.app_context():
        item = db.session.get(AttemptItem, item_id)
        return [make(item, i, token_key()) for i in ids]


def item_points(app, item_id):
    with app.app_context():
        item = db.session.get(AttemptItem, item_id)
        return item.points, item.ground_points


def test_evidence_question_shows_the_passage_and_scores_sentences(
    app, browser, make_class, make_assignment
):
    _, _, attempt_id = class_quiz_started(app, browser, make_class, make_assignment)
    item_id, position, content, order = first_item(app, attempt_id, lambda v: v.type == "evidence")
    html = browser.page(f"/attempts/{attempt_id}/q/{position}")
    sentence_boxes = re.findall(
        r'<label class="sentence"><input type="checkbox" name="choices"', html
    )
    assert len(sentence_boxes) == len(order) == len(content["choices"])
    right = content["answer"]
    wrong = [c["id"] for c in content["choices"] if c["id"] not in right]
    # All the right sentences and one wrong one: partial credit by the multiple-select rule.
    browser.post(
        f"/attempts/{attempt_id}/q/{position}",
        {"choices": tokens(app, item_id, [*right, wrong[0]])},
    )
    browser.post(f"/attempts/{attempt_id}/submit", {"confirm_unanswered": "y"}, form_page="/home")
    points, _ = item_points(app, item_id)
    assert points == round((len(right) - 1) / len(right), 4)
    page = unescape(browser.page(f"/attempts/{attempt_id}"))
    chosen_text = next(c["text"] for c in content["choices"] if c["id"] == wrong[0])
    assert chosen_text in page  # the result lists the sentences the student chose


def test_ground_step_is_scored_separately(app, browser, make_class, make_assignment):
    _, _, attempt_id = class_quiz_started(app, browser, make_class, make_assignment)
    item_id, position, content, _ = first_item(
        app, attempt_id, lambda v: "ground" in v.content and v.type == "single"
    )
    html = browser.page(f"/attempts/{attempt_id}/q/{position}")
    assert "Which sentence shows it?" in html
    wrong_sentence = next(
        s["id"]
        for s in content["ground"]["sentences"]
        if s["id"] not in content["ground"]["answer"]
    )
    fields = {
        "choice": tokens(app, item_id, [content["answer"]])[0],
        "ground": tokens(app, item_id, [wrong_sentence], ground_token),
    }
    browser.post(f"/attempts/{attempt_id}/q/{position}", fields)
    html = browser.post(
        f"/attempts/{attempt_id}/submit", {"confirm_unanswered": "y"}, form_page="/home"
    ).get_data(as_text=True)
    assert item_points(app, item_id) == (1.0, 0.0)
    assert "The sentences that show it" in html
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        steps = sum(i.ground_max_points for i in attempt.items)
        assert attempt.max_score == len(attempt.items) + steps


def test_forged_sentence_token_is_refused(app, browser, make_class, make_assignment):
    _, _, attempt_id = class_quiz_started(app, browser, make_class, make_assignment)
    _, position, _, _ = first_item(app, attempt_id, lambda v: "ground" in v.content)
    html = browser.post(
        f"/attempts/{attempt_id}/q/{position}", {"ground": ["c000000000000"]}
    ).get_data(as_text=True)
    assert "not one of the choices" in html


def test_teacher_previews_prints_and_keys_a_set(app, browser, new_browser, make_class):
    make_class()
    browser.login("teacher")
    html = browser.page("/teach/sets/who-said-what")
    assert html.count('<article class="preview"') >= 20
    assert "disabled" in html and "The sentences that show it" in html
    worksheet = browser.page("/teach/sets/who-said-what/worksheet")
    key = browser.page("/teach/sets/who-said-what/key")
    with app.app_context():
        from quizapp.services.question_files import read_bank
        from tests.conftest import BANK

        qset = next(s for s in read_bank(BANK).sets if s.slug == "who-said-what")
    explanation = qset.questions[0].content["explanation"]
    assert "Name:" in worksheet and "answer key" not in worksheet
    assert explanation.split("“")[0][:40] not in worksheet
    assert "Answer:" in key and "Evidence:" in key
    assert "site-header" not in worksheet  # no app furniture on paper
    student = new_browser()
    student.login("sam")
    for url in ("/teach/sets/who-said-what", "/teach/sets/who-said-what/key"):
        assert student.get(url).status_code == 403
