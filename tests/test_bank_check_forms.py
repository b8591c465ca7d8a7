"""The check-in and check-out are fair parallel forms, and no practice set rehearses them.

Growth is the check-out score minus the check-in score, so the two forms must ask the same
skills at the same difficulty, and neither may be answered in advance by a practice question
that quotes, cites or explains the sentences it rests on.
"""

import re

import pytest

from quizapp.builder.sentences import paragraphs_of, passage_sentences, split_paragraph
from quizapp.services.question_files import read_bank
from tests.conftest import BANK

BANK_DATA = read_bank(BANK)
ARTICLES = {a.slug: a.body for a in BANK_DATA.articles}
SETS = {s.slug: s for s in BANK_DATA.sets}
CHECK_IN, CHECK_OUT = SETS["check-in"], SETS["check-out"]
CHECKS = [*CHECK_IN.questions, *CHECK_OUT.questions]
PRACTICE = [q for s in BANK_DATA.sets if s.role == "practice" for q in s.questions]
# Five words in a row from a sentence are a quotation of it, not a shared turn of phrase.
RUN = 5
WORD = re.compile(r"[\w$][\w$%,.'-]*")


def sentences_under(evidence: list[dict]) -> dict[tuple[str, str], str]:
    """Every article sentence that an evidence quote covers, by (article, sentence id)."""
    found = {}
    for item in evidence:
        for number, paragraph in enumerate(paragraphs_of(ARTICLES[item["article"]]), start=1):
            start = paragraph.find(item["quote"])
            if start < 0:
                continue
            end = start + len(item["quote"])
            for sentence in split_paragraph(paragraph, number):
                if sentence.start < end and start < sentence.end:
                    found[(item["article"], sentence.id)] = sentence.text
    return found


def sentences_shown(content: dict) -> set[tuple[str, str]]:
    """The sentences of an evidence passage or a grounding step, shown as choices."""
    shown = set()
    for step in (content.get("passage"), content.get("ground")):
        if step:
            first, last = step["paragraphs"]
            body = ARTICLES[step["article"]]
            shown |= {(step["article"], s.id) for s in passage_sentences(body, first, last)}
    return shown


def runs(text: str) -> set[tuple[str, ...]]:
    plain = text.lower().replace("’", "'").replace("‘", "'")
    words = [w.rstrip(".,'-") for w in WORD.findall(re.sub(r"[“”\"]", " ", plain))]
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def text_of(question) -> str:
    """What a student reads in a question and its feedback, besides the article's own text."""
    content = question.content
    texts = [content["prompt"], content["explanation"], content.get("quote", "")]
    if question.type != "evidence":  # an evidence question's choices are article sentences
        texts += [c["text"] for c in content.get("choices", [])]
    texts += [i["text"] for i in content.get("items", [])]
    return "\n".join(texts)


def answer_texts(question) -> list[str]:
    """The words of the right answer; article labels in brackets are left out."""
    content = question.content
    if question.type in ("single", "multiple"):
        right = content["answer"] if question.type == "multiple" else [content["answer"]]
        texts = [c["text"] for c in content["choices"] if c["id"] in right]
    elif question.type == "matching":
        texts = [i["text"] for i in content["items"]] + [c["text"] for c in content["choices"]]
    else:
        texts = []
    return [re.sub(r"\([^)]*\)", " ", t) for t in texts]


@pytest.mark.parametrize("check", CHECKS, ids=[q.key for q in CHECKS])
def test_no_practice_question_quotes_what_a_check_question_rests_on(check):
    rests_on = [*sentences_under(check.content["evidence"]).values(), *answer_texts(check)]
    theirs = set().union(*(runs(text) for text in rests_on))
    rehearsed = {
        p.key: " ".join(sorted(runs(text_of(p)) & theirs)[0])
        for p in PRACTICE
        if runs(text_of(p)) & theirs
    }
    assert rehearsed == {}, check.key


@pytest.mark.parametrize("check", CHECKS, ids=[q.key for q in CHECKS])
def test_no_practice_question_cites_a_sentence_a_check_question_rests_on(check):
    rests_on = set(sentences_under(check.content["evidence"]))
    citing = {p.key for p in PRACTICE if rests_on & set(sentences_under(p.content["evidence"]))}
    assert citing == set(), check.key


def test_going_over_the_check_in_does_not_give_the_check_out_away():
    def used(qset, with_passages):
        found = set()
        for q in qset.questions:
            found |= set(sentences_under(q.content["evidence"]))
            if with_passages:
                found |= sentences_shown(q.content)
        return found

    assert used(CHECK_IN, True) & used(CHECK_OUT, False) == set()
    assert used(CHECK_OUT, True) & used(CHECK_IN, False) == set()


def shape(question) -> tuple:
    """What must match position by position: skill, difficulty, format and true/false key."""
    content = question.content
    options = answers = None
    if question.type in ("single", "multiple", "matching"):
        options = len(content["choices"])
        answers = len(content["answer"]) if question.type != "single" else 1
    return (
        question.kind,
        question.type,
        tuple(content["skills"]),
        content["difficulty"],
        "ground" in content,
        content["answer"] if question.type == "true_false" else None,
        options,
        answers,
    )


def test_check_in_and_check_out_are_parallel_position_by_position():
    assert (CHECK_IN.role, CHECK_OUT.role) == ("check-in", "check-out")
    assert 8 <= len(CHECK_IN.questions) == len(CHECK_OUT.questions) <= 10
    assert {q.kind for q in CHECK_IN.questions} == {
        "attribution",
        "figures",
        "corroboration",
        "sources",
    }
    for a, b in zip(CHECK_IN.questions, CHECK_OUT.questions, strict=True):
        assert shape(a) == shape(b), (a.key, b.key)
        assert a.content["prompt"] != b.content["prompt"]
