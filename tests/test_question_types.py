"""The question types (quizapp/question_types): each one read, graded and described, and the
registry as the one place that knows them."""

import itertools
import random
import re
from pathlib import Path

import pytest

from quizapp import question_types
from quizapp.question_types import ground
from quizapp.services.question_files import read_question

ROOT = Path(__file__).resolve().parent.parent
SINGLE = {"choices": [{"id": "a", "text": "Ana"}, {"id": "b", "text": "Ben"}], "answer": "a"}
MULTI = {"choices": [{"id": x, "text": x.upper()} for x in "abcde"], "answer": ["a", "c"]}
MATCH = {
    "items": [{"id": str(n), "text": f"item {n}"} for n in range(1, 5)],
    "choices": [{"id": f"r{n}", "text": f"option {n}"} for n in range(1, 5)],
    "answer": {"1": "r1", "2": "r2", "3": "r3", "4": "r4"},
}


def grade(name, content, answer):
    return question_types.get(name).grade(content, answer)


@pytest.mark.parametrize(
    ("answer", "expected"), [({"choice": "a"}, 1.0), ({"choice": "b"}, 0.0), (None, 0.0), ({}, 0.0)]
)
def test_single_choice_is_all_or_nothing(answer, expected):
    assert grade("single", SINGLE, answer) == expected


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (["a", "c"], 1.0),  # both right
        (["a"], 0.5),  # one of two right
        (["a", "b"], 0.0),  # one right, one wrong cancel out
        (["a", "c", "b"], 0.5),  # a wrong tick costs as much as a right one earns
        (["a", "b", "c", "d", "e"], 0.0),  # ticking everything earns nothing, never below zero
        (["b", "d"], 0.0),
    ],
)
def test_multiple_select_partial_credit(chosen, expected):
    assert grade("multiple", MULTI, {"choices": chosen}) == expected


def test_matching_earns_the_share_of_items_matched():
    matching = question_types.get("matching")
    answer = {"pairs": {"1": "r1", "2": "r2", "3": "r4", "4": "r3"}}
    assert matching.grade(MATCH, answer) == 0.5
    assert matching.grade(MATCH, {"pairs": {"1": "r1"}}) == 0.25
    assert matching.grade(MATCH, matching.correct_answer(MATCH)) == 1.0


def test_is_answered_by_type():
    multiple, matching = question_types.get("multiple"), question_types.get("matching")
    assert not multiple.is_answered(MULTI, {"choices": []})
    assert not matching.is_answered(MATCH, {"pairs": {"1": "r2"}})
    assert matching.is_answered(MATCH, matching.correct_answer(MATCH))
    assert not question_types.get("single").is_answered(SINGLE, None)


def test_true_false_and_evidence_grade_as_one_choice_and_as_select_all():
    true_false = question_types.get("true_false")
    statement = {"choices": [{"id": "true", "text": "True"}, {"id": "false", "text": "False"}]}
    content = {**statement, "answer": "false"}
    assert true_false.grade(content, {"choice": "false"}) == 1.0
    assert true_false.grade(content, {"choice": "true"}) == 0.0
    assert true_false.describe(content, true_false.correct_answer(content)) == ["False"]
    evidence = question_types.get("evidence")
    sentences = {
        "choices": [{"id": f"1-{n}", "text": f"Sentence {n}.", "paragraph": 1} for n in (1, 2, 3)],
        "answer": ["1-2", "1-3"],
    }
    assert evidence.grade(sentences, {"choices": ["1-2"]}) == 0.5
    assert evidence.grade(sentences, {"choices": ["1-1", "1-2"]}) == 0.0
    assert evidence.describe(sentences, {"choices": ["1-3", "1-1"]}) == [
        "Sentence 1.",
        "Sentence 3.",
    ]
    assert list(itertools.islice(evidence.labels(), 3)) == ["1", "2", "3"]  # numbered on paper


def test_answers_are_described_in_the_words_the_student_saw():
    assert question_types.get("single").describe(SINGLE, {"choice": "b"}) == ["Ben"]
    # In the file's order, whatever order they were ticked in.
    assert question_types.get("multiple").describe(MULTI, {"choices": ["e", "a"]}) == ["A", "E"]
    assert question_types.get("matching").describe(MATCH, {"pairs": {"2": "r1"}}) == [
        "item 1 → (no answer)",
        "item 2 → option 1",
        "item 3 → (no answer)",
        "item 4 → (no answer)",
    ]
    assert question_types.get("true_false").describe({**SINGLE, "answer": "a"}, None) == []


