"""Exports to Moodle XML, GIFT and QTI 3.0, read back by other people's parsers."""

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.interop import EXPORTERS, export_gift, export_moodle_xml, export_qti
from quizapp.interop.common import items
from quizapp.interop.gift import parse_gift
from quizapp.models import QuestionSet, Role
from quizapp.question_types.exported import Shape
from quizapp.services.interop import set_document

SLUGS = (
    "who-said-what",
    "figures-that-conflict",
    "corroborated-or-not",
    "reading-the-sources",
    "news-opinion-and-pictures",
    "check-in",
    "check-out",
)


@pytest.fixture(scope="module")
def documents(app):
    with app.app_context():
        sets = db.session.scalars(sa.select(QuestionSet).where(QuestionSet.slug.in_(SLUGS)))
        return {s.slug: set_document(s) for s in sets}


def _items(document):
    return items(document, [])


@pytest.mark.parametrize("slug", SLUGS)
def test_gift_export_is_read_by_pygiftparser(documents, slug):
    """pygiftparserrgmf (PyPI) finds every question, its type, and every answer's text."""
    parser = pytest.importorskip("pygiftparser.parser")
    document = documents[slug]
    export = export_gift(document)
    parsed = parser.parse(export.data.decode())
    expected = [i for i in _items(document) if not (i.shape is Shape.PAIRS and len(i.pairs) < 3)]
    assert len(parsed.questions) == len(expected)
    kinds = {
        Shape.ONE_ANSWER: "MultipleChoiceRadio",
        Shape.ANSWERS: "MultipleChoiceCheckbox",
        Shape.TRUE_FALSE: "TrueFalse",
        Shape.PAIRS: "Matching",
        Shape.WORDS: "MultipleChoiceCheckbox",  # GIFT cannot mark words in a text
    }
    for ours, theirs in zip(expected, parsed.questions, strict=True):
        assert theirs.name == ours.id
        assert type(theirs.answer).__name__ == kinds[ours.shape], ours.id
        if ours.shape in (Shape.ONE_ANSWER, Shape.ANSWERS, Shape.WORDS):
            # Its weight pattern takes whole percents only, and it leaves '\:' escaped in
            # answers (not in prompts): undo both before comparing.
            texts = [
                re.sub(r"^%-?[\d.]+%", "", o.text).replace("\\:", ":").strip()
                for o in theirs.answer.options
            ]
            assert texts == [text for text, _ in ours.choices]
            if ours.shape is Shape.ONE_ANSWER:
                right = [o.percentage == 1.0 for o in theirs.answer.options]
                assert right == [r for _, r in ours.choices]
        if ours.shape is Shape.PAIRS:
            pairs = [theirs.answer.get_pair(o) for o in theirs.answer.options]
            unescaped = [
                (p["first"].replace("\\:", ":"), p["second"].replace("\\:", ":")) for p in pairs
            ]
            assert unescaped == ours.pairs


def _follow_our_rule(weights: list[Decimal]) -> bool:
    """Right choices add up to exactly 100, each within rounding of 100/n; wrong ones −100/n."""
    right = [w for w in weights if w > 0]
    share = Decimal(100) / len(right)
    return (
        sum(right) == 100
        and all(abs(w - share) < Decimal("0.0001") for w in right)
        and all(abs(w + share) < Decimal("0.0001") for w in weights if w <= 0)
    )


@pytest.mark.parametrize("slug", SLUGS)
def test_gift_weights_of_every_multiple_answer_question_add_up_to_exactly_100(documents, slug):
    """Read back by pygiftparserrgmf: every question it finds with several right answers has
    weights whose right ones add up to exactly 100 (six times 16.66667 would make 100.00002)."""
    parser = pytest.importorskip("pygiftparser.parser")
    parsed = parser.parse(export_gift(documents[slug]).data.decode())
    multiple = [q for q in parsed.questions if type(q.answer).__name__ == "MultipleChoiceCheckbox"]
    several = (Shape.ANSWERS, Shape.WORDS)
    assert len(multiple) == sum(1 for i in _items(documents[slug]) if i.shape in several)
    for question in multiple:
        weights = [
            Decimal(re.match(r"~%(-?[\d.]+)%", option.raw_text).group(1))
            for option in question.answer.options
        ]
        assert _follow_our_rule(weights), (question.name, weights)


