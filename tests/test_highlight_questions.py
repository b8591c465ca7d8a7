"""Highlight questions through the pages: a student selects words of a passage, the teacher sees
how often each word was picked, and the worksheet and answer key print them."""

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from html import unescape

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.interop import export_gift, export_moodle_xml, export_qti
from quizapp.models import AttemptItem, QuestionSet, QuestionVersion
from quizapp.services.generate import generate
from quizapp.services.interop import set_document
from tests.quiz_helpers import class_quiz_started, latest_attempt_id, start_quiz
from tests.test_evidence_questions import first_item, item_points, tokens

SET = "news-opinion-and-pictures"
WORD_BOX = re.compile(r'<label class="word"><input type="checkbox" name="choices" value="([^"]+)"')


def is_loaded_names(version):
    """opn-010: the words that name the doctors, the pandemic or the Cuban government."""
    return version.key == "opn-010"


def words(content, *texts):
    """The ids of the passage's words with these texts, every place they stand."""
    return [c["id"] for c in content["choices"] if c["text"] in texts]


def test_the_passage_is_a_checkbox_per_word_and_gives_no_answer_away(
    app, browser, make_class, make_assignment
):
    _, _, attempt_id = class_quiz_started(app, browser, make_class, make_assignment, slug=SET)
    _, position, content, order = first_item(app, attempt_id, is_loaded_names)
    html = browser.page(f"/attempts/{attempt_id}/q/{position}")
    boxes = WORD_BOX.findall(html)
    assert len(boxes) == len(order) == len(content["choices"]) == 53
    # Every word travels as an opaque token, and the right ones look like the others.
    assert all(re.fullmatch(r"c[0-9a-f]{12}", token) for token in boxes)
    assert not any(f'"{c["id"]}"' in html for c in content["choices"])
    assert "(correct)" not in html and "option-correct" not in html
    # The passage reads as the article writes it, punctuation and all.
    text = unescape(re.sub(r"<[^>]+>", "", html))
    assert "Mexican Pesos ($12,940,689.00) for the services of 585 Cuban slave doctors" in text


def test_student_selects_words_and_is_scored_right_minus_wrong_over_right(
    app, browser, make_class, make_assignment
):
    _, _, attempt_id = class_quiz_started(app, browser, make_class, make_assignment, slug=SET)
    item_id, position, content, _ = first_item(app, attempt_id, is_loaded_names)
    right = content["answer"]
    assert right == words(content, "regime", "slave", "Chinese", "communist")
    chosen = [*words(content, "Chinese", "slave", "communist"), *words(content, "pocketed")]
    browser.post(f"/attempts/{attempt_id}/q/{position}", {"choices": tokens(app, item_id, chosen)})
    with app.app_context():
        saved = db.session.get(AttemptItem, item_id).answer
    assert saved == {"choices": [c["id"] for c in content["choices"] if c["id"] in chosen]}
    # The saved words are ticked again when the student comes back to the question.
    html = browser.page(f"/attempts/{attempt_id}/q/{position}")
    assert len(re.findall(r'name="choices" value="[^"]+" checked>', html)) == 4

    result = unescape(
        browser.post(
            f"/attempts/{attempt_id}/submit", {"confirm_unanswered": "y"}, form_page="/home"
        ).get_data(as_text=True)
    )
    points, _ = item_points(app, item_id)
    assert points == round((3 - 1) / 5, 4)  # three of five right words, one wrong
    # The result says in words which were picked and which are right, not only in colour.
    block = next(a for a in result.split("<article") if content["prompt"] in a)
    given = block.split("Your answer")[1].split("Correct answer")[0]
    expected = block.split("Correct answer")[1]
    for phrase in ("slave", "Chinese", "communist", "pocketed"):
        assert f"<div>{phrase}</div>" in given
    assert "<div>communist regime</div>" in expected
    # "regime" stands twice in the sentence: the one meant is shown with its neighbours.
    assert "<div>regime (in “…paid the Cuban regime more than 255…”)</div>" in expected
    assert "Partly correct · 0.4 / 1" in block


