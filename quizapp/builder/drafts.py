"""Drafting question sets in the bank's format from an extraction, for a teacher to review."""

from __future__ import annotations

import re
import zlib
from typing import Any

from quizapp.builder.articles import Article
from quizapp.builder.sentences import paragraphs_of
from quizapp.builder.speakers import TITLES
from quizapp.builder.text import fold, sentence_spans

MAX_ATTRIBUTION = 12
MAX_FIGURES = 8
MAX_CLAIMS = 8
LETTERS = "abcd"
TITLE_WORDS = frozenset(fold(t) for t in TITLES.split("|") if " " not in t)


def draft_set(articles: list[Article], extraction: dict[str, Any], slug: str) -> dict[str, Any]:
    """One draft set: who said what, figures and corroboration, with exact evidence spans."""
    by_file = {a.file: a for a in articles}
    questions: list[dict[str, Any]] = []
    questions += _attribution(by_file, extraction["quotes"])[:MAX_ATTRIBUTION]
    questions += _figures(by_file, extraction["figures"])[:MAX_FIGURES]
    questions += _corroboration(by_file, extraction["claims"])[:MAX_CLAIMS]
    by_slug = {a.slug: a for a in articles}
    questions = [with_ground(q, by_slug) for q in questions]
    for number, question in enumerate(questions, start=1):
        question["id"] = f"{slug}-{number:03d}"
        questions[number - 1] = {"id": question.pop("id"), **question}
    names = ", ".join(_label(a) for a in articles)
    return {
        "slug": slug,
        "title": "Draft: who said what, figures and corroboration",
        "description": (
            f"Drafted automatically from {len(articles)} articles ({names}). Review every "
            "question, its answer and its distractors before publishing."
        ),
        "objective": (
            "Students can tell who said a quote, what a figure counts, and whether a claim is "
            "confirmed by independent sources."
        ),
        "minutes": max(5, len(questions)),
        "role": "practice",
        "questions": questions,
    }


def _label(article: Article) -> str:
    return f"“{article.title}”" if article.title else article.file


def _short(text: str, words: int = 18) -> str:
    parts = " ".join(text.split()).strip(" ,")
    tokens = parts.split()
    return parts if len(tokens) <= words else " ".join(tokens[:words]) + " …"


def _sentence_around(body: str, start: int, end: int) -> str:
    """The sentences that hold body[start:end], as an exact span of the body."""
    spans = sentence_spans(body)
    first = next((s for s in spans if s.start <= start < s.end), None)
    last = next((s for s in spans if s.start < end <= s.end), None)
    if first is None or last is None or "\n\n" in body[first.start : last.end]:
        return body[start:end]
    return body[first.start : last.end]


def _attribution(by_file: dict[str, Article], quotes: list[dict]) -> list[dict]:
    person = _people([q["speaker"] for q in quotes if q["speaker"]])
    speakers: dict[str, str] = {}  # one key per person, shown by the fullest of their names
    said: dict[str, set[str]] = {}
    for quote in quotes:
        if quote["speaker"]:
            key = person[quote["speaker"]]
            if len(quote["speaker"]) > len(speakers.get(key, "")):
                speakers[key] = quote["speaker"]
            said.setdefault(_words_key(quote["text"]), set()).add(key)
    questions, asked = [], set()
    for quote in sorted(quotes, key=lambda q: -len(q["text"])):
        text = quote["text"]
        # The same words quoted in two articles are asked once.
        if not quote["speaker"] or len(text.split()) < 6 or _words_key(text) in asked:
            continue
        asked.add(_words_key(text))
        answer = person[quote["speaker"]]
        others = [k for k in speakers if k not in said[_words_key(text)]]
        if not others:
            continue
        # Distractors of the answer's kind first, in an order each quote varies but that is the
        # same on every run.
        distractors = sorted(
            others, key=lambda k: (_kind(k) != _kind(answer), zlib.crc32(f"{text}|{k}".encode()))
        )[:3]
        options = sorted([answer, *distractors])
        article = by_file[quote["article"]]
        evidence = _sentence_around(article.body, quote["start"] - 1, quote["end"] + 1)
        questions.append(
            {
                "kind": "attribution",
                "type": "single",
                "skills": ["quote-to-speaker"],
                "difficulty": "medium",
                "prompt": f"In {_label(article)}, who said: “{_short(text)}”?",
                "quote": text,
                "choices": [{"id": LETTERS[i], "text": speakers[k]} for i, k in enumerate(options)],
                "answer": LETTERS[options.index(answer)],
                "explanation": (
                    f"The article attributes these words to {speakers[answer]}. The other "
                    "choices are people or sources quoted in these articles who never said "
                    "them: read the attribution next to the quote (“said …”, “he said”) and "
                    "work out who a pronoun points back to."
                ),
                "evidence": [{"article": article.slug, "quote": evidence}],
            }
            | (
                _check(
                    quote.get("inferred", False),
                    "no verb of saying gives these words to anyone: the speaker was read as "
                    "the subject of their sentence, so check who said them.",
                )
                or _check(
                    speakers[answer][:1].islower(),
                    f"the speaker is a description ({speakers[answer]}): check that the "
                    "article names no one for these words.",
                )
            )
        )
    return questions


def _check(doubtful: bool, why: str) -> dict[str, str]:
    """A note for the teacher on a drafted question whose key rests on an uncertain reading."""
    return {"check": why} if doubtful else {}