def test_gift_partial_credit_follows_our_multiple_answer_rule(documents):
    text = export_gift(documents["who-said-what"]).data.decode()
    block = text.split("::wsw-003::")[1].split("\n}")[0]
    weights = re.findall(r"~%(-?[\d.]+)%", block)
    assert weights == ["33.33333", "33.33333", "33.33334", "-33.33333", "-33.33333", "-33.33333"]


def test_gift_reports_what_it_cannot_write(documents):
    warnings = export_gift(documents["who-said-what"]).warnings
    assert any("wsw-030" in w and "match nothing" in w for w in warnings)
    assert any("evidence question exported as a multiple-answer" in w for w in warnings)


@pytest.mark.parametrize("slug", SLUGS)
def test_moodle_xml_export_has_every_question_with_credit_that_adds_up(documents, slug):
    document = documents[slug]
    root = ET.fromstring(export_moodle_xml(document).data)
    questions = [q for q in root.findall("question") if q.get("type") != "category"]
    expected = _items(document)
    assert [q.find("name/text").text for q in questions] == [i.id for i in expected]
    for element, item in zip(questions, expected, strict=True):
        assert element.find("generalfeedback/text").text == "".join(
            f"<p>{p}</p>"
            for p in item.feedback.replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace('"', "&quot;")
            .replace("'", "&#x27;")
            .split("\n\n")
        )
        if element.get("type") == "multichoice" and element.find("single").text == "false":
            fractions = [Decimal(a.get("fraction")) for a in element.findall("answer")]
            assert _follow_our_rule(fractions), (item.id, fractions)
        if element.get("type") == "matching":
            assert len(element.findall("subquestion")) == len(item.pairs) + len(item.distractors)


def test_moodle_xml_keeps_the_evidence_in_the_general_feedback(documents):
    root = ET.fromstring(export_moodle_xml(documents["who-said-what"]).data)
    first = root.findall("question")[1]
    feedback = first.find("generalfeedback/text").text
    assert "Evidence: “" in feedback and "There was oxygen" in feedback


def _qti_files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("slug", SLUGS)
def test_qti_package_is_read_by_citolab_qti_convert(documents, slug, tmp_path):
    """citolab-qti-convert (PyPI) reads our QTI 3.0 package and converts it to QTI 2.1
    without a warning: every item, the test and the manifest are understood."""
    qti_convert = pytest.importorskip("qti_convert")
    source = tmp_path / "qti3.zip"
    source.write_bytes(export_qti(documents[slug]).data)
    result = qti_convert.downgrade_package(str(source), str(tmp_path / "qti21.zip"))
    assert result.warnings == []
    files = _qti_files((tmp_path / "qti21.zip").read_bytes())
    manifest = files["imsmanifest.xml"].decode()
    assert "imsqti_item_xmlv2p1" in manifest and "imsqti_test_xmlv2p1" in manifest
    items_21 = [n for n in files if n.startswith("items/")]
    assert len(items_21) == len(_items(documents[slug]))


def test_qti_package_links_manifest_test_and_items(documents):
    files = _qti_files(export_qti(documents["who-said-what"]).data)
    ns = {"cp": "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"}
    manifest = ET.fromstring(files["imsmanifest.xml"])
    hrefs = {r.get("href") for r in manifest.iterfind("cp:resources/cp:resource", ns)}
    assert hrefs == set(files) - {"imsmanifest.xml"}
    qti = {"q": "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"}
    test = ET.fromstring(files["assessment.xml"])
    refs = [r.get("href") for r in test.iterfind(".//q:qti-assessment-item-ref", qti)]
    assert refs == sorted(refs, key=list(files).index) and len(refs) == len(files) - 2
    item = ET.fromstring(files["items/wsw-003.xml"])
    values = [Decimal(e.get("mapped-value")) for e in item.iterfind(".//q:qti-map-entry", qti)]
    assert sorted(map(float, values)) == pytest.approx([-1 / 3] * (len(values) - 3) + [1 / 3] * 3)
    assert sum(v for v in values if v > 0) == 1
    feedback = item.find("q:qti-modal-feedback", qti)
    assert feedback is not None and "Evidence" in "".join(feedback.itertext())