BODY = "“We counted 42 ducks,” said Ana Ruiz, the park warden. The mayor did not.\n\nDucks swim."
ARTICLES = {"park": type("Article", (), {"body": BODY, "slug": "park"})()}
BASE = {
    "id": "t-001",
    "kind": "attribution",
    "skills": ["quote-to-speaker"],
    "difficulty": "easy",
    "prompt": "Who counted the ducks?",
    "explanation": "The article names her.",
    "evidence": [{"article": "park", "quote": "said Ana Ruiz, the park warden"}],
}


@pytest.mark.parametrize(
    ("fields", "stored"),
    [
        (
            {"type": "single", "choices": [{"id": "a", "text": "Ana"}, {"id": 2, "text": "Bo"}]}
            | {"answer": 2},
            {"choices": [{"id": "a", "text": "Ana"}, {"id": "2", "text": "Bo"}], "answer": "2"},
        ),
        (
            {"type": "multiple", "choices": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]}
            | {"answer": ["b"]},
            {"choices": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}], "answer": ["b"]},
        ),
        (
            {"type": "true_false", "answer": False},
            {"choices": [{"id": "true", "text": "True"}, {"id": "false", "text": "False"}]}
            | {"answer": "false"},
        ),
        (
            {
                "type": "matching",
                "pairs": [{"left": "42", "right": "ducks"}, {"left": "Ana", "right": "warden"}],
            },
            {
                "items": [{"id": "1", "text": "42"}, {"id": "2", "text": "Ana"}],
                "choices": [{"id": "r1", "text": "ducks"}, {"id": "r2", "text": "warden"}],
                "answer": {"1": "r1", "2": "r2"},
            },
        ),
        (
            {"type": "evidence", "passage": {"article": "park", "paragraphs": [1, 2]}},
            {
                "passage": {"article": "park", "paragraphs": [1, 2]},
                "choices": [
                    {
                        "id": "1-1",
                        "text": "“We counted 42 ducks,” said Ana Ruiz, the park warden.",
                        "paragraph": 1,
                    },
                    {"id": "1-2", "text": "The mayor did not.", "paragraph": 1},
                    {"id": "2-1", "text": "Ducks swim.", "paragraph": 2},
                ],
                "answer": ["1-1"],
            },
        ),
    ],
    ids=["single", "multiple", "true_false", "matching", "evidence"],
)
def test_each_type_reads_its_own_fields_from_the_yaml(fields, stored):
    question, problems = read_question({**BASE, **fields}, ARTICLES)
    assert problems == []
    assert {k: question.content[k] for k in stored} == stored


def test_a_type_reports_its_own_problems_in_the_authors_words():
    _, problems = read_question({**BASE, "type": "multiple", "choices": [{"id": "a"}]}, ARTICLES)
    assert problems == ["needs at least two choices"]
    passage = {"article": "park", "paragraphs": [1, 1]}
    _, problems = read_question({**BASE, "type": "evidence", "ground": passage}, ARTICLES)
    assert "an evidence question cannot have a ground step" in problems
    _, problems = read_question({**BASE, "type": "essay"}, ARTICLES)
    assert problems == ["type must be one of " + ", ".join(question_types.TYPES) + ", not 'essay'"]


# Shuffled (without, with the assignment's "shuffle the choices")? Matching options are written
# in answer order, so always; true/false and a passage's sentences keep their natural order.
SHUFFLED = {
    "single": (False, True),
    "multiple": (False, True),
    "matching": (True, True),
    "true_false": (False, False),
    "evidence": (False, False),
    "highlight": (False, False),
}


@pytest.mark.parametrize(("name", "expected"), SHUFFLED.items())
def test_each_type_is_shuffled_by_the_one_rule(name, expected):
    rng = random.Random(1)
    shuffled = []
    for shuffle_choices in (False, True):
        order = [str(n) for n in range(12)]
        question_types.get(name).shuffle(order, rng, shuffle_choices)
        shuffled.append(order != [str(n) for n in range(12)])
    assert tuple(shuffled) == expected


NEWS = (
    "Officials of the regime paid 585 slave doctors; the communist regime kept the rest.\n\n"
    "“The doctors,” who are well-known in the U.S., said nothing."
)
NEWS_ARTICLES = {"news": type("Article", (), {"body": NEWS, "slug": "news"})()}
HIGHLIGHT = {
    **BASE,
    "type": "highlight",
    "evidence": [{"article": "news", "quote": "the communist regime kept the rest"}],
    "passage": {"article": "news", "paragraphs": [1, 2]},
    "answer": ["slave", "communist regime"],
}


