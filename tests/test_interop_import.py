"""Importing Moodle XML and GIFT: parsing, clear errors, round trips, and the teacher's page."""

import io
import re
from html import unescape

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.interop import (
    ImportFormatError,
    export_gift,
    export_moodle_xml,
    parse_gift,
    parse_moodle_xml,
)
from quizapp.interop.common import items, words_as_answers
from quizapp.models import Question, QuestionSet, Role
from quizapp.question_types.exported import Shape
from quizapp.services.interop import set_document
from quizapp.services.question_files import read_bank
from tests.conftest import BANK
from tests.quiz_helpers import form_answer, latest_attempt_id, question_count

HAND_WRITTEN = """// Written by hand, as a teacher would
$CATEGORY: $course$/top/Checking sources

::Capital:: What is the capital of France? {
  =Paris #Right.
  ~Lyon #No, that is the third city.
  ~Marseille
  #### Paris has been the capital for centuries.
}

::Star:: The sun is a star. {T}

::Primes:: Which of these are prime numbers? {
  ~%50%2
  ~%50%3
  ~%-50%4
}

::Capitals:: Match each country to its capital. {
  =France -> Paris
  =Spain -> Madrid
  =Italy -> Rome
  = -> Berlin
}

::Legs:: How many legs has a spider? {#8}

::Essay:: Write about a news story you read. {}

Sunrise is in the east, and sunset is in the {~north =west ~south}.
"""


def test_hand_written_gift_is_parsed_and_unsupported_questions_are_listed():
    result = parse_gift(HAND_WRITTEN.encode())
    types = [q["type"] for q in result.questions]
    assert types == ["single", "true_false", "multiple", "matching", "single"]
    capital, star, primes, capitals, missing = result.questions
    assert capital["answer"] == "c1" and capital["choices"][0]["text"] == "Paris"
    assert capital["explanation"] == "Paris has been the capital for centuries."
    assert star["answer"] is True
    assert [c["text"] for c in primes["choices"]] == ["2", "3", "4"]
    assert primes["answer"] == ["c1", "c2"]
    assert capitals["pairs"][2] == {"left": "Italy", "right": "Rome"}
    assert capitals["distractors"] == ["Berlin"]
    assert missing["prompt"] == "Sunrise is in the east, and sunset is in the _____ ."
    assert result.skipped == [
        "Legs: numerical questions are not supported",
        "Essay: essay questions are not supported",
    ]
    assert result.notes == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Intro line\nWhat is it? {\n=a\n~b\n", "line 2: '{' has no closing '}'"),
        ("First {T}\n\nSecond }\n", "line 3: '}' without an opening '{'"),
        ("Q {\n~a\n~b\n}\n", "line 1: no answer is marked right"),
        ("Q {\nanswer\n}\n", "line 1: answers must start with '=' or '~'"),
        ("Q {\n=a -> b\n=c\n}\n", "line 1: every matching answer needs '->'"),
    ],
)
def test_malformed_gift_names_the_line(text, message):
    with pytest.raises(ImportFormatError, match=re.escape(message)):
        parse_gift(text.encode())


def test_gift_that_is_not_utf8_is_refused():
    with pytest.raises(ImportFormatError, match="not UTF-8"):
        parse_gift("Caf\xe9 {T}".encode("latin-1"))


MOODLE = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Imported</text></category></question>
  <question type="multichoice">
    <name><text>Who wrote it</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>Who <b>wrote</b> the report?</p>]]></text>
    </questiontext>
    <generalfeedback format="html"><text>&lt;p&gt;See the byline.&lt;/p&gt;</text></generalfeedback>
    <single>true</single>
    <answer fraction="100" format="html"><text>A reporter</text></answer>
    <answer fraction="0" format="html"><text>The editor</text></answer>
  </question>
  <question type="multichoice">
    <name><text>Sources</text></name>
    <questiontext format="html"><text>Which are primary sources?</text></questiontext>
    <single>false</single>
    <answer fraction="50"><text>An interview</text></answer>
    <answer fraction="50"><text>A court record</text></answer>
    <answer fraction="-50"><text>A blog summary</text></answer>
  </question>
  <question type="truefalse">
    <name><text>TF</text></name>
    <questiontext format="html"><text>A headline is the whole story.</text></questiontext>
    <answer fraction="0" format="moodle_auto_format"><text>true</text></answer>
    <answer fraction="100" format="moodle_auto_format"><text>false</text></answer>
  </question>
  <question type="matching">
    <name><text>Match</text></name>
    <questiontext format="html"><text>Match the term.</text></questiontext>
    <subquestion format="html">
      <text>Byline</text><answer><text>Who wrote it</text></answer>
    </subquestion>
    <subquestion format="html">
      <text>Dateline</text><answer><text>Where and when</text></answer>
    </subquestion>
    <subquestion format="html"><text></text><answer><text>Who paid</text></answer></subquestion>
  </question>
  <question type="shortanswer">
    <name><text>Short</text></name>
    <questiontext format="html"><text>Name a newspaper.</text></questiontext>
    <answer fraction="100"><text>The Times</text></answer>
  </question>