def test_a_word_that_was_never_offered_is_refused(app, browser, make_class, make_assignment):
    _, _, attempt_id = class_quiz_started(app, browser, make_class, make_assignment, slug=SET)
    item_id, position, content, _ = first_item(app, attempt_id, is_loaded_names)
    html = browser.post(
        f"/attempts/{attempt_id}/q/{position}",
        {"choices": [*tokens(app, item_id, content["answer"][:1]), "c000000000000"]},
    ).get_data(as_text=True)
    assert "not one of the choices" in html
    with app.app_context():
        assert db.session.get(AttemptItem, item_id).answer is None


def test_teacher_sees_how_often_each_word_was_picked(
    app, browser, new_browser, make_class, make_assignment
):
    klass = make_class(students=("sam", "ines", "kai"))
    assignment_id = make_assignment(klass["id"], SET)
    picks = {
        "sam": ("Chinese", "slave"),
        "ines": ("Chinese", "pocketed"),
        "kai": ("Recently",),
    }
    for username, texts in picks.items():
        student = new_browser()
        student.login(username)
        start_quiz(student, assignment_id)
        attempt_id = latest_attempt_id(app, klass["students"][username])
        item_id, position, content, _ = first_item(app, attempt_id, is_loaded_names)
        chosen = words(content, *texts)
        student.post(
            f"/attempts/{attempt_id}/q/{position}", {"choices": tokens(app, item_id, chosen)}
        )
        student.post(
            f"/attempts/{attempt_id}/submit", {"confirm_unanswered": "y"}, form_page="/home"
        )

    browser.login("teacher")
    html = unescape(browser.page(f"/teach/assignments/{assignment_id}"))
    card = html.split('id="item-opn-010"')[1].split("</article>")[0]
    assert '<th scope="col">Word</th><th scope="col">Chosen by</th>' in card
    rows = dict(re.findall(r"<tr><td[^>]*>([^<]+)</td><td>(\d+) of 3</td></tr>", card))
    assert rows["Chinese (correct)"] == "2"
    assert rows["slave (correct)"] == "1"
    assert rows["communist (correct)"] == "0"
    assert rows["pocketed"] == "1" and rows["Recently"] == "1"
    assert rows["regime (in “…paid the Cuban regime more than 255…”) (correct)"] == "0"
    # Words no one picked and that are not right are summed up, not listed one by one.
    assert "No one selected any of the other 46 words of the passage." in card


def test_worksheet_prints_the_passage_to_underline_and_the_key_lists_the_words(browser, make_class):
    make_class()
    browser.login("teacher")
    worksheet = unescape(browser.page(f"/teach/sets/{SET}/worksheet"))
    key = unescape(browser.page(f"/teach/sets/{SET}/key"))
    question = worksheet.split("Select the two words that turn")[1].split("</section>")[0]
    assert "Underline each word that does." in question
    assert "dangling food before hungry voters, promising extra subsidies" in question
    assert "<input" not in question and "<li>" not in question
    answer = key.split("Select the two words that turn")[1].split("</section>")[0]
    assert "<li>dangling</li><li>hungry</li>" in answer.replace("\n", "")
    preview = unescape(browser.page(f"/teach/sets/{SET}"))
    card = preview.split('id="q-opn-012"')[1].split("</article>")[0]
    assert len(WORD_BOX.findall(card)) == 49 and "disabled" in card
    assert "<div>dangling</div>" in card and "<div>hungry</div>" in card