def read_highlight(**changes):
    question, problems = read_question({**HIGHLIGHT, **changes}, NEWS_ARTICLES)
    return (question.content if question else None), problems


def test_highlight_reads_every_word_of_the_passage_with_the_text_between():
    content, problems = read_highlight()
    assert problems == []
    units = content["choices"]
    assert [u["text"] for u in units] == [
        *("Officials", "of", "the", "regime", "paid", "585", "slave", "doctors", "the"),
        *("communist", "regime", "kept", "the", "rest"),
        *("The", "doctors", "who", "are", "well-known", "in", "the", "U.S.", "said", "nothing"),
    ]
    assert units[0] == {
        "id": "1-1",
        "text": "Officials",
        "paragraph": 1,
        "before": "",
        "after": " ",
    }
    assert (units[7]["after"], units[13]["after"]) == ("; ", ".")
    assert (units[14]["before"], units[15]["after"]) == ("“", ",” ")
    text = "".join(u["before"] + u["text"] + u["after"] for u in units)
    assert text == NEWS.replace("\n\n", "")


def test_highlight_keys_a_phrase_as_its_words_wherever_it_stands():
    content, _ = read_highlight()
    assert content["answer"] == ["1-7", "1-10", "1-11"]  # slave; communist regime
    content, _ = read_highlight(answer=["regime"])
    assert content["answer"] == ["1-4", "1-11"]  # both places


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (["regim"], "answer 'regim' is not whole words of the passage as it reads"),
        (["slave doctors kept"], "answer 'slave doctors kept' is not whole words"),
        (["doctors;"], "answer 'doctors;' is not whole words"),
        ("slave", "answer of a highlight question must be a list of the words or phrases"),
        ([], "answer of a highlight question must be a list"),
        ([3], "answer of a highlight question must be a list"),
    ],
)
def test_highlight_answers_must_be_whole_words_of_the_passage(answer, message):
    content, problems = read_highlight(answer=answer)
    assert content is None
    assert any(p.startswith(message) for p in problems), problems


def test_highlight_refuses_a_passage_too_long_to_tab_through_and_an_answer_of_every_word():
    long = {"news": type("Article", (), {"body": "word " * 151, "slug": "news"})()}
    question = {**HIGHLIGHT, "evidence": [{"article": "news", "quote": "word"}], "answer": ["word"]}
    _, problems = read_question(
        {**question, "passage": {"article": "news", "paragraphs": [1, 1]}}, long
    )
    assert problems == ["the passage has 151 words, and a highlight passage at most 150"]
    every = "Officials of the regime paid 585 slave doctors; the communist regime kept the rest"
    _, problems = read_highlight(passage={"article": "news", "paragraphs": [1, 1]}, answer=[every])
    assert problems == ["the answer takes in every word of the passage"]
    _, problems = read_highlight(ground={"article": "news", "paragraphs": [1, 1]})
    assert "a highlight question cannot have a ground step" in problems


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (["1-7", "1-10", "1-11"], 1.0),
        (["1-10", "1-11"], round(2 / 3, 4)),  # two of the three words
        (["1-7", "1-10", "1-11", "1-12"], round(2 / 3, 4)),  # a word too many costs one
        (["1-7", "1-9", "1-10", "1-11", "1-12"], round(1 / 3, 4)),
        (["1-1", "1-2", "1-7"], 0.0),  # never below zero
        ([], 0.0),
    ],
)
def test_highlight_scores_right_words_minus_wrong_words_over_right_words(chosen, expected):
    content, _ = read_highlight()
    assert question_types.get("highlight").grade(content, {"choices": chosen}) == expected


def test_highlight_describes_each_run_of_words_as_a_phrase_placed_when_it_repeats():
    content, _ = read_highlight()
    highlight = question_types.get("highlight")
    assert highlight.describe(content, highlight.correct_answer(content)) == [
        "slave",
        "communist regime",
    ]
    # "regime" stands twice and "the" four times: those are shown with their neighbours in
    # their paragraph; "the rest" and "the U.S." stand once.
    assert highlight.describe(content, {"choices": ["1-13", "1-14", "1-4", "2-8", "2-7"]}) == [
        "regime (in “Officials of the regime paid 585 slave…”)",
        "the rest",
        "the U.S.",
    ]
    assert highlight.describe(content, {"choices": ["1-9"]}) == [
        "the (in “…585 slave doctors; the communist regime kept…”)"
    ]
    # Neighbours in two paragraphs are two phrases.
    assert highlight.describe(content, {"choices": ["1-14", "2-1"]}) == ["rest", "The"]


