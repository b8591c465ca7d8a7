"""The question bank is true to the articles: checks on its content, not only its format."""

import re
from collections import Counter

import pytest

from quizapp.builder.sentences import paragraphs_of, split_paragraph
from quizapp.services.question_files import read_bank
from tests.conftest import BANK

BANK_DATA = read_bank(BANK)
ARTICLES = {a.slug: a.body for a in BANK_DATA.articles}
SETS = {s.slug: s for s in BANK_DATA.sets}
QUESTIONS = [q for s in BANK_DATA.sets for q in s.questions]
MINIMUM = {
    "who-said-what": ("attribution", 20),
    "figures-that-conflict": ("figures", 12),
    "corroborated-or-not": ("corroboration", 12),
    "reading-the-sources": ("sources", 10),
}
# Words that start a choice or a name without naming anyone.
NOT_NAMES = {
    "The",
    "A",
    "An",
    "Dr",
    "Mr",
    "Mrs",
    "Ms",
    "One",
    "Another",
    "Cuban",
    "Cuba",
    "Venezuelan",
    "Venezuela",
    "U.S",
    "US",
    "President",
    "Rep",
    "Sen",
    "His",
    "Her",
    "Its",
    "Their",
    "It",
    "New",
    "York",
    "Times",
    "Nobody",
    "No",
    "Both",
    "Neither",
    "Colombian",
    "Spanish",
    "American",
    "La",
    "El",
    "Human",
    "Rights",
    "Watch",
    "Red",
    "Cross",
    "Socialist",
    "Party",
    "Havana",
    "Caracas",
    "Chile",
    "Ecuador",
    "Brazil",
}
YEAR = re.compile(r"^(19|20)\d\d$")
FIGURE = re.compile(r"\$?\d[\d,]*(?:\.\d+)?%?")


def test_the_bank_loads_without_a_problem():
    assert BANK_DATA.problems == []
    assert not any(slug.startswith("starter-") for slug in SETS)


@pytest.mark.parametrize(("slug", "kind_and_minimum"), MINIMUM.items())
def test_each_practice_set_has_enough_questions_of_its_kind(slug, kind_and_minimum):
    kind, minimum = kind_and_minimum
    questions = SETS[slug].questions
    assert sum(q.kind == kind for q in questions) >= minimum
    assert SETS[slug].role == "practice"


# Taken out of their sets (questions/CHANGELOG.md says why). The database keeps them for the
# attempts that used them, so an id is never given to a new question.
RETIRED = {
    "wsw-002",
    "wsw-029",
    "fig-006",
    "cor-002",
    *(f"cin-{n:03d}" for n in range(2, 10)),
    *(f"cout-{n:03d}" for n in range(1, 10)),
    *(f"opn-{n:03d}" for n in range(5, 8)),  # now the highlight questions opn-010 to opn-012
}


def test_ids_of_the_first_bank_are_kept_and_retired_ids_are_not_reused():
    keys = {q.key for q in QUESTIONS}
    first = {f"{prefix}-{n:03d}" for prefix in ("wsw", "fig", "src") for n in range(1, 10)}
    assert first - RETIRED <= keys
    assert keys & RETIRED == set()


def test_every_question_has_skills_difficulty_and_an_explanation():
    for q in QUESTIONS:
        assert 1 <= len(q.content["skills"]) <= 3, q.key
        assert q.content["difficulty"] in ("easy", "medium", "hard"), q.key
        assert len(q.content["explanation"]) > 60, q.key


def test_the_bank_uses_evidence_selection_and_grounding_steps():
    types = Counter(q.type for q in QUESTIONS)
    assert types["evidence"] >= 8
    assert sum("ground" in q.content for q in QUESTIONS) >= 8
    for q in QUESTIONS:
        if q.type == "evidence":
            assert 0 < len(q.content["answer"]) < len(q.content["choices"]), q.key


def name_tokens(text: str) -> set[str]:
    words = re.findall(r"[A-ZÁÉÍÓÚÑ][\w’'.-]+", text)
    return {w.rstrip(".") for w in words} - NOT_NAMES


def sentences_with(quote: str) -> list[str]:
    """Every sentence, in any article, that contains the quote or begins a part of it."""
    found = []
    for body in ARTICLES.values():
        for number, paragraph in enumerate(paragraphs_of(body), start=1):
            if quote in paragraph:
                start = paragraph.index(quote)
                found.extend(
                    s.text
                    for s in split_paragraph(paragraph, number)
                    if s.start <= start + len(quote) and start <= s.end
                )
    return found


ATTRIBUTED = [q for q in QUESTIONS if "quote" in q.content and q.type == "single"]


@pytest.mark.parametrize("question", ATTRIBUTED, ids=[q.key for q in ATTRIBUTED])
def test_the_correct_speaker_says_the_quote_and_no_distractor_does(question):
    content = question.content
    texts = {c["id"]: c["text"] for c in content["choices"]}
    evidence = " ".join(e["quote"] for e in content["evidence"])
    assert content["quote"] in evidence or any(
        content["quote"] in ARTICLES[e["article"]] for e in content["evidence"]
    )
    names = name_tokens(texts[content["answer"]])
    if names:  # a named speaker: the name is in the evidence (a pronoun is resolved there)
        assert names & name_tokens(evidence), (question.key, names)
    around = " ".join(sentences_with(content["quote"]))
    assert around, question.key
    for choice_id, text in texts.items():
        if choice_id != content["answer"]:
            wrong = name_tokens(text) - names
            assert not (wrong and wrong <= name_tokens(around)), (question.key, text)


def figures_in(text: str) -> list[str]:
    figures = (f.rstrip(",.") for f in FIGURE.findall(text))
    return [f for f in figures if not YEAR.match(f) and f.strip("$%")]


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.key for q in QUESTIONS])
def test_every_figure_a_question_shows_appears_in_an_article_as_written(question):
    corpus = "\n".join(ARTICLES.values())
    content = question.content
    texts = [content["prompt"], content["explanation"]]
    texts += [c["text"] for c in content.get("choices", [])]
    texts += [i["text"] for i in content.get("items", [])]
    for text in texts:
        for figure in figures_in(text):
            assert re.search(rf"(?<![\d,]){re.escape(figure)}(?![\d])", corpus), (
                question.key,
                figure,
            )


# A choice named by its letter: students see no letters, and printed choices are reordered.
LETTER = re.compile(
    r"(?<![\w’'‘“])[b-fB-F](?![\w’'”])|\b(?:option|choice|answer)s?\s+\(?[aA]\)?(?![\w’'])",
    re.IGNORECASE,
)


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.key for q in QUESTIONS])
def test_explanations_name_a_choice_by_its_words_not_its_letter(question):
    assert LETTER.findall(question.content["explanation"]) == [], question.key


@pytest.mark.parametrize("slug", SETS)
def test_true_and_false_keys_are_balanced_within_each_set(slug):
    keys = Counter(q.content["answer"] for q in SETS[slug].questions if q.type == "true_false")
    assert abs(keys["true"] - keys["false"]) <= 1, (slug, dict(keys))