def test_gift_and_moodle_xml_ask_for_the_words_as_a_multiple_answer_question(app):
    """Neither format can mark words in a text: the passage goes in the prompt and its words
    become the choices, weighted by our rule (+1/n for a right word, −1/n for a wrong one)."""
    with app.app_context():
        document = set_document(
            db.session.scalar(sa.select(QuestionSet).where(QuestionSet.slug == SET))
        )
    gift = export_gift(document)
    assert any(w.startswith("opn-012: ") and "multiple-answer" in w for w in gift.warnings)
    block = gift.data.decode().split("::opn-012::")[1].split("\n}")[0]
    assert "dangling food before hungry voters, promising extra subsidies" in block
    options = re.findall(r"\t~%(-?[\d.]+)%(.*)", block)
    assert len(options) == 49
    assert [(w, text) for w, text in options if float(w) > 0] == [
        ("50", "dangling"),
        ("50", "hungry"),
    ]
    assert {w for w, _ in options if float(w) < 0} == {"-50"}

    moodle = ET.fromstring(export_moodle_xml(document).data)
    question = next(q for q in moodle.findall("question") if q.findtext("name/text") == "opn-012")
    assert question.get("type") == "multichoice" and question.findtext("single") == "false"
    answers = [(a.get("fraction"), a.findtext("text")) for a in question.findall("answer")]
    assert [a for a in answers if float(a[0]) > 0] == [
        ("50", "<p>dangling</p>"),
        ("50", "<p>hungry</p>"),
    ]


def test_the_generator_answers_highlight_questions_as_students_do(app):
    """`demo generate` (and the demo, with the same sampler) selects words of the passage,
    mostly the right ones for a strong student, and grades them as the app does."""
    with app.app_context():
        generate(40, 1, 5, password="pw", prefix="hl")
        items = db.session.scalars(
            sa.select(AttemptItem)
            .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
            .where(QuestionVersion.type == "highlight", AttemptItem.points.is_not(None))
        ).all()
        assert len(items) > 40
        for item in items:
            content = item.question_version.content
            ids = [c["id"] for c in content["choices"]]
            if item.answer:
                assert set(item.answer["choices"]) <= set(ids)
            assert item.points == item.question_version.question_type.grade(content, item.answer)
        points = [item.points for item in items]
        assert 0 < sum(p == 1.0 for p in points) < len(points)
        assert any(0 < p < 1 for p in points)
        db.session.rollback()


def test_qti_keeps_the_passage_as_a_hottext_interaction_read_by_qti_convert(app, tmp_path):
    """QTI has words to select in a text (hottext): the passage is kept, each word a hottext,
    scored by our rule; citolab-qti-convert reads it and writes it as QTI 2.1."""
    qti_convert = pytest.importorskip("qti_convert")
    with app.app_context():
        document = set_document(
            db.session.scalar(sa.select(QuestionSet).where(QuestionSet.slug == SET))
        )
    export = export_qti(document)
    assert not any(w.startswith("opn-012: ") for w in export.warnings)
    with zipfile.ZipFile(io.BytesIO(export.data)) as archive:
        item = ET.fromstring(archive.read("items/opn-012.xml"))
    qti = {"q": "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"}
    interaction = item.find(".//q:qti-hottext-interaction", qti)
    hot = {h.get("identifier"): h.text for h in interaction.iterfind(".//q:qti-hottext", qti)}
    assert len(hot) == 49
    text = re.sub(r"\s+", " ", "".join(interaction.find("q:p", qti).itertext()))
    assert "to their advantage, dangling food before hungry voters, promising" in text
    correct = [v.text for v in item.iterfind(".//q:qti-correct-response/q:qti-value", qti)]
    assert [hot[i] for i in correct] == ["dangling", "hungry"]
    mapped = {
        e.get("map-key"): e.get("mapped-value") for e in item.iterfind(".//q:qti-map-entry", qti)
    }
    assert {mapped[i] for i in correct} == {"0.5"} and set(mapped.values()) == {"0.5", "-0.5"}

    source = tmp_path / "qti3.zip"
    source.write_bytes(export.data)
    result = qti_convert.downgrade_package(str(source), str(tmp_path / "qti21.zip"))
    assert result.warnings == []
    with zipfile.ZipFile(tmp_path / "qti21.zip") as archive:
        item_21 = archive.read("items/opn-012.xml").decode()
    assert "<hottextInteraction" in item_21 and item_21.count("<hottext ") == 49
