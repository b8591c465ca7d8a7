import json
import shutil
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.builder.safe_yaml import dump_yaml
from quizapp.extensions import db
from quizapp.models import Attempt, Question, QuestionSet
from quizapp.services.question_files import read_bank
from tests.conftest import BANK
from tests.odd_input import ALIAS_BOMB, with_front_matter
from tests.quiz_helpers import form_answer, latest_attempt_id, start_quiz

ARTICLE = """---
title: "A test article"
outlet: "The Test Gazette"
published: "2020-01-02"
---
“We counted 42 ducks,” said Ana Ruiz, the park warden.

[Caption] Ducks on the pond.
"""

QUESTION = {
    "id": "t-001",
    "kind": "attribution",
    "type": "single",
    "skills": ["quote-to-speaker"],
    "difficulty": "easy",
    "prompt": "Who counted the ducks?",
    "choices": [{"id": "a", "text": "Ana Ruiz"}, {"id": "b", "text": "The mayor"}],
    "answer": "a",
    "explanation": "The article names her.",
    "evidence": [{"article": "test-article", "quote": "said Ana Ruiz, the park warden"}],
}


def write_bank(root: Path, questions: list[dict], slug: str = "test-set") -> Path:
    (root / "articles").mkdir(parents=True, exist_ok=True)
    (root / "sets").mkdir(exist_ok=True)
    (root / "articles" / "test-article.md").write_text(ARTICLE, encoding="utf-8")
    data = {
        "slug": slug,
        "title": "Test set",
        "description": "For tests.",
        "objective": "Students can test.",
        "minutes": 5,
        "questions": questions,
    }
    (root / "sets" / f"{slug}.yaml").write_text(dump_yaml(data), encoding="utf-8")
    return root


def problems_for(tmp_path, **changes) -> list[str]:
    question = {**QUESTION, **changes}
    bank = read_bank(write_bank(tmp_path, [question]))
    return [str(p) for p in bank.problems]


def test_the_real_bank_has_no_problems_and_every_quote_is_verbatim():
    bank = read_bank(BANK)
    assert bank.problems == []
    bodies = {a.slug: a.body for a in bank.articles}
    types = {}
    for qset in bank.sets:
        for q in qset.questions:
            types[q.type] = types.get(q.type, 0) + 1
            for evidence in q.content["evidence"]:
                assert evidence["quote"] in bodies[evidence["article"]], q.key
    assert min(types.get(t, 0) for t in ("single", "multiple", "matching", "true_false")) >= 5


def test_a_valid_question_has_no_problems(tmp_path):
    assert problems_for(tmp_path) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"evidence": [{"article": "test-article", "quote": "said Ana Ruiz, park warden"}]},
            "evidence quote not found verbatim in test-article",
        ),
        ({"evidence": [{"article": "nope", "quote": "x"}]}, "unknown article: 'nope'"),
        ({"answer": "c"}, "answer 'c' is not among the choices"),
        ({"type": "multiple", "answer": ["a", "z"]}, "answer 'z' is not among the choices"),
        ({"type": "true_false", "answer": "yes"}, "must be true or false"),
        ({"kind": "gossip"}, "kind must be one of"),
        ({"explanation": ""}, "missing field: explanation"),
        ({"type": "matching", "pairs": [{"left": "a", "right": "b"}]}, "at least two pairs"),
    ],
)
def test_problems_name_the_file_question_and_what_is_wrong(tmp_path, changes, message):
    problems = problems_for(tmp_path, **changes)
    assert any(
        p.startswith("test-set.yaml: question t-001: ") and message in p for p in problems
    ), problems


def test_evidence_question_takes_its_answer_from_the_evidence(tmp_path):
    question = {
        **QUESTION,
        "type": "evidence",
        "passage": {"article": "test-article", "paragraphs": [1, 2]},
    }
    del question["choices"], question["answer"]
    bank = read_bank(write_bank(tmp_path, [question]))
    assert bank.problems == []
    content = bank.sets[0].questions[0].content
    assert [c["id"] for c in content["choices"]] == ["1-1", "2-1"]
    assert content["answer"] == ["1-1"]


@pytest.mark.parametrize(
    ("passage", "message"),
    [
        ({"article": "test-article", "paragraphs": [2, 2]}, "no evidence quote of test-article"),
        ({"article": "test-article", "paragraphs": [1, 9]}, "paragraphs must be [first, last]"),
        ({"article": "nope", "paragraphs": [1, 1]}, "unknown article"),
        ({"paragraphs": [1, 1]}, "needs an article and paragraphs"),
    ],
)
def test_passages_are_checked(tmp_path, passage, message):
    problems = problems_for(tmp_path, ground=passage)
    assert any(message in p for p in problems), problems


def test_ground_step_answer_is_the_sentence_with_the_evidence(tmp_path):
    ground = {"article": "test-article", "paragraphs": [1, 2]}
    bank = read_bank(write_bank(tmp_path, [{**QUESTION, "ground": ground}]))
    assert bank.problems == []
    assert bank.sets[0].questions[0].content["ground"]["answer"] == ["1-1"]