def _numbers(text: str) -> set[str]:
    return {_number_of(n) for n in re.findall(r"\d[\d,.]*", text)}


def _number_of(text: str) -> str:
    digits = re.search(r"\d[\d,.]*", text)
    return digits.group().replace(",", "").rstrip(".") if digits else text


def with_ground(question: dict[str, Any], by_slug: dict[str, Article]) -> dict[str, Any]:
    """The question with its "which sentence shows it?" step: the paragraph of its first
    evidence and the ones either side, when the evidence lies in one paragraph."""
    evidence = question["evidence"][0]
    article = by_slug.get(evidence.get("article", ""))
    if article is None or not evidence.get("quote"):
        return question  # the bank's checks name the unknown article
    paragraphs = paragraphs_of(article.body)
    number = next((n for n, p in enumerate(paragraphs, 1) if evidence["quote"] in p), None)
    if number is None:
        return question
    span = [max(1, number - 1), min(len(paragraphs), number + 1)]
    return question | {"ground": {"article": article.slug, "paragraphs": span}}


def _people(names: list[str]) -> dict[str, str]:
    """Each speaker's name mapped to one key per person: "Mayor Jane Doe", "Jane Doe" and "Doe"
    are one person when the shorter names' words are all in the longest."""
    bare = {name: _bare(name) for name in names}
    longest = sorted(set(bare.values()), key=lambda b: -len(b.split()))
    key = {}
    for name, words in bare.items():
        split = words.split()
        key[name] = next(
            (
                full
                for full in longest
                if split and set(split) <= set(full.split()) and split[-1] == full.split()[-1]
            ),
            words,
        )
    return key


def _bare(name: str) -> str:
    """A name folded, without "the" and without titles before it."""
    words = fold(name).removeprefix("the ").split()
    while len(words) > 1 and words[0].rstrip(".") in TITLE_WORDS:
        words = words[1:]
    return " ".join(words)


def _words_key(text: str) -> str:
    """The words of a quotation, without case, accents or punctuation."""
    return " ".join(re.findall(r"\w+", fold(text)))


def _kind(key: str) -> bool:
    """Whether a speaker key names a person (capitalised words) rather than a descriptor."""
    return bool(re.match(r"^[a-z]+ [a-z]", key)) and " " not in key[:3]


def _figures(by_file: dict[str, Article], figures: list[dict]) -> list[dict]:
    questions, used = [], set()
    for figure in figures:
        if not figure["unit"] or figure["text"] in used:
            continue
        distractors = []
        for other in figures:
            if (
                other["value"] != figure["value"]
                and other["text"] not in distractors
                and other["text"] != figure["text"]
                and (other["unit"] == figure["unit"] or len(distractors) < 1)
            ):
                distractors.append(other["text"])
        distractors = [d for d in distractors if d not in used][:3] or distractors[:3]
        if len(distractors) < 2:
            continue
        used.add(figure["text"])
        article = by_file[figure["article"]]
        options = sorted([figure["text"], *distractors])
        blanked = figure["sentence"].replace(figure["text"], "____", 1)
        if _number_of(figure["text"]) in _numbers(blanked):
            continue  # the sentence gives the answer away: "30,000 … ____ (30,000)"
        questions.append(
            {
                "kind": "figures",
                "type": "single",
                "skills": ["figure-meaning"],
                "difficulty": "medium",
                "prompt": f"In {_label(article)}, which figure fills the gap? “{blanked}”",
                "choices": [{"id": LETTERS[i], "text": t} for i, t in enumerate(options)],
                "answer": LETTERS[options.index(figure["text"])],
                "explanation": (
                    f"The article gives {figure['text']}{_measuring(figure)} here. The other "
                    "numbers appear in these articles too, but they count or measure something "
                    "else: check what a number is attached to, for which period and place."
                ),
                "evidence": [{"article": article.slug, "quote": figure["sentence"]}],
            }
            | _check(
                not figure["measures"],
                "what the figure counts was not found: check that the other choices count "
                "other things.",
            )
        )
    return questions


def _measuring(figure: dict) -> str:
    """What the figure measures, once a person has said so (the found phrase can be rough)."""
    return f" for {figure['measures']}" if figure.get("checked") and figure["measures"] else ""


def _corroboration(by_file: dict[str, Article], claims: list[dict]) -> list[dict]:
    questions = []
    for claim in claims:
        labels = ", ".join(_label(by_file[f]) for f in claim["articles"])
        questions.append(
            {
                "kind": "corroboration",
                "type": "true_false",
                "skills": ["corroboration"],
                "difficulty": "hard",
                "prompt": (
                    f"True or false: the claim “{_short(claim['claim'], 30)}” is confirmed "
                    "independently by more than one of these articles."
                ),
                "answer": bool(claim["independent"]),
                "explanation": (
                    f"The claim appears in {labels}. {claim['reason']} A claim repeated from one "
                    "source is not confirmed twice: look for “according to …”, “… reported”, an "
                    "agency's name in the dateline, or the same words in two articles."
                ),
                "evidence": [
                    {"article": by_file[f].slug, "quote": sentence}
                    for f, sentence in claim["evidence"].items()
                ],
            }
            | _check(
                any(s in claim["reason"] for s in ("different figures", "repeats the words")),
                f"the key rests on this reading of the articles: {claim['reason']}",
            )
        )
    return questions