def test_highlight_parses_tokens_into_words_in_passage_order():
    content, _ = read_highlight()
    order = [u["id"] for u in content["choices"]]
    offered = {f"t{i}": i for i in order}
    answer = question_types.get("highlight").parse(
        content, {"choices": ["t1-11", "t1-7", ""]}, order, offered.__getitem__
    )
    assert answer == {"choices": ["1-7", "1-11"]}
    assert question_types.get("highlight").parse(content, {}, order, offered.__getitem__) == {}


def test_highlight_counts_the_words_picked_and_the_right_ones():
    content, _ = read_highlight()
    highlight = question_types.get("highlight")
    answers = [{"choices": ["1-7", "1-8"]}, {"choices": ["1-7"]}, {}]
    order = highlight.fixed_order(content, "salt")
    assert order == [u["id"] for u in content["choices"]]
    counts = highlight.count(content, answers, order)
    assert [(o.text, o.count, o.correct) for o in counts.options] == [
        ("slave", 2, True),
        ("doctors (in “…paid 585 slave doctors; the communist regime…”)", 1, False),
        ("communist", 0, True),
        ("regime (in “…doctors; the communist regime kept the rest”)", 0, True),
    ]


def test_highlight_sampled_answers_are_words_of_the_passage_and_right_at_full_skill():
    content, _ = read_highlight()
    highlight = question_types.get("highlight")
    rng = random.Random(7)
    ids = [u["id"] for u in content["choices"]]
    for p in (0.0, 0.3, 0.7):
        for _ in range(50):
            chosen = highlight.sample(content, rng, p)["choices"]
            assert chosen and set(chosen) <= set(ids) and chosen == sorted(chosen, key=ids.index)
    assert highlight.grade(content, highlight.sample(content, rng, 1.0)) == 1.0


def test_the_ground_step_is_graded_and_described_on_its_own():
    content = {
        "ground": {
            "sentences": [{"id": "1-1", "text": "One."}, {"id": "1-2", "text": "Two."}],
            "answer": ["1-2"],
        }
    }
    assert ground.grade(content, {"choice": "a", "ground": ["1-2"]}) == 1.0
    assert ground.grade(content, {"ground": ["1-1", "1-2"]}) == 0.0
    assert ground.grade(content, None) == 0.0
    assert ground.describe(content, ["1-2", "1-1"]) == ["One.", "Two."]


@pytest.mark.parametrize("name", list(question_types.TYPES))
def test_every_type_has_its_template_with_the_macros_pages_call(name):
    source = (ROOT / "templates" / question_types.get(name).template).read_text()
    for macro in ("fields", "worksheet", "key", "analysis"):
        assert re.search(rf"{{% macro {macro}\(", source), (name, macro)
    if question_types.get(name).editor_label:
        assert "{% macro draft(" in source, name


def test_every_stored_question_hands_out_its_type(ctx):
    import sqlalchemy as sa

    from quizapp.extensions import db
    from quizapp.models import QuestionVersion

    for version in db.session.scalars(sa.select(QuestionVersion)):
        assert version.question_type is question_types.TYPES[version.type]


TYPE_NAMES = r"(single|multiple|true_false|matching|evidence|highlight)"
COMPARISONS = [
    re.compile(rf"""(==|!=)\s*["']{TYPE_NAMES}["']"""),
    re.compile(rf"""["']{TYPE_NAMES}["']\s*(==|!=|\bin\b|\bnot in\b)"""),
    re.compile(rf"""\bin\s*[(\[]\s*["']{TYPE_NAMES}["']"""),
]


def test_no_code_outside_the_question_types_compares_type_names():
    """Pages, services, exports and scripts ask the question's type; only quizapp/question_types
    knows the types by name (data may still name a type, as the builder's drafts do). Moodle's
    own type attribute, read on import, is Moodle's vocabulary, not ours."""
    found = []
    for folder, pattern in (("quizapp", "*.py"), ("templates", "*.html"), ("static", "*.js")):
        for path in sorted((ROOT / folder).rglob(pattern)):
            if "question_types" in path.relative_to(ROOT).parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if "moodle_type" in line:
                    continue
                if any(c.search(line) for c in COMPARISONS):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    for path in sorted((ROOT / "bench").glob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if any(c.search(line) for c in COMPARISONS):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