def test_quote_of_an_attribution_question_must_be_in_the_evidence_article(tmp_path):
    assert problems_for(tmp_path, quote="We counted 42 ducks") == []
    problems = problems_for(tmp_path, quote="We counted 43 ducks")
    assert any("quote not found verbatim" in p for p in problems)


def test_skills_and_difficulty_are_required(tmp_path):
    problems = problems_for(tmp_path, skills=[], difficulty="trivial")
    assert any("missing field: skills" in p for p in problems)
    assert any("difficulty must be one of" in p for p in problems)


def test_duplicate_ids_are_reported(tmp_path):
    bank = read_bank(write_bank(tmp_path, [QUESTION, QUESTION]))
    assert [str(p) for p in bank.problems] == [
        "test-set.yaml: question t-001: duplicate id in this file"
    ]


def test_load_command_exits_non_zero_and_loads_nothing_from_a_broken_file(app, tmp_path):
    write_bank(tmp_path, [QUESTION, {**QUESTION, "id": "t-002", "answer": "q"}], slug="broken")
    result = app.test_cli_runner().invoke(args=["questions", "load", "--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "broken.yaml: question t-002: answer 'q' is not among the choices" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(QuestionSet).where(QuestionSet.slug == "broken")) is None
        assert db.session.scalar(sa.select(Question).where(Question.key == "t-001")) is None


def test_load_command_succeeds_on_the_real_bank(app):
    result = app.test_cli_runner().invoke(args=["questions", "load"])
    assert result.exit_code == 0, result.output
    sets = read_bank(BANK).sets
    questions = sum(len(s.questions) for s in sets)
    assert (
        f"Loaded 5 articles and {len(sets)} sets with {questions} questions (0 new versions)"
        in result.output
    )


def test_list_and_export_json(app):
    runner = app.test_cli_runner()
    listed = json.loads(runner.invoke(args=["questions", "list", "--json"]).output)
    by_slug = {entry["slug"]: entry for entry in listed}
    figures = next(s for s in read_bank(BANK).sets if s.slug == "figures-that-conflict")
    assert by_slug["figures-that-conflict"] == {
        "slug": "figures-that-conflict",
        "title": figures.title,
        "questions": len(figures.questions),
    }
    exported = json.loads(
        runner.invoke(args=["questions", "export", "who-said-what", "--format", "json"]).output
    )
    question = exported["questions"][0]
    assert set(question) >= {
        "id",
        "kind",
        "type",
        "prompt",
        "choices",
        "answer",
        "explanation",
        "evidence",
    }
    matching = next(q for q in exported["questions"] if q["type"] == "matching")
    assert all(set(pair) == {"left", "right"} for pair in matching["answer"])
    missing = runner.invoke(args=["questions", "export", "no-such-set"])
    assert missing.exit_code != 0 and "no question set" in missing.output


def test_editing_a_question_keeps_the_version_students_answered(
    app, tmp_path, browser, make_class, make_assignment
):
    bank = tmp_path / "bank"
    shutil.copytree(BANK, bank)
    klass = make_class()
    assignment_id = make_assignment(klass["id"])
    browser.login("sam")
    start_quiz(browser, assignment_id)
    attempt_id = latest_attempt_id(app, klass["students"]["sam"])
    browser.post(f"/attempts/{attempt_id}/q/0", form_answer(app, attempt_id, 0))
    with app.app_context():
        asked = db.session.get(Attempt, attempt_id).items[0].question_version
        old_prompt, key, old_id = asked.content["prompt"], asked.question.key, asked.id

    path = bank / "sets" / "who-said-what.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(old_prompt, old_prompt + " (edited)", 1) if old_prompt in text else text,
        encoding="utf-8",
    )
    runner = app.test_cli_runner()
    try:
        result = runner.invoke(args=["questions", "load", "--dir", str(bank)])
        assert "(1 new versions)" in result.output, result.output
        with app.app_context():
            question = db.session.scalar(sa.select(Question).where(Question.key == key))
            assert question.current_version_id != old_id
            assert question.current_version.content["prompt"].endswith("(edited)")
            attempt = db.session.get(Attempt, attempt_id)
            assert attempt.items[0].question_version_id == old_id
            assert attempt.items[0].question_version.content["prompt"] == old_prompt
        html = browser.page(f"/attempts/{attempt_id}/q/0")
        assert "(edited)" not in html
    finally:
        runner.invoke(args=["questions", "load"])


def test_article_front_matter_is_checked(tmp_path):
    write_bank(tmp_path, [QUESTION])
    (tmp_path / "articles" / "bad.md").write_text("no front matter", encoding="utf-8")
    (tmp_path / "articles" / "odd.md").write_text(
        textwrap.dedent("""\
        ---
        title: "Odd"
        colour: blue
        ---
        Body.
        """),
        encoding="utf-8",
    )
    problems = [str(p) for p in read_bank(tmp_path).problems]
    assert "bad.md: missing front matter between '---' lines" in problems
    assert "odd.md: unknown fields: colour" in problems


def _laughing_bank(root: Path) -> Path:
    """A good set beside an article and a set file that each hide an alias bomb."""
    write_bank(root, [QUESTION])
    (root / "articles" / "laughs.md").write_text(with_front_matter(ALIAS_BOMB), encoding="utf-8")
    (root / "sets" / "laughs.yaml").write_text(
        ALIAS_BOMB
        + "slug: laughs\ndescription: x\nobjective: y\nminutes: 5\n"
        + dump_yaml({"questions": [{**QUESTION, "id": "l-001"}]}),
        encoding="utf-8",
    )
    return root


LAUGHS = (
    "laughs.md: the front matter uses the alias *a; aliases are not accepted, write the value "
    "out in full (line 3)",
    "laughs.yaml: the set file uses the alias *a; aliases are not accepted, write the value out "
    "in full (line 2)",
)


def test_check_refuses_alias_bombs_with_a_message_naming_each_file(app, tmp_path):
    result = app.test_cli_runner().invoke(
        args=["questions", "check", "--dir", str(_laughing_bank(tmp_path))]
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"error: {line}" for line in LAUGHS]
    assert "test-set.yaml: 1 questions" in result.stdout


def test_load_refuses_alias_bombs_and_loads_the_other_files(app, tmp_path):
    runner = app.test_cli_runner()
    try:
        result = runner.invoke(args=["questions", "load", "--dir", str(_laughing_bank(tmp_path))])
        assert result.exit_code == 1
        assert [f"error: {line}" for line in LAUGHS] == result.stderr.splitlines()[:2]
        with app.app_context():
            slugs = set(db.session.scalars(sa.select(QuestionSet.slug)))
            assert "test-set" in slugs and "laughs" not in slugs
    finally:
        runner.invoke(args=["questions", "load"])


@pytest.mark.parametrize(
    ("head", "message"),
    [
        (
            "title: Update: Flooding closes schools\n",
            "the front matter is not valid YAML at line 2, column 14: mapping values are not "
            "allowed here; put a value that contains ': ' in quotes",
        ),
        (
            'title: "Floods"\npublished: 2019-02-30\n',
            "the front matter has a value that cannot be read (day is out of range for month)",
        ),
        ('title: "Floods"\n1: one\n', "unknown fields: 1"),
        ("title: " + "9" * 5000 + "\n", "the front matter has a value that cannot be read"),
        ('title: "Floods\x07"\n', "the front matter has a character YAML does not accept: U+0007"),
        (
            "title: " + "[" * 25 + "x" + "]" * 25 + "\n",
            "the front matter is nested more than 20 levels deep (line 2)",
        ),
        ("notes: " + "x" * 10_000 + "\n", "the front matter is longer than 10,000 characters"),
        ("", "missing field: title"),  # "---" twice: an empty block, read as one
    ],
)
def test_unreadable_front_matter_is_one_problem_for_that_file(tmp_path, head, message):
    write_bank(tmp_path, [QUESTION])
    (tmp_path / "articles" / "odd.md").write_text(with_front_matter(head), encoding="utf-8")
    bank = read_bank(tmp_path)
    [problem] = bank.problems
    assert str(problem).startswith(f"odd.md: {message}")
    assert [s.slug for s in bank.sets] == ["test-set"]


def test_files_that_are_not_utf8_or_too_large_are_problems_read_no_further(tmp_path):
    write_bank(tmp_path, [QUESTION])
    (tmp_path / "articles" / "latin.md").write_bytes(
        with_front_matter('title: "Caf\xe9"\n', "Ducks.\n").encode("latin-1")
    )
    (tmp_path / "sets" / "huge.yaml").write_text("x" * 2_000_001, encoding="utf-8")
    assert sorted(str(p) for p in read_bank(tmp_path).problems) == [
        "huge.yaml: larger than 2000 KB",
        "latin.md: not UTF-8 text (byte 15)",
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"evidence": True}, "evidence must be a list of items with an article and a quote"),
        (
            {
                "type": "matching",
                "pairs": [{"left": "a", "right": "b"}, {"left": "c", "right": "d"}],
                "distractors": 5,
            },
            "distractors must be a list",
        ),
    ],
)
def test_fields_of_the_wrong_shape_are_problems_not_crashes(tmp_path, changes, message):
    assert f"test-set.yaml: question t-001: {message}" in problems_for(tmp_path, **changes)


odd_scalar = st.one_of(st.none(), st.booleans(), st.integers(-2, 3), st.text(max_size=4))
odd_value = odd_scalar | st.recursive(
    odd_scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)
QUESTION_FIELDS = [*QUESTION, "pairs", "distractors", "passage", "ground", "quote"]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(changes=st.dictionaries(st.sampled_from(QUESTION_FIELDS), odd_value, max_size=4))
def test_any_value_in_any_question_field_is_a_problem_or_accepted(tmp_path, changes):
    """What `questions check` and `load` read: never an exception, whatever a field holds,
    and each problem names the file and the question."""
    problems = problems_for(tmp_path, **changes)
    assert all(p.startswith("test-set.yaml: ") for p in problems), problems