</quiz>
"""


def test_moodle_xml_is_parsed_and_unsupported_questions_are_listed():
    result = parse_moodle_xml(MOODLE.encode())
    single, multiple, true_false, matching = result.questions
    assert single["prompt"] == "Who wrote the report?"
    assert single["explanation"] == "See the byline."
    assert single["type"] == "single" and single["answer"] == "c1"
    assert multiple["type"] == "multiple" and multiple["answer"] == ["c1", "c2"]
    assert true_false["type"] == "true_false" and true_false["answer"] is False
    assert matching["pairs"] == [
        {"left": "Byline", "right": "Who wrote it"},
        {"left": "Dateline", "right": "Where and when"},
    ]
    assert matching["distractors"] == ["Who paid"]
    assert result.skipped == ['Short: type "shortanswer" is not supported']


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ("<quiz><question type='multichoice'></quiz>", "not well-formed XML at line 1, column"),
        ("<questions/>", "the root element is <questions>, not <quiz>"),
        (
            "<quiz><question type='multichoice'><name><text>X</text></name>"
            "<questiontext><text>Q?</text></questiontext>"
            "<answer fraction='100'><text>a</text></answer></question></quiz>",
            '<question> #1 (type "multichoice", name "X"): needs at least two <answer>',
        ),
        (
            "<quiz><question type='truefalse'><name><text>T</text></name>"
            "<questiontext><text>Q?</text></questiontext>"
            "<answer fraction='abc'><text>true</text></answer>"
            "<answer fraction='0'><text>false</text></answer></question></quiz>",
            "<answer> #1 has fraction 'abc', not a number",
        ),
        (
            '<!DOCTYPE quiz [<!ENTITY a "aaaa">]><quiz/>',
            "declares a DOCTYPE",
        ),
    ],
)
def test_malformed_moodle_xml_names_the_element(xml, message):
    with pytest.raises(ImportFormatError, match=re.escape(message)):
        parse_moodle_xml(xml.encode())


def _comparable(item):
    return (item.shape, item.prompt, item.choices, item.true, item.pairs, item.distractors)


@pytest.mark.parametrize(
    ("exporter", "parser"),
    [(export_moodle_xml, parse_moodle_xml), (export_gift, parse_gift)],
    ids=["moodle-xml", "gift"],
)
def test_round_trip_gives_back_the_same_questions(app, exporter, parser):
    """Every bank set: export, import, and the questions are the same (with the evidence
    kept in the explanation)."""
    with app.app_context():
        for qset in db.session.scalars(sa.select(QuestionSet).where(QuestionSet.active)):
            document = set_document(qset)
            export = exporter(document)
            parsed = parser(export.data)
            assert parsed.skipped == [] and parsed.notes == []
            # Words to select in a passage are written as a multiple-answer question.
            original = [
                words_as_answers(i, [], "") if i.shape is Shape.WORDS else i
                for i in items(document, [])
            ]
            if exporter is export_gift:
                # What GIFT cannot write is left out, and was reported.
                original = [
                    i for i in original if not (i.shape is Shape.PAIRS and len(i.pairs) < 3)
                ]
                for item in original:
                    item.distractors = []
            back = items(
                {
                    "questions": [
                        {"id": q["id"], "type": q["type"], "content": _content(q)}
                        for q in parsed.questions
                    ]
                },
                [],
            )
            assert [_comparable(i) for i in back] == [_comparable(i) for i in original]
            for mine, theirs in zip(original, parsed.questions, strict=True):
                assert theirs.get("explanation", "") == mine.feedback


def _content(raw):
    """A parsed question in the shape the loader stores, to compare as items."""
    from quizapp.services.question_files import _read_question

    problems = []
    data = _read_question(dict(raw, id="x-001"), 1, "f", {}, problems, imported=True)
    assert problems == []
    return data.content


def test_bank_is_still_checked_strictly():
    """Imported sets may go without evidence; the shipped bank may not."""
    bank = read_bank(BANK)
    assert bank.problems == []
    assert all(q.content["evidence"] for s in bank.sets for q in s.questions)


def test_bank_question_without_evidence_is_still_refused(tmp_path):
    (tmp_path / "sets").mkdir()
    (tmp_path / "sets" / "x.yaml").write_text(
        "slug: x\ntitle: X\ndescription: d\nobjective: o\nminutes: 5\nquestions:\n"
        "  - {id: x-1, kind: sources, type: true_false, skills: [a], difficulty: easy,\n"
        "     prompt: P, explanation: E, answer: true}\n"
    )
    problems = [str(p) for p in read_bank(tmp_path).problems]
    assert problems == ["x.yaml: question x-1: missing field: evidence"]


def _upload(browser, data: bytes, name: str, title: str = "Imported quiz", fmt: str = "auto"):
    browser.page("/teach/sets/import")
    return browser.post(
        "/teach/sets/import",
        {"file": (io.BytesIO(data), name), "format": fmt, "title": title},
        content_type="multipart/form-data",
    )


def test_teacher_imports_gift_and_a_student_takes_it(
    app, browser, new_browser, make_class, make_assignment
):
    klass = make_class(students=("sam",))
    browser.login("teacher")
    assert "/teach/sets/import" in browser.page("/teach/sets")
    response = _upload(browser, HAND_WRITTEN.encode(), "quiz.gift.txt")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Imported 5 questions." in html
    assert "Not imported: Legs: numerical questions are not supported" in html
    assert "Not imported: Essay: essay questions are not supported" in html
    assert "What is the capital of France?" in html and "Paris" in html
    slug = re.search(r"/teach/sets/([a-z0-9-]+)/worksheet", html).group(1)
    with app.app_context():
        qset = db.session.scalar(sa.select(QuestionSet).where(QuestionSet.slug == slug))
        assert qset.owner_id == klass["teacher_id"] and qset.title == "Imported quiz"

    # Assign it with the ordinary form, then the student takes it.
    browser.page(f"/teach/classes/{klass['id']}/assign?set={slug}")
    assert 'selected value="' in browser.last_html or "Imported quiz" in browser.last_html
    form = re.search(
        r'<option selected value="(\d+)">Imported quiz', browser.last_html
    ) or re.search(r'<option value="(\d+)"[^>]*>Imported quiz', browser.last_html)
    response = browser.post(
        f"/teach/classes/{klass['id']}/assign",
        {
            "set_id": form.group(1),
            "opens_at": "2000-01-01T00:00",
            "due_at": "",
            "attempts_allowed": "1",
            "time_limit_minutes": "",
            "show_answers": "after_submit",
        },
    )
    assert "is assigned to" in response.get_data(as_text=True)

    student = new_browser()
    student.login("sam")
    assert "Imported quiz" in student.page("/home")
    assignment_id = int(re.search(r"/assignments/(\d+)/start", student.last_html).group(1))
    student.post(f"/assignments/{assignment_id}/start")
    attempt_id = latest_attempt_id(app, klass["students"]["sam"])
    total = question_count(app, attempt_id)
    assert total == 5
    for position in range(total):
        student.post(
            f"/attempts/{attempt_id}/q/{position}",
            {**form_answer(app, attempt_id, position), "go": "next"},
        )
    html = student.post(f"/attempts/{attempt_id}/submit", {}).get_data(as_text=True)
    assert "Your quiz is submitted" in html


def test_import_errors_change_nothing_and_name_the_line(app, browser, make_user):
    make_user("teacher", Role.TEACHER)
    browser.login("teacher")
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count(Question.id)))
    response = _upload(browser, b"Q {\n=a\n~b\n", "broken.txt")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "broken.txt: line 1: &#39;{&#39; has no closing &#39;}&#39;" in html
    assert "Nothing was imported" in html
    response = _upload(browser, b"<quiz><question></quiz>", "broken.xml")
    assert "not well-formed XML at line 1" in response.get_data(as_text=True)
    response = _upload(browser, b"Just a description.\n", "empty.gift")
    assert "no question could be imported" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Question.id))) == before


def test_import_needs_the_form_token(browser, make_user):
    make_user("teacher", Role.TEACHER)
    browser.login("teacher")
    response = browser.client.post(
        "/teach/sets/import",
        data={"file": (io.BytesIO(b"Q {T}"), "q.gift"), "title": "T"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400


def test_imported_sets_are_seen_only_by_their_owner(app, browser, new_browser, make_user):
    make_user("teacher", Role.TEACHER)
    make_user("other", Role.TEACHER)
    browser.login("teacher")
    html = _upload(browser, MOODLE.encode(), "moodle.xml", title="Mine only").get_data(as_text=True)
    slug = re.search(r"/teach/sets/([a-z0-9-]+)/worksheet", html).group(1)
    assert "Mine only" in browser.page("/teach/sets")
    other = new_browser()
    other.login("other")
    assert "Mine only" not in other.page("/teach/sets")
    for path in ("", "/worksheet", "/key", "/export/gift"):
        assert other.get(f"/teach/sets/{slug}{path}").status_code == 404
    with app.app_context():
        # Loading the bank again leaves teachers' imports alone.
        from quizapp.services.question_bank import load_bank

        load_bank(BANK)
        db.session.commit()
        assert db.session.scalar(sa.select(QuestionSet.active).where(QuestionSet.slug == slug))


def test_cli_imports_a_file_for_a_teacher(app, make_user, tmp_path):
    make_user("teacher", Role.TEACHER)
    source = tmp_path / "quiz.gift"
    source.write_text(HAND_WRITTEN)
    runner = app.test_cli_runner()
    args = ["questions", "import", str(source), "--slug", "hand-quiz", "--title", "Hand quiz"]
    result = runner.invoke(args=[*args, "--teacher", "teacher"])
    assert result.exit_code == 0, result.output
    assert "Imported 5 questions as 'hand-quiz'" in result.output
    assert "not imported: Legs: numerical questions are not supported" in result.output
    again = runner.invoke(args=[*args, "--teacher", "teacher"])
    assert again.exit_code == 1 and "already used" in again.output
    assert runner.invoke(args=[*args, "--teacher", "nobody"]).exit_code == 1
    source.write_text("Q {\n=a\n")
    broken = runner.invoke(
        args=[*args[:-4], "--slug", "other", "--title", "T", "--teacher", "teacher"]
    )
    assert broken.exit_code == 1 and "quiz.gift: line 1" in broken.output


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"MZ\x90\x00\x03\x00", "setup.exe", "Choose a Moodle XML (.xml) or GIFT (.gift, .txt)"),
        (b"%PDF-1.4 \x00\xff\xfe binary", "quiz.gift", "is not UTF-8 text"),
        (b"::Q:: x {=a ~b}\n" * 150_000, "huge.gift", "larger than 2 MB"),
    ],
    ids=["wrong-extension", "binary", "too-large"],
)
def test_wrong_binary_and_oversized_files_are_refused_with_a_message(
    app, browser, make_user, data, name, message
):
    make_user("teacher", Role.TEACHER)
    browser.login("teacher")
    html = browser.page("/teach/sets/import")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    # The body is built here: the test client would spool a large one to a file it never closes.
    boundary = "quizapp-test-boundary"
    fields = {"csrf_token": token, "title": "Imported quiz", "format": "auto"}
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    )
    body += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    body += data + f"\r\n--{boundary}--\r\n".encode()
    response = browser.client.post(
        "/teach/sets/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 400
    assert message in unescape(response.get_data(as_text=True))
    with app.app_context():
        owned = sa.select(sa.func.count(QuestionSet.id)).where(QuestionSet.owner_id.is_not(None))
        assert db.session.scalar(owned) == 0


def _entity_expansion(levels: int = 4) -> bytes:
    """A small Moodle XML file whose entities expand to a prompt of 10 ** (levels + 2) letters,
    with a comment long enough to push its DOCTYPE past the first 4 KB."""
    entities = ['<!ENTITY e0 "' + "a" * 100 + '">']
    entities += [f'<!ENTITY e{n} "{f"&e{n - 1};" * 10}">' for n in range(1, levels + 1)]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<!-- {'padding ' * 700} -->\n"
        f"<!DOCTYPE quiz [\n{chr(10).join(entities)}\n]>\n"
        '<quiz><question type="truefalse"><name><text>Big</text></name>'
        f'<questiontext format="plain_text"><text>&e{levels};</text></questiontext>'
        '<answer fraction="100"><text>true</text></answer>'
        '<answer fraction="0"><text>false</text></answer></question></quiz>\n'
    ).encode()


REFUSED_DOCTYPE = (
    "the file declares a DOCTYPE (&lt;!DOCTYPE quiz&gt;), which Moodle XML files do not have: "
    "its entities were not read"
)


def test_a_doctype_after_a_long_comment_is_refused_and_no_entity_is_expanded(
    app, browser, make_user
):
    make_user("teacher", Role.TEACHER)
    browser.login("teacher")
    data = _entity_expansion()
    assert len(data) < 16_000 and data.index(b"<!DOCTYPE") > 4096
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count(Question.id)))
    response = _upload(browser, data, "big.xml")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"big.xml: {REFUSED_DOCTYPE}. Nothing was imported." in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Question.id))) == before


def test_cli_import_refuses_a_doctype_and_stores_nothing(app, make_user, tmp_path):
    make_user("teacher", Role.TEACHER)
    source = tmp_path / "big.xml"
    source.write_bytes(_entity_expansion())
    args = ["questions", "import", str(source), "--slug", "big", "--title", "Big"]
    result = app.test_cli_runner().invoke(args=[*args, "--teacher", "teacher"])
    assert result.exit_code == 1
    assert f"big.xml: {unescape(REFUSED_DOCTYPE)}" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(QuestionSet).where(QuestionSet.slug == "big")) is None