def test_every_format_exports_an_imported_set_without_evidence(app):
    document = {
        "slug": "plain",
        "title": "Plain",
        "questions": [
            {
                "id": "plain-001",
                "kind": "other",
                "type": "true_false",
                "content": {"prompt": "Water is wet.", "answer": "true", "explanation": ""},
            }
        ],
    }
    for exporter in EXPORTERS.values():
        assert exporter(document).data


def test_teacher_downloads_each_format_from_the_set_page(browser, make_user):
    make_user("teacher", Role.TEACHER)
    browser.login("teacher")
    html = browser.page("/teach/sets/who-said-what")
    for fmt, media in (
        ("moodle-xml", "application/xml"),
        ("gift", "text/plain"),
        ("qti", "application/zip"),
    ):
        url = f"/teach/sets/who-said-what/export/{fmt}"
        assert url in html
        response = browser.get(url)
        assert response.status_code == 200 and response.mimetype == media
        assert "attachment" in response.headers["Content-Disposition"]
    assert browser.get("/teach/sets/who-said-what/export/pdf").status_code == 404


@pytest.mark.parametrize("role", [None, Role.STUDENT])
def test_downloads_are_for_teachers(browser, make_user, role):
    if role:
        make_user("sam", role)
        browser.login("sam")
    response = browser.get("/teach/sets/who-said-what/export/gift")
    assert response.status_code in (302, 403)


@pytest.mark.parametrize("fmt", ["moodle-xml", "gift"])
def test_cli_export_prints_the_file_and_warnings(app, fmt):
    runner = app.test_cli_runner(mix_stderr=False) if _mixes() else app.test_cli_runner()
    result = runner.invoke(args=["questions", "export", "who-said-what", "--format", fmt])
    assert result.exit_code == 0, result.output
    assert "wsw-001" in result.stdout
    assert "warning: wsw-020: evidence question" in result.stderr


def test_cli_export_writes_a_qti_zip(app, tmp_path):
    runner = app.test_cli_runner()
    out = tmp_path / "set.zip"
    assert runner.invoke(args=["questions", "export", "check-in", "--format", "qti"]).exit_code == 1
    result = runner.invoke(
        args=["questions", "export", "check-in", "--format", "qti", "--out", str(out)]
    )
    assert result.exit_code == 0
    assert "imsmanifest.xml" in _qti_files(out.read_bytes())


def _mixes() -> bool:
    import inspect

    from click.testing import CliRunner

    return "mix_stderr" in inspect.signature(CliRunner.__init__).parameters


def test_interop_package_knows_nothing_of_flask_or_the_database():
    from pathlib import Path

    import quizapp.interop

    for source in Path(quizapp.interop.__file__).parent.glob("*.py"):
        text = source.read_text()
        assert "import flask" not in text.lower() and "from flask" not in text.lower()
        assert "quizapp.models" not in text and "quizapp.extensions" not in text


DOUBLED_QUOTES = re.compile(r"[“”\"]{2}")


@pytest.mark.parametrize("slug", SLUGS)
def test_gift_feedback_quotes_each_piece_of_evidence_once(documents, slug):
    """A quote that opens or closes with the speaker's own quotation marks gets no second pair
    (““There was oxygen…”); the file still reads in pygiftparserrgmf, and its feedback, read
    back by our GIFT reader, has no doubled marks."""
    parser = pytest.importorskip("pygiftparser.parser")
    text = export_gift(documents[slug]).data.decode()
    assert parser.parse(text).questions
    feedback = [q.get("explanation", "") for q in parse_gift(text.encode()).questions]
    assert any("Evidence: " in f for f in feedback)
    assert not [f for f in feedback if DOUBLED_QUOTES.search(f)]


def test_gift_feedback_keeps_the_speakers_quotation_marks(documents):
    text = export_gift(documents["who-said-what"]).data.decode()
    feedback = "\n".join(q.get("explanation", "") for q in parse_gift(text.encode()).questions)
    assert "Evidence: “There was oxygen, but they didn’t let me use it,” said Dr. Arias" in feedback
    assert "(no headline captured)" not in feedback
